// What happens to a static volume once its claim is gone: Retain, Delete (as kube-controller-manager's plugins can), Recycle.
import { expect, test } from '@jest/globals';
import { claimSpec } from '../shared/storage-helpers.js';
import type { KubeObject } from '../../meta/types.js';
import { pvProtectionController } from '../volume-protection/pv-protection.js';
import { pvcProtectionController } from '../volume-protection/pvc-protection.js';
import { persistentVolumeBinderController } from './persistentvolume-binder.js';
import { claim, claimExists, eventsAbout, getClaim, getVolume, phaseOf, useStorageTestbed, volume, volumeExists, type VolumeOptions } from './storage-test-kit.js';

const tb = useStorageTestbed(() => [persistentVolumeBinderController(), pvcProtectionController(), pvProtectionController()]);

/** A class-less volume bound to a claim of the same name, then the claim deleted. */
async function bindThenDeleteClaim(name: string, options: VolumeOptions & { source?: Record<string, unknown> }): Promise<void> {
  const pv = volume(name, { storageClassName: '', ...options });
  if (options.source) {
    delete (pv.spec as Record<string, unknown>).hostPath;
    Object.assign(pv.spec as object, options.source);
  }
  await tb.client.create('v1', 'persistentvolumes', undefined, pv);
  await tb.client.create('v1', 'persistentvolumeclaims', 'default', claim(name, { storageClassName: '', volumeName: name }));
  await tb.settle();
  expect(phaseOf(await getVolume(tb, name))).toBe('Bound');
  await tb.client.delete('v1', 'persistentvolumeclaims', 'default', name);
  await tb.settle();
  expect(await claimExists(tb, name)).toBe(false);
}

const statusOf = (pv: KubeObject) => pv.status as { phase?: string; message?: string };

test('Retain: the volume is Released and keeps its claimRef until an administrator frees it', async () => {
  await bindThenDeleteClaim('kept', { reclaimPolicy: 'Retain' });
  const released = await getVolume(tb, 'kept');
  expect(statusOf(released).phase).toBe('Released');
  expect(released.spec).toMatchObject({ claimRef: { name: 'kept' } });

  // A new claim of any name cannot have it while it is Released…
  await tb.client.create('v1', 'persistentvolumeclaims', 'default', claim('next', { storageClassName: '' }));
  await tb.advance(15_000);
  expect(phaseOf(await getClaim(tb, 'next'))).toBe('Pending');
  // …until the administrator removes the claimRef: the volume is Available, and the next sync binds it.
  delete (released.spec as Record<string, unknown>).claimRef;
  await tb.client.update('v1', 'persistentvolumes', undefined, released);
  await tb.advance(15_000);
  expect(claimSpec(await getClaim(tb, 'next')).volumeName).toBe('kept');
});

test('Delete: a hostPath volume under /tmp is deleted', async () => {
  await bindThenDeleteClaim('scratch', { reclaimPolicy: 'Delete', path: '/tmp/scratch' });
  expect(await volumeExists(tb, 'scratch')).toBe(false);
});

test('Delete: a volume no in-tree plugin can delete is Failed with the reason', async () => {
  await bindThenDeleteClaim('precious', { reclaimPolicy: 'Delete', path: '/data/precious' });
  const failed = await getVolume(tb, 'precious');
  expect(statusOf(failed)).toMatchObject({ phase: 'Failed', message: 'host_path deleter only supports /tmp/.+ but received provided /data/precious' });
  expect(await eventsAbout(tb, 'PersistentVolume', 'precious', 'default')).toEqual([
    'VolumeFailedDelete: host_path deleter only supports /tmp/.+ but received provided /data/precious',
  ]);

  await bindThenDeleteClaim('remote', { reclaimPolicy: 'Delete', source: { nfs: { server: 'nfs.example.com', path: '/exports/remote' } } });
  expect(statusOf(await getVolume(tb, 'remote'))).toMatchObject({
    phase: 'Failed',
    message: 'error getting deleter volume plugin for volume "remote": no deletable volume plugin matched',
  });
  // CSI volumes belong to their driver: the PV controller leaves them Released for it.
  await bindThenDeleteClaim('csi', { reclaimPolicy: 'Delete', source: { csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-1' } } });
  expect(statusOf(await getVolume(tb, 'csi')).phase).toBe('Released');
});

test('Recycle: a hostPath volume is scrubbed and offered again', async () => {
  await bindThenDeleteClaim('reused', { reclaimPolicy: 'Recycle' });
  const recycled = await getVolume(tb, 'reused');
  expect(statusOf(recycled).phase).toBe('Available');
  // The controller made the volume's half of the binding, so undoing it clears the claimRef and its annotation.
  expect((recycled.spec as { claimRef?: unknown }).claimRef).toBeUndefined();
  expect(recycled.metadata.annotations).toBeUndefined();
  expect(await eventsAbout(tb, 'PersistentVolume', 'reused', 'default')).toEqual(['VolumeRecycled: Volume recycled']);
});

test('a bound volume deleted stays (pv-protection) until its claim lets it go', async () => {
  await tb.client.create('v1', 'persistentvolumes', undefined, volume('held', { storageClassName: '' }));
  await tb.client.create('v1', 'persistentvolumeclaims', 'default', claim('holder', { storageClassName: '' }));
  await tb.settle();
  expect(claimSpec(await getClaim(tb, 'holder')).volumeName).toBe('held');

  await tb.client.delete('v1', 'persistentvolumes', undefined, 'held');
  await tb.settle();
  const terminating = await getVolume(tb, 'held');
  expect(terminating.metadata.deletionTimestamp).toBeDefined();
  expect(terminating.metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
  expect(phaseOf(await getClaim(tb, 'holder'))).toBe('Bound');

  await tb.client.delete('v1', 'persistentvolumeclaims', 'default', 'holder');
  await tb.settle();
  expect(await volumeExists(tb, 'held')).toBe(false);
});

test('a claim whose volume disappears is Lost', async () => {
  await tb.client.create('v1', 'persistentvolumes', undefined, volume('vanishing', { storageClassName: '' }));
  await tb.client.create('v1', 'persistentvolumeclaims', 'default', claim('bereft', { storageClassName: '' }));
  await tb.settle();
  // Force the volume away: delete it, then strip the protection finalizer as an administrator could.
  await tb.client.delete('v1', 'persistentvolumes', undefined, 'vanishing');
  await tb.client.patch('v1', 'persistentvolumes', undefined, 'vanishing', 'merge', { metadata: { finalizers: null } });
  await tb.settle();
  expect(await volumeExists(tb, 'vanishing')).toBe(false);
  expect(phaseOf(await getClaim(tb, 'bereft'))).toBe('Lost');
  expect(await eventsAbout(tb, 'PersistentVolumeClaim', 'bereft')).toEqual(['ClaimLost: Bound claim has lost its PersistentVolume. Data on the volume is lost!']);
});
