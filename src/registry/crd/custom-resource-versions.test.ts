// Several versions of one CRD (conversion None), deprecation warnings, CEL rules, and discovery before and after.
import request from 'supertest';
import { startCluster, type Cluster } from '../../cluster.js';
import type { InProcessClient } from '../../client/client.js';
import type { KubeObject } from '../../meta/types.js';
import type { CustomResourceDefinition } from './crd-types.js';
import { crdApi, installCrd, setConditions, widgetCrd, widgetVersion } from './crd-test-kit.js';
import { compareKubeAwareVersions, defaultDeprecationWarning } from './custom-resource-versions.js';

let cluster: Cluster;
let client: InProcessClient;
const aggregatedAccept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

beforeAll(async () => {
  cluster = await startCluster({ controllers: '', nodes: 0 });
  client = cluster.client;
});
afterAll(() => cluster.close());

const multiVersion = (): CustomResourceDefinition =>
  widgetCrd(
    [
      widgetVersion('v1alpha1', { storage: false, deprecated: true }),
      widgetVersion('v1', {
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: { size: { type: 'integer' }, color: { type: 'string' } },
                'x-kubernetes-validations': [{ rule: 'self.size <= 10', message: 'size must be at most 10' }],
              },
            },
          },
        },
      }),
      widgetVersion('v1beta1', { storage: false, deprecated: true, deprecationWarning: 'v1beta1 is going away' }),
      widgetVersion('v2', { storage: false, served: false }),
    ],
    'multi.example.com',
  );

test('kube-aware version priority and the default deprecation warning', () => {
  const sorted = ['v1alpha1', 'v1', 'foo', 'v1beta2', 'v2', 'v1beta1', 'v10', 'bar'].sort((a, b) => compareKubeAwareVersions(b, a));
  expect(sorted).toEqual(['v10', 'v2', 'v1', 'v1beta2', 'v1beta1', 'v1alpha1', 'bar', 'foo']);
  expect(defaultDeprecationWarning('v1alpha1', multiVersion().spec)).toBe('multi.example.com/v1alpha1 Widget is deprecated; use multi.example.com/v1 Widget');
});

