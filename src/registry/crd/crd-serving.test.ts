// Custom resources through the registry: served once Established, every verb, status, scale, selectors, termination.
import request from 'supertest';
import { startCluster, type Cluster } from '../../cluster.js';
import type { InProcessClient } from '../../client/client.js';
import type { KubeObject } from '../../meta/types.js';
import { crdApi, installCrd, setConditions, widgetCrd, widgetVersion } from './crd-test-kit.js';

let cluster: Cluster;
let client: InProcessClient;
const api = 'example.com/v1';

beforeAll(async () => {
  cluster = await startCluster({ controllers: '', nodes: 0 });
  client = cluster.client;
  const crd = widgetCrd([
    widgetVersion('v1', {
      selectableFields: [{ jsonPath: '.spec.color' }],
      additionalPrinterColumns: [
        { name: 'Color', type: 'string', jsonPath: '.spec.color' },
        { name: 'Size', type: 'integer', jsonPath: '.spec.size', priority: 1 },
        { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      ],
    }),
  ]);
  await client.create(crdApi, 'customresourcedefinitions', undefined, crd);
  await cluster.settle();
});
afterAll(() => cluster.close());

const widget = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: api, kind: 'Widget', metadata: { name }, spec });

test('a CRD is served exactly when Established, before the status write resolves', async () => {
  const stored = await client.get(crdApi, 'customresourcedefinitions', undefined, 'widgets.example.com');
  const established = ((stored.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some(
    (c) => c.type === 'Established' && c.status === 'True',
  );
  if (!established) {
    expect(cluster.registry.lookup('example.com', 'v1', 'widgets')).toBeUndefined();
    await expect(client.get(api, 'widgets', 'default', 'x')).rejects.toMatchObject({ code: 404 });
  }
  const generation = cluster.registry.generation;
  let notified = 0;
  const unsubscribe = cluster.registry.onServedChange(() => notified++);
  await setConditions(client, 'widgets.example.com', ['NamesAccepted', 'Established']);
  unsubscribe();
  const served = cluster.registry.lookup('example.com', 'v1', 'widgets');
  expect(served?.kind).toBe('Widget');
  expect(cluster.registry.resources).toContain(served);
  if (!established) {
    expect(cluster.registry.generation).toBeGreaterThan(generation);
    expect(notified).toBeGreaterThan(0);
  }
  expect(cluster.registry.customResourceDefinitions().map((c) => c.metadata.name)).toEqual(['widgets.example.com']);
  expect(client.resources().some((r) => r.apiVersion === api && r.resource === 'widgets' && r.namespaced)).toBe(true);
});

test('create defaults from the schema, drops status, starts generation at 1', async () => {
  const created = await client.create(api, 'widgets', 'default', { ...widget('a', { size: 1, replicas: 2 }), status: { replicas: 9 } });
  expect(created.spec).toEqual({ size: 1, replicas: 2, color: 'blue' });
  expect(created.status).toBeUndefined();
  expect(created.metadata.generation).toBe(1);
  expect(created.metadata.uid).toBeTruthy();
  expect((await client.get(api, 'widgets', 'default', 'a')).spec).toEqual(created.spec);
  await expect(client.create(api, 'widgets', 'default', widget('Bad_Name'))).rejects.toMatchObject({ code: 422 });
  await expect(client.create(api, 'widgets', 'default', widget('typed', { size: 'big' }))).rejects.toMatchObject({
    code: 422,
    details: { causes: [expect.objectContaining({ field: 'spec.size', reason: 'FieldValueTypeInvalid' })] },
  });
});

test('spec writes bump the generation and keep status; /status writes only status', async () => {
  const current = await client.get(api, 'widgets', 'default', 'a');
  const updated = await client.update(api, 'widgets', 'default', { ...current, spec: { ...current.spec as object, size: 5 }, status: { replicas: 7 } });
  expect(updated.metadata.generation).toBe(2);
  expect(updated.status).toBeUndefined();
  const status = await client.update(api, 'widgets', 'default', { ...updated, spec: { size: 99 }, status: { replicas: 1, labelSelector: 'app=a' } }, { subresource: 'status' });
  expect(status.status).toEqual({ replicas: 1, labelSelector: 'app=a' });
  expect((status.spec as { size: number }).size).toBe(5);
  expect(status.metadata.generation).toBe(2);
  const labelled = await client.patch(api, 'widgets', 'default', 'a', 'merge', { metadata: { labels: { tier: 'x' } } });
  expect(labelled.metadata.generation).toBe(2);
});

test('scale paths are validated on write', async () => {
  await expect(client.patch(api, 'widgets', 'default', 'a', 'merge', { spec: { replicas: -1 } })).rejects.toMatchObject({
    code: 422,
    details: { causes: [{ reason: 'FieldValueInvalid', field: '.spec.replicas', message: 'Invalid value: -1: should be a non-negative integer' }] },
  });
});

test('strategic merge patch is refused with 415; json and merge patches work', async () => {
  await expect(client.patch(api, 'widgets', 'default', 'a', 'strategic', { spec: { size: 3 } })).rejects.toMatchObject({
    code: 415,
    message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
  });
  const res = await request(cluster.url)
    .patch('/apis/example.com/v1/namespaces/default/widgets/a')
    .set('Content-Type', 'application/strategic-merge-patch+json')
    .send('{"spec":{"size":3}}');
  expect(res.status).toBe(415);
  const patched = await client.patch(api, 'widgets', 'default', 'a', 'json', [{ op: 'replace', path: '/spec/size', value: 6 }]);
  expect((patched.spec as { size: number }).size).toBe(6);
});

test('server-side apply creates and updates custom resources through the schema', async () => {
  const applied = await client.patch(api, 'widgets', 'default', 'applied', 'apply', widget('applied', { size: 2 }), { fieldManager: 'ctl' });
  expect(applied.spec).toEqual({ size: 2, color: 'blue' });
  const again = await client.patch(api, 'widgets', 'default', 'applied', 'apply', widget('applied', { size: 4 }), { fieldManager: 'ctl' });
  expect((again.spec as { size: number }).size).toBe(4);
  expect(again.metadata.generation).toBe(2);
});

test('field selectors on selectable fields; others are refused', async () => {
  await client.create(api, 'widgets', 'default', widget('red', { color: 'red' }));
  const red = await client.list(api, 'widgets', 'default', { fieldSelector: 'spec.color=red' });
  expect(red.items.map((i) => i.metadata.name)).toEqual(['red']);
  const notRed = await client.list(api, 'widgets', 'default', { fieldSelector: 'spec.color!=red,metadata.name=a' });
  expect(notRed.items.map((i) => i.metadata.name)).toEqual(['a']);
  await expect(client.list(api, 'widgets', 'default', { fieldSelector: 'spec.size=1' })).rejects.toMatchObject({
    code: 400,
    message: 'field label not supported: spec.size',
  });
});

test('scale subresource reads and writes the CRD scale paths', async () => {
  const base = `/apis/example.com/v1/namespaces/default/widgets`;
  const scale = await request(cluster.url).get(`${base}/a/scale`);
  expect(scale.status).toBe(200);
  expect(scale.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { replicas: 1, selector: 'app=a' } });
  const patched = await request(cluster.url)
    .patch(`${base}/a/scale`)
    .set('Content-Type', 'application/merge-patch+json')
    .send('{"spec":{"replicas":4}}');
  expect(patched.status).toBe(200);
  expect(patched.body.spec).toEqual({ replicas: 4 });
  expect(((await client.get(api, 'widgets', 'default', 'a')).spec as { replicas: number }).replicas).toBe(4);
  const put = await request(cluster.url).put(`${base}/a/scale`).send({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'a' }, spec: { replicas: 1 } });
  expect(put.body.spec).toEqual({ replicas: 1 });
  // No status replicas yet reads as 0; no spec replicas is upstream's 500 on GET.
  expect((await request(cluster.url).get(`${base}/red/scale`)).body).toMatchObject({
    code: 500,
    message: 'Internal error occurred: the spec replicas field ".spec.replicas" does not exist',
  });
  const smp = await request(cluster.url).patch(`${base}/a/scale`).set('Content-Type', 'application/strategic-merge-patch+json').send('{"spec":{"replicas":2}}');
  expect(smp.status).toBe(415);
});

