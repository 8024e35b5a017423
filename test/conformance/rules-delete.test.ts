// Targeted tests of deletion: preconditions, propagation policies, finalizers, graceful pod deletion, deletecollection.
import { expectCode, expectStatus, WatchStream, type Json } from './http.js';
import { useCluster } from './suite.js';

const h = useCluster();

const configMaps = '/api/v1/namespaces/default/configmaps';
const pods = '/api/v1/namespaces/default/pods';
const podSpec = { containers: [{ name: 'app', image: 'nginx:1.27' }] };

const createConfigMap = async (name: string, metadata: Json = {}): Promise<Json> =>
  expectCode(await h.api.post(configMaps, { metadata: { name, ...metadata }, data: { k: 'v' } }), 201);

describe('preconditions', () => {
  test('a uid precondition that does not match is a 409 and the object stays', async () => {
    const created = await createConfigMap('pre-uid');
    const status = expectStatus(await h.api.delete(`${configMaps}/pre-uid`, { preconditions: { uid: 'not-the-uid' } }), 409, 'Conflict');
    expect(status.message).toBe(
      `Operation cannot be fulfilled on configmaps "pre-uid": Precondition failed: UID in precondition: not-the-uid, UID in object meta: ${created.metadata.uid}`,
    );
    expectCode(await h.api.get(`${configMaps}/pre-uid`), 200);
    expectCode(await h.api.delete(`${configMaps}/pre-uid`, { preconditions: { uid: created.metadata.uid } }), 200);
    expectStatus(await h.api.get(`${configMaps}/pre-uid`), 404, 'NotFound');
  });

  test('a resourceVersion precondition that does not match is a 409 and the object stays', async () => {
    const created = await createConfigMap('pre-rv');
    const patched = expectCode(await h.api.patch(`${configMaps}/pre-rv`, { data: { k: 'v2' } }), 200);
    const status = expectStatus(
      await h.api.delete(`${configMaps}/pre-rv`, { preconditions: { resourceVersion: created.metadata.resourceVersion } }),
      409,
      'Conflict',
    );
    expect(status.message).toBe(
      `Operation cannot be fulfilled on configmaps "pre-rv": Precondition failed: ResourceVersion in precondition: ${created.metadata.resourceVersion}, ResourceVersion in object meta: ${patched.metadata.resourceVersion}`,
    );
    expectCode(await h.api.delete(`${configMaps}/pre-rv`, { preconditions: { resourceVersion: patched.metadata.resourceVersion } }), 200);
    expectStatus(await h.api.get(`${configMaps}/pre-rv`), 404, 'NotFound');
  });
});

