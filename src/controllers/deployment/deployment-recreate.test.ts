// The Recreate strategy: old ReplicaSets go to zero and their pods must be gone before the new ReplicaSet starts.
import type { KubeObject } from '../../meta/types.js';
import { deploymentController } from './deployment.js';
import {
  deploymentFixture,
  eventMessages,
  FakeReplicaSetController,
  imageOf,
  replicaSetsOf,
  setImage,
  testbedPerTest,
} from './deployment-test-kit.js';
import type { ReplicaSet } from './deployment-util.js';

const tb = testbedPerTest(() => [deploymentController()]);
const rsc = new FakeReplicaSetController(tb);

/** A pod of the ReplicaSet, in the given phase, as its controller and the kubelet would have left it. */
async function podOf(rs: ReplicaSet, name: string, phase: string): Promise<void> {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      labels: { ...rs.spec.template!.metadata!.labels! },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name!, uid: rs.metadata.uid!, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: { containers: [{ name: 'app', image: imageOf(rs) }] },
  };
  const created = await tb.client.create('v1', 'pods', 'default', pod);
  await tb.client.update('v1', 'pods', 'default', { ...created, status: { phase } }, { subresource: 'status' });
}

test('Recreate scales the old ReplicaSet to zero and starts the new one only once no old pod runs', async () => {
  await tb.client.create('apps/v1', 'deployments', 'default', deploymentFixture('web', { replicas: 3, strategy: 'Recreate', image: 'app:1' }));
  await tb.settle();
  await rsc.podsReady('web');
  const [oldRS] = await replicaSetsOf(tb, 'web');
  await podOf(oldRS, 'web-old-running', 'Running');
  await tb.advance(1000);

  await setImage(tb, 'web', 'app:2');
  // Scaled down first, and no new ReplicaSet while the old one still reports pods.
  expect((await replicaSetsOf(tb, 'web')).map((rs) => [imageOf(rs), rs.spec.replicas])).toEqual([['app:1', 0]]);

  await rsc.podsCreated('web');
  // Its status says zero, but a pod of it still runs: still no new ReplicaSet.
  expect((await replicaSetsOf(tb, 'web')).map(imageOf)).toEqual(['app:1']);

  // The last old pod goes away, and that alone wakes the deployment.
  await tb.client.delete('v1', 'pods', 'default', 'web-old-running');
  await tb.settle();
  const [, newRS] = await replicaSetsOf(tb, 'web');
  expect([imageOf(newRS), newRS.spec.replicas]).toEqual(['app:2', 3]);
  expect(newRS.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '2', 'deployment.kubernetes.io/max-replicas': '3' });
  expect(await eventMessages(tb, 'web', 'ScalingReplicaSet')).toEqual([
    `Scaled up replica set ${oldRS.metadata.name} from 0 to 3`,
    `Scaled down replica set ${oldRS.metadata.name} from 3 to 0`,
    `Scaled up replica set ${newRS.metadata.name} from 0 to 3`,
  ]);

  await rsc.podsReady('web');
  const d = await tb.client.get('apps/v1', 'deployments', 'default', 'web');
  expect(d.status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
  expect(tb.errors).toEqual([]);
});

test('a finished old pod does not hold a Recreate rollout back', async () => {
  await tb.client.create('apps/v1', 'deployments', 'default', deploymentFixture('web', { replicas: 2, strategy: 'Recreate', image: 'app:1' }));
  await tb.settle();
  await rsc.podsReady('web');
  await podOf((await replicaSetsOf(tb, 'web'))[0], 'web-old-done', 'Succeeded');
  await setImage(tb, 'web', 'app:2');
  await rsc.podsCreated('web');
  expect((await replicaSetsOf(tb, 'web')).map((rs) => [imageOf(rs), rs.spec.replicas])).toEqual([
    ['app:1', 0],
    ['app:2', 2],
  ]);
  expect(tb.errors).toEqual([]);
});

test('Recreate never has old and new pods wanted at once', async () => {
  await tb.client.create('apps/v1', 'deployments', 'default', deploymentFixture('web', { replicas: 4, strategy: 'Recreate', image: 'app:1' }));
  await tb.settle();
  await rsc.podsReady('web');
  for (const image of ['app:2', 'app:3']) {
    await setImage(tb, 'web', image);
    for (let step = 0; step < 5; step++) {
      const rss = await replicaSetsOf(tb, 'web');
      expect(rss.filter((rs) => (rs.spec.replicas ?? 0) > 0 || (rs.status?.replicas ?? 0) > 0).length).toBeLessThanOrEqual(1);
      await rsc.podsCreated('web');
      await rsc.podsReady('web');
    }
    const rss = await replicaSetsOf(tb, 'web');
    expect(rss.map((rs) => rs.spec.replicas)).toEqual([...rss.slice(0, -1).map(() => 0), 4]);
    expect(imageOf(rss[rss.length - 1])).toBe(image);
  }
  expect(tb.errors).toEqual([]);
});
