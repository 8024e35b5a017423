// The scheduler on the virtual clock: binding to the best node, determinism, spreading, anti-affinity, waiting, names.
import { startControllerTestbed, type ControllerTestbed } from '../../test/controller-testbed.js';
import type { KubeObject } from '../meta/types.js';
import { schedulerController } from './scheduler.js';
import { createNodes, createPod, eventsFor, makeNode, makePod, podOn } from './scheduler-test-kit.js';

let tb: ControllerTestbed;
let running = false;
afterEach(async () => {
  if (!running) return;
  running = false;
  expect(tb.errors).toEqual([]);
  await tb.close();
});

async function start(seed = 7, schedulerName?: string): Promise<void> {
  tb = await startControllerTestbed([schedulerController({ seed, schedulerName })]);
  running = true;
}

function condition(pod: KubeObject, type: string): Record<string, unknown> | undefined {
  return ((pod.status as { conditions?: Record<string, unknown>[] }).conditions ?? []).find((c) => c.type === type);
}

it('is the controller named scheduler, recording Events as default-scheduler', () => {
  const s = schedulerController();
  expect([s.name, s.component]).toEqual(['scheduler', 'default-scheduler']);
});

it('binds a pod to the node with the most room, with a Scheduled Event and PodScheduled=True', async () => {
  await start();
  await createNodes(tb, [makeNode('busy', { cpu: '4' }), makeNode('idle', { cpu: '4' })]);
  await createPod(tb, makePod('filler', { cpu: '3', nodeName: 'busy' }));
  await createPod(tb, makePod('web', { cpu: '500m', memory: '256Mi' }));
  await tb.settle();
  expect(await podOn(tb, 'web')).toBe('idle');
  const pod = await tb.client.get('v1', 'pods', 'default', 'web');
  expect(condition(pod, 'PodScheduled')).toEqual({
    type: 'PodScheduled',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: '2026-01-01T00:00:00Z',
    observedGeneration: pod.metadata.generation,
  });
  expect(await eventsFor(tb, 'web')).toEqual([
    { reason: 'Scheduled', message: 'Successfully assigned default/web to idle', type: 'Normal', component: 'default-scheduler', count: 1 },
  ]);
});

it('places pods the same way every run for one seed', async () => {
  const placements: string[][] = [];
  for (let run = 0; run < 2; run++) {
    await start(42);
    await createNodes(tb, ['a', 'b', 'c', 'd'].map((n) => makeNode(n)));
    for (let i = 0; i < 6; i++) await createPod(tb, makePod(`p${i}`));
    await tb.settle();
    const placed: string[] = [];
    for (let i = 0; i < 6; i++) placed.push((await podOn(tb, `p${i}`))!);
    placements.push(placed);
    if (run === 0) {
      expect(tb.errors).toEqual([]);
      await tb.close();
    }
  }
  expect(placements[0]).toEqual(placements[1]);
  expect(placements[0].every((n) => ['a', 'b', 'c', 'd'].includes(n))).toBe(true);
});

it('spreads pods across zones with a DoNotSchedule topology spread constraint', async () => {
  await start();
  await createNodes(tb, [
    makeNode('a1', { zone: 'zone-a', cpu: '32' }),
    makeNode('a2', { zone: 'zone-a', cpu: '32' }),
    makeNode('b1', { zone: 'zone-b', cpu: '8' }),
  ]);
  const spread = {
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } }],
  };
  for (let i = 0; i < 4; i++) {
    await createPod(tb, makePod(`s${i}`, { labels: { app: 'spread' }, cpu: '100m', spec: spread }));
    await tb.settle();
  }
  const zones = { 'zone-a': 0, 'zone-b': 0 } as Record<string, number>;
  for (let i = 0; i < 4; i++) zones[(await podOn(tb, `s${i}`))!.startsWith('a') ? 'zone-a' : 'zone-b']++;
  expect(zones).toEqual({ 'zone-a': 2, 'zone-b': 2 });
});