describe('options', () => {
  test('gracePeriodSeconds and Background propagation are accepted from the body or the query', async () => {
    await createConfigMap('opt-body');
    expectCode(await h.api.delete(`${configMaps}/opt-body`, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, propagationPolicy: 'Background' }), 200);
    expectStatus(await h.api.get(`${configMaps}/opt-body`), 404, 'NotFound');
    await createConfigMap('opt-query');
    expectCode(await h.api.delete(`${configMaps}/opt-query?gracePeriodSeconds=5&propagationPolicy=Background`), 200);
    expectStatus(await h.api.get(`${configMaps}/opt-query`), 404, 'NotFound');
  });

  test('an unknown propagationPolicy is a 422', async () => {
    await createConfigMap('opt-bad');
    const status = expectStatus(await h.api.delete(`${configMaps}/opt-bad`, { propagationPolicy: 'Sideways' }), 422, 'Invalid');
    expect(status.details.causes[0]).toMatchObject({ field: 'propagationPolicy', reason: 'FieldValueNotSupported' });
    expectCode(await h.api.get(`${configMaps}/opt-bad`), 200);
  });

  test('Foreground keeps the object with the foregroundDeletion finalizer and a deletionTimestamp', async () => {
    await createConfigMap('fg');
    const answer = expectCode(await h.api.delete(`${configMaps}/fg`, { propagationPolicy: 'Foreground' }), 200);
    expect(answer.kind).toBe('ConfigMap');
    expect(answer.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(answer.metadata.deletionTimestamp).toMatch(/Z$/);
    expect(answer.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(expectCode(await h.api.get(`${configMaps}/fg`), 200)).toEqual(answer);
  });

  test('Orphan keeps the object with the orphan finalizer, as does orphanDependents=true', async () => {
    await createConfigMap('orphan');
    const answer = expectCode(await h.api.delete(`${configMaps}/orphan`, { propagationPolicy: 'Orphan' }), 200);
    expect(answer.metadata.finalizers).toEqual(['orphan']);
    expect(answer.metadata.deletionTimestamp).toBeDefined();
    await createConfigMap('orphan-legacy');
    const legacy = expectCode(await h.api.delete(`${configMaps}/orphan-legacy`, { orphanDependents: true }), 200);
    expect(legacy.metadata.finalizers).toEqual(['orphan']);
  });
});

describe('finalizers', () => {
  test('an object with finalizers waits with a deletionTimestamp until the last one is removed', async () => {
    const created = await createConfigMap('fin', { finalizers: ['example.com/a', 'example.com/b'] });
    const path = `${configMaps}/fin`;
    const watch = await WatchStream.open(h.api, `${configMaps}?watch=true&resourceVersion=${created.metadata.resourceVersion}&fieldSelector=metadata.name%3Dfin`);
    try {
      const deleting = expectCode(await h.api.delete(path), 200);
      expect(deleting.metadata.deletionTimestamp).toBeDefined();
      expect(deleting.metadata.finalizers).toEqual(['example.com/a', 'example.com/b']);
      await watch.next((e) => e.type === 'MODIFIED' && !!e.object.metadata.deletionTimestamp);

      // A second delete changes nothing; the deletionTimestamp cannot be cleared or moved.
      const again = expectCode(await h.api.delete(path), 200);
      expect(again.metadata).toEqual(deleting.metadata);
      const cleared = expectCode(await h.api.patch(path, { metadata: { deletionTimestamp: null, labels: { still: 'here' } } }), 200);
      expect(cleared.metadata.deletionTimestamp).toBe(deleting.metadata.deletionTimestamp);

      // Removing one of two finalizers: the object is still there.
      const one = expectCode(await h.api.patch(path, { metadata: { finalizers: ['example.com/b'] } }), 200);
      expect(one.metadata.finalizers).toEqual(['example.com/b']);
      expectCode(await h.api.get(path), 200);

      // Removing the last one through a PUT completes the delete.
      const last = structuredClone(one);
      last.metadata.finalizers = [];
      expectCode(await h.api.put(path, last), 200);
      expectStatus(await h.api.get(path), 404, 'NotFound');
      const deleted = await watch.next((e) => e.type === 'DELETED');
      expect(deleted.object.metadata.uid).toBe(created.metadata.uid);
    } finally {
      watch.close();
    }
  });

  test('removing the last finalizer with a JSON patch completes the delete too', async () => {
    await createConfigMap('fin-json', { finalizers: ['example.com/only'] });
    expectCode(await h.api.delete(`${configMaps}/fin-json`), 200);
    expectCode(await h.api.patch(`${configMaps}/fin-json`, [{ op: 'remove', path: '/metadata/finalizers' }], 'application/json-patch+json'), 200);
    expectStatus(await h.api.get(`${configMaps}/fin-json`), 404, 'NotFound');
  });

  test('a Foreground-deleted object goes once the garbage collector removes foregroundDeletion', async () => {
    await createConfigMap('fg-done');
    expectCode(await h.api.delete(`${configMaps}/fg-done`, { propagationPolicy: 'Foreground' }), 200);
    expectCode(await h.api.patch(`${configMaps}/fg-done`, { metadata: { finalizers: null } }), 200);
    expectStatus(await h.api.get(`${configMaps}/fg-done`), 404, 'NotFound');
  });
});

describe('pods', () => {
  test('an unscheduled pod is deleted at once', async () => {
    expectCode(await h.api.post(pods, { metadata: { name: 'unscheduled' }, spec: podSpec }), 201);
    const answer = expectCode(await h.api.delete(`${pods}/unscheduled`), 200);
    expect(answer.kind).toBe('Pod');
    expectStatus(await h.api.get(`${pods}/unscheduled`), 404, 'NotFound');
  });

  test('a pod on a node is deleted gracefully: it stays with deletionTimestamp and its grace period', async () => {
    expectCode(await h.api.post(pods, { metadata: { name: 'scheduled' }, spec: { ...podSpec, nodeName: 'node-1' } }), 201);
    const answer = expectCode(await h.api.delete(`${pods}/scheduled`), 200);
    expect(answer.metadata.deletionTimestamp).toBeDefined();
    expect(answer.metadata.deletionGracePeriodSeconds).toBe(30);
    const got = expectCode(await h.api.get(`${pods}/scheduled`), 200);
    expect(got.metadata.deletionTimestamp).toBe(answer.metadata.deletionTimestamp);
    // A shorter grace period brings the deadline forward; gracePeriodSeconds=0 (kubectl --force) removes it at once.
    const shorter = expectCode(await h.api.delete(`${pods}/scheduled`, { gracePeriodSeconds: 5 }), 200);
    expect(shorter.metadata.deletionGracePeriodSeconds).toBe(5);
    expectCode(await h.api.delete(`${pods}/scheduled`, { gracePeriodSeconds: 0 }), 200);
    expectStatus(await h.api.get(`${pods}/scheduled`), 404, 'NotFound');
  });

  test('POST bindings assigns a pod to a node and stores nothing else', async () => {
    expectCode(await h.api.post(pods, { metadata: { name: 'to-bind' }, spec: podSpec }), 201);
    const revision = h.cluster.store.currentRevision();
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'to-bind' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } };
    const answer = expectCode(await h.api.post('/api/v1/namespaces/default/bindings', binding), 201);
    expect(answer).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Success' });
    expect(h.cluster.store.currentRevision()).toBe(revision + 1);
    expect(expectCode(await h.api.get(`${pods}/to-bind`), 200).spec.nodeName).toBe('node-1');
    const again = expectStatus(await h.api.post('/api/v1/namespaces/default/bindings', binding), 409, 'Conflict');
    expect(again.message).toContain('pod to-bind is already assigned to node "node-1"');
    expectStatus(await h.api.post('/api/v1/namespaces/default/bindings', { ...binding, metadata: { name: 'nobody' } }), 404, 'NotFound');
  });
});

