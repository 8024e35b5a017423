// The status and scale subresources of every resource that has them: each write path touches only its own part.
import { expectCode, expectStatus, type Json } from './http.js';
import { sampleStatus } from './sample-objects.js';
import { freshNamespace, Samples, useCluster, writable } from './suite.js';

const h = useCluster();

const rv = (object: Json): number => Number(object.metadata.resourceVersion);

describe.each(writable.filter((e) => e.type.subresources.has('status')))('$id/status', ({ type }) => {
  let samples: Samples;
  beforeAll(async () => {
    samples = new Samples(type, type.namespaced ? await freshNamespace(h.api) : 'default');
  });

  test('GET /status answers the whole object', async () => {
    const created = await samples.create(h.api);
    const got = expectCode(await h.api.get(`${samples.item(created.metadata.name)}/status`), 200);
    expect(got).toEqual(created);
  });

  test('PUT /status changes status only; PUT to the main resource leaves status alone', async () => {
    const created = await samples.create(h.api);
    const path = samples.item(created.metadata.name);
    const status = sampleStatus(type);

    // A status write that also tries to change labels and spec: only the status sticks.
    const statusWrite = structuredClone(created);
    statusWrite.status = { ...(created.status ?? {}), ...status };
    statusWrite.metadata.labels = { ...created.metadata.labels, 'via-status': 'ignored' };
    if (statusWrite.spec !== undefined) statusWrite.spec = { ...statusWrite.spec, ignoredViaStatus: true };
    const afterStatus = expectCode(await h.api.put(`${path}/status`, statusWrite), 200);
    expect(afterStatus.status).toMatchObject(status);
    expect(afterStatus.metadata.labels).toEqual(created.metadata.labels);
    expect(afterStatus.spec).toEqual(created.spec);
    expect(rv(afterStatus)).toBeGreaterThan(rv(created));
    if (created.metadata.generation !== undefined) expect(afterStatus.metadata.generation).toBe(created.metadata.generation);
    expect(expectCode(await h.api.get(path), 200)).toEqual(afterStatus);

    // A main-resource write that also carries a different status: the labels stick, the status does not.
    const mainWrite = structuredClone(afterStatus);
    mainWrite.status = {};
    mainWrite.metadata.labels = { ...afterStatus.metadata.labels, 'via-main': 'kept' };
    const afterMain = expectCode(await h.api.put(path, mainWrite), 200);
    expect(afterMain.metadata.labels['via-main']).toBe('kept');
    expect(afterMain.status).toEqual(afterStatus.status);

    // The same split holds for patches.
    const patchedMain = expectCode(await h.api.patch(path, { status: null, metadata: { labels: { 'patched-main': 'yes' } } }), 200);
    expect(patchedMain.status).toEqual(afterStatus.status);
    const patchedStatus = expectCode(await h.api.patch(`${path}/status`, { metadata: { labels: { 'patched-status': 'no' } } }), 200);
    expect(patchedStatus.metadata.labels['patched-status']).toBeUndefined();
  });

  test('PUT /status with a stale resourceVersion is a 409 Conflict', async () => {
    const created = await samples.create(h.api);
    const path = samples.item(created.metadata.name);
    expectCode(await h.api.patch(path, { metadata: { labels: { bump: 'yes' } } }), 200);
    const stale = { ...structuredClone(created), status: { ...(created.status ?? {}), ...sampleStatus(type) } };
    expectStatus(await h.api.put(`${path}/status`, stale), 409, 'Conflict');
  });

  test('PUT /status of an absent object is a 404', async () => {
    const object = samples.object();
    expectStatus(await h.api.put(`${samples.item(object.metadata.name)}/status`, object), 404, 'NotFound');
  });
});

describe.each(writable.filter((e) => e.type.subresources.has('scale')))('$id/scale', ({ type }) => {
  let samples: Samples;
  beforeAll(async () => {
    samples = new Samples(type, await freshNamespace(h.api));
  });

  test('GET /scale answers an autoscaling/v1 Scale of the parent', async () => {
    const created = await samples.create(h.api);
    const scale = expectCode(await h.api.get(`${samples.item(created.metadata.name)}/scale`), 200);
    expect(scale).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: created.metadata.name, namespace: samples.namespace, uid: created.metadata.uid, resourceVersion: created.metadata.resourceVersion },
      spec: { replicas: created.spec.replicas },
    });
    expect(scale.status).toMatchObject({ replicas: 0 });
  });

  test('PUT and merge-PATCH of /scale move the parent spec.replicas and nothing else', async () => {
    const created = await samples.create(h.api);
    const path = samples.item(created.metadata.name);
    const scale = expectCode(await h.api.get(`${path}/scale`), 200);
    const put = expectCode(await h.api.put(`${path}/scale`, { ...scale, spec: { replicas: 3 } }), 200);
    expect(put).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 } });
    const afterPut = expectCode(await h.api.get(path), 200);
    expect(afterPut.spec).toEqual({ ...created.spec, replicas: 3 });
    expect(afterPut.status).toEqual(created.status);
    expect(afterPut.metadata.labels).toEqual(created.metadata.labels);
    expect(put.metadata.resourceVersion).toBe(afterPut.metadata.resourceVersion);

    const patched = expectCode(await h.api.patch(`${path}/scale`, { spec: { replicas: 5 } }), 200);
    expect(patched.spec.replicas).toBe(5);
    expect(expectCode(await h.api.get(path), 200).spec.replicas).toBe(5);

    const jsonPatched = expectCode(await h.api.patch(`${path}/scale`, [{ op: 'replace', path: '/spec/replicas', value: 2 }], 'application/json-patch+json'), 200);
    expect(jsonPatched.spec.replicas).toBe(2);
    expect(expectCode(await h.api.get(path), 200).spec.replicas).toBe(2);
  });

  test('a stale Scale resourceVersion is a 409; negative replicas are 422', async () => {
    const created = await samples.create(h.api);
    const path = samples.item(created.metadata.name);
    const scale = expectCode(await h.api.get(`${path}/scale`), 200);
    expectCode(await h.api.patch(path, { metadata: { labels: { bump: 'yes' } } }), 200);
    expectStatus(await h.api.put(`${path}/scale`, { ...scale, spec: { replicas: 4 } }), 409, 'Conflict');
    const invalid = expectStatus(await h.api.patch(`${path}/scale`, { spec: { replicas: -1 } }), 422, 'Invalid');
    expect(invalid.details.causes).toEqual([expect.objectContaining({ field: 'spec.replicas' })]);
    expect(expectCode(await h.api.get(path), 200).spec.replicas).toBe(created.spec.replicas);
  });

  test('dryRun=All on /scale changes nothing', async () => {
    const created = await samples.create(h.api);
    const path = samples.item(created.metadata.name);
    const revision = h.cluster.store.currentRevision();
    const answer = expectCode(await h.api.patch(`${path}/scale?dryRun=All`, { spec: { replicas: 7 } }), 200);
    expect(answer.spec.replicas).toBe(7);
    expect(h.cluster.store.currentRevision()).toBe(revision);
    expect(expectCode(await h.api.get(path), 200)).toEqual(created);
  });
});