it('keeps replicas apart with required pod anti-affinity and explains the one left over', async () => {
  await start();
  await createNodes(tb, [makeNode('n1'), makeNode('n2')]);
  const antiAffinity = {
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'db' } } }] } },
  };
  for (const name of ['db-0', 'db-1', 'db-2']) {
    await createPod(tb, makePod(name, { labels: { app: 'db' }, spec: antiAffinity }));
    await tb.settle();
  }
  const nodes = [await podOn(tb, 'db-0'), await podOn(tb, 'db-1')];
  expect(nodes.sort()).toEqual(['n1', 'n2']);
  expect(await podOn(tb, 'db-2')).toBeUndefined();
  const message =
    "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. no new claims to deallocate, preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.";
  const pod = await tb.client.get('v1', 'pods', 'default', 'db-2');
  expect(condition(pod, 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable', message });
  expect(await eventsFor(tb, 'db-2')).toEqual([{ reason: 'FailedScheduling', message, type: 'Warning', component: 'default-scheduler', count: 1 }]);
});

it('schedules a pending pod once a node that fits it is added', async () => {
  await start();
  await createNodes(tb, [makeNode('small', { cpu: '1' })]);
  await createPod(tb, makePod('big', { cpu: '2' }));
  await tb.settle();
  expect(await podOn(tb, 'big')).toBeUndefined();
  const pending = await tb.client.get('v1', 'pods', 'default', 'big');
  expect(condition(pending, 'PodScheduled')).toMatchObject({
    status: 'False',
    reason: 'Unschedulable',
    message: '0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
  });
  await createNodes(tb, [makeNode('large', { cpu: '8' })]);
  await tb.settle();
  expect(await podOn(tb, 'big')).toBe('large');
});

it('reports no nodes at all, and schedules when the first node registers', async () => {
  await start();
  await createPod(tb, makePod('early'));
  await tb.settle();
  expect(await eventsFor(tb, 'early')).toEqual([
    { reason: 'FailedScheduling', message: 'no nodes available to schedule pods', type: 'Warning', component: 'default-scheduler', count: 1 },
  ]);
  await createNodes(tb, [makeNode('first')]);
  await tb.settle();
  expect(await podOn(tb, 'early')).toBe('first');
});

it('leaves pods of another scheduler, and gated pods, alone', async () => {
  await start();
  await createNodes(tb, [makeNode('n1')]);
  await createPod(tb, makePod('custom', { spec: { schedulerName: 'my-scheduler' } }));
  await createPod(tb, makePod('gated', { spec: { schedulingGates: [{ name: 'example.com/wait' }] } }));
  await tb.settle();
  expect(await podOn(tb, 'custom')).toBeUndefined();
  expect(await podOn(tb, 'gated')).toBeUndefined();
  expect(await eventsFor(tb, 'custom')).toEqual([]);
  await tb.client.patch('v1', 'pods', 'default', 'gated', 'json', [{ op: 'remove', path: '/spec/schedulingGates' }]);
  await tb.settle();
  expect(await podOn(tb, 'gated')).toBe('n1');
});

it('serves another scheduler name when told to', async () => {
  await start(1, 'my-scheduler');
  await createNodes(tb, [makeNode('n1')]);
  await createPod(tb, makePod('custom', { spec: { schedulerName: 'my-scheduler' } }));
  await createPod(tb, makePod('default'));
  await tb.settle();
  expect(await podOn(tb, 'custom')).toBe('n1');
  expect(await podOn(tb, 'default')).toBeUndefined();
});

it('lets a cordoned node take only pods tolerating the unschedulable taint', async () => {
  await start();
  await createNodes(tb, [makeNode('cordoned', { unschedulable: true })]);
  await createPod(tb, makePod('plain'));
  await createPod(tb, makePod('tolerant', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } }));
  await tb.settle();
  expect(await podOn(tb, 'plain')).toBeUndefined();
  expect(await podOn(tb, 'tolerant')).toBe('cordoned');
  const plain = await tb.client.get('v1', 'pods', 'default', 'plain');
  expect(condition(plain, 'PodScheduled')?.message).toBe(
    '0/1 nodes are available: 1 node(s) were unschedulable. no new claims to deallocate, preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
  );
  await tb.client.patch('v1', 'nodes', undefined, 'cordoned', 'merge', { spec: { unschedulable: null } });
  await tb.settle();
  expect(await podOn(tb, 'plain')).toBe('cordoned');
});
