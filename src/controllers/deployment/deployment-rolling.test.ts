// RollingUpdate step by step: surge and unavailability bounds at every write, percents, proportional scaling, rollbacks.
import { deploymentController } from './deployment.js';
import {
  createAvailable,
  deploymentFixture,
  eventMessages,
  FakeReplicaSetController,
  getDeployment,
  imageOf,
  replicaSetsOf,
  setImage,
  testbedPerTest,
  watchReplicaSets,
} from './deployment-test-kit.js';
import { podTemplateHashLabel, type ReplicaSet } from './deployment-util.js';

const tb = testbedPerTest(() => [deploymentController()]);
const rsc = new FakeReplicaSetController(tb);

function sizes(rss: ReplicaSet[]): [string, number][] {
  return rss.map((rs) => [imageOf(rs), rs.spec.replicas ?? 1]);
}

/**
 * Plays pods being created, then becoming available, until the rollout completes; every write to a ReplicaSet is
 * checked against the bounds: never more than desired+surge pods asked for, and no pod taken away from service when
 * that leaves fewer than desired-unavailable serving (right after scaling up, fewer may serve: they are still coming).
 */
async function rollToCompletion(name: string, desired: number, surge: number, unavailable: number): Promise<number> {
  const watch = await watchReplicaSets(tb, name);
  let steps = 0;
  for (; steps < 100; steps++) {
    const d = await getDeployment(tb, name);
    const rss = await replicaSetsOf(tb, name);
    const done = d.status?.updatedReplicas === desired && d.status?.availableReplicas === desired && rss.slice(0, -1).every((rs) => rs.spec.replicas === 0);
    if (done) break;
    await rsc.podsCreated(name);
    await rsc.podsReady(name);
    await tb.advance(1000);
  }
  watch.stop();
  expect(Math.max(...watch.totals)).toBeLessThanOrEqual(desired + surge);
  const losses = watch.available.filter((n, i) => i > 0 && n < watch.available[i - 1]);
  expect(losses.length).toBeGreaterThan(0);
  expect(Math.min(...losses)).toBeGreaterThanOrEqual(desired - unavailable);
  // The bounds are reached, not just respected: the rollout uses all the room it is given.
  expect(watch.totals).toContain(desired + surge);
  return steps;
}