test('printer columns as a Table over HTTP', async () => {
  await client.update(api, 'widgets', 'default', {
    ...(await client.get(api, 'widgets', 'default', 'red')),
    status: { conditions: [{ type: 'Other', status: 'False' }, { type: 'Ready', status: 'True' }] },
  }, { subresource: 'status' });
  const res = await request(cluster.url)
    .get('/apis/example.com/v1/namespaces/default/widgets')
    .set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io');
  expect(res.status).toBe(200);
  expect(res.body.kind).toBe('Table');
  expect(res.body.columnDefinitions.map((c: { name: string; type: string; priority: number }) => [c.name, c.type, c.priority])).toEqual([
    ['Name', 'string', 0],
    ['Color', 'string', 0],
    ['Size', 'integer', 1],
    ['Ready', 'string', 0],
  ]);
  expect(res.body.columnDefinitions[1].description).toBe('Custom resource definition column (in JSONPath format): .spec.color');
  const rows = Object.fromEntries(res.body.rows.map((r: { cells: unknown[] }) => [r.cells[0], r.cells]));
  expect(rows.a).toEqual(['a', 'blue', 6, null]);
  expect(rows.red).toEqual(['red', 'red', null, 'True']);
});

test('a version without printer columns prints NAME and AGE (a date)', async () => {
  await installCrd(client, { ...widgetCrd(undefined, 'plain.example.com') }, () => cluster.settle());
  await client.create('plain.example.com/v1', 'widgets', 'default', { ...widget('p'), apiVersion: 'plain.example.com/v1' });
  const res = await request(cluster.url)
    .get('/apis/plain.example.com/v1/namespaces/default/widgets/p')
    .set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io');
  expect(res.body.columnDefinitions.map((c: { name: string; type: string }) => [c.name, c.type])).toEqual([['Name', 'string'], ['Age', 'date']]);
  expect(res.body.rows[0].cells[1]).toMatch(/^\d+s$/);
});

