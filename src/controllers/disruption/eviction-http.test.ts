// pods/eviction (registry/pod-eviction.ts) over HTTP: upstream's 429 from a budget, approvals, dry runs, terminal and unready pods.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import { rfc3339 } from '../../clock/clock.js';
import { disruptionController } from './disruption.js';
import { budget, createPod, getBudget, ns } from './disruption-test-kit.js';
import type { KubeObject } from '../../meta/types.js';

let tb: ControllerTestbed;
const t0 = Date.UTC(2026, 0, 1);

afterEach(async () => {
  await tb.close();
  expect(tb.errors).toEqual([]);
});

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, any>;
}

async function evict(name: string, deleteOptions?: Record<string, unknown>, query = '', metadata: Record<string, unknown> = { name, namespace: ns }): Promise<Reply> {
  const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata, ...(deleteOptions ? { deleteOptions } : {}) };
  const res = await fetch(`${tb.cluster.url}/api/v1/namespaces/${ns}/pods/${name}/eviction${query}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(eviction),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

const success = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

/** A budget with the status the disruption controller would have written, for tests that run without it. */
async function budgetWithStatus(name: string, spec: Record<string, unknown>, status: Record<string, unknown>): Promise<KubeObject> {
  const created = await tb.client.create('policy/v1', 'poddisruptionbudgets', ns, budget(name, spec));
  const conditions = [{ type: 'DisruptionAllowed', status: 'True', observedGeneration: 1, lastTransitionTime: rfc3339(t0), reason: 'SufficientPods', message: '' }];
  return tb.client.update('policy/v1', 'poddisruptionbudgets', ns, { ...created, status: { observedGeneration: 1, conditions, ...status } }, { subresource: 'status' });
}

const getPod = (name: string) => tb.client.get('v1', 'pods', ns, name);
const podExists = async (name: string) => (await tb.client.list('v1', 'pods', ns)).items.some((p) => p.metadata.name === name);

describe('with the disruption controller', () => {
  beforeEach(async () => {
    tb = await startControllerTestbed([disruptionController()]);
  });

  it('evicts while the budget allows, then refuses with upstream\'s 429 and leaves the store as it was', async () => {
    for (const name of ['web-a', 'web-b', 'web-c']) await createPod(tb.client, name);
    await tb.client.create('policy/v1', 'poddisruptionbudgets', ns, budget('web', { minAvailable: 2 }));
    await tb.settle();

    expect(await evict('web-a')).toMatchObject({ status: 201, body: success });
    await tb.settle();
    const evicted = await getPod('web-a');
    expect(evicted.metadata.deletionTimestamp).toBe(rfc3339(t0 + 30_000));
    expect(await getBudget(tb.client, 'web')).toMatchObject({ status: { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 3 } });

    const pdbBefore = await getBudget(tb.client, 'web');
    const podBefore = await getPod('web-b');
    const refused = await evict('web-b');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: 'TooManyRequests',
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] },
      code: 429,
    });
    expect(refused.headers.get('retry-after')).toBeNull();
    await tb.settle();
    expect(await getPod('web-b')).toEqual(podBefore);
    expect(await getBudget(tb.client, 'web')).toEqual(pdbBefore);
  });
});

describe('without a controller (budget status written by the test)', () => {
  beforeEach(async () => {
    tb = await startControllerTestbed([]);
  });

  it('an approval takes one disruption, records the pod, marks it DisruptionTarget, then deletes it gracefully', async () => {
    for (const name of ['web-a', 'web-b']) await createPod(tb.client, name);
    await budgetWithStatus('web', { maxUnavailable: 1 }, { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    expect(await evict('web-a')).toMatchObject({ status: 201, body: success });

    const pdb = await getBudget(tb.client, 'web');
    expect(pdb.status).toEqual({
      observedGeneration: 1,
      disruptedPods: { 'web-a': rfc3339(t0) },
      disruptionsAllowed: 0,
      currentHealthy: 2,
      desiredHealthy: 1,
      expectedPods: 2,
      // The last disruption taken flips the condition, as upstream's checkAndDecrement does.
      conditions: [{ type: 'DisruptionAllowed', status: 'False', observedGeneration: 1, lastTransitionTime: rfc3339(t0), reason: 'InsufficientPods', message: '' }],
    });
    const pod = await getPod('web-a');
    expect(pod.metadata.deletionTimestamp).toBe(rfc3339(t0 + 30_000));
    expect((pod.status as { conditions: unknown[] }).conditions).toContainEqual({
      type: 'DisruptionTarget',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: rfc3339(t0),
      reason: 'EvictionByEvictionAPI',
      message: 'Eviction API: evicting',
    });
  });

  it('honours the Eviction\'s deleteOptions: a grace period of 0 deletes at once', async () => {
    await createPod(tb.client, 'web-a');
    expect(await evict('web-a', { gracePeriodSeconds: 0 })).toMatchObject({ status: 201, body: success });
    expect(await podExists('web-a')).toBe(false);
  });

  it('a dry run (in the query or the deleteOptions) checks and answers, but changes nothing', async () => {
    for (const name of ['web-a', 'web-b']) await createPod(tb.client, name);
    const pdb = await budgetWithStatus('web', { minAvailable: 1 }, { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    const pod = await getPod('web-a');
    expect(await evict('web-a', undefined, '?dryRun=All')).toMatchObject({ status: 201, body: success });
    expect(await evict('web-a', { dryRun: ['All'] })).toMatchObject({ status: 201, body: success });
    expect(await getPod('web-a')).toEqual(pod);
    expect(await getBudget(tb.client, 'web')).toEqual(pdb);

    await budgetWithStatus('none', { minAvailable: 2 }, { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 2 });
    await tb.client.delete('policy/v1', 'poddisruptionbudgets', ns, 'web');
    expect((await evict('web-a', { dryRun: ['All'] })).status).toBe(429);
  });

  it('finished and pending pods go without asking their budget', async () => {
    await createPod(tb.client, 'done', { state: 'succeeded' });
    await createPod(tb.client, 'broken', { state: 'failed' });
    await createPod(tb.client, 'waiting', { state: 'pending' });
    const pdb = await budgetWithStatus('web', { minAvailable: 3 }, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 3, expectedPods: 3 });
    expect(await evict('done')).toMatchObject({ status: 201, body: success });
    expect(await evict('broken')).toMatchObject({ status: 201, body: success });
    expect(await evict('waiting')).toMatchObject({ status: 201, body: success });
    // Finished pods have no kubelet to wait for; the pending one still has its grace period.
    expect(await podExists('done')).toBe(false);
    expect(await podExists('broken')).toBe(false);
    expect((await getPod('waiting')).metadata.deletionTimestamp).toBe(rfc3339(t0 + 30_000));
    expect(await getBudget(tb.client, 'web')).toEqual(pdb);
  });

  it('an unready pod goes without taking a disruption while the budget is met, and is refused when it is not', async () => {
    for (const name of ['web-a', 'web-b']) await createPod(tb.client, name);
    await createPod(tb.client, 'sick-1', { state: 'unready' });
    await createPod(tb.client, 'sick-2', { state: 'unready' });
    const pdb = await budgetWithStatus('web', { minAvailable: 2 }, { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 4 });
    expect(await evict('sick-1')).toMatchObject({ status: 201, body: success });
    expect((await getPod('sick-1')).metadata.deletionTimestamp).toBeDefined();
    expect(await getBudget(tb.client, 'web')).toEqual(pdb);

    // One healthy pod short: under the default IfHealthyBudget the unready pod must stay.
    await tb.client.update('policy/v1', 'poddisruptionbudgets', ns, { ...pdb, status: { ...(pdb.status as object), currentHealthy: 1 } }, { subresource: 'status' });
    const refused = await evict('sick-2');
    expect(refused.status).toBe(429);
    expect(refused.body.details).toEqual({ causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 1 currently' }] });
  });

  it('unhealthyPodEvictionPolicy AlwaysAllow lets an unready pod go whatever the budget says', async () => {
    await createPod(tb.client, 'sick', { state: 'unready' });
    await budgetWithStatus('web', { minAvailable: 5, unhealthyPodEvictionPolicy: 'AlwaysAllow' }, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 5, expectedPods: 1 });
    expect(await evict('sick')).toMatchObject({ status: 201, body: success });
    expect((await getPod('sick')).metadata.deletionTimestamp).toBeDefined();
  });

  it('a budget whose status lags its spec answers 429 with Retry-After', async () => {
    await createPod(tb.client, 'web-a');
    const pdb = await budgetWithStatus('web', { minAvailable: 1 }, { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    await tb.client.update('policy/v1', 'poddisruptionbudgets', ns, { ...pdb, spec: { ...(pdb.spec as object), minAvailable: 0 } });
    const refused = await evict('web-a');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(refused.body).toMatchObject({
      reason: 'TooManyRequests',
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web is still being processed by the server.' }], retryAfterSeconds: 10 },
    });
  });

  it('a pod under two budgets is upstream\'s 500', async () => {
    await createPod(tb.client, 'web-a');
    await budgetWithStatus('one', { minAvailable: 0 }, { disruptionsAllowed: 1 });
    await budgetWithStatus('two', { minAvailable: 0 }, { disruptionsAllowed: 1 });
    const reply = await evict('web-a');
    expect(reply).toMatchObject({ status: 500 });
    expect(reply.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
      code: 500,
    });
    expect((await getPod('web-a')).metadata.deletionTimestamp).toBeUndefined();
  });

  it('checks the request: the pod must exist, names must agree, preconditions hold', async () => {
    const pod = await createPod(tb.client, 'web-a');
    expect(await evict('nope')).toMatchObject({ status: 404, body: { reason: 'NotFound', message: 'pods "nope" not found' } });
    expect(await evict('web-a', undefined, '', { name: 'other' })).toMatchObject({
      status: 400,
      body: { reason: 'BadRequest', message: 'name in URL does not match name in Eviction object' },
    });
    const stale = await evict('web-a', { preconditions: { resourceVersion: '1' } });
    expect(stale).toMatchObject({
      status: 409,
      body: {
        reason: 'Conflict',
        message: `Operation cannot be fulfilled on Pod "web-a": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${pod.metadata.resourceVersion}). The object might have been modified`,
      },
    });
    expect(await getPod('web-a')).toEqual(pod);
  });
});
