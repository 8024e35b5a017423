// StatefulSet claims: PVCs from volumeClaimTemplates before their pods, and persistentVolumeClaimRetentionPolicy owners.
import { expect, test } from '@jest/globals';
import type { KubeObject, OwnerReference } from '../../meta/types.js';
import { statefulSetController } from './statefulset.js';
import { listEvents, listPods, readyAll, useTestbed } from '../shared/statefulset-daemonset-test-helpers.js';

const tb = useTestbed(() => [statefulSetController()]);

async function createSet(spec: Record<string, unknown> = {}): Promise<KubeObject> {
  const set = await tb.client.create('apps/v1', 'statefulsets', 'default', {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      replicas: 2,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' } },
        spec: { containers: [{ name: 'db', image: 'postgres' }], volumes: [{ name: 'config', configMap: { name: 'db-config' } }] },
      },
      volumeClaimTemplates: [
        { metadata: { name: 'data', labels: { tier: 'storage' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      ],
      ...spec,
    },
  });
  await tb.settle();
  for (let i = 0; i < 3; i++) await readyAll(tb);
  return set;
}

/**
 * Deletes a claim the way a cluster ends up removing it: admission gave it the pvc-protection finalizer, which the
 * protection controller (not running here) removes once no scheduled pod uses it — none does, nothing schedules here.
 */
async function deleteClaim(name: string): Promise<void> {
  await tb.client.delete('v1', 'persistentvolumeclaims', 'default', name);
  await tb.client.patch('v1', 'persistentvolumeclaims', 'default', name, 'merge', { metadata: { finalizers: null } });
}

async function claims(): Promise<KubeObject[]> {
  return (await tb.client.list('v1', 'persistentvolumeclaims', 'default')).items.sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
}

const owners = (claim: KubeObject) => (claim.metadata.ownerReferences ?? []).map((r: OwnerReference) => `${r.kind}/${r.name}${r.controller ? ' (controller)' : ''}`);

test('claims come from the templates, named <template>-<set>-<ordinal>, before their pods', async () => {
  await createSet();
  const [first] = await claims();
  expect((await claims()).map((c) => c.metadata.name)).toEqual(['data-db-0', 'data-db-1']);
  expect(first.metadata.labels).toEqual({ tier: 'storage', app: 'db' });
  expect(first.spec).toMatchObject({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
  // Retain/Retain (the default) leaves the claims unowned.
  expect(owners(first)).toEqual([]);

  const pod = (await listPods(tb))[0];
  expect((pod.spec as { volumes: unknown[] }).volumes).toEqual([
    { name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } },
    { name: 'config', configMap: { name: 'db-config', defaultMode: 420 } },
  ]);

  const messages = (await listEvents(tb)).map((e) => `${e.reason}: ${e.message}`);
  expect(messages.slice(0, 2)).toEqual([
    'SuccessfulCreate: create Claim data-db-0 Pod db-0 in StatefulSet db success',
    'SuccessfulCreate: create Pod db-0 in StatefulSet db successful',
  ]);

  // A claim deleted from under a Pending pod is created again.
  await tb.client.update('v1', 'pods', 'default', { ...pod, status: { phase: 'Pending' } }, { subresource: 'status' });
  await deleteClaim('data-db-0');
  await tb.settle();
  expect((await claims()).map((c) => c.metadata.name)).toEqual(['data-db-0', 'data-db-1']);
});

test('whenDeleted: Delete makes the set own its claims', async () => {
  await createSet({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } });
  for (const claim of await claims()) expect(owners(claim)).toEqual(['StatefulSet/db (controller)']);

  // Switching back to Retain takes the references away again.
  await tb.client.patch('apps/v1', 'statefulsets', 'default', 'db', 'merge', { spec: { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain' } } });
  await tb.settle();
  for (const claim of await claims()) expect(owners(claim)).toEqual([]);
});

test('whenScaled: Delete hands a scaled-down pod its claims, and a claim left by it blocks that ordinal until it is gone', async () => {
  await createSet({ persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' } });
  const oldPod = (await listPods(tb))[1];
  expect((await claims()).map(owners)).toEqual([[], []]);

  await tb.client.patch('apps/v1', 'statefulsets', 'default', 'db', 'merge', { spec: { replicas: 1 } });
  await tb.settle();
  expect((await listPods(tb)).map((p) => p.metadata.name)).toEqual(['db-0']);
  const [kept, condemned] = await claims();
  expect(owners(kept)).toEqual([]);
  expect(condemned.metadata.ownerReferences).toEqual([
    { apiVersion: 'v1', kind: 'Pod', name: 'db-1', uid: oldPod.metadata.uid, controller: true, blockOwnerDeletion: true },
  ]);

  // Until the garbage collector removes the claim of the old db-1, a new db-1 must not reuse it.
  await tb.client.patch('apps/v1', 'statefulsets', 'default', 'db', 'merge', { spec: { replicas: 2 } });
  await tb.settle();
  expect((await listPods(tb)).map((p) => p.metadata.name)).toEqual(['db-0']);
  await deleteClaim('data-db-1');
  // Upstream does not watch claims: the set's next sync (here, prompted by a label on it) creates the pod.
  await tb.client.patch('apps/v1', 'statefulsets', 'default', 'db', 'merge', { metadata: { labels: { touched: 'yes' } } });
  await tb.settle();
  expect((await listPods(tb)).map((p) => p.metadata.name)).toEqual(['db-0', 'db-1']);
  expect((await claims()).map(owners)).toEqual([[], []]);
});
