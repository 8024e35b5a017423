// StatefulSet controller: ordered and parallel scaling, identities, revisions and status, on the virtual clock.
import { describe, expect, test } from '@jest/globals';
import type { KubeObject } from '../../meta/types.js';
import { statefulSetController } from './statefulset.js';
import { listEvents, listPods, markReady, readyAll, releasePod, setPhase, useTestbed } from '../shared/statefulset-daemonset-test-helpers.js';

const tb = useTestbed(() => [statefulSetController()]);

function statefulSet(name: string, spec: Record<string, unknown> = {}, podMeta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 3,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name }, ...podMeta }, spec: { containers: [{ name: 'app', image: 'nginx:1' }] } },
      ...spec,
    },
  };
}

async function create(set: KubeObject): Promise<KubeObject> {
  const created = await tb.client.create('apps/v1', 'statefulsets', 'default', set);
  await tb.settle();
  return created;
}

async function getSet(name: string): Promise<KubeObject & { status: Record<string, unknown> }> {
  return (await tb.client.get('apps/v1', 'statefulsets', 'default', name)) as KubeObject & { status: Record<string, unknown> };
}

async function patchSet(name: string, patch: unknown): Promise<void> {
  await tb.client.patch('apps/v1', 'statefulsets', 'default', name, 'strategic', patch);
  await tb.settle();
}

const names = (pods: KubeObject[]) => pods.map((p) => p.metadata.name);
const image = (pod: KubeObject) => (pod.spec as { containers: { image: string }[] }).containers[0].image;

describe('OrderedReady', () => {
  test('creates ordinal i only once 0..i-1 are Running and Ready', async () => {
    const set = await create(statefulSet('web'));
    let pods = await listPods(tb);
    expect(names(pods)).toEqual(['web-0']);

    const pod = pods[0];
    expect(pod.metadata.generateName).toBe('web-');
    expect(pod.metadata.labels).toMatchObject({
      app: 'web',
      'statefulset.kubernetes.io/pod-name': 'web-0',
      'apps.kubernetes.io/pod-index': '0',
    });
    expect(pod.metadata.labels!['controller-revision-hash']).toMatch(/^web-[a-z0-9]+$/);
    expect(pod.spec).toMatchObject({ hostname: 'web-0', subdomain: 'web' });
    expect(pod.metadata.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: set.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);

    // Running alone is not enough: the pod must be Ready too.
    await setPhase(tb, pod, 'Running');
    await tb.settle();
    expect(names(await listPods(tb))).toEqual(['web-0']);

    await markReady(tb, (await listPods(tb))[0]);
    await tb.settle();
    pods = await listPods(tb);
    expect(names(pods)).toEqual(['web-0', 'web-1']);
    await markReady(tb, pods[1]);
    await tb.settle();
    expect(names(await listPods(tb))).toEqual(['web-0', 'web-1', 'web-2']);
    await readyAll(tb);

    const events = (await listEvents(tb)).filter((e) => e.involved === 'StatefulSet/web');
    expect(events.map((e) => [e.type, e.reason, e.message])).toEqual([
      ['Normal', 'SuccessfulCreate', 'create Pod web-0 in StatefulSet web successful'],
      ['Normal', 'SuccessfulCreate', 'create Pod web-1 in StatefulSet web successful'],
      ['Normal', 'SuccessfulCreate', 'create Pod web-2 in StatefulSet web successful'],
    ]);
    expect(events.every((e) => e.component === 'statefulset-controller')).toBe(true);

    const { status } = await getSet('web');
    const revision = pod.metadata.labels!['controller-revision-hash'];
    expect(status).toEqual({
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
      availableReplicas: 3,
    });
  });

  test('scales down from the highest ordinal, one at a time, waiting for each to terminate', async () => {
    await create(statefulSet('web', {}, { finalizers: ['example.com/hold'] }));
    await readyAll(tb);
    await readyAll(tb);
    await readyAll(tb);
    expect(names(await listPods(tb))).toEqual(['web-0', 'web-1', 'web-2']);

    await patchSet('web', { spec: { replicas: 1 } });
    let pods = await listPods(tb);
    expect(pods.map((p) => [p.metadata.name, Boolean(p.metadata.deletionTimestamp)])).toEqual([
      ['web-0', false],
      ['web-1', false],
      ['web-2', true],
    ]);

    await releasePod(tb, 'web-2');
    await tb.settle();
    pods = await listPods(tb);
    expect(pods.map((p) => [p.metadata.name, Boolean(p.metadata.deletionTimestamp)])).toEqual([
      ['web-0', false],
      ['web-1', true],
    ]);
    await releasePod(tb, 'web-1');
    await tb.settle();
    expect(names(await listPods(tb))).toEqual(['web-0']);

    const deletes = (await listEvents(tb)).filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
    expect(deletes).toEqual(['delete Pod web-2 in StatefulSet web successful', 'delete Pod web-1 in StatefulSet web successful']);
    expect((await getSet('web')).status).toMatchObject({ replicas: 1, readyReplicas: 1 });
  });

  test('replaces a failed pod, and starts ordinals at spec.ordinals.start', async () => {
    await create(statefulSet('db', { replicas: 2, ordinals: { start: 5 } }));
    await readyAll(tb);
    await readyAll(tb);
    let pods = await listPods(tb);
    expect(names(pods)).toEqual(['db-5', 'db-6']);
    expect(pods[1].metadata.labels!['apps.kubernetes.io/pod-index']).toBe('6');

    const oldUid = pods[0].metadata.uid;
    await setPhase(tb, pods[0], 'Failed');
    await tb.settle();
    pods = await listPods(tb);
    expect(names(pods)).toEqual(['db-5', 'db-6']);
    expect(pods[0].metadata.uid).not.toBe(oldUid);
    expect((pods[0].status as { phase: string }).phase).toBe('Pending');
  });
});

test('Parallel creates every pod at once and deletes every condemned pod at once', async () => {
  await create(statefulSet('par', { replicas: 4, podManagementPolicy: 'Parallel' }));
  expect(names(await listPods(tb))).toEqual(['par-0', 'par-1', 'par-2', 'par-3']);
  expect((await getSet('par')).status).toMatchObject({ replicas: 4, availableReplicas: 0 });

  await patchSet('par', { spec: { replicas: 1 } });
  expect(names(await listPods(tb))).toEqual(['par-0']);
});

test('minReadySeconds holds availability, and the next ordinal, until the pod has been Ready that long', async () => {
  await create(statefulSet('slow', { replicas: 2, minReadySeconds: 30 }));
  await readyAll(tb);
  expect(names(await listPods(tb))).toEqual(['slow-0']);
  expect((await getSet('slow')).status).toMatchObject({ readyReplicas: 1, availableReplicas: 0 });
  await tb.advance(29_000);
  expect(names(await listPods(tb))).toEqual(['slow-0']);

  // The controller looks again every minReadySeconds while pods are short of available (client-go keeps only the
  // earliest of a key's delayed adds), so by a minute in slow-0 has surely been seen available.
  await tb.advance(32_000);
  expect(names(await listPods(tb))).toEqual(['slow-0', 'slow-1']);
  expect((await getSet('slow')).status).toMatchObject({ readyReplicas: 1, availableReplicas: 1 });
  await readyAll(tb);
  expect((await getSet('slow')).status).toMatchObject({ readyReplicas: 2, availableReplicas: 1 });
  await tb.advance(61_000);
  expect((await getSet('slow')).status).toMatchObject({ readyReplicas: 2, availableReplicas: 2 });
});
