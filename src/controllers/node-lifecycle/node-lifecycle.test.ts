// The node lifecycle controller on a virtual clock: silent nodes go Unknown, taints follow conditions and cordons.
import type { ControllerTestbed } from '../../../test/controller-testbed.js';
import { nodeLifecycleController } from './node-lifecycle.js';
import { at, eventsAbout, getPod, nodeCluster, nodeConditions, nodeTaints, podCondition, runningPod, startKubelet, stopKubelet, taintSummary } from './node-test-kit.js';

let tb: ControllerTestbed;
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

describe('with three nodes in three zones', () => {
  beforeEach(async () => {
    tb = await nodeCluster(3, [nodeLifecycleController()]);
  });

  test('every node is registered with the controller, and healthy nodes are left alone', async () => {
    expect(await eventsAbout(tb, 'Node', 'kubefake-worker2')).toContain(
      'node-controller RegisteredNode: Node kubefake-worker2 event: Registered Node kubefake-worker2 in Controller',
    );
    await tb.advance(10 * 60_000);
    expect((await nodeConditions(tb, 'kubefake-worker')).Ready).toMatchObject({ status: 'True', lastTransitionTime: at(0) });
    expect(await nodeTaints(tb, 'kubefake-worker')).toEqual([]);
  });

  test('a node whose kubelet stops is Unknown once the grace period has passed, tainted unreachable, its pods NotReady', async () => {
    await runningPod(tb, 'web', 'kubefake-worker');
    await runningPod(tb, 'elsewhere', 'kubefake-worker2');
    await stopKubelet(tb, 'kubefake-worker');
    // The last renewal was at 0s; 50s of silence is allowed, and health is judged on the 5s monitor grid.
    await tb.advance(54_999);
    expect((await nodeConditions(tb, 'kubefake-worker')).Ready!.status).toBe('True');
    await tb.advance(1);
    const conditions = await nodeConditions(tb, 'kubefake-worker');
    const unknown = { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: at(55) };
    for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) expect(conditions[type]).toMatchObject({ ...unknown, lastHeartbeatTime: at(0) });
    expect(await nodeTaints(tb, 'kubefake-worker')).toEqual([
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: at(55) },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: at(55) },
    ]);
    expect(podCondition(await getPod(tb, 'web'), 'Ready')).toEqual({ type: 'Ready', status: 'False', lastTransitionTime: at(55) });
    expect(podCondition(await getPod(tb, 'elsewhere'), 'Ready')).toMatchObject({ status: 'True' });
    expect(await eventsAbout(tb, 'Node', 'kubefake-worker')).toContain('node-controller NodeNotReady: Node kubefake-worker status is now: NodeNotReady');
    expect(await eventsAbout(tb, 'Pod', 'web')).toEqual(['node-controller NodeNotReady: Node is not ready']);
    expect((await nodeConditions(tb, 'kubefake-worker2')).Ready!.status).toBe('True');
  });

  test('a node whose kubelet comes back is Ready again and loses its taints', async () => {
    await stopKubelet(tb, 'kubefake-worker');
    await tb.advance(60_000);
    expect(await taintSummary(tb, 'kubefake-worker')).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    await startKubelet(tb, 'kubefake-worker');
    await tb.settle();
    expect((await nodeConditions(tb, 'kubefake-worker')).Ready).toMatchObject({ status: 'True', reason: 'KubeletReady', lastTransitionTime: at(60) });
    expect(await nodeTaints(tb, 'kubefake-worker')).toEqual([]);
    expect(await eventsAbout(tb, 'Node', 'kubefake-worker')).toContain('kubelet NodeReady: Node kubefake-worker status is now: NodeReady');
    // Healthy again for good: no second Unknown.
    await tb.advance(120_000);
    expect((await nodeConditions(tb, 'kubefake-worker')).Ready!.status).toBe('True');
  });

  test('a Ready condition set False brings the not-ready taints but leaves pods to the kubelet', async () => {
    await runningPod(tb, 'web', 'kubefake-worker');
    const node = await tb.client.get('v1', 'nodes', undefined, 'kubefake-worker');
    const conditions = (node.status as { conditions: { type: string }[] }).conditions.map((c) =>
      c.type === 'Ready' ? { ...c, status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down', lastTransitionTime: at(0) } : c,
    );
    await tb.client.patch('v1', 'nodes', undefined, 'kubefake-worker', 'merge', { status: { conditions } }, { subresource: 'status' });
    await tb.settle();
    expect(await taintSummary(tb, 'kubefake-worker')).toEqual(['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']);
    // Upstream marks pods NotReady only when it is the one declaring the node unhealthy.
    expect(podCondition(await getPod(tb, 'web'), 'Ready')).toMatchObject({ status: 'True' });
    // The kubelet is still renewing its lease, so the node never turns Unknown.
    await tb.advance(120_000);
    expect((await nodeConditions(tb, 'kubefake-worker')).Ready).toMatchObject({ status: 'False', reason: 'KubeletNotReady' });
    const ready = conditions.map((c) => (c.type === 'Ready' ? { ...c, status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' } : c));
    await tb.client.patch('v1', 'nodes', undefined, 'kubefake-worker', 'merge', { status: { conditions: ready } }, { subresource: 'status' });
    await tb.settle();
    expect(await nodeTaints(tb, 'kubefake-worker')).toEqual([]);
  });

  test('cordoning adds the unschedulable taint and uncordoning removes it', async () => {
    await tb.advance(3_000);
    await tb.client.patch('v1', 'nodes', undefined, 'kubefake-worker3', 'merge', { spec: { unschedulable: true } });
    await tb.settle();
    expect(await nodeTaints(tb, 'kubefake-worker3')).toEqual([{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: at(3) }]);
    await tb.client.patch('v1', 'nodes', undefined, 'kubefake-worker3', 'merge', { spec: { unschedulable: null } });
    await tb.settle();
    expect(await nodeTaints(tb, 'kubefake-worker3')).toEqual([]);
  });

  test('pressure conditions bring their NoSchedule taints, and taints nobody owns stay', async () => {
    await tb.client.patch('v1', 'nodes', undefined, 'kubefake-worker', 'merge', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } });
    const node = await tb.client.get('v1', 'nodes', undefined, 'kubefake-worker');
    const conditions = (node.status as { conditions: { type: string }[] }).conditions.map((c) => (c.type === 'MemoryPressure' ? { ...c, status: 'True' } : c));
    await tb.client.patch('v1', 'nodes', undefined, 'kubefake-worker', 'merge', { status: { conditions } }, { subresource: 'status' });
    await tb.settle();
    expect(await taintSummary(tb, 'kubefake-worker')).toEqual(['dedicated:NoSchedule', 'node.kubernetes.io/memory-pressure:NoSchedule']);
  });

  test('the beta OS and arch labels follow the GA ones', async () => {
    await tb.client.patch('v1', 'nodes', undefined, 'kubefake-worker', 'merge', { metadata: { labels: { 'kubernetes.io/arch': 'arm64' } } });
    await tb.settle();
    const node = await tb.client.get('v1', 'nodes', undefined, 'kubefake-worker');
    expect(node.metadata.labels!['beta.kubernetes.io/arch']).toBe('arm64');
  });
});

