// The deployment controller with the real ReplicaSet controller: pods come and go, the test only marks them Ready.
import { rfc3339 } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import { deploymentController } from './deployment.js';
import { replicaSetController } from '../replicaset/replicaset.js';
import { deploymentFixture, getDeployment, replicaSetsOf, setImage, testbedPerTest, watchReplicaSets } from './deployment-test-kit.js';

const tb = testbedPerTest(() => [deploymentController(), replicaSetController()]);

async function pods(): Promise<KubeObject[]> {
  return (await tb.client.list('v1', 'pods', 'default')).items;
}

function imageOfPod(pod: KubeObject): string {
  return (pod.spec as { containers: { image: string }[] }).containers[0].image;
}

/** The kubelet's part: every pod not yet Ready starts running and turns Ready now. */
async function markPodsReady(): Promise<void> {
  const now = rfc3339(tb.clock.now());
  for (const pod of await pods()) {
    const conditions = (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
    const ready = conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    if (ready || pod.metadata.deletionTimestamp) continue;
    const status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] };
    await tb.client.update('v1', 'pods', 'default', { ...pod, status }, { subresource: 'status' });
  }
  await tb.settle();
}

test('a rolling update with real ReplicaSets and pods, minReadySeconds counted on the virtual clock', async () => {
  const fixture = deploymentFixture('web', {
    replicas: 4,
    maxSurge: 1,
    maxUnavailable: 1,
    image: 'app:1',
    extraSpec: { minReadySeconds: 5 },
  });
  await tb.client.create('apps/v1', 'deployments', 'default', fixture);
  await tb.settle();
  expect((await pods()).length).toBe(4);
  await markPodsReady();
  // Ready is not yet available: minReadySeconds has to pass first.
  expect((await getDeployment(tb, 'web')).status?.availableReplicas).toBeUndefined();
  await tb.advance(5000);
  expect((await getDeployment(tb, 'web')).status).toMatchObject({ replicas: 4, readyReplicas: 4, availableReplicas: 4 });

  const watch = await watchReplicaSets(tb, 'web');
  await setImage(tb, 'web', 'app:2');
  for (let step = 0; step < 20; step++) {
    const d = await getDeployment(tb, 'web');
    if (d.status?.updatedReplicas === 4 && d.status?.availableReplicas === 4 && d.status?.replicas === 4) break;
    await markPodsReady();
    await tb.advance(5000);
  }
  watch.stop();
  expect(Math.max(...watch.totals)).toBe(5);
  const losses = watch.available.filter((n, i) => i > 0 && n < watch.available[i - 1]);
  expect(Math.min(...losses)).toBeGreaterThanOrEqual(3);

  const remaining = await pods();
  expect(remaining.map(imageOfPod)).toEqual(['app:2', 'app:2', 'app:2', 'app:2']);
  const rss = await replicaSetsOf(tb, 'web');
  expect(rss.map((rs) => [rs.spec.replicas, rs.status?.replicas ?? 0, rs.spec.minReadySeconds])).toEqual([
    [0, 0, 5],
    [4, 4, 5],
  ]);
  const d = await getDeployment(tb, 'web');
  expect(d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  expect(tb.errors).toEqual([]);
});
