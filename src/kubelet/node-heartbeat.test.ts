// The kubelet's node side on a virtual clock: leases every 10s, status every 5m, filled-in nodes, user overrides, opt-out.
import { startControllerTestbed, type ControllerTestbed } from '../../test/controller-testbed.js';
import type { KubeObject } from '../meta/types.js';
import { nodeHeartbeat } from './node-heartbeat.js';
import type { NodeCondition } from './node-status.js';
import { defaultNodes, simulateAnnotation } from './node-template.js';

let tb: ControllerTestbed;
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

const t0 = Date.UTC(2026, 0, 1);
const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString().replace('.000Z', 'Z');

async function lease(name: string): Promise<KubeObject> {
  return tb.client.get('coordination.k8s.io/v1', 'leases', 'kube-node-lease', name);
}

async function renewTime(name: string): Promise<string> {
  return ((await lease(name)).spec as { renewTime: string }).renewTime;
}

async function conditions(name: string): Promise<Record<string, NodeCondition>> {
  const node = await tb.client.get('v1', 'nodes', undefined, name);
  return Object.fromEntries(((node.status as { conditions?: NodeCondition[] }).conditions ?? []).map((c) => [c.type, c]));
}

async function nodeEvents(name: string): Promise<string[]> {
  const events = (await tb.client.list('v1', 'events', 'default')).items.filter((e) => (e.involvedObject as { name: string }).name === name);
  return events.map((e) => `${(e.source as { component: string }).component} ${e.reason}: ${e.message}`);
}

describe('with registered default nodes', () => {
  beforeEach(async () => {
    tb = await startControllerTestbed([nodeHeartbeat()]);
    for (const node of defaultNodes(2, { now: tb.clock.now() })) await tb.client.create('v1', 'nodes', undefined, node);
    await tb.settle();
  });

  test('a registered node keeps its status, and the kubelet leaves a fresh node alone', async () => {
    const node = await tb.client.get('v1', 'nodes', undefined, 'kubefake-worker');
    expect((node.status as { capacity: Record<string, string> }).capacity.cpu).toBe('4');
    expect(Object.values(await conditions('kubefake-worker')).map((c) => [c.type, c.status, c.lastHeartbeatTime])).toEqual([
      ['MemoryPressure', 'False', at(0)],
      ['DiskPressure', 'False', at(0)],
      ['PIDPressure', 'False', at(0)],
      ['Ready', 'True', at(0)],
    ]);
    expect(await nodeEvents('kubefake-worker')).toEqual([
      'kubelet Starting: Starting kubelet.',
      'kubelet NodeAllocatableEnforced: Updated Node Allocatable limit across pods',
    ]);
  });

  test('each node holds a Lease owned by its Node, renewed every 10s', async () => {
    const node = await tb.client.get('v1', 'nodes', undefined, 'kubefake-worker2');
    const created = await lease('kubefake-worker2');
    expect(created.spec).toEqual({ holderIdentity: 'kubefake-worker2', leaseDurationSeconds: 40, renewTime: '2026-01-01T00:00:00.000000Z' });
    expect(created.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'kubefake-worker2', uid: node.metadata.uid }]);
    await tb.advance(9_999);
    expect(await renewTime('kubefake-worker2')).toBe('2026-01-01T00:00:00.000000Z');
    await tb.advance(1);
    expect(await renewTime('kubefake-worker2')).toBe('2026-01-01T00:00:10.000000Z');
    await tb.advance(25_000);
    expect(await renewTime('kubefake-worker2')).toBe('2026-01-01T00:00:30.000000Z');
    expect(await renewTime('kubefake-worker')).toBe('2026-01-01T00:00:30.000000Z');
  });

  test('status heartbeats are posted every 5 minutes when nothing changes', async () => {
    await tb.advance(299_000);
    expect((await conditions('kubefake-worker')).Ready!.lastHeartbeatTime).toBe(at(0));
    await tb.advance(1_000);
    const ready = (await conditions('kubefake-worker')).Ready!;
    expect([ready.lastHeartbeatTime, ready.lastTransitionTime]).toEqual([at(300), at(0)]);
    await tb.advance(300_000);
    expect((await conditions('kubefake-worker')).MemoryPressure!.lastHeartbeatTime).toBe(at(600));
  });

  test('a Ready condition set False stays as set; only its heartbeat moves', async () => {
    const notReady = { type: 'Ready', status: 'False', reason: 'ChaosMonkey', message: 'unplugged', lastHeartbeatTime: at(0), lastTransitionTime: at(0) };
    const node = await tb.client.get('v1', 'nodes', undefined, 'kubefake-worker');
    const others = ((node.status as { conditions: NodeCondition[] }).conditions ?? []).filter((c) => c.type !== 'Ready');
    await tb.client.patch('v1', 'nodes', undefined, 'kubefake-worker', 'merge', { status: { conditions: [...others, notReady] } }, { subresource: 'status' });
    await tb.advance(300_000);
    expect((await conditions('kubefake-worker')).Ready).toEqual({ ...notReady, lastHeartbeatTime: at(300) });
    // The kubelet is still alive: the lease keeps being renewed.
    expect(await renewTime('kubefake-worker')).toBe('2026-01-01T00:05:00.000000Z');
  });

  test('a pressure condition set True is the kubelet\'s reading and stays True', async () => {
    const node = await tb.client.get('v1', 'nodes', undefined, 'kubefake-worker');
    const withPressure = ((node.status as { conditions: NodeCondition[] }).conditions ?? []).map((c) =>
      c.type === 'DiskPressure' ? { ...c, status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' } : c,
    );
    await tb.client.patch('v1', 'nodes', undefined, 'kubefake-worker', 'merge', { status: { conditions: withPressure } }, { subresource: 'status' });
    await tb.advance(300_000);
    expect((await conditions('kubefake-worker')).DiskPressure).toMatchObject({ status: 'True', lastHeartbeatTime: at(300) });
  });

  test('the opt-out annotation stops the kubelet; removing it starts it again', async () => {
    await tb.client.patch('v1', 'nodes', undefined, 'kubefake-worker', 'merge', { metadata: { annotations: { [simulateAnnotation]: 'false' } } });
    await tb.advance(60_000);
    expect(await renewTime('kubefake-worker')).toBe('2026-01-01T00:00:00.000000Z');
    expect(await renewTime('kubefake-worker2')).toBe('2026-01-01T00:01:00.000000Z');
    await tb.client.patch('v1', 'nodes', undefined, 'kubefake-worker', 'merge', { metadata: { annotations: { [simulateAnnotation]: null } } });
    await tb.settle();
    expect(await renewTime('kubefake-worker')).toBe('2026-01-01T00:01:00.000000Z');
    expect((await nodeEvents('kubefake-worker')).filter((e) => e.includes('Starting'))).toHaveLength(1);
    const starting = (await tb.client.list('v1', 'events', 'default')).items.find(
      (e) => e.reason === 'Starting' && (e.involvedObject as { name: string }).name === 'kubefake-worker',
    );
    // Recorded twice: once per kubelet start, counted on one Event.
    expect(starting!.count).toBe(2);
  });
});

