// Disruption controller on the virtual clock: int and percent budgets, scale finders, disruptedPods expiry, failures.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import { rfc3339 } from '../../clock/clock.js';
import { disruptionController } from './disruption.js';
import { budget, createOwned, createPod, eventsAbout, getBudget, ns, setPodState, workload } from './disruption-test-kit.js';

let tb: ControllerTestbed;
/** Sync failures the controller logs; only the tests that provoke one expect any. */
let expectedErrors: string[];
const t0 = Date.UTC(2026, 0, 1);

beforeEach(async () => {
  tb = await startControllerTestbed([disruptionController()]);
  expectedErrors = [];
});

afterEach(async () => {
  await tb.close();
  expect(tb.errors.map(String)).toEqual(expectedErrors);
});

const createBudget = async (name: string, spec: Record<string, unknown>, labels?: Record<string, string>) => {
  await tb.client.create('policy/v1', 'poddisruptionbudgets', ns, budget(name, spec, labels));
  await tb.settle();
  return getBudget(tb.client, name);
};

const allowed = (status: boolean, at = t0, generation = 1) => [
  {
    type: 'DisruptionAllowed',
    status: status ? 'True' : 'False',
    observedGeneration: generation,
    lastTransitionTime: rfc3339(at),
    reason: status ? 'SufficientPods' : 'InsufficientPods',
    message: '',
  },
];

describe('integer budgets', () => {
  it('minAvailable counts the selected pods; an unready pod takes the allowed disruption away', async () => {
    for (const name of ['web-a', 'web-b', 'web-c']) await createPod(tb.client, name);
    await createPod(tb.client, 'other', { labels: { app: 'db' } });
    const pdb = await createBudget('web', { minAvailable: 2 });
    expect(pdb.status).toEqual({
      observedGeneration: 1,
      disruptionsAllowed: 1,
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
      conditions: allowed(true),
    });

    await tb.advance(30_000);
    await setPodState(tb.client, 'web-b', 'unready', tb.clock.now());
    await tb.settle();
    expect((await getBudget(tb.client, 'web')).status).toMatchObject({
      disruptionsAllowed: 0,
      currentHealthy: 2,
      desiredHealthy: 2,
      expectedPods: 3,
      conditions: allowed(false, t0 + 30_000),
    });
  });

  it('maxUnavailable scales against the pods\' controller, not the pods that happen to exist', async () => {
    const rs = await createOwned(tb.client, workload('apps/v1', 'ReplicaSet', 'web', 4));
    for (const name of ['web-a', 'web-b', 'web-c']) await createPod(tb.client, name, { owner: rs });
    const pdb = await createBudget('web', { maxUnavailable: 1 });
    // Four expected, three must stay: one pod is already missing, so nothing more may go.
    expect(pdb.status).toMatchObject({ disruptionsAllowed: 0, currentHealthy: 3, desiredHealthy: 3, expectedPods: 4 });

    await createPod(tb.client, 'web-d', { owner: rs });
    await tb.settle();
    expect((await getBudget(tb.client, 'web')).status).toMatchObject({ disruptionsAllowed: 1, currentHealthy: 4, desiredHealthy: 3, expectedPods: 4 });
  });

  it('a spec change bumps the generation, which the status observes', async () => {
    for (const name of ['web-a', 'web-b']) await createPod(tb.client, name);
    const pdb = await createBudget('web', { minAvailable: 1 });
    await tb.client.update('policy/v1', 'poddisruptionbudgets', ns, { ...pdb, spec: { ...(pdb.spec as object), minAvailable: 2 } });
    await tb.settle();
    const updated = await getBudget(tb.client, 'web');
    expect(updated.metadata.generation).toBe(2);
    expect(updated.status).toMatchObject({ observedGeneration: 2, disruptionsAllowed: 0, desiredHealthy: 2, conditions: allowed(false, t0, 2) });
  });

  it('a budget selecting nothing allows nothing and says so in an Event', async () => {
    const pdb = await createBudget('empty', { minAvailable: 0 }, { app: 'none' });
    expect(pdb.status).toEqual({ observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, conditions: allowed(false) });
    expect(await eventsAbout(tb.client, pdb)).toContain('Normal NoPods: No matching pods found (controllermanager)');
  });
});