test('maxSurge 3 / maxUnavailable 2 of 10: each step as upstream takes it, within both bounds throughout', async () => {
  await createAvailable(tb, rsc, 'web', { replicas: 10, maxSurge: 3, maxUnavailable: 2, image: 'app:1' });
  const watch = await watchReplicaSets(tb, 'web');
  await setImage(tb, 'web', 'app:2');
  // The new ReplicaSet starts at the surge, the old one gives up what is available beyond the minimum, and the new
  // one takes up the room that frees; nothing more moves while the new pods are not available.
  expect(sizes(await replicaSetsOf(tb, 'web'))).toEqual([
    ['app:1', 8],
    ['app:2', 5],
  ]);
  const [oldRS, newRS] = await replicaSetsOf(tb, 'web');
  expect(await eventMessages(tb, 'web', 'ScalingReplicaSet')).toEqual([
    `Scaled up replica set ${oldRS.metadata.name} from 0 to 10`,
    `Scaled up replica set ${newRS.metadata.name} from 0 to 3`,
    `Scaled down replica set ${oldRS.metadata.name} from 10 to 8`,
    `Scaled up replica set ${newRS.metadata.name} from 3 to 5`,
  ]);
  await rsc.podsCreated('web');
  expect(sizes(await replicaSetsOf(tb, 'web'))).toEqual([
    ['app:1', 8],
    ['app:2', 5],
  ]);
  // Three of the five new pods become available: three old ones may go, then two new ones come.
  await rsc.setStatus(newRS.metadata.name!, () => ({ replicas: 5, ready: 3, available: 3 }));
  await tb.settle();
  expect(sizes(await replicaSetsOf(tb, 'web'))).toEqual([
    ['app:1', 5],
    ['app:2', 8],
  ]);
  watch.stop();
  expect(Math.max(...watch.totals)).toBeLessThanOrEqual(13);
  expect(Math.min(...watch.available)).toBeGreaterThanOrEqual(8);

  await rollToCompletion('web', 10, 3, 2);
  expect(sizes(await replicaSetsOf(tb, 'web'))).toEqual([
    ['app:1', 0],
    ['app:2', 10],
  ]);
  const d = await getDeployment(tb, 'web');
  expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  expect(d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  expect(tb.errors).toEqual([]);
});

test('percentages: maxSurge rounds up and maxUnavailable rounds down', async () => {
  // 30% of 4 is 1.2: two surge pods, one unavailable pod.
  await createAvailable(tb, rsc, 'web', { replicas: 4, maxSurge: '30%', maxUnavailable: '30%', image: 'app:1' });
  await setImage(tb, 'web', 'app:2');
  expect(sizes(await replicaSetsOf(tb, 'web'))).toEqual([
    ['app:1', 3],
    ['app:2', 3],
  ]);
  await rollToCompletion('web', 4, 2, 1);
  expect(tb.errors).toEqual([]);
});

test('both fenceposts rounding to zero still let one pod be unavailable', async () => {
  // 10% of 4 rounds down to 0 and no surge is allowed, so the rollout goes one old pod down, one new pod up.
  await createAvailable(tb, rsc, 'web', { replicas: 4, maxSurge: '0%', maxUnavailable: '10%', image: 'app:1' });
  await setImage(tb, 'web', 'app:2');
  expect(sizes(await replicaSetsOf(tb, 'web'))).toEqual([
    ['app:1', 3],
    ['app:2', 1],
  ]);
  const steps = await rollToCompletion('web', 4, 0, 1);
  expect(steps).toBeGreaterThanOrEqual(3);
  expect(tb.errors).toEqual([]);
});

test('scaling mid-rollout spreads the new replicas in proportion, using the max-replicas annotation', async () => {
  await createAvailable(tb, rsc, 'web', { replicas: 10, maxSurge: 3, maxUnavailable: 2, image: 'app:1' });
  await setImage(tb, 'web', 'app:2');
  await rsc.podsCreated('web');
  const [oldRS, newRS] = await replicaSetsOf(tb, 'web');
  expect([oldRS.spec.replicas, newRS.spec.replicas]).toEqual([8, 5]);
  expect(newRS.metadata.annotations?.['deployment.kubernetes.io/max-replicas']).toBe('13');

  await tb.client.patch('apps/v1', 'deployments', 'default', 'web', 'merge', { spec: { replicas: 20 } });
  await tb.settle();
  // 23 may run now instead of 13: 8·23/13 ≈ 14 and 5·23/13 ≈ 9.
  const scaled = await replicaSetsOf(tb, 'web');
  expect(sizes(scaled)).toEqual([
    ['app:1', 14],
    ['app:2', 9],
  ]);
  for (const rs of scaled) {
    expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/desired-replicas': '20', 'deployment.kubernetes.io/max-replicas': '23' });
  }
  expect((await eventMessages(tb, 'web', 'ScalingReplicaSet')).slice(-2)).toEqual([
    `Scaled up replica set ${oldRS.metadata.name} from 8 to 14`,
    `Scaled up replica set ${newRS.metadata.name} from 5 to 9`,
  ]);
  await rollToCompletion('web', 20, 3, 2);
  expect(sizes(await replicaSetsOf(tb, 'web'))).toEqual([
    ['app:1', 0],
    ['app:2', 20],
  ]);
  expect(tb.errors).toEqual([]);
});

test('kubectl rollout undo (an old template copied back) reuses the old ReplicaSet with a bumped revision', async () => {
  await createAvailable(tb, rsc, 'web', { replicas: 2, maxSurge: 1, maxUnavailable: 0, image: 'app:1' });
  await setImage(tb, 'web', 'app:2');
  await rollToCompletion('web', 2, 1, 0);
  const [first, second] = await replicaSetsOf(tb, 'web');

  // What kubectl does client-side: the revision's template, minus its hash label, becomes the deployment's.
  const template = structuredClone(first.spec.template!);
  delete template.metadata!.labels![podTemplateHashLabel];
  const d = await getDeployment(tb, 'web');
  await tb.client.update('apps/v1', 'deployments', 'default', { ...d, spec: { ...d.spec, template } });
  await tb.settle();
  await rollToCompletion('web', 2, 1, 0);

  const rss = await replicaSetsOf(tb, 'web');
  expect(rss.map((rs) => rs.metadata.name)).toEqual([second.metadata.name, first.metadata.name]);
  const revived = rss[1];
  expect(revived.metadata.annotations).toMatchObject({
    'deployment.kubernetes.io/revision': '3',
    'deployment.kubernetes.io/revision-history': '1',
  });
  expect([rss[0].spec.replicas, revived.spec.replicas]).toEqual([0, 2]);
  expect((await getDeployment(tb, 'web')).metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  // Modern rollbacks are plain template changes: only scaling is reported.
  expect(await eventMessages(tb, 'web', 'DeploymentRollback')).toEqual([]);
  expect(tb.errors).toEqual([]);
});

test('the deprecated rollbackTo annotation rolls back server-side and is cleared', async () => {
  await createAvailable(tb, rsc, 'web', { replicas: 1, image: 'app:1' });
  await setImage(tb, 'web', 'app:2');
  await rollToCompletion('web', 1, 1, 0);
  await tb.client.patch('apps/v1', 'deployments', 'default', 'web', 'merge', {
    metadata: { annotations: { 'deprecated.deployment.rollback.to': '1' } },
  });
  await tb.settle();
  const d = await getDeployment(tb, 'web');
  expect(d.metadata.annotations?.['deprecated.deployment.rollback.to']).toBeUndefined();
  expect((d.spec.template?.spec?.containers as { image: string }[])[0].image).toBe('app:1');
  expect(await eventMessages(tb, 'web', 'DeploymentRollback')).toEqual(['Rolled back deployment "web" to revision 1']);
  await rollToCompletion('web', 1, 1, 0);
  expect((await replicaSetsOf(tb, 'web')).map(imageOf)).toEqual(['app:2', 'app:1']);
  expect(tb.errors).toEqual([]);
});
