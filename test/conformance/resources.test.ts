// The shared conformance suite: create/get/list/update/patch/watch/delete/dryRun semantics, once, for every resource.
import { expectCode, expectStatus, snapshot, expectUnchanged, WatchStream, type Json } from './http.js';
import { supportsGenerateName } from './sample-objects.js';
import { entries, freshNamespace, Samples, serverAnnotations, useCluster, writable } from './suite.js';

const h = useCluster();

/** Kinds whose delete only starts an asynchronous teardown (upstream: the namespace controller finishes it). */
const deletesAsynchronously = new Set(['/namespaces']);
/**
 * Kinds the StorageObjectInUseProtection admission plugin gives a finalizer on create: a delete leaves them
 * terminating until their protection controller (not running here) removes it, as this suite then does itself.
 */
const protectionFinalizers: Record<string, string> = {
  '/persistentvolumeclaims': 'kubernetes.io/pvc-protection',
  '/persistentvolumes': 'kubernetes.io/pv-protection',
  // Not admission's but the CRD REST delete's own finalizer, which the apiextensions finalizer controller removes.
  'apiextensions.k8s.io/customresourcedefinitions': 'customresourcecleanup.apiextensions.k8s.io',
};

const rv = (object: Json): number => Number(object.metadata.resourceVersion);

test('the suite covers exactly the resources the cluster serves', () => {
  const served = h.cluster.registry.resources.map((r) => `${r.type.group}/${r.type.version}/${r.type.resource}`).sort();
  expect(entries.map((e) => `${e.type.group}/${e.type.version}/${e.type.resource}`).sort()).toEqual(served);
});

