// The PV controller binding claims to volumes an administrator created: matching rules, pre-binding, periodic sync.
import { expect, test } from '@jest/globals';
import { claimSpec } from '../shared/storage-helpers.js';
import { pvProtectionController } from '../volume-protection/pv-protection.js';
import { pvcProtectionController } from '../volume-protection/pvc-protection.js';
import { persistentVolumeBinderController } from './persistentvolume-binder.js';
import { claim, eventsAbout, getClaim, getVolume, phaseOf, storageClass, useStorageTestbed, volume } from './storage-test-kit.js';

const tb = useStorageTestbed(() => [persistentVolumeBinderController(), pvcProtectionController(), pvProtectionController()]);

const manual = storageClass('manual', { provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'Immediate' });
const createClass = () => tb.client.create('storage.k8s.io/v1', 'storageclasses', undefined, manual);
const createVolume = (...args: Parameters<typeof volume>) => tb.client.create('v1', 'persistentvolumes', undefined, volume(...args));
const createClaim = (...args: Parameters<typeof claim>) => tb.client.create('v1', 'persistentvolumeclaims', 'default', claim(...args));
const boundVolumeOf = async (name: string) => claimSpec(await getClaim(tb, name)).volumeName;

test('an Immediate class binds at once to the smallest volume that fits', async () => {
  await createClass();
  await createVolume('big', { storage: '10Gi', storageClassName: 'manual' });
  await createVolume('small', { storage: '2Gi', storageClassName: 'manual' });
  await createVolume('tiny', { storage: '500Mi', storageClassName: 'manual' });
  await tb.settle();
  expect(phaseOf(await getVolume(tb, 'small'))).toBe('Available');

  const created = await createClaim('data', { storage: '1Gi', storageClassName: 'manual' });
  await tb.settle();
  const pvc = await getClaim(tb, 'data');
  expect(pvc.spec).toMatchObject({ volumeName: 'small' });
  expect(pvc.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '2Gi' } });
  expect(pvc.metadata.annotations).toEqual({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
  const pv = await getVolume(tb, 'small');
  expect(phaseOf(pv)).toBe('Bound');
  expect(pv.metadata.annotations).toEqual({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
  expect(pv.spec).toMatchObject({
    claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid: created.metadata.uid, apiVersion: 'v1' },
  });
  expect((pv.status as { lastPhaseTransitionTime?: string }).lastPhaseTransitionTime).toMatch(/Z$/);
  expect(phaseOf(await getVolume(tb, 'big'))).toBe('Available');
});

test('the claim selector, class, access modes and volume mode all have to match', async () => {
  await createClass();
  await createVolume('silver', { storage: '1Gi', storageClassName: 'manual', labels: { tier: 'silver' } });
  await createVolume('gold', { storage: '5Gi', storageClassName: 'manual', labels: { tier: 'gold' } });
  await createVolume('shared', { storage: '1Gi', storageClassName: 'manual', accessModes: ['ReadWriteOnce', 'ReadWriteMany'] });
  await createVolume('raw', { storage: '1Gi', storageClassName: 'manual', volumeMode: 'Block' });
  await createVolume('classless', { storage: '1Gi', storageClassName: '' });
  await tb.settle();

  await createClaim('gold-claim', { storageClassName: 'manual', selector: { matchLabels: { tier: 'gold' } } });
  await createClaim('rwx', { storageClassName: 'manual', accessModes: ['ReadWriteMany'] });
  await createClaim('block', { storageClassName: 'manual', volumeMode: 'Block' });
  await createClaim('none', { storageClassName: '' });
  await tb.settle();
  expect(await boundVolumeOf('gold-claim')).toBe('gold');
  expect(await boundVolumeOf('rwx')).toBe('shared');
  expect(await boundVolumeOf('block')).toBe('raw');
  expect(await boundVolumeOf('none')).toBe('classless');
  expect(phaseOf(await getVolume(tb, 'silver'))).toBe('Available');

  // Nothing left matches ReadWriteMany of 1Gi in class manual.
  await createClaim('rwx-2', { storageClassName: 'manual', accessModes: ['ReadWriteMany'] });
  await tb.settle();
  expect(phaseOf(await getClaim(tb, 'rwx-2'))).toBe('Pending');
  expect(await eventsAbout(tb, 'PersistentVolumeClaim', 'rwx-2')).toEqual([
    'ProvisioningFailed: no volume plugin matched name: kubernetes.io/no-provisioner',
  ]);
});

test('a claim naming its volume gets exactly that one, or a VolumeMismatch when it does not fit', async () => {
  await createVolume('chosen', { storage: '3Gi', storageClassName: '' });
  await createVolume('too-small', { storage: '100Mi', storageClassName: '' });
  await tb.settle();
  await createClaim('picky', { storageClassName: '', volumeName: 'chosen' });
  await createClaim('greedy', { storageClassName: '', volumeName: 'too-small' });
  await tb.settle();

  const picky = await getClaim(tb, 'picky');
  expect(phaseOf(picky)).toBe('Bound');
  // The user made the claim's half of the binding: no bound-by-controller on the claim, but on the volume.
  expect(picky.metadata.annotations).toEqual({ 'pv.kubernetes.io/bind-completed': 'yes' });
  expect((await getVolume(tb, 'chosen')).metadata.annotations).toEqual({ 'pv.kubernetes.io/bound-by-controller': 'yes' });

  expect(phaseOf(await getClaim(tb, 'greedy'))).toBe('Pending');
  expect(await eventsAbout(tb, 'PersistentVolumeClaim', 'greedy')).toEqual(['VolumeMismatch: Cannot bind to requested volume "too-small": requested PV is too small']);
});

test('a volume reserved for a claim by its claimRef waits for that claim and no other', async () => {
  await createVolume('reserved', { storageClassName: '', claimRef: { namespace: 'default', name: 'owner' } });
  await tb.settle();
  expect(phaseOf(await getVolume(tb, 'reserved'))).toBe('Available');
  await createClaim('stranger', { storageClassName: '' });
  await tb.settle();
  expect(phaseOf(await getClaim(tb, 'stranger'))).toBe('Pending');
  expect(await eventsAbout(tb, 'PersistentVolumeClaim', 'stranger')).toEqual([
    'FailedBinding: no persistent volumes available for this claim and no storage class is set',
  ]);

  const owner = await createClaim('owner', { storageClassName: '' });
  await tb.settle();
  expect(await boundVolumeOf('owner')).toBe('reserved');
  const pv = await getVolume(tb, 'reserved');
  // Pre-bound by the user: the controller only fills in the uid, and does not claim the binding.
  expect(pv.metadata.annotations).toBeUndefined();
  expect(pv.spec).toMatchObject({ claimRef: { name: 'owner', uid: owner.metadata.uid } });
  expect((await getClaim(tb, 'owner')).metadata.annotations).toEqual({
    'pv.kubernetes.io/bind-completed': 'yes',
    'pv.kubernetes.io/bound-by-controller': 'yes',
  });
});

test('a volume created after its claim is found at the next periodic sync, as upstream', async () => {
  await createClaim('early', { storageClassName: '' });
  await tb.settle();
  await createVolume('late', { storageClassName: '' });
  await tb.settle();
  expect(phaseOf(await getClaim(tb, 'early'))).toBe('Pending');
  await tb.advance(15_000);
  expect(await boundVolumeOf('early')).toBe('late');
  expect(await eventsAbout(tb, 'PersistentVolumeClaim', 'early')).toEqual([
    'FailedBinding: no persistent volumes available for this claim and no storage class is set',
  ]);
});

test('WaitForFirstConsumer leaves static volumes to the scheduler, then completes the binding it starts', async () => {
  await tb.client.create('storage.k8s.io/v1', 'storageclasses', undefined, storageClass('local', { provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' }));
  await createVolume('disk', { storageClassName: 'local' });
  const pvc = await createClaim('late-binder', { storageClassName: 'local' });
  await tb.client.create('v1', 'pods', 'default', {
    metadata: { name: 'app' },
    spec: { containers: [{ name: 'app', image: 'busybox' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'late-binder' } }] },
  });
  await tb.settle();
  expect(phaseOf(await getClaim(tb, 'late-binder'))).toBe('Pending');
  // The claim was synced before its pod existed; the periodic sync then names the pod.
  expect(await eventsAbout(tb, 'PersistentVolumeClaim', 'late-binder')).toEqual(['WaitForFirstConsumer: waiting for first consumer to be created before binding']);
  await tb.advance(15_000);
  expect(await eventsAbout(tb, 'PersistentVolumeClaim', 'late-binder')).toEqual([
    'WaitForFirstConsumer: waiting for first consumer to be created before binding',
    'WaitForPodScheduled: waiting for pod app to be scheduled',
  ]);

  // The scheduler's volume binder picks the volume for the node and writes the volume's half of the binding.
  const pv = await getVolume(tb, 'disk');
  pv.metadata.annotations = { 'pv.kubernetes.io/bound-by-controller': 'yes' };
  (pv.spec as Record<string, unknown>).claimRef = { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'late-binder', uid: pvc.metadata.uid, apiVersion: 'v1' };
  await tb.client.update('v1', 'persistentvolumes', undefined, pv);
  await tb.settle();
  expect(await boundVolumeOf('late-binder')).toBe('disk');
  expect(phaseOf(await getClaim(tb, 'late-binder'))).toBe('Bound');
  expect(phaseOf(await getVolume(tb, 'disk'))).toBe('Bound');
});

test('a claim created before any default class gets the default once one exists (retroactive default class)', async () => {
  await tb.client.delete('storage.k8s.io/v1', 'storageclasses', undefined, 'standard');
  await createClaim('orphan');
  await createClaim('explicitly-none', { storageClassName: '' });
  await tb.settle();
  expect(claimSpec(await getClaim(tb, 'orphan')).storageClassName).toBeUndefined();
  await tb.client.create('storage.k8s.io/v1', 'storageclasses', undefined, {
    ...storageClass('fallback', { provisioner: 'example.com/nfs', volumeBindingMode: 'Immediate' }),
    metadata: { name: 'fallback', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  });
  await tb.advance(15_000);
  const orphan = await getClaim(tb, 'orphan');
  expect(claimSpec(orphan).storageClassName).toBe('fallback');
  expect(orphan.metadata.annotations).toMatchObject({ 'volume.kubernetes.io/storage-provisioner': 'example.com/nfs' });
  // Once when the claim is annotated for its provisioner, once more when that update brings it back.
  expect(await eventsAbout(tb, 'PersistentVolumeClaim', 'orphan')).toEqual([
    'FailedBinding: no persistent volumes available for this claim and no storage class is set',
    "ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'example.com/nfs' or manually by the system administrator. " +
      'If volume creation is delayed, please verify that the provisioner is running and correctly registered. (x2)',
  ]);
  expect(claimSpec(await getClaim(tb, 'explicitly-none')).storageClassName).toBe('');
});
