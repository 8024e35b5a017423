// Preemption on the virtual clock: victims marked, deleted and reported; the preemptor nominated, then bound.
import { startControllerTestbed, type ControllerTestbed } from '../../test/controller-testbed.js';
import type { KubeObject } from '../meta/types.js';
import { schedulerController } from './scheduler.js';
import { createNodes, createPod, eventsFor, makeNode, makePod, podOn } from './scheduler-test-kit.js';

let tb: ControllerTestbed;
beforeEach(async () => {
  tb = await startControllerTestbed([schedulerController({ seed: 3 })]);
  for (const [name, value] of [['low', 100], ['high', 1000]] as const) {
    await tb.client.create('scheduling.k8s.io/v1', 'priorityclasses', undefined, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value });
  }
});
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

function prioritized(name: string, cls: 'low' | 'high' | 'high-polite', extra: Parameters<typeof makePod>[1] = {}): KubeObject {
  return makePod(name, { ...extra, priority: cls === 'low' ? 100 : 1000, spec: { priorityClassName: cls, ...(extra.spec ?? {}) } });
}

function condition(pod: KubeObject, type: string): Record<string, unknown> | undefined {
  return ((pod.status as { conditions?: Record<string, unknown>[] }).conditions ?? []).find((c) => c.type === type);
}

/** What the kubelet does for a deleted pod: confirm it gone once its containers stopped. */
async function finishTermination(name: string): Promise<void> {
  await tb.client.delete('v1', 'pods', 'default', name, { gracePeriodSeconds: 0 });
  await tb.settle();
}

it('preempts a lower-priority pod, nominates the node, and binds once the victim is gone', async () => {
  await createNodes(tb, [makeNode('only', { cpu: '2' })]);
  await createPod(tb, prioritized('victim', 'low', { cpu: '1500m' }));
  await tb.settle();
  expect(await podOn(tb, 'victim')).toBe('only');

  const preemptor = await createPod(tb, prioritized('important', 'high', { cpu: '1500m' }));
  await tb.settle();
  const victim = await tb.client.get('v1', 'pods', 'default', 'victim');
  expect(victim.metadata.deletionTimestamp).toBeDefined();
  expect(condition(victim, 'DisruptionTarget')).toMatchObject({
    status: 'True',
    reason: 'PreemptionByScheduler',
    message: 'default-scheduler: preempting to accommodate a higher priority pod',
  });
  expect((await eventsFor(tb, 'victim')).filter((e) => e.reason === 'Preempted')).toEqual([
    { reason: 'Preempted', message: `Preempted by pod ${preemptor.metadata.uid} on node only`, type: 'Normal', component: 'default-scheduler', count: 1 },
  ]);
  const waiting = await tb.client.get('v1', 'pods', 'default', 'important');
  expect((waiting.status as { nominatedNodeName?: string }).nominatedNodeName).toBe('only');
  // Preemption succeeded, so the message carries no PostFilter part.
  expect(condition(waiting, 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' });
  expect(await podOn(tb, 'important')).toBeUndefined();

  await finishTermination('victim');
  expect(await podOn(tb, 'important')).toBe('only');
  const bound = await tb.client.get('v1', 'pods', 'default', 'important');
  expect(condition(bound, 'PodScheduled')).toMatchObject({ status: 'True' });
  // ClearingNominatedNodeNameAfterBinding: the nomination goes with the binding.
  expect((bound.status as { nominatedNodeName?: string }).nominatedNodeName).toBeUndefined();
});

it('does not preempt for a pod with preemptionPolicy Never', async () => {
  await createNodes(tb, [makeNode('only', { cpu: '2' })]);
  await createPod(tb, prioritized('victim', 'low', { cpu: '1500m' }));
  await tb.settle();
  // As upstream, the policy comes from the PriorityClass: Priority admission refuses a pod that sets another one.
  await tb.client.create('scheduling.k8s.io/v1', 'priorityclasses', undefined, {
    apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high-polite' }, value: 1000, preemptionPolicy: 'Never',
  });
  await createPod(tb, prioritized('polite', 'high-polite', { cpu: '1500m' }));
  await tb.settle();
  expect((await tb.client.get('v1', 'pods', 'default', 'victim')).metadata.deletionTimestamp).toBeUndefined();
  const polite = await tb.client.get('v1', 'pods', 'default', 'polite');
  expect(condition(polite, 'PodScheduled')?.message).toBe(
    '0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never.',
  );
});

it('never preempts pods of equal or higher priority', async () => {
  await createNodes(tb, [makeNode('only', { cpu: '2' })]);
  await createPod(tb, prioritized('peer', 'high', { cpu: '1500m' }));
  await tb.settle();
  await createPod(tb, prioritized('late', 'high', { cpu: '1500m' }));
  await tb.settle();
  expect((await tb.client.get('v1', 'pods', 'default', 'peer')).metadata.deletionTimestamp).toBeUndefined();
  expect(condition(await tb.client.get('v1', 'pods', 'default', 'late'), 'PodScheduled')?.message).toBe(
    '0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
  );
});

it('prefers the node whose victim no PodDisruptionBudget protects', async () => {
  await createNodes(tb, [makeNode('n1', { cpu: '2' }), makeNode('n2', { cpu: '2' })]);
  await createPod(tb, prioritized('guarded', 'low', { cpu: '1500m', labels: { app: 'guarded' }, nodeName: 'n1' }));
  await createPod(tb, prioritized('free', 'low', { cpu: '1500m', labels: { app: 'free' }, nodeName: 'n2' }));
  const pdb = await tb.client.create('policy/v1', 'poddisruptionbudgets', 'default', {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'guard', namespace: 'default' },
    spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } },
  });
  await tb.client.update('policy/v1', 'poddisruptionbudgets', 'default', { ...pdb, status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } }, { subresource: 'status' });
  await tb.settle();
  await createPod(tb, prioritized('important', 'high', { cpu: '1500m' }));
  await tb.settle();
  expect((await tb.client.get('v1', 'pods', 'default', 'guarded')).metadata.deletionTimestamp).toBeUndefined();
  expect((await tb.client.get('v1', 'pods', 'default', 'free')).metadata.deletionTimestamp).toBeDefined();
  await finishTermination('free');
  expect(await podOn(tb, 'important')).toBe('n2');
});

it('evicts the fewest, least important pods that make room', async () => {
  await createNodes(tb, [makeNode('only', { cpu: '3' })]);
  await createPod(tb, prioritized('small-a', 'low', { cpu: '500m', nodeName: 'only' }));
  await createPod(tb, prioritized('small-b', 'low', { cpu: '500m', nodeName: 'only' }));
  await createPod(tb, prioritized('big', 'low', { cpu: '1500m', nodeName: 'only' }));
  await tb.settle();
  await createPod(tb, prioritized('important', 'high', { cpu: '1500m' }));
  await tb.settle();
  const deleting = [];
  for (const name of ['small-a', 'small-b', 'big']) {
    if ((await tb.client.get('v1', 'pods', 'default', name)).metadata.deletionTimestamp) deleting.push(name);
  }
  // Removing everything and reprieving the most important first (equal priority: the longest running) keeps the
  // two small pods, which were created first, and leaves just `big` to go.
  expect(deleting).toEqual(['big']);
});
