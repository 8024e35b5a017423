// Pausing and resuming, revision history cleanup, and the progress deadline on the virtual clock.
import { deploymentController } from './deployment.js';
import {
  createAvailable,
  deploymentFixture,
  FakeReplicaSetController,
  getDeployment,
  imageOf,
  patchSpec,
  replicaSetsOf,
  setImage,
  testbedPerTest,
} from './deployment-test-kit.js';
import type { Deployment } from './deployment-util.js';

const tb = testbedPerTest(() => [deploymentController()]);
const rsc = new FakeReplicaSetController(tb);

function progressing(d: Deployment): [string, string | undefined, string | undefined] | undefined {
  const c = d.status?.conditions?.find((cond) => cond.type === 'Progressing');
  return c && [c.status, c.reason, c.message];
}

/** Records the Progressing reason each time the deployment's stored status changes it. */
async function watchProgressingReasons(name: string): Promise<{ reasons: string[]; stop(): void }> {
  const reasons: string[] = [];
  // Long enough to outlive the hour the test spends paused (the server ends watches at their timeout).
  const handle = await tb.client.watch('apps/v1', 'deployments', 'default', { timeoutSeconds: 86_400 }, (event) => {
    const d = event.object as Deployment;
    if (d.metadata.name !== name) return;
    const reason = progressing(d)?.[1];
    if (reason && reasons[reasons.length - 1] !== reason) reasons.push(reason);
  });
  return { reasons, stop: () => handle.stop() };
}

test('a paused deployment scales but does not roll out; resuming rolls out', async () => {
  await createAvailable(tb, rsc, 'web', { replicas: 3, image: 'app:1' });
  const watch = await watchProgressingReasons('web');
  await patchSpec(tb, 'web', { paused: true });
  expect(progressing(await getDeployment(tb, 'web'))).toEqual(['Unknown', 'DeploymentPaused', 'Deployment is paused']);

  await setImage(tb, 'web', 'app:2');
  await patchSpec(tb, 'web', { replicas: 5 });
  expect((await replicaSetsOf(tb, 'web')).map((rs) => [imageOf(rs), rs.spec.replicas])).toEqual([['app:1', 5]]);
  const paused = await getDeployment(tb, 'web');
  expect(paused.status?.observedGeneration).toBe(paused.metadata.generation);

  // However long it stays paused, the deadline is not running.
  await tb.advance(3600_000);
  expect(progressing(await getDeployment(tb, 'web'))?.[1]).toBe('DeploymentPaused');

  await patchSpec(tb, 'web', { paused: false });
  expect((await replicaSetsOf(tb, 'web')).map(imageOf)).toEqual(['app:1', 'app:2']);
  watch.stop();
  expect(watch.reasons).toEqual(['NewReplicaSetAvailable', 'DeploymentPaused', 'DeploymentResumed', 'NewReplicaSetCreated']);
  expect(tb.errors).toEqual([]);
});

test('revisionHistoryLimit keeps only that many scaled-down old ReplicaSets', async () => {
  await createAvailable(tb, rsc, 'web', { replicas: 2, image: 'app:1', extraSpec: { revisionHistoryLimit: 1 } });
  for (const image of ['app:2', 'app:3', 'app:4']) {
    await setImage(tb, 'web', image);
    for (let step = 0; step < 10; step++) {
      await rsc.podsCreated('web');
      await rsc.podsReady('web');
    }
    await tb.advance(1000);
  }
  const rss = await replicaSetsOf(tb, 'web');
  expect(rss.map((rs) => [imageOf(rs), rs.spec.replicas, rs.metadata.annotations?.['deployment.kubernetes.io/revision']])).toEqual([
    ['app:3', 0, '3'],
    ['app:4', 2, '4'],
  ]);
  expect(tb.errors).toEqual([]);
});

test('an old ReplicaSet whose pods are not gone yet is kept past the history limit', async () => {
  await createAvailable(tb, rsc, 'web', { replicas: 1, image: 'app:1', extraSpec: { revisionHistoryLimit: 0 } });
  await setImage(tb, 'web', 'app:2');
  const [oldRS, newRS] = await replicaSetsOf(tb, 'web');
  await rsc.setStatus(newRS.metadata.name!, () => ({ replicas: 1, ready: 1, available: 1 }));
  await tb.settle();
  // Scaled to zero, but its controller still reports a pod: not deleted yet.
  expect((await replicaSetsOf(tb, 'web')).map((rs) => rs.spec.replicas)).toEqual([0, 1]);
  await rsc.setStatus(oldRS.metadata.name!, () => ({ replicas: 0, ready: 0, available: 0 }));
  await tb.settle();
  expect((await replicaSetsOf(tb, 'web')).map((rs) => rs.metadata.name)).toEqual([newRS.metadata.name]);
  expect(tb.errors).toEqual([]);
});

test('no progress within progressDeadlineSeconds is reported exactly when the deadline passes', async () => {
  await tb.client.create('apps/v1', 'deployments', 'default', deploymentFixture('web', { replicas: 2, extraSpec: { progressDeadlineSeconds: 60 } }));
  await tb.settle();
  await rsc.podsCreated('web');
  const [rs] = await replicaSetsOf(tb, 'web');
  expect(progressing(await getDeployment(tb, 'web'))).toEqual(['True', 'ReplicaSetUpdated', `ReplicaSet "${rs.metadata.name}" is progressing.`]);

  // The deadline is "more than 60s since the last progress"; the controller looks again a second after it.
  await tb.advance(60_000);
  expect(progressing(await getDeployment(tb, 'web'))?.[1]).toBe('ReplicaSetUpdated');
  await tb.advance(1000);
  const timedOut = await getDeployment(tb, 'web');
  expect(progressing(timedOut)).toEqual(['False', 'ProgressDeadlineExceeded', `ReplicaSet "${rs.metadata.name}" has timed out progressing.`]);
  expect(timedOut.status?.conditions?.find((c) => c.type === 'Progressing')?.lastTransitionTime).toBe('2026-01-01T00:01:01Z');

  // The controller keeps working on a failed rollout: once pods turn up available it completes.
  await rsc.podsReady('web');
  expect(progressing(await getDeployment(tb, 'web'))).toEqual([
    'True',
    'NewReplicaSetAvailable',
    `ReplicaSet "${rs.metadata.name}" has successfully progressed.`,
  ]);
  expect(tb.errors).toEqual([]);
});

test('progress resets the deadline: each step moves lastUpdateTime', async () => {
  await tb.client.create('apps/v1', 'deployments', 'default', deploymentFixture('web', { replicas: 2, extraSpec: { progressDeadlineSeconds: 60 } }));
  await tb.settle();
  await tb.advance(50_000);
  await rsc.podsCreated('web');
  await tb.advance(50_000);
  const [rs] = await replicaSetsOf(tb, 'web');
  await rsc.setStatus(rs.metadata.name!, () => ({ replicas: 2, ready: 1, available: 1 }));
  await tb.settle();
  await tb.advance(50_000);
  const d = await getDeployment(tb, 'web');
  expect(progressing(d)?.[1]).toBe('ReplicaSetUpdated');
  expect(d.status?.conditions?.find((c) => c.type === 'Progressing')?.lastUpdateTime).toBe('2026-01-01T00:01:40Z');
  await tb.advance(11_000);
  expect(progressing(await getDeployment(tb, 'web'))?.[1]).toBe('ProgressDeadlineExceeded');
});
