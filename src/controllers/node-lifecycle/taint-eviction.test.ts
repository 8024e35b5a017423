// The taint eviction controller on a virtual clock: NoExecute taints evict at once or after tolerationSeconds.
import type { ControllerTestbed } from '../../../test/controller-testbed.js';
import { nodeLifecycleController } from './node-lifecycle.js';
import { at, eventsAbout, getPod, nodeCluster, podCondition, runningPod, startKubelet, stopKubelet } from './node-test-kit.js';
import { taintEvictionController } from './taint-eviction.js';

let tb: ControllerTestbed;
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

/** When the pod was deleted: its deletionTimestamp less the 30s grace period the deletion gave it. */
async function deleting(name: string): Promise<string | undefined> {
  const meta = (await getPod(tb, name))?.metadata;
  if (!meta?.deletionTimestamp) return undefined;
  expect(meta.deletionGracePeriodSeconds).toBe(30);
  return new Date(Date.parse(meta.deletionTimestamp) - 30_000).toISOString().replace('.000Z', 'Z');
}

describe('when a node stops heartbeating', () => {
  beforeEach(async () => {
    tb = await nodeCluster(3, [nodeLifecycleController(), taintEvictionController()]);
    // Every pod gets the DefaultTolerationSeconds admission's 300s for not-ready and unreachable, unless it says otherwise.
    await runningPod(tb, 'standard', 'kubefake-worker');
    await runningPod(tb, 'impatient', 'kubefake-worker', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }]);
    await runningPod(tb, 'loyal', 'kubefake-worker', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]);
    await runningPod(tb, 'bystander', 'kubefake-worker2');
    await stopKubelet(tb, 'kubefake-worker');
    // Unknown and tainted unreachable:NoExecute at 55s (see node-lifecycle.test.ts).
    await tb.advance(55_000);
  });

  test('each pod goes when its toleration runs out, with DisruptionTarget and an Event', async () => {
    expect(await deleting('impatient')).toBeUndefined();
    await tb.advance(29_999);
    expect(await deleting('impatient')).toBeUndefined();
    await tb.advance(1);
    expect(await deleting('impatient')).toBe(at(85));
    expect(podCondition(await getPod(tb, 'impatient'), 'DisruptionTarget')).toEqual({
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'DeletionByTaintManager',
      message: 'Taint manager: deleting due to NoExecute taint',
      lastTransitionTime: at(85),
    });
    expect(await eventsAbout(tb, 'Pod', 'impatient')).toContain('taint-eviction-controller TaintManagerEviction: Marking for deletion Pod default/impatient');
    expect(await deleting('standard')).toBeUndefined();
    await tb.advance(270_000);
    expect(await deleting('standard')).toBe(at(355));
    await tb.advance(3600_000);
    expect(await deleting('loyal')).toBeUndefined();
    expect(await deleting('bystander')).toBeUndefined();
    // Deleted once: a terminating pod is not evicted again.
    expect((await eventsAbout(tb, 'Pod', 'standard')).filter((e) => e.includes('Marking'))).toHaveLength(1);
  });

  test('a node back in time cancels the pending evictions', async () => {
    await tb.advance(100_000);
    expect(await deleting('impatient')).toBe(at(85));
    await startKubelet(tb, 'kubefake-worker');
    await tb.settle();
    expect(await eventsAbout(tb, 'Pod', 'standard')).toContain('taint-eviction-controller TaintManagerEviction: Cancelling deletion of Pod default/standard');
    await tb.advance(600_000);
    expect(await deleting('standard')).toBeUndefined();
  });
});

describe('with a NoExecute taint of the user', () => {
  beforeEach(async () => {
    tb = await nodeCluster(1, [taintEvictionController()]);
  });

  const taint = (taints: unknown[]) => tb.client.patch('v1', 'nodes', undefined, 'kubefake-worker', 'merge', { spec: { taints } });

  test('pods that do not tolerate it go at once; tolerating ones stay, or go after their seconds', async () => {
    await runningPod(tb, 'plain', 'kubefake-worker');
    await runningPod(tb, 'tolerant', 'kubefake-worker', [{ key: 'maintenance', operator: 'Equal', value: 'soon', effect: 'NoExecute' }]);
    await runningPod(tb, 'wrong-value', 'kubefake-worker', [{ key: 'maintenance', operator: 'Equal', value: 'later', effect: 'NoExecute' }]);
    await runningPod(tb, 'for-a-minute', 'kubefake-worker', [{ key: 'maintenance', operator: 'Exists', tolerationSeconds: 60 }]);
    await tb.advance(1_000);
    await taint([{ key: 'maintenance', value: 'soon', effect: 'NoExecute' }]);
    await tb.settle();
    expect(await deleting('plain')).toBe(at(1));
    expect(await deleting('wrong-value')).toBe(at(1));
    expect(await deleting('tolerant')).toBeUndefined();
    expect(await deleting('for-a-minute')).toBeUndefined();
    await tb.advance(60_000);
    expect(await deleting('for-a-minute')).toBe(at(61));
    expect(await deleting('tolerant')).toBeUndefined();
  });

  test('a NoSchedule taint evicts nothing, and removing the NoExecute one in time saves the pod', async () => {
    await runningPod(tb, 'for-a-minute', 'kubefake-worker', [{ key: 'maintenance', operator: 'Exists', tolerationSeconds: 60 }]);
    await runningPod(tb, 'plain', 'kubefake-worker');
    await taint([{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
    await tb.settle();
    expect(await deleting('plain')).toBeUndefined();
    await taint([{ key: 'maintenance', effect: 'NoExecute' }]);
    await tb.advance(30_000);
    await taint([]);
    await tb.advance(60_000);
    expect(await deleting('for-a-minute')).toBeUndefined();
    expect(await eventsAbout(tb, 'Pod', 'for-a-minute')).toEqual(['taint-eviction-controller TaintManagerEviction: Cancelling deletion of Pod default/for-a-minute']);
  });

  test('a pod bound to a node that is already tainted goes when it shows up', async () => {
    await taint([{ key: 'maintenance', effect: 'NoExecute' }]);
    await tb.settle();
    await tb.client.create('v1', 'pods', 'default', { metadata: { name: 'late' }, spec: { nodeName: 'kubefake-worker', containers: [{ name: 'c', image: 'busybox' }] } });
    await tb.settle();
    expect(await deleting('late')).toBe(at(0));
  });
});
