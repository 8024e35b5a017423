// The protection controllers: a claim in use by a scheduled pod, and a Bound volume, outlive their deletion until free.
import { expect, test } from '@jest/globals';
import { claim, claimExists, getClaim, getVolume, pod, useStorageTestbed, volume, volumeExists } from '../persistentvolume/storage-test-kit.js';
import { pvProtectionController } from './pv-protection.js';
import { pvcProtectionController } from './pvc-protection.js';

const tb = useStorageTestbed(() => [pvcProtectionController(), pvProtectionController()]);

const createClaim = (name: string) => tb.client.create('v1', 'persistentvolumeclaims', 'default', claim(name));

test('a claim in use by a pod survives its deletion until the pod is gone', async () => {
  await createClaim('in-use');
  await tb.client.create('v1', 'pods', 'default', pod('user', 'in-use', 'kind-worker'));
  await tb.settle();
  await tb.client.delete('v1', 'persistentvolumeclaims', 'default', 'in-use');
  await tb.settle();
  const terminating = await getClaim(tb, 'in-use');
  expect(terminating.metadata.deletionTimestamp).toBeDefined();
  expect(terminating.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);

  // A pod that has finished still holds it (upstream counts every scheduled pod); only its removal frees the claim.
  const user = await tb.client.get('v1', 'pods', 'default', 'user');
  await tb.client.update('v1', 'pods', 'default', { ...user, status: { phase: 'Succeeded' } }, { subresource: 'status' });
  await tb.settle();
  expect(await claimExists(tb, 'in-use')).toBe(true);
  await tb.client.delete('v1', 'pods', 'default', 'user');
  await tb.settle();
  expect(await claimExists(tb, 'in-use')).toBe(false);
});

test('a pod not scheduled yet does not hold the claim', async () => {
  await createClaim('pending-user');
  await tb.client.create('v1', 'pods', 'default', pod('waiting', 'pending-user'));
  await tb.client.delete('v1', 'persistentvolumeclaims', 'default', 'pending-user');
  await tb.settle();
  expect(await claimExists(tb, 'pending-user')).toBe(false);
});

test('a pod using a claim of the same name in another namespace does not hold it', async () => {
  await tb.client.create('v1', 'namespaces', undefined, { metadata: { name: 'elsewhere' } });
  await createClaim('shared-name');
  await tb.client.create('v1', 'persistentvolumeclaims', 'elsewhere', claim('shared-name'));
  await tb.client.create('v1', 'pods', 'elsewhere', pod('other', 'shared-name', 'kind-worker'));
  await tb.client.delete('v1', 'persistentvolumeclaims', 'default', 'shared-name');
  await tb.settle();
  expect(await claimExists(tb, 'shared-name')).toBe(false);
  expect(await claimExists(tb, 'shared-name', 'elsewhere')).toBe(true);
});

test('the finalizers come back when stripped from a live object', async () => {
  await createClaim('stripped');
  await tb.client.create('v1', 'persistentvolumes', undefined, volume('bare', { storageClassName: '' }));
  await tb.client.patch('v1', 'persistentvolumeclaims', 'default', 'stripped', 'merge', { metadata: { finalizers: null } });
  await tb.client.patch('v1', 'persistentvolumes', undefined, 'bare', 'merge', { metadata: { finalizers: null } });
  await tb.settle();
  expect((await getClaim(tb, 'stripped')).metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
  expect((await getVolume(tb, 'bare')).metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
});

test('a volume waits while Bound and goes once its phase says it is free', async () => {
  await tb.client.create('v1', 'persistentvolumes', undefined, volume('guarded', { storageClassName: '' }));
  const pv = await getVolume(tb, 'guarded');
  await tb.client.update('v1', 'persistentvolumes', undefined, { ...pv, status: { phase: 'Bound' } }, { subresource: 'status' });
  await tb.client.delete('v1', 'persistentvolumes', undefined, 'guarded');
  await tb.settle();
  expect(await volumeExists(tb, 'guarded')).toBe(true);
  const held = await getVolume(tb, 'guarded');
  await tb.client.update('v1', 'persistentvolumes', undefined, { ...held, status: { phase: 'Released' } }, { subresource: 'status' });
  await tb.settle();
  expect(await volumeExists(tb, 'guarded')).toBe(false);
});