describe('with a node created by a user', () => {
  beforeEach(async () => {
    tb = await startControllerTestbed([nodeHeartbeat()]);
  });

  test('a minimal Node gets what a kubelet would post', async () => {
    await tb.advance(7_000);
    await tb.client.create('v1', 'nodes', undefined, { metadata: { name: 'bare', labels: { 'kubernetes.io/arch': 'arm64' } } });
    await tb.settle();
    const node = await tb.client.get('v1', 'nodes', undefined, 'bare');
    expect(node.metadata.labels).toEqual({
      'beta.kubernetes.io/arch': 'arm64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'arm64',
      'kubernetes.io/hostname': 'bare',
      'kubernetes.io/os': 'linux',
    });
    const status = node.status as Record<string, unknown> & { conditions: NodeCondition[]; nodeInfo: Record<string, string> };
    expect(status.addresses).toEqual([
      { type: 'InternalIP', address: expect.stringMatching(/^172\.18\.\d+\.\d+$/) },
      { type: 'Hostname', address: 'bare' },
    ]);
    expect(status.capacity).toEqual({ cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' });
    expect(status.allocatable).toEqual(status.capacity);
    expect(status.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
    expect(status.nodeInfo).toMatchObject({ architecture: 'arm64', operatingSystem: 'linux', kubeletVersion: 'v1.36.0', kubeProxyVersion: '' });
    expect(status.conditions.map((c) => [c.type, c.status, c.reason, c.lastHeartbeatTime, c.lastTransitionTime])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', at(7), at(7)],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', at(7), at(7)],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID', at(7), at(7)],
      ['Ready', 'True', 'KubeletReady', at(7), at(7)],
    ]);
    expect(await nodeEvents('bare')).toEqual([
      'kubelet Starting: Starting kubelet.',
      'kubelet NodeAllocatableEnforced: Updated Node Allocatable limit across pods',
      'kubelet NodeHasSufficientMemory: Node bare status is now: NodeHasSufficientMemory',
      'kubelet NodeHasNoDiskPressure: Node bare status is now: NodeHasNoDiskPressure',
      'kubelet NodeHasSufficientPID: Node bare status is now: NodeHasSufficientPID',
    ]);
    expect(await renewTime('bare')).toBe('2026-01-01T00:00:07.000000Z');
    // A capacity the user gave is kept, and allocatable follows it (written while the kubelet is still off).
    await tb.client.create('v1', 'nodes', undefined, { metadata: { name: 'sized', annotations: { [simulateAnnotation]: 'false' } } });
    await tb.client.patch('v1', 'nodes', undefined, 'sized', 'merge', { status: { capacity: { cpu: '2', memory: '4Gi' } } }, { subresource: 'status' });
    await tb.settle();
    await tb.client.patch('v1', 'nodes', undefined, 'sized', 'merge', { metadata: { annotations: { [simulateAnnotation]: 'true' } } });
    await tb.settle();
    const sized = (await tb.client.get('v1', 'nodes', undefined, 'sized')).status as { capacity: unknown; allocatable: unknown };
    expect(sized.capacity).toEqual({ cpu: '2', memory: '4Gi', pods: '110', 'ephemeral-storage': '100Gi' });
    expect(sized.allocatable).toEqual(sized.capacity);
  });

  test('a node created with the opt-out annotation never heartbeats', async () => {
    await tb.client.create('v1', 'nodes', undefined, { metadata: { name: 'ghost', annotations: { [simulateAnnotation]: 'false' } } });
    await tb.advance(60_000);
    const ghost = await tb.client.get('v1', 'nodes', undefined, 'ghost');
    expect((ghost.status as { conditions?: unknown } | undefined)?.conditions).toBeUndefined();
    expect(ghost.metadata.labels).toBeUndefined();
    await expect(lease('ghost')).rejects.toMatchObject({ code: 404 });
  });
});
