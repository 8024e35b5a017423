// Dynamic provisioning end to end, as on kind: WaitForFirstConsumer, the scheduler's node choice, local-path, binding.
import { expect, test } from '@jest/globals';
import { claimSpec } from '../shared/storage-helpers.js';
import type { KubeObject } from '../../meta/types.js';
import { claim, eventsAbout, eventSources, getClaim, getVolume, phaseOf, selectNode, useStorageTestbed, volumeExists } from '../persistentvolume/storage-test-kit.js';

const tb = useStorageTestbed();

test('a claim of the default class waits for its first consumer, then gets a local-path volume on the chosen node', async () => {
  const created = await tb.client.create('v1', 'persistentvolumeclaims', 'default', claim('data', { storage: '2Gi' }));
  expect(created.spec).toMatchObject({ storageClassName: 'standard' });
  await tb.settle();
  let pvc = await getClaim(tb, 'data');
  expect(phaseOf(pvc)).toBe('Pending');
  expect(pvc.metadata.annotations).toBeUndefined();
  expect(await eventsAbout(tb, 'PersistentVolumeClaim', 'data')).toEqual([
    'WaitForFirstConsumer: waiting for first consumer to be created before binding',
  ]);
  // The PV controller's periodic sync says it again, as `kubectl describe` shows "(x2 over 15s)".
  await tb.advance(15_000);
  expect(await eventsAbout(tb, 'PersistentVolumeClaim', 'data')).toEqual([
    'WaitForFirstConsumer: waiting for first consumer to be created before binding (x2)',
  ]);

  await selectNode(tb, 'data', 'kind-worker');
  await tb.settle();
  pvc = await getClaim(tb, 'data');
  const pvName = `pvc-${pvc.metadata.uid}`;
  expect(phaseOf(pvc)).toBe('Bound');
  expect(pvc.spec).toMatchObject({ volumeName: pvName, storageClassName: 'standard' });
  expect(pvc.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } });
  expect(pvc.metadata.annotations).toEqual({
    'pv.kubernetes.io/bind-completed': 'yes',
    'pv.kubernetes.io/bound-by-controller': 'yes',
    'volume.beta.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
    'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
    'volume.kubernetes.io/selected-node': 'kind-worker',
  });
  expect(pvc.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);

  const pv = await getVolume(tb, pvName);
  expect(phaseOf(pv)).toBe('Bound');
  expect(pv.metadata.annotations).toEqual({
    'local.path.provisioner/selected-node': 'kind-worker',
    'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path',
  });
  expect(pv.metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
  expect(pv.spec).toEqual({
    accessModes: ['ReadWriteOnce'],
    capacity: { storage: '2Gi' },
    claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: expect.any(String) },
    hostPath: { path: `/var/local-path-provisioner/${pvName}_default_data`, type: 'DirectoryOrCreate' },
    nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['kind-worker'] }] }] } },
    persistentVolumeReclaimPolicy: 'Delete',
    storageClassName: 'standard',
    volumeMode: 'Filesystem',
  });

  const events = await eventsAbout(tb, 'PersistentVolumeClaim', 'data');
  expect(events[0]).toBe('WaitForFirstConsumer: waiting for first consumer to be created before binding (x2)');
  // The PV controller's note and the provisioner's start race, as two components' Events do on kind.
  expect(events.slice(1, 3).sort()).toEqual([
    "ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' " +
      'or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.',
    'Provisioning: External provisioner is provisioning volume for claim "default/data"',
  ]);
  expect(events.slice(3)).toEqual([`ProvisioningSucceeded: Successfully provisioned volume ${pvName}`]);
  const sources = await eventSources(tb, 'PersistentVolumeClaim', 'data');
  expect(sources[0]).toBe('persistentvolume-controller');
  expect(sources[1]).toMatch(/^rancher\.io\/local-path_local-path-provisioner_[0-9a-f-]{36}$/);
});

test('deleting a provisioned claim releases its volume, which the provisioner deletes (reclaim policy Delete)', async () => {
  await tb.client.create('v1', 'persistentvolumeclaims', 'default', claim('scratch'));
  await selectNode(tb, 'scratch', 'kind-worker');
  await tb.settle();
  const pvName = claimSpec(await getClaim(tb, 'scratch')).volumeName as string;
  expect(await volumeExists(tb, pvName)).toBe(true);

  await tb.client.delete('v1', 'persistentvolumeclaims', 'default', 'scratch');
  await tb.settle();
  expect((await tb.client.list('v1', 'persistentvolumeclaims', 'default')).items).toEqual([]);
  expect(await volumeExists(tb, pvName)).toBe(false);
});

test('a Retain class keeps the released volume, pointing at the claim that is gone', async () => {
  await tb.client.create('storage.k8s.io/v1', 'storageclasses', undefined, {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'keep' },
    provisioner: 'rancher.io/local-path',
    reclaimPolicy: 'Retain',
    volumeBindingMode: 'WaitForFirstConsumer',
  });
  await tb.client.create('v1', 'persistentvolumeclaims', 'default', claim('archive', { storageClassName: 'keep' }));
  await selectNode(tb, 'archive', 'kind-worker');
  await tb.settle();
  const bound = await getClaim(tb, 'archive');
  const pvName = claimSpec(bound).volumeName as string;
  expect((await getVolume(tb, pvName)).spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Retain' });

  await tb.client.delete('v1', 'persistentvolumeclaims', 'default', 'archive');
  await tb.settle();
  const released = await getVolume(tb, pvName);
  expect(phaseOf(released)).toBe('Released');
  expect((released.spec as { claimRef: { uid: string } }).claimRef.uid).toBe(bound.metadata.uid);
  // Released is not Bound: deleting it now is not held back by its pv-protection finalizer.
  await tb.client.delete('v1', 'persistentvolumes', undefined, pvName);
  await tb.settle();
  expect(await volumeExists(tb, pvName)).toBe(false);
});

test('local-path cannot provision without a node: an Immediate class fails as it does on kind', async () => {
  await tb.client.create('storage.k8s.io/v1', 'storageclasses', undefined, {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'now' },
    provisioner: 'rancher.io/local-path',
    volumeBindingMode: 'Immediate',
  });
  await tb.client.create('v1', 'persistentvolumeclaims', 'default', claim('eager', { storageClassName: 'now' }));
  await tb.settle();
  expect(phaseOf(await getClaim(tb, 'eager'))).toBe('Pending');
  const events = await eventsAbout(tb, 'PersistentVolumeClaim', 'eager');
  expect(events).toContain('ProvisioningFailed: configuration error, no node was specified');
  // The library retries with backoff (15 s, 30 s, …).
  await tb.advance(15_000);
  expect(await eventsAbout(tb, 'PersistentVolumeClaim', 'eager')).toContain('ProvisioningFailed: configuration error, no node was specified (x2)');
});

test('a selected node that does not exist sends the claim back to the scheduler', async () => {
  await tb.client.create('v1', 'persistentvolumeclaims', 'default', claim('lost'));
  await selectNode(tb, 'lost', 'no-such-node');
  await tb.settle();
  const pvc: KubeObject = await getClaim(tb, 'lost');
  expect(phaseOf(pvc)).toBe('Pending');
  expect(pvc.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBeUndefined();
  expect(await eventsAbout(tb, 'PersistentVolumeClaim', 'lost')).toContain('ProvisioningFailed: nodes "no-such-node" not found');
});