describe('percent budgets', () => {
  it('minAvailable 50% of a Deployment found through its ReplicaSet rounds up', async () => {
    const deploy = await createOwned(tb.client, workload('apps/v1', 'Deployment', 'web', 5));
    const rs = await createOwned(tb.client, workload('apps/v1', 'ReplicaSet', 'web-abc', 5), deploy);
    for (const name of ['a', 'b', 'c', 'd', 'e']) await createPod(tb.client, `web-${name}`, { owner: rs });
    const pdb = await createBudget('web', { minAvailable: '50%' });
    expect(pdb.status).toMatchObject({ disruptionsAllowed: 2, currentHealthy: 5, desiredHealthy: 3, expectedPods: 5 });
  });

  it('maxUnavailable 25% of a StatefulSet and of a ReplicationController add up across controllers', async () => {
    const sts = await createOwned(tb.client, workload('apps/v1', 'StatefulSet', 'db', 4, { tier: 'x', app: 'db' }));
    const rc = await createOwned(tb.client, workload('v1', 'ReplicationController', 'cache', 4, { tier: 'x', app: 'cache' }));
    for (let i = 0; i < 4; i++) await createPod(tb.client, `db-${i}`, { owner: sts, labels: { tier: 'x', app: 'db' } });
    for (let i = 0; i < 4; i++) await createPod(tb.client, `cache-${i}`, { owner: rc, labels: { tier: 'x', app: 'cache' } });
    const pdb = await createBudget('tier', { maxUnavailable: '25%' }, { tier: 'x' });
    // 25% of 8 is 2 unavailable: 6 must stay healthy.
    expect(pdb.status).toMatchObject({ disruptionsAllowed: 2, currentHealthy: 8, desiredHealthy: 6, expectedPods: 8 });
  });

  it('unmanaged pods are left out of the expected count, with a warning Event', async () => {
    const rs = await createOwned(tb.client, workload('apps/v1', 'ReplicaSet', 'web', 2));
    await createPod(tb.client, 'web-a', { owner: rs });
    await createPod(tb.client, 'web-b', { owner: rs });
    await createPod(tb.client, 'stray');
    const pdb = await createBudget('web', { minAvailable: '100%' });
    expect(pdb.status).toMatchObject({ disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 2 });
    expect(await eventsAbout(tb.client, pdb)).toContain(
      'Warning UnmanagedPods: Pods selected by this PodDisruptionBudget (selector: &LabelSelector{MatchLabels:map[string]string{app: web,},' +
        'MatchExpressions:[]LabelSelectorRequirement{},}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated ' +
        'correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an ' +
        'integer value. (controllermanager)',
    );
  });

  it('a pod whose controller cannot be found fails the sync safe: nothing allowed, SyncFailed, an Event', async () => {
    const rs = await createOwned(tb.client, workload('apps/v1', 'ReplicaSet', 'web', 2));
    await createPod(tb.client, 'web-a', { owner: rs });
    await createPod(tb.client, 'web-b', { owner: rs });
    const ok = await createBudget('web', { maxUnavailable: '50%' });
    expect(ok.status).toMatchObject({ disruptionsAllowed: 1, conditions: allowed(true) });

    await tb.advance(5_000);
    // No garbage collector runs here: the pods outlive their ReplicaSet.
    await tb.client.delete('apps/v1', 'replicasets', ns, 'web');
    await setPodState(tb.client, 'web-a', 'ready', tb.clock.now());
    await tb.settle();
    const failed = await getBudget(tb.client, 'web');
    expect(failed.status).toMatchObject({
      disruptionsAllowed: 0,
      currentHealthy: 2,
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: 'False',
          observedGeneration: 1,
          lastTransitionTime: rfc3339(t0 + 5_000),
          reason: 'SyncFailed',
          message: 'found no controllers for pod "web-a"',
        },
      ],
    });
    expect(await eventsAbout(tb.client, failed)).toContain(
      'Warning CalculateExpectedPodCountFailed: Failed to calculate the number of expected pods: found no controllers for pod "web-a" (controllermanager)',
    );
    // The failed sync's own status write wakes the budget once more, which fails the same way (and writes nothing).
    expectedErrors = Array(2).fill('Error: found no controllers for pod "web-a"');
  });

  it('a controller of a kind without a scale subresource is upstream\'s error', async () => {
    const job = await createOwned(tb.client, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'batch', namespace: ns },
      spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers, restartPolicy: 'Never' } } },
    });
    await createPod(tb.client, 'batch-a', { owner: job });
    const pdb = await createBudget('web', { minAvailable: '50%' });
    expect((pdb.status as { conditions: { message: string }[] }).conditions[0]!.message).toBe('jobs.batch does not implement the scale subresource');
    expectedErrors = Array(2).fill('Error: jobs.batch does not implement the scale subresource');
  });
});