test('watch sees custom resource events in order', async () => {
  const list = await client.list(api, 'widgets', 'default');
  const events: [string, string | undefined][] = [];
  const handle = await client.watch(api, 'widgets', 'default', { resourceVersion: list.resourceVersion }, (e) => events.push([e.type, e.object.metadata.name]));
  await client.create(api, 'widgets', 'default', widget('w'));
  await client.patch(api, 'widgets', 'default', 'w', 'merge', { spec: { size: 1 } });
  await client.delete(api, 'widgets', 'default', 'w');
  handle.stop();
  expect(events).toEqual([['ADDED', 'w'], ['MODIFIED', 'w'], ['DELETED', 'w']]);
});

test('a terminating CRD refuses creates but serves reads, updates and deletes; a deleted one is gone', async () => {
  await setConditions(client, 'widgets.example.com', ['Terminating']);
  await expect(client.create(api, 'widgets', 'default', widget('late'))).rejects.toMatchObject({
    code: 405,
    reason: 'MethodNotAllowed',
    message: 'create not allowed while custom resource definition is terminating',
  });
  expect((await client.get(api, 'widgets', 'default', 'a')).metadata.name).toBe('a');
  await client.patch(api, 'widgets', 'default', 'a', 'merge', { metadata: { labels: { bye: 'yes' } } });
  const discovery = await request(cluster.url).get('/apis/example.com/v1');
  expect(discovery.body.resources[0].verbs).toEqual(['delete', 'deletecollection', 'get', 'list', 'watch']);
  await client.deleteCollection(api, 'widgets', 'default');
  await client.delete(crdApi, 'customresourcedefinitions', undefined, 'widgets.example.com');
  await cluster.settle();
  const gone = await client.get(crdApi, 'customresourcedefinitions', undefined, 'widgets.example.com').catch(() => undefined);
  if (!gone) {
    expect(cluster.registry.lookup('example.com', 'v1', 'widgets')).toBeUndefined();
    expect((await request(cluster.url).get('/apis/example.com/v1/namespaces/default/widgets')).status).toBe(404);
  }
});
