// The pod garbage collector on a virtual clock: orphans after quarantine, excess terminated pods, stuck terminating ones.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import type { KubeObject } from '../../meta/types.js';
import { podGCController, type PodGCOptions } from './podgc.js';

let tb: ControllerTestbed;
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

const t0 = Date.UTC(2026, 0, 1);
const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString().replace('.000Z', 'Z');

async function start(options: PodGCOptions = {}): Promise<void> {
  tb = await startControllerTestbed([podGCController(options)]);
  await tb.client.create('v1', 'nodes', undefined, { metadata: { name: 'node-a' } });
}

/** A pod bound to `nodeName` with the given phase (and reason), as its kubelet would have reported it. */
async function pod(name: string, nodeName: string | undefined, phase: string, extra: { reason?: string; finalizers?: string[] } = {}): Promise<KubeObject> {
  const created = await tb.client.create('v1', 'pods', 'default', {
    metadata: { name, ...(extra.finalizers ? { finalizers: extra.finalizers } : {}) },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'busybox' }] },
  });
  const status = { ...(created.status as object), phase, ...(extra.reason ? { reason: extra.reason } : {}) };
  return tb.client.update('v1', 'pods', 'default', { ...created, status }, { subresource: 'status' });
}

async function getPod(name: string): Promise<KubeObject | undefined> {
  try {
    return await tb.client.get('v1', 'pods', 'default', name);
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

async function podNames(): Promise<string[]> {
  return (await tb.client.list('v1', 'pods', 'default')).items.map((p) => p.metadata.name!).sort();
}

test('pods of a deleted node are failed and force-deleted once the 40s quarantine is over', async () => {
  await start();
  await pod('web', 'node-a', 'Running', { finalizers: ['example.com/keep'] });
  await pod('done', 'node-a', 'Succeeded');
  await tb.advance(5_000);
  await tb.client.delete('v1', 'nodes', undefined, 'node-a');
  await tb.advance(39_999);
  expect(await podNames()).toEqual(['done', 'web']);
  await tb.advance(1);
  // The finalizer keeps `web` around long enough to see what the collector did to it.
  const web = await getPod('web');
  expect(web!.metadata).toMatchObject({ deletionTimestamp: at(45), deletionGracePeriodSeconds: 0 });
  expect(web!.status).toMatchObject({
    phase: 'Failed',
    conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastTransitionTime: at(45) }],
  });
  expect(await getPod('done')).toBeUndefined();
});

test('a pod bound to a node that never existed is an orphan too; a node that shows up in time saves its pods', async () => {
  await start();
  await pod('lost', 'nowhere', 'Pending');
  await pod('patient', 'late-node', 'Pending');
  await tb.advance(20_000);
  await tb.client.create('v1', 'nodes', undefined, { metadata: { name: 'late-node' } });
  await tb.advance(20_000);
  expect(await podNames()).toEqual(['patient']);
  await tb.advance(120_000);
  expect(await podNames()).toEqual(['patient']);
});

test('terminated pods beyond the threshold go, evicted ones first, then the oldest', async () => {
  await start({ terminatedPodGCThreshold: 2 });
  await pod('old-success', 'node-a', 'Succeeded');
  await tb.advance(1_000);
  await pod('old-failure', 'node-a', 'Failed');
  await tb.advance(1_000);
  await pod('running', 'node-a', 'Running');
  await pod('new-success', 'node-a', 'Succeeded');
  await tb.settle();
  expect(await podNames()).toEqual(['new-success', 'old-failure', 'running']);
  await tb.advance(1_000);
  await pod('evicted', 'node-a', 'Failed', { reason: 'Evicted' });
  await tb.settle();
  expect(await podNames()).toEqual(['new-success', 'old-failure', 'running']);
});

test('a terminating pod that was never scheduled is failed and force-deleted', async () => {
  await start();
  await tb.client.create('v1', 'pods', 'default', {
    metadata: { name: 'stuck', finalizers: ['example.com/keep'] },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  });
  await tb.client.delete('v1', 'pods', 'default', 'stuck');
  await tb.settle();
  expect((await getPod('stuck'))!.status).toMatchObject({ phase: 'Failed' });
});

test('terminating pods on a NotReady node marked out-of-service are force-deleted', async () => {
  await start();
  await pod('draining', 'node-a', 'Running');
  await pod('healthy-node', 'node-b', 'Running');
  await tb.client.create('v1', 'nodes', undefined, { metadata: { name: 'node-b' } });
  await tb.client.delete('v1', 'pods', 'default', 'draining');
  await tb.client.delete('v1', 'pods', 'default', 'healthy-node');
  await tb.settle();
  expect(await podNames()).toEqual(['draining', 'healthy-node']);
  await tb.client.patch('v1', 'nodes', undefined, 'node-a', 'merge', { status: { conditions: [{ type: 'Ready', status: 'False' }] } }, { subresource: 'status' });
  await tb.client.patch('v1', 'nodes', undefined, 'node-a', 'merge', { spec: { taints: [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }] } });
  await tb.settle();
  expect(await podNames()).toEqual(['healthy-node']);
});