describe('zone disruption', () => {
  test('with every zone down the controller suspects itself: Unknown, but no NoExecute taint', async () => {
    tb = await nodeCluster(1, [nodeLifecycleController()]);
    await stopKubelet(tb, 'kubefake-worker');
    await tb.advance(120_000);
    expect((await nodeConditions(tb, 'kubefake-worker')).Ready!.status).toBe('Unknown');
    expect(await taintSummary(tb, 'kubefake-worker')).toEqual(['node.kubernetes.io/unreachable:NoSchedule']);
  });

  test('in a zone, nodes are tainted NoExecute at --node-eviction-rate (one per 10s)', async () => {
    tb = await nodeCluster(3, [nodeLifecycleController()], { zones: ['zone-a', 'zone-a', 'zone-b'] });
    await stopKubelet(tb, 'kubefake-worker');
    await stopKubelet(tb, 'kubefake-worker2');
    await tb.advance(55_000);
    const noExecuteSince = async (name: string) => (await nodeTaints(tb, name)).find((t) => t.effect === 'NoExecute')?.timeAdded;
    expect([await noExecuteSince('kubefake-worker'), await noExecuteSince('kubefake-worker2')]).toEqual([at(55), undefined]);
    await tb.advance(10_000);
    expect([await noExecuteSince('kubefake-worker'), await noExecuteSince('kubefake-worker2')]).toEqual([at(55), at(65)]);
  });
});

test('a node whose kubelet never posted status is Unknown after the startup grace period', async () => {
  tb = await nodeCluster(0, [nodeLifecycleController()]);
  await tb.client.create('v1', 'nodes', undefined, { metadata: { name: 'ghost', annotations: { 'kubefake.dev/simulate': 'false' } } });
  await tb.advance(60_000);
  expect(await nodeConditions(tb, 'ghost')).toEqual({});
  await tb.advance(5_000);
  const never = { status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: at(0), lastTransitionTime: at(65) };
  expect(await nodeConditions(tb, 'ghost')).toEqual({
    Ready: { type: 'Ready', ...never },
    MemoryPressure: { type: 'MemoryPressure', ...never },
    DiskPressure: { type: 'DiskPressure', ...never },
    PIDPressure: { type: 'PIDPressure', ...never },
  });
});