describe('deletecollection', () => {
  test('deletes only what the label selector matches, and honours finalizers', async () => {
    await createConfigMap('dc-a', { labels: { group: 'dc' } });
    await createConfigMap('dc-b', { labels: { group: 'dc' }, finalizers: ['example.com/hold'] });
    await createConfigMap('dc-c', { labels: { group: 'other' } });
    const answer = expectCode(await h.api.delete(`${configMaps}?labelSelector=group%3Ddc`), 200);
    expect(answer.kind).toBe('ConfigMapList');
    expect((answer.items as Json[]).map((i) => i.metadata.name).sort()).toEqual(['dc-a', 'dc-b']);
    expectStatus(await h.api.get(`${configMaps}/dc-a`), 404, 'NotFound');
    expect(expectCode(await h.api.get(`${configMaps}/dc-b`), 200).metadata.deletionTimestamp).toBeDefined();
    expectCode(await h.api.get(`${configMaps}/dc-c`), 200);
  });

  test('a field selector narrows it too; dryRun deletes nothing', async () => {
    await createConfigMap('dc-field-1', { labels: { group: 'dcf' } });
    await createConfigMap('dc-field-2', { labels: { group: 'dcf' } });
    const dry = expectCode(await h.api.delete(`${configMaps}?labelSelector=group%3Ddcf&dryRun=All`), 200);
    expect(dry.items).toHaveLength(2);
    expectCode(await h.api.get(`${configMaps}/dc-field-1`), 200);
    expectCode(await h.api.delete(`${configMaps}?fieldSelector=metadata.name%3Ddc-field-1`), 200);
    expectStatus(await h.api.get(`${configMaps}/dc-field-1`), 404, 'NotFound');
    expectCode(await h.api.get(`${configMaps}/dc-field-2`), 200);
  });
});
