// DefaultStorageClass and StorageObjectInUseProtection admission on create, and the PV phase transition time, over HTTP.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startCluster, type Cluster } from '../../cluster.js';
import { VirtualClock } from '../../clock/virtual-clock.js';
import type { KubeObject } from '../../meta/types.js';
import { Api, expectCode, expectStatus, expectUnchanged, snapshot, type Json } from '../../../test/conformance/http.js';
import { pickDefaultStorageClass } from './storage-admission.js';

let cluster: Cluster;
let api: Api;
let clock: VirtualClock;
beforeAll(async () => {
  clock = new VirtualClock(Date.parse('2026-03-01T10:00:00Z'));
  // The API server alone: no controller may touch what admission wrote.
  cluster = await startCluster({ port: 0, clock, controllers: '', nodes: 0, logError: () => {} });
  api = new Api(cluster.url);
});
afterAll(async () => {
  await cluster.close();
});

const claims = '/api/v1/namespaces/default/persistentvolumeclaims';
const classes = '/apis/storage.k8s.io/v1/storageclasses';
const claimBody = (name: string, spec: Json = {}, metadata: Json = {}): Json => ({
  metadata: { name, ...metadata },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});
const defaultClass = (name: string): Json => ({
  metadata: { name, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: 'rancher.io/local-path',
});

describe('DefaultStorageClass', () => {
  test('without a default class a claim keeps no class; with one, a claim naming none gets it', async () => {
    // The cluster may seed kind's default class: start from none.
    const seeded = await api.delete(`${classes}/standard`);
    expect([200, 404]).toContain(seeded.status);
    const before = expectCode(await api.post(claims, claimBody('before-default')), 201);
    expect(before.spec.storageClassName).toBeUndefined();

    expectCode(await api.post(classes, defaultClass('standard')), 201);
    expectCode(await api.post(classes, { metadata: { name: 'other' }, provisioner: 'example.com/other' }), 201);
    const defaulted = expectCode(await api.post(claims, claimBody('defaulted')), 201);
    expect(defaulted.spec.storageClassName).toBe('standard');
    expect(expectCode(await api.get(`${claims}/defaulted`), 200)).toEqual(defaulted);
    // Admission runs on create only: the earlier claim is left to the PV controller's retroactive assignment.
    expect(expectCode(await api.get(`${claims}/before-default`), 200).spec.storageClassName).toBeUndefined();
  });

  test('a class asked for (even "" for none, or the beta annotation) is kept', async () => {
    const explicit = expectCode(await api.post(claims, claimBody('explicit', { storageClassName: 'other' })), 201);
    expect(explicit.spec.storageClassName).toBe('other');
    const none = expectCode(await api.post(claims, claimBody('no-class', { storageClassName: '' })), 201);
    expect(none.spec.storageClassName).toBe('');
    const beta = expectCode(await api.post(claims, claimBody('beta', {}, { annotations: { 'volume.beta.kubernetes.io/storage-class': 'other' } })), 201);
    expect(beta.spec.storageClassName).toBeUndefined();
  });

  test('with two default classes the newest wins', async () => {
    clock.advance(5_000);
    expectCode(await api.post(classes, defaultClass('newer')), 201);
    expect(expectCode(await api.post(claims, claimBody('newest-default')), 201).spec.storageClassName).toBe('newer');
    expectCode(await api.delete(`${classes}/newer`), 200);
  });

  test('what admission sets belongs to no field manager', async () => {
    const created = expectCode(await api.post(`${claims}?fieldManager=tester`, claimBody('managed')), 201);
    const managed = JSON.stringify(created.metadata.managedFields);
    expect(managed).toContain('f:accessModes');
    expect(managed).not.toContain('storageClassName');
    expect(managed).not.toContain('finalizers');
  });

  test('a dry run shows the admitted claim and stores nothing; a refused create stores nothing either', async () => {
    const before = await snapshot(cluster);
    const dry = expectCode(await api.post(`${claims}?dryRun=All`, claimBody('dry')), 201);
    expect(dry.spec.storageClassName).toBe('standard');
    expect(dry.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    expectStatus(await api.post(claims, claimBody('Not_A_Name')), 422, 'Invalid');
    expectStatus(await api.post('/api/v1/namespaces/missing/persistentvolumeclaims', claimBody('nowhere')), 404, 'NotFound');
    await expectUnchanged(cluster, before);
  });
});

describe('StorageObjectInUseProtection', () => {
  test('claims and volumes get their protection finalizer after any they were created with', async () => {
    const pvc = expectCode(await api.post(claims, claimBody('protected', {}, { finalizers: ['example.com/keep'] })), 201);
    expect(pvc.metadata.finalizers).toEqual(['example.com/keep', 'kubernetes.io/pvc-protection']);
    const again = expectCode(await api.post(claims, claimBody('once', {}, { finalizers: ['kubernetes.io/pvc-protection'] })), 201);
    expect(again.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    const pv = expectCode(
      await api.post('/api/v1/persistentvolumes', { metadata: { name: 'pv-1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/pv-1' } } }),
      201,
    );
    expect(pv.metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
  });

  test('a delete then waits for the protection controller (none runs here)', async () => {
    expectCode(await api.post(claims, claimBody('held')), 201);
    const deleted = expectCode(await api.delete(`${claims}/held`), 200);
    expect(deleted.metadata.deletionTimestamp).toBeDefined();
    expect(expectCode(await api.get(`${claims}/held`), 200).metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
  });
});

describe('PersistentVolume status.lastPhaseTransitionTime', () => {
  test('is set on create and moves only when the phase does', async () => {
    const pvs = '/api/v1/persistentvolumes';
    const created = expectCode(
      await api.post(pvs, { metadata: { name: 'phased' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/phased' } } }),
      201,
    );
    const createdAt = new Date(clock.now()).toISOString().replace('.000Z', 'Z');
    expect(created.status).toEqual({ phase: 'Pending', lastPhaseTransitionTime: createdAt });

    clock.advance(60_000);
    const available = expectCode(await api.put(`${pvs}/phased/status`, { ...created, status: { ...created.status, phase: 'Available' } }), 200);
    const movedAt = new Date(clock.now()).toISOString().replace('.000Z', 'Z');
    expect(available.status).toEqual({ phase: 'Available', lastPhaseTransitionTime: movedAt });

    clock.advance(60_000);
    const unchanged = structuredClone(available) as KubeObject & { status: Json };
    delete unchanged.status.lastPhaseTransitionTime;
    unchanged.status.message = 'same phase';
    const same = expectCode(await api.put(`${pvs}/phased/status`, unchanged), 200);
    expect(same.status).toEqual({ phase: 'Available', message: 'same phase', lastPhaseTransitionTime: movedAt });
  });
});

test('pickDefaultStorageClass: the beta annotation counts, the newest wins, then the name', () => {
  const sc = (name: string, created: string, annotation = 'storageclass.kubernetes.io/is-default-class'): KubeObject => ({
    metadata: { name, creationTimestamp: created, annotations: { [annotation]: 'true' } },
  });
  expect(pickDefaultStorageClass([])).toBeUndefined();
  expect(pickDefaultStorageClass([{ metadata: { name: 'plain' } }])).toBeUndefined();
  expect(pickDefaultStorageClass([sc('old', '2026-01-01T00:00:00Z'), sc('beta', '2026-02-01T00:00:00Z', 'storageclass.beta.kubernetes.io/is-default-class')])?.metadata.name).toBe('beta');
  expect(pickDefaultStorageClass([sc('b', '2026-01-01T00:00:00Z'), sc('a', '2026-01-01T00:00:00Z')])?.metadata.name).toBe('a');
});