test('discovery lists a CRD group only once it is Established, after the built-in groups', async () => {
  const before = await request(cluster.url).get('/apis');
  expect(before.body.groups.map((g: { name: string }) => g.name)).not.toContain('multi.example.com');
  await client.create(crdApi, 'customresourcedefinitions', undefined, multiVersion());
  await cluster.settle();
  const stored = (await client.get(crdApi, 'customresourcedefinitions', undefined, 'widgets.multi.example.com')) as CustomResourceDefinition;
  if (!(stored.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True')) {
    // Names accepted but not yet Established: served, yet not in discovery.
    await setConditions(client, 'widgets.multi.example.com', ['NamesAccepted']);
    expect(cluster.registry.lookup('multi.example.com', 'v1', 'widgets')).toBeDefined();
    expect((await request(cluster.url).get('/apis/multi.example.com')).status).toBe(404);
  }
  await setConditions(client, 'widgets.multi.example.com', ['NamesAccepted', 'Established']);
  const groups = (await request(cluster.url).get('/apis')).body.groups as { name: string; preferredVersion: { version: string } }[];
  const names = groups.map((g) => g.name);
  expect(names[names.length - 1]).toBe('multi.example.com');
  expect(names.indexOf('apiextensions.k8s.io')).toBeLessThan(names.indexOf('multi.example.com'));
  const group = (await request(cluster.url).get('/apis/multi.example.com')).body;
  expect(group.versions.map((v: { version: string }) => v.version)).toEqual(['v1', 'v1beta1', 'v1alpha1']);
  expect(group.preferredVersion).toEqual({ groupVersion: 'multi.example.com/v1', version: 'v1' });
  const list = (await request(cluster.url).get('/apis/multi.example.com/v1')).body;
  expect(list.resources).toEqual([
    expect.objectContaining({
      name: 'widgets',
      singularName: 'widget',
      namespaced: true,
      kind: 'Widget',
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
      shortNames: ['wd'],
      categories: ['all'],
      storageVersionHash: expect.any(String),
    }),
    { name: 'widgets/status', singularName: '', namespaced: true, kind: 'Widget', verbs: ['get', 'patch', 'update'] },
    { name: 'widgets/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
  ]);
  expect((await request(cluster.url).get('/apis/multi.example.com/v2')).status).toBe(404);
  const aggregated = (await request(cluster.url).get('/apis').set('Accept', aggregatedAccept)).body;
  const entry = aggregated.items.find((g: { metadata: { name: string } }) => g.metadata.name === 'multi.example.com');
  expect(entry.versions.map((v: { version: string }) => v.version)).toEqual(['v1', 'v1beta1', 'v1alpha1']);
  expect(entry.versions[0].resources[0]).toMatchObject({ resource: 'widgets', responseKind: { group: 'multi.example.com', version: 'v1', kind: 'Widget' }, scope: 'Namespaced' });
});

test('every served version reads and writes the one storage; conversion None rewrites apiVersion', async () => {
  const created = await client.create('multi.example.com/v1beta1', 'widgets', 'default', {
    apiVersion: 'multi.example.com/v1beta1',
    kind: 'Widget',
    metadata: { name: 'one' },
    spec: { size: 1 },
  });
  expect(created.apiVersion).toBe('multi.example.com/v1beta1');
  const stored = await cluster.store.get('/registry/multi.example.com/widgets/default/one');
  expect(stored?.object.apiVersion).toBe('multi.example.com/v1');
  expect((await client.get('multi.example.com/v1', 'widgets', 'default', 'one')).apiVersion).toBe('multi.example.com/v1');
  const alpha = await client.list('multi.example.com/v1alpha1', 'widgets', 'default');
  expect(alpha.items.map((i) => [i.apiVersion, i.metadata.name])).toEqual([['multi.example.com/v1alpha1', 'one']]);
  await expect(client.get('multi.example.com/v2', 'widgets', 'default', 'one')).rejects.toMatchObject({ code: 404 });
});

test('a storage version change leaves old objects readable in every version', async () => {
  const crd = (await client.get(crdApi, 'customresourcedefinitions', undefined, 'widgets.multi.example.com')) as CustomResourceDefinition;
  crd.spec.versions = crd.spec.versions.map((v) => ({ ...v, storage: v.name === 'v1beta1' }));
  await client.update(crdApi, 'customresourcedefinitions', undefined, crd as KubeObject);
  const events: [string, string][] = [];
  const handle = await client.watch('multi.example.com/v1beta1', 'widgets', 'default', {}, (e) => events.push([e.type, String(e.object.apiVersion)]));
  expect((await client.get('multi.example.com/v1beta1', 'widgets', 'default', 'one')).apiVersion).toBe('multi.example.com/v1beta1');
  expect((await cluster.store.get('/registry/multi.example.com/widgets/default/one'))?.object.apiVersion).toBe('multi.example.com/v1');
  await client.patch('multi.example.com/v1', 'widgets', 'default', 'one', 'merge', { spec: { size: 2 } });
  expect((await cluster.store.get('/registry/multi.example.com/widgets/default/one'))?.object.apiVersion).toBe('multi.example.com/v1beta1');
  handle.stop();
  expect(events).toEqual([
    ['ADDED', 'multi.example.com/v1beta1'],
    ['MODIFIED', 'multi.example.com/v1beta1'],
  ]);
});

test('each version validates with its own schema, CEL rules included', async () => {
  await expect(client.patch('multi.example.com/v1', 'widgets', 'default', 'one', 'merge', { spec: { size: 11 } })).rejects.toMatchObject({
    code: 422,
    details: { causes: [expect.objectContaining({ field: 'spec', message: expect.stringContaining('size must be at most 10') })] },
  });
  const beta = await client.patch('multi.example.com/v1beta1', 'widgets', 'default', 'one', 'merge', { spec: { size: 11 } });
  expect((beta.spec as { size: number }).size).toBe(11);
});

test('deprecated versions warn on every request', async () => {
  const get = await request(cluster.url).get('/apis/multi.example.com/v1alpha1/namespaces/default/widgets/one');
  expect(get.headers.warning).toBe('299 - "multi.example.com/v1alpha1 Widget is deprecated; use multi.example.com/v1 Widget"');
  const put = await request(cluster.url)
    .patch('/apis/multi.example.com/v1beta1/namespaces/default/widgets/one?fieldValidation=Warn')
    .set('Content-Type', 'application/merge-patch+json')
    .send('{"spec":{"unknown":1}}');
  expect(put.status).toBe(200);
  expect(put.headers.warning).toBe('299 - "v1beta1 is going away", 299 - "unknown field \\"spec.unknown\\""');
  expect((await request(cluster.url).get('/apis/multi.example.com/v1/namespaces/default/widgets/one')).headers.warning).toBeUndefined();
});

test('installCrd works for a cluster-scoped CRD too', async () => {
  const crd = widgetCrd(undefined, 'cluster.example.com');
  crd.spec.scope = 'Cluster';
  await installCrd(client, crd, () => cluster.settle());
  const created = await client.create('cluster.example.com/v1', 'widgets', undefined, {
    apiVersion: 'cluster.example.com/v1',
    kind: 'Widget',
    metadata: { name: 'c', namespace: 'ignored' },
  });
  expect(created.metadata.namespace).toBeUndefined();
  expect((await cluster.store.get('/registry/cluster.example.com/widgets/c'))?.object.metadata).toBeDefined();
});
