// StatefulSet updates: RollingUpdate with partition and maxUnavailable, OnDelete, rollback and revision history.
import { expect, test } from '@jest/globals';
import type { KubeObject } from '../../meta/types.js';
import { statefulSetController } from './statefulset.js';
import { listEvents, listPods, readyAll, useTestbed } from '../shared/statefulset-daemonset-test-helpers.js';

const tb = useTestbed(() => [statefulSetController()]);

async function createReadySet(name: string, spec: Record<string, unknown> = {}): Promise<void> {
  await tb.client.create('apps/v1', 'statefulsets', 'default', {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas: 3,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1' }] } },
      ...spec,
    },
  });
  await tb.settle();
  for (let i = 0; i < 5; i++) await readyAll(tb);
}

async function status(name: string): Promise<Record<string, unknown>> {
  return (await tb.client.get('apps/v1', 'statefulsets', 'default', name)).status as Record<string, unknown>;
}

async function patchSet(name: string, patch: unknown): Promise<void> {
  await tb.client.patch('apps/v1', 'statefulsets', 'default', name, 'strategic', patch);
  await tb.settle();
}

const setImage = (img: string) => ({ spec: { template: { spec: { containers: [{ name: 'app', image: img }] } } } });

/** name → [image, revision label, ready] for every pod, so each step of a rollout reads at a glance. */
async function podStates(): Promise<Record<string, [string, string, boolean]>> {
  const out: Record<string, [string, string, boolean]> = {};
  for (const pod of await listPods(tb)) {
    const conditions = (pod.status as { conditions?: { type: string; status: string }[] }).conditions ?? [];
    const image = (pod.spec as { containers: { image: string }[] }).containers[0].image;
    out[pod.metadata.name!] = [image, pod.metadata.labels!['controller-revision-hash'], conditions.some((c) => c.type === 'Ready' && c.status === 'True')];
  }
  return out;
}

async function revisions(): Promise<KubeObject[]> {
  return (await tb.client.list('apps/v1', 'controllerrevisions', 'default')).items.sort((a, b) => Number(a.revision) - Number(b.revision));
}

test('RollingUpdate replaces the highest ordinal first, one Ready pod at a time, and never below the partition', async () => {
  await createReadySet('web');
  const rev1 = (await status('web')).currentRevision as string;

  await patchSet('web', { spec: { updateStrategy: { rollingUpdate: { partition: 1 } }, ...setImage('nginx:2').spec } });
  const rev2 = (await status('web')).updateRevision as string;
  expect(rev2).not.toBe(rev1);
  expect(await podStates()).toEqual({ 'web-0': ['nginx:1', rev1, true], 'web-1': ['nginx:1', rev1, true], 'web-2': ['nginx:2', rev2, false] });

  // web-1 waits until the new web-2 is Ready.
  await tb.settle();
  expect((await podStates())['web-1']).toEqual(['nginx:1', rev1, true]);
  await readyAll(tb);
  expect(await podStates()).toEqual({ 'web-0': ['nginx:1', rev1, true], 'web-1': ['nginx:2', rev2, false], 'web-2': ['nginx:2', rev2, true] });
  await readyAll(tb);
  expect(await podStates()).toEqual({ 'web-0': ['nginx:1', rev1, true], 'web-1': ['nginx:2', rev2, true], 'web-2': ['nginx:2', rev2, true] });
  expect(await status('web')).toMatchObject({ currentRevision: rev1, updateRevision: rev2, currentReplicas: 1, updatedReplicas: 2, readyReplicas: 3 });

  const deletes = (await listEvents(tb)).filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
  expect(deletes).toEqual(['delete Pod web-2 in StatefulSet web successful', 'delete Pod web-1 in StatefulSet web successful']);

  // Dropping the partition finishes the rollout, and the update revision becomes the current one.
  await patchSet('web', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
  await readyAll(tb);
  expect(await podStates()).toEqual({ 'web-0': ['nginx:2', rev2, true], 'web-1': ['nginx:2', rev2, true], 'web-2': ['nginx:2', rev2, true] });
  expect(await status('web')).toMatchObject({ currentRevision: rev2, updateRevision: rev2, currentReplicas: 3, updatedReplicas: 3 });

  const history = await revisions();
  expect(history.map((r) => [r.metadata.name, r.revision])).toEqual([
    [rev1, 1],
    [rev2, 2],
  ]);
  expect(history[1].metadata.labels).toEqual({ app: 'web', 'controller.kubernetes.io/hash': rev2.slice('web-'.length) });
  expect(history[1].metadata.ownerReferences![0]).toMatchObject({ kind: 'StatefulSet', name: 'web', controller: true });
  expect(history[1].data).toMatchObject({ spec: { template: { $patch: 'replace', spec: { containers: [{ image: 'nginx:2' }] } } } });
});

test('maxUnavailable lets a Parallel set replace that many pods at once', async () => {
  await createReadySet('par', { replicas: 4, podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } });
  await patchSet('par', setImage('nginx:2'));
  const images = async () => Object.values(await podStates()).map(([img, , ready]) => `${img}${ready ? '' : ' (not ready)'}`);
  expect(await images()).toEqual(['nginx:1', 'nginx:1', 'nginx:2 (not ready)', 'nginx:2 (not ready)']);
  await readyAll(tb);
  expect(await images()).toEqual(['nginx:2 (not ready)', 'nginx:2 (not ready)', 'nginx:2', 'nginx:2']);
  await readyAll(tb);
  expect(await images()).toEqual(['nginx:2', 'nginx:2', 'nginx:2', 'nginx:2']);
});