const containers = [{ name: 'app', image: 'busybox' }];

describe('disruptedPods', () => {
  it('keeps an evicted pod out of the healthy count until its deletion shows, for two minutes at most', async () => {
    for (const name of ['web-a', 'web-b', 'web-c']) await createPod(tb.client, name);
    const pdb = await createBudget('web', { minAvailable: 1 });
    // What an approved eviction writes before its delete (see registry/pod-eviction-budget.ts); here the delete never comes.
    const evictedAt = rfc3339(tb.clock.now());
    const status = { ...(pdb.status as object), disruptionsAllowed: 1, disruptedPods: { 'web-a': evictedAt, gone: evictedAt } };
    await tb.client.update('policy/v1', 'poddisruptionbudgets', ns, { ...pdb, status }, { subresource: 'status' });
    await tb.settle();
    // The entry of a pod that does not exist goes at once; web-a's waits for its deletion.
    expect((await getBudget(tb.client, 'web')).status).toMatchObject({ disruptedPods: { 'web-a': evictedAt }, currentHealthy: 2, disruptionsAllowed: 1 });

    await tb.advance(120_000);
    expect((await getBudget(tb.client, 'web')).status).toMatchObject({ disruptedPods: { 'web-a': evictedAt }, currentHealthy: 2 });
    await tb.advance(1);
    const expired = await getBudget(tb.client, 'web');
    expect(expired.status).toMatchObject({ currentHealthy: 3, disruptionsAllowed: 2 });
    expect((expired.status as Record<string, unknown>).disruptedPods).toBeUndefined();
    const podA = await tb.client.get('v1', 'pods', ns, 'web-a');
    expect(await eventsAbout(tb.client, podA)).toEqual([`Warning NotDeleted: Pod was expected by PDB ${ns}/${ns} to be deleted but it wasn't (controllermanager)`]);
  });

  it('drops the entry as soon as the pod is being deleted', async () => {
    for (const name of ['web-a', 'web-b']) await createPod(tb.client, name);
    const pdb = await createBudget('web', { minAvailable: 1 });
    const status = { ...(pdb.status as object), disruptionsAllowed: 0, disruptedPods: { 'web-a': rfc3339(tb.clock.now()) } };
    await tb.client.update('policy/v1', 'poddisruptionbudgets', ns, { ...pdb, status }, { subresource: 'status' });
    await tb.client.delete('v1', 'pods', ns, 'web-a');
    await tb.settle();
    const after = await getBudget(tb.client, 'web');
    expect(after.status).toMatchObject({ currentHealthy: 1, expectedPods: 2, disruptionsAllowed: 0 });
    expect((after.status as Record<string, unknown>).disruptedPods).toBeUndefined();
  });
});

describe('pods', () => {
  it('a pod matching two budgets gets upstream\'s warning', async () => {
    await createBudget('one', { minAvailable: 1 });
    await createBudget('two', { maxUnavailable: 0 });
    const pod = await createPod(tb.client, 'web-a');
    await tb.settle();
    expect(await eventsAbout(tb.client, pod)).toContain(
      'Warning MultiplePodDisruptionBudgets: Pod "default"/"web-a" matches multiple PodDisruptionBudgets.  Chose "one" arbitrarily. (controllermanager)',
    );
  });

  it('a DisruptionTarget condition left on a pod that was never deleted goes back to False after two minutes', async () => {
    const pod = await createPod(tb.client, 'web-a');
    const status = pod.status as { conditions: object[] };
    const target = { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(t0), reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' };
    await tb.client.update('v1', 'pods', ns, { ...pod, status: { ...status, conditions: [...status.conditions, target] } }, { subresource: 'status' });
    await tb.advance(119_000);
    const conditionOf = async () => ((await tb.client.get('v1', 'pods', ns, 'web-a')).status as { conditions: { type: string }[] }).conditions.find((c) => c.type === 'DisruptionTarget');
    expect(await conditionOf()).toEqual(target);
    await tb.advance(1_000);
    expect(await conditionOf()).toEqual({ type: 'DisruptionTarget', status: 'False', lastProbeTime: null, lastTransitionTime: rfc3339(t0 + 120_000) });
  });
});
