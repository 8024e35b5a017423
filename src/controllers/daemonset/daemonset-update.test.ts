// DaemonSet updates: RollingUpdate bounded by maxUnavailable or surging by maxSurge, OnDelete, and revision history.
import { beforeEach, expect, test } from '@jest/globals';
import type { KubeObject } from '../../meta/types.js';
import { daemonSetController } from './daemonset.js';
import { targetNodeName } from './daemonset-scheduling.js';
import { isReady, listPods, readyAll, useTestbed } from '../shared/statefulset-daemonset-test-helpers.js';

const tb = useTestbed(() => [daemonSetController()]);

beforeEach(async () => {
  for (const name of ['n1', 'n2', 'n3', 'n4']) {
    await tb.client.create('v1', 'nodes', undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
  }
});

async function createReadyDaemonSet(spec: Record<string, unknown>): Promise<void> {
  await tb.client.create('apps/v1', 'daemonsets', 'default', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } },
      ...spec,
    },
  });
  await tb.settle();
  await readyAll(tb);
}

async function setImage(image: string): Promise<void> {
  await tb.client.patch('apps/v1', 'daemonsets', 'default', 'agent', 'strategic', { spec: { template: { spec: { containers: [{ name: 'agent', image }] } } } });
  await tb.settle();
}

/** One string a pod, in node order: `n1 agent:2 (not ready)`. */
async function pods(): Promise<string[]> {
  return (await listPods(tb))
    .map((pod: KubeObject) => `${targetNodeName(pod)} ${(pod.spec as { containers: { image: string }[] }).containers[0].image}${isReady(pod) ? '' : ' (not ready)'}`)
    .sort();
}

async function dsStatus(): Promise<Record<string, unknown>> {
  return (await tb.client.get('apps/v1', 'daemonsets', 'default', 'agent')).status as Record<string, unknown>;
}

test('RollingUpdate replaces old pods without ever having more than maxUnavailable unavailable', async () => {
  await createReadyDaemonSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } });
  await setImage('agent:2');
  expect(await pods()).toEqual(['n1 agent:2 (not ready)', 'n2 agent:2 (not ready)', 'n3 agent:1', 'n4 agent:1']);
  expect(await dsStatus()).toMatchObject({ desiredNumberScheduled: 4, numberReady: 2, updatedNumberScheduled: 2, numberAvailable: 2, numberUnavailable: 2, observedGeneration: 2 });

  // Nothing more moves while two pods are unavailable.
  await tb.advance(60_000);
  expect(await pods()).toEqual(['n1 agent:2 (not ready)', 'n2 agent:2 (not ready)', 'n3 agent:1', 'n4 agent:1']);
  await readyAll(tb);
  expect(await pods()).toEqual(['n1 agent:2', 'n2 agent:2', 'n3 agent:2 (not ready)', 'n4 agent:2 (not ready)']);
  await readyAll(tb);
  expect(await pods()).toEqual(['n1 agent:2', 'n2 agent:2', 'n3 agent:2', 'n4 agent:2']);
  expect(await dsStatus()).toMatchObject({ desiredNumberScheduled: 4, currentNumberScheduled: 4, numberReady: 4, updatedNumberScheduled: 4, numberAvailable: 4 });

  const revisions = (await tb.client.list('apps/v1', 'controllerrevisions', 'default')).items.sort((a, b) => Number(a.revision) - Number(b.revision));
  expect(revisions.map((r) => r.revision)).toEqual([1, 2]);
  const hash = revisions[1].metadata.labels!['controller-revision-hash'];
  for (const pod of await listPods(tb)) expect(pod.metadata.labels!['controller-revision-hash']).toBe(hash);
});

test('with maxSurge a new pod starts next to the old one, which goes once the new one is available', async () => {
  await createReadyDaemonSet({ minReadySeconds: 10, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
  await tb.advance(11_000);
  await setImage('agent:2');
  expect(await pods()).toEqual(['n1 agent:1', 'n1 agent:2 (not ready)', 'n2 agent:1', 'n3 agent:1', 'n4 agent:1']);

  // Ready is not yet available: the old pod stays for minReadySeconds more.
  await readyAll(tb);
  expect(await pods()).toEqual(['n1 agent:1', 'n1 agent:2', 'n2 agent:1', 'n3 agent:1', 'n4 agent:1']);
  // Within two minReadySeconds requeues the new pod is seen available (at exactly minReadySeconds upstream says not yet).
  await tb.advance(21_000);
  expect(await pods()).toEqual(['n1 agent:2', 'n2 agent:1', 'n2 agent:2 (not ready)', 'n3 agent:1', 'n4 agent:1']);
  for (let i = 0; i < 3; i++) {
    await readyAll(tb);
    await tb.advance(21_000);
  }
  expect(await pods()).toEqual(['n1 agent:2', 'n2 agent:2', 'n3 agent:2', 'n4 agent:2']);
  expect(await dsStatus()).toMatchObject({ numberAvailable: 4, updatedNumberScheduled: 4 });
});

test('OnDelete only replaces the pods someone deletes, and rolling back reuses the old revision', async () => {
  await createReadyDaemonSet({ updateStrategy: { type: 'OnDelete' }, revisionHistoryLimit: 5 });
  const [first] = (await tb.client.list('apps/v1', 'controllerrevisions', 'default')).items;
  await setImage('agent:2');
  expect(await pods()).toEqual(['n1 agent:1', 'n2 agent:1', 'n3 agent:1', 'n4 agent:1']);
  // Zero counts other than the four scheduling ones are left out, as Go's omitempty does.
  expect(await dsStatus()).toMatchObject({ numberReady: 4, numberAvailable: 4 });
  expect((await dsStatus()).updatedNumberScheduled).toBeUndefined();

  const victim = (await listPods(tb)).find((p) => targetNodeName(p) === 'n3')!;
  await tb.client.delete('v1', 'pods', 'default', victim.metadata.name!);
  await tb.settle();
  expect(await pods()).toEqual(['n1 agent:1', 'n2 agent:1', 'n3 agent:2 (not ready)', 'n4 agent:1']);
  expect(await dsStatus()).toMatchObject({ updatedNumberScheduled: 1 });

  // Back to agent:1: the first revision becomes current again as revision 3, and the old pods count as updated.
  await setImage('agent:1');
  const revisions = (await tb.client.list('apps/v1', 'controllerrevisions', 'default')).items;
  expect(revisions).toHaveLength(2);
  expect(revisions.find((r) => r.metadata.name === first.metadata.name)!.revision).toBe(3);
  expect(revisions.find((r) => r.metadata.name !== first.metadata.name)!.revision).toBe(2);
  expect(await dsStatus()).toMatchObject({ updatedNumberScheduled: 3 });
});

test('revisionHistoryLimit prunes old revisions no pod wears', async () => {
  await createReadyDaemonSet({ revisionHistoryLimit: 1, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 4 } } });
  for (const image of ['agent:2', 'agent:3', 'agent:4']) {
    await setImage(image);
    await readyAll(tb);
  }
  const revisions = (await tb.client.list('apps/v1', 'controllerrevisions', 'default')).items.map((r) => r.revision).sort();
  expect(revisions).toEqual([3, 4]);
  expect(await pods()).toEqual(['n1 agent:4', 'n2 agent:4', 'n3 agent:4', 'n4 agent:4']);
});