test('OnDelete updates a pod only when someone deletes it', async () => {
  await createReadySet('web', { updateStrategy: { type: 'OnDelete' } });
  const rev1 = (await status('web')).currentRevision as string;
  await patchSet('web', setImage('nginx:2'));
  await tb.advance(60_000);
  const rev2 = (await status('web')).updateRevision as string;
  expect(Object.values(await podStates()).map(([img]) => img)).toEqual(['nginx:1', 'nginx:1', 'nginx:1']);

  await tb.client.delete('v1', 'pods', 'default', 'web-1');
  await tb.settle();
  await readyAll(tb);
  expect(await podStates()).toEqual({ 'web-0': ['nginx:1', rev1, true], 'web-1': ['nginx:2', rev2, true], 'web-2': ['nginx:1', rev1, true] });
  // Upstream only completes RollingUpdates, so an OnDelete set's currentRevision stays where it was.
  expect(await status('web')).toMatchObject({ currentRevision: rev1, updateRevision: rev2, currentReplicas: 2, updatedReplicas: 1 });
});

test('rolling back reuses the old revision under a new number, and history is pruned to revisionHistoryLimit', async () => {
  await createReadySet('web', { revisionHistoryLimit: 1 });
  const rev1 = (await status('web')).currentRevision as string;
  await patchSet('web', setImage('nginx:2'));
  for (let i = 0; i < 6; i++) await readyAll(tb);
  const rev2 = (await status('web')).currentRevision as string;
  expect(rev2).not.toBe(rev1);

  await patchSet('web', setImage('nginx:1'));
  for (let i = 0; i < 6; i++) await readyAll(tb);
  expect(await status('web')).toMatchObject({ currentRevision: rev1, updateRevision: rev1, updatedReplicas: 3 });
  expect((await revisions()).map((r) => [r.metadata.name, r.revision])).toEqual([
    [rev2, 2],
    [rev1, 3],
  ]);

  await patchSet('web', setImage('nginx:3'));
  for (let i = 0; i < 6; i++) await readyAll(tb);
  const rev3 = (await status('web')).currentRevision as string;
  // Only one revision beyond the live one is kept: rev2, the oldest, is gone.
  expect((await revisions()).map((r) => r.metadata.name)).toEqual([rev1, rev3]);
});