describe.each(writable.filter((e) => !e.review))('$id', ({ type, createOnUpdate, qualified }) => {
  const has = (verb: string) => type.verbs.includes(verb);
  const asyncDelete = deletesAsynchronously.has(`${type.group}/${type.resource}`);
  const protection = protectionFinalizers[`${type.group}/${type.resource}`];
  /** Plays the protection controller: the delete is held by the admission's finalizer until it is removed. */
  const release = async (name: string) => {
    if (!protection) return;
    const held = expectCode(await h.api.get(samples.item(name)), 200);
    expect(held.metadata.deletionTimestamp).toBeDefined();
    expect(held.metadata.finalizers).toEqual([protection]);
    expectCode(await h.api.patch(samples.item(name), { metadata: { finalizers: null } }), 200);
  };
  let samples: Samples;
  beforeAll(async () => {
    samples = new Samples(type, type.namespaced ? await freshNamespace(h.api) : 'default');
  });

  test('create answers 201 with the system fields set, and get answers the same object', async () => {
    const sent = samples.object();
    const created = expectCode(await h.api.post(samples.collection(), sent), 201);
    expect(created).toMatchObject({ apiVersion: sent.apiVersion, kind: type.kind, metadata: { name: sent.metadata.name } });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
    if (type.namespaced) expect(created.metadata.namespace).toBe(samples.namespace);
    else expect(created.metadata.namespace).toBeUndefined();
    const got = expectCode(await h.api.get(samples.item(sent.metadata.name)), 200);
    expect(got).toEqual(created);
    // A second create of the same name is a 409 AlreadyExists.
    const again = expectStatus(await h.api.post(samples.collection(), sent), 409, 'AlreadyExists');
    expect(again.message).toBe(`${qualified} "${sent.metadata.name}" already exists`);
  });

  (supportsGenerateName(type) ? test : test.skip)('generateName gets a 5-character random suffix', async () => {
    const sent = samples.object();
    delete sent.metadata.name;
    sent.metadata.generateName = 'gen-';
    const created = expectCode(await h.api.post(samples.collection(), sent), 201);
    expect(created.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(created.metadata.generateName).toBe('gen-');
    expectCode(await h.api.get(samples.item(created.metadata.name)), 200);
  });

  (has('list') ? test : test.skip)('list contains the object at a resourceVersion at least as new', async () => {
    const created = await samples.create(h.api);
    const list = expectCode(await h.api.get(samples.collection()), 200);
    expect(list).toMatchObject({ kind: type.listKind, apiVersion: created.apiVersion });
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(rv(created));
    const found = (list.items as Json[]).find((i) => i.metadata.name === created.metadata.name);
    expect(found).toEqual(created);
  });

  test('update with the current resourceVersion succeeds; a stale one is a 409 Conflict', async () => {
    const created = await samples.create(h.api);
    const changed = structuredClone(created);
    changed.metadata.labels = { ...changed.metadata.labels, updated: 'yes' };
    const updated = expectCode(await h.api.put(samples.item(created.metadata.name), changed), 200);
    expect(updated.metadata.labels.updated).toBe('yes');
    expect(rv(updated)).toBeGreaterThan(rv(created));
    expect(updated.metadata.uid).toBe(created.metadata.uid);
    expect(updated.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
    const stale = structuredClone(changed);
    stale.metadata.labels.updated = 'again';
    const status = expectStatus(await h.api.put(samples.item(created.metadata.name), stale), 409, 'Conflict');
    expect(status.message).toBe(
      `Operation cannot be fulfilled on ${qualified} "${created.metadata.name}": ` +
        'the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(status.details).toMatchObject({ name: created.metadata.name, kind: type.resource });
    const after = expectCode(await h.api.get(samples.item(created.metadata.name)), 200);
    expect(after).toEqual(updated);
  });

  (has('patch') ? test : test.skip)('merge patch and JSON patch change the object and its resourceVersion', async () => {
    const created = await samples.create(h.api);
    const path = samples.item(created.metadata.name);
    const merged = expectCode(await h.api.patch(path, { metadata: { labels: { patched: 'merge' } } }), 200);
    expect(merged.metadata.labels).toEqual({ ...created.metadata.labels, patched: 'merge' });
    expect(rv(merged)).toBeGreaterThan(rv(created));
    const ops = [
      { op: 'replace', path: '/metadata/labels/patched', value: 'json' },
      { op: 'add', path: '/metadata/annotations', value: { 'example.com/note': 'json-patch' } },
    ];
    const jsonPatched = expectCode(await h.api.patch(path, ops, 'application/json-patch+json'), 200);
    expect(jsonPatched.metadata.labels.patched).toBe('json');
    expect(jsonPatched.metadata.annotations).toEqual({ ...serverAnnotations(type), 'example.com/note': 'json-patch' });
    expect(rv(jsonPatched)).toBeGreaterThan(rv(merged));
    expect(expectCode(await h.api.get(path), 200)).toEqual(jsonPatched);
  });

  (has('watch') && has('list') ? test : test.skip)('a watch from the list resourceVersion sees MODIFIED and DELETED', async () => {
    const created = await samples.create(h.api);
    const name = created.metadata.name as string;
    const list = expectCode(await h.api.get(samples.collection()), 200);
    const watch = await WatchStream.open(
      h.api,
      `${samples.collection()}?watch=true&resourceVersion=${list.metadata.resourceVersion}&fieldSelector=metadata.name%3D${name}`,
    );
    try {
      expect(watch.status).toBe(200);
      const patched = expectCode(await h.api.patch(samples.item(name), { metadata: { labels: { watched: 'yes' } } }), 200);
      const modified = await watch.next((e) => e.type === 'MODIFIED');
      expect(modified.object).toEqual(patched);
      expect(watch.events.filter((e) => e.type === 'ADDED')).toEqual([]);
      const deleted = expectCode(await h.api.delete(samples.item(name)), 200);
      if (!asyncDelete) {
        await release(name);
        const gone = await watch.next((e) => e.type === 'DELETED');
        expect(gone.object.metadata).toMatchObject({ name, uid: created.metadata.uid });
        expect(rv(gone.object)).toBeGreaterThan(rv(patched));
      } else {
        const terminating = await watch.next((e) => e.type === 'MODIFIED' && !!e.object.metadata.deletionTimestamp);
        expect(terminating.object.metadata.deletionTimestamp).toBe(deleted.metadata.deletionTimestamp);
      }
    } finally {
      watch.close();
    }
  });

  test('delete answers 200, then get is a 404 NotFound naming the resource', async () => {
    const created = await samples.create(h.api);
    const name = created.metadata.name as string;
    const deleted = expectCode(await h.api.delete(samples.item(name), { propagationPolicy: 'Background' }), 200);
    await release(name);
    if (asyncDelete) {
      // The object stays, terminating, until its controller finishes (no namespace controller runs here).
      expect(deleted.metadata.deletionTimestamp).toBeDefined();
      expect(deleted.status.phase).toBe('Terminating');
      expect(expectCode(await h.api.get(samples.item(name)), 200).metadata.deletionTimestamp).toBe(deleted.metadata.deletionTimestamp);
      return;
    }
    if (deleted.kind === 'Status') {
      expect(deleted).toMatchObject({ apiVersion: 'v1', status: 'Success', details: { name, kind: type.resource, uid: created.metadata.uid } });
      expect(deleted.details.group).toBe(type.group || undefined);
    } else {
      expect(deleted.metadata.uid).toBe(created.metadata.uid);
    }
    const status = expectStatus(await h.api.get(samples.item(name)), 404, 'NotFound');
    expect(status.message).toBe(`${qualified} "${name}" not found`);
    expect(status.details).toEqual({ name, ...(type.group ? { group: type.group } : {}), kind: type.resource });
    expectStatus(await h.api.delete(samples.item(name)), 404, 'NotFound');
    expectStatus(await h.api.patch(samples.item(name), { metadata: { labels: { a: 'b' } } }), 404, 'NotFound');
    // A PUT of an absent object is a 404, except for the kinds upstream lets PUT create (AllowCreateOnUpdate).
    const put = await h.api.put(samples.item(name), created);
    if (createOnUpdate) expect(expectCode(put, 201).metadata.uid).not.toBe(created.metadata.uid);
    else expectStatus(put, 404, 'NotFound');
  });

  test('dryRun=All on create, update, patch and delete leaves the store unchanged', async () => {
    const created = await samples.create(h.api);
    const path = samples.item(created.metadata.name);
    const before = await snapshot(h.cluster);

    const fresh = samples.object();
    const dryCreated = expectCode(await h.api.post(`${samples.collection()}?dryRun=All`, fresh), 201);
    expect(dryCreated.metadata.name).toBe(fresh.metadata.name);
    expect(dryCreated.metadata.uid).toBeDefined();
    expectStatus(await h.api.get(samples.item(fresh.metadata.name)), 404, 'NotFound');

    const changed = structuredClone(created);
    changed.metadata.labels = { ...changed.metadata.labels, dry: 'put' };
    const dryUpdated = expectCode(await h.api.put(`${path}?dryRun=All`, changed), 200);
    expect(dryUpdated.metadata.labels.dry).toBe('put');

    if (type.verbs.includes('patch')) {
      const dryPatched = expectCode(await h.api.patch(`${path}?dryRun=All`, { metadata: { labels: { dry: 'patch' } } }), 200);
      expect(dryPatched.metadata.labels.dry).toBe('patch');
    }
    expectCode(await h.api.delete(`${path}?dryRun=All`), 200);
    expectCode(await h.api.delete(path, { dryRun: ['All'] }), 200);

    await expectUnchanged(h.cluster, before);
    expect(expectCode(await h.api.get(path), 200)).toEqual(created);
  });

  (has('deletecollection') ? test : test.skip)('deletecollection deletes only what the label selector matches', async () => {
    const doomed = [await samples.create(h.api, (o) => (o.metadata.labels.batch = 'doomed')), await samples.create(h.api, (o) => (o.metadata.labels.batch = 'doomed'))];
    const kept = await samples.create(h.api, (o) => (o.metadata.labels.batch = 'kept'));
    const answer = expectCode(await h.api.delete(`${samples.collection()}?labelSelector=batch%3Ddoomed`), 200);
    expect(answer.kind).toBe(type.listKind);
    expect((answer.items as Json[]).map((i) => i.metadata.name).sort()).toEqual(doomed.map((d) => d.metadata.name).sort());
    for (const d of doomed) await release(d.metadata.name);
    for (const d of doomed) expectStatus(await h.api.get(samples.item(d.metadata.name)), 404, 'NotFound');
    expectCode(await h.api.get(samples.item(kept.metadata.name)), 200);
  });
});

describe.each(entries.filter((e) => e.review))('$id (create-only review)', ({ type }) => {
  let samples: Samples;
  beforeAll(async () => {
    samples = new Samples(type, type.namespaced ? await freshNamespace(h.api) : 'default');
  });

  test('create answers 201 with a status and stores nothing', async () => {
    const before = await snapshot(h.cluster);
    const sent = samples.object();
    const answer = expectCode(await h.api.post(samples.collection(), sent), 201);
    expect(answer).toMatchObject({ apiVersion: sent.apiVersion, kind: type.kind });
    expect(answer.status).toBeDefined();
    // Upstream's SelfSubjectRulesReview answers a new object holding only the status (its spec is empty); the other
    // reviews answer the request with its status filled in.
    if (type.kind === 'SelfSubjectRulesReview') expect(answer.spec).toEqual({});
    else if (sent.spec) expect(answer.spec).toMatchObject(sent.spec);
    await expectUnchanged(h.cluster, before);
  });

  test('reading and deleting are not allowed', async () => {
    expectStatus(await h.api.get(samples.collection()), 405, 'MethodNotAllowed');
    expectStatus(await h.api.delete(samples.collection()), 405, 'MethodNotAllowed');
  });
});

describe.each(entries.filter((e) => !e.review && !writable.includes(e)))('$id (partial verbs)', ({ type }) => {
  test('only the listed verbs are served', async () => {
    const samples = new Samples(type, 'default');
    if (type.verbs.includes('list')) expectCode(await h.api.get(samples.collection()), 200);
    else expectStatus(await h.api.get(samples.collection()), 405, 'MethodNotAllowed');
    if (!type.verbs.includes('create')) expectStatus(await h.api.post(samples.collection(), {}), 405, 'MethodNotAllowed');
    if (!type.verbs.includes('deletecollection')) expectStatus(await h.api.delete(samples.collection()), 405, 'MethodNotAllowed');
    if (!type.verbs.includes('get')) expectStatus(await h.api.get(samples.item('x')), 405, 'MethodNotAllowed');
  });
});
