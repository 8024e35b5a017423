// The in-process client goes through the same pipeline as HTTP: defaults, validation, patches, apply, watch.
import { startCluster, type Cluster } from '../cluster.js';
import { ApiError } from '../meta/errors.js';
import { InProcessClient, type ClientWatchEvent } from './client.js';

let cluster: Cluster;
let client: InProcessClient;
beforeAll(async () => {
  cluster = await startCluster({ port: 0 });
  client = new InProcessClient(cluster.registry);
});
afterAll(() => cluster.close());

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
};

test('create applies defaults and records the manager; reads return copies', async () => {
  const created = await client.create('apps/v1', 'deployments', 'default', deployment);
  expect(created.spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 10 });
  expect((created.metadata.managedFields as { manager: string }[])[0]!.manager).toBe('kubefake');
  const read = await client.get('apps/v1', 'deployments', 'default', 'web');
  (read.spec as { replicas: number }).replicas = 99;
  expect(((await client.get('apps/v1', 'deployments', 'default', 'web')).spec as { replicas: number }).replicas).toBe(1);
});

test('validation errors are the API errors an HTTP client would get', async () => {
  await expect(client.create('v1', 'namespaces', undefined, { metadata: { name: 'Bad_Name' } })).rejects.toMatchObject({ code: 422, reason: 'Invalid' });
  await expect(client.get('v1', 'configmaps', 'default', 'missing')).rejects.toBeInstanceOf(ApiError);
});

test('each patch type and apply', async () => {
  await client.patch('apps/v1', 'deployments', 'default', 'web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:2' }] } } } });
  await client.patch('apps/v1', 'deployments', 'default', 'web', 'merge', { metadata: { labels: { tier: 'front' } } });
  await client.patch('apps/v1', 'deployments', 'default', 'web', 'json', [{ op: 'replace', path: '/spec/replicas', value: 2 }]);
  const applied = await client.patch('apps/v1', 'deployments', 'default', 'web', 'apply', { ...deployment, spec: { ...deployment.spec, replicas: 3 } }, { fieldManager: 'ctl', force: true });
  expect(applied.metadata.labels).toEqual({ tier: 'front' });
  expect(applied.spec).toMatchObject({ replicas: 3 });
  expect(((applied.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image)).toBe('nginx');
});

test('apply creates a cluster-scoped object that is absent (no namespace key on it)', async () => {
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'applied-role' }, rules: [] };
  const created = await client.patch('rbac.authorization.k8s.io/v1', 'clusterroles', undefined, 'applied-role', 'apply', role, { fieldManager: 'ctl' });
  expect(created.metadata.uid).toBeDefined();
  expect('namespace' in created.metadata).toBe(false);
});

test('watch sees changes in order and stops', async () => {
  const events: ClientWatchEvent[] = [];
  const list = await client.list('v1', 'configmaps', 'default');
  const handle = await client.watch('v1', 'configmaps', 'default', { resourceVersion: list.resourceVersion }, (e) => events.push(e));
  await client.create('v1', 'configmaps', 'default', { metadata: { name: 'w' }, data: { a: '1' } });
  await client.patch('v1', 'configmaps', 'default', 'w', 'merge', { data: { a: '2' } });
  await client.delete('v1', 'configmaps', 'default', 'w');
  handle.stop();
  await client.create('v1', 'configmaps', 'default', { metadata: { name: 'after' } });
  expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'w'], ['MODIFIED', 'w'], ['DELETED', 'w']]);
});

test('shared list and watch hand every reader the same frozen stored version; plain ones still hand out copies', async () => {
  const shared: ClientWatchEvent[] = [];
  const alsoShared: ClientWatchEvent[] = [];
  const copies: ClientWatchEvent[] = [];
  const rv = (await client.list('v1', 'configmaps', 'default')).resourceVersion;
  const handles = [
    await client.watch('v1', 'configmaps', 'default', { resourceVersion: rv }, (e) => shared.push(e), { shared: true }),
    await client.watch('v1', 'configmaps', 'default', { resourceVersion: rv }, (e) => alsoShared.push(e), { shared: true }),
    await client.watch('v1', 'configmaps', 'default', { resourceVersion: rv }, (e) => copies.push(e)),
  ];
  await client.create('v1', 'configmaps', 'default', { metadata: { name: 'shared' }, data: { a: '1' } });
  await client.patch('v1', 'configmaps', 'default', 'shared', 'merge', { data: { a: '2' } });
  for (const h of handles) h.stop();

  expect(shared.map((e) => (e.object.data as { a: string }).a)).toEqual(['1', '2']);
  // One object per stored version, not one per watcher, and each version keeps its own content.
  expect(alsoShared[0]!.object).toBe(shared[0]!.object);
  expect(alsoShared[1]!.object).toBe(shared[1]!.object);
  expect(shared[1]!.object).not.toBe(shared[0]!.object);
  const first = shared[0]!.object;
  expect(Object.isFrozen(first) && Object.isFrozen(first.metadata) && Object.isFrozen(first.data)).toBe(true);
  expect(() => {
    (first.data as { a: string }).a = 'x';
  }).toThrow(TypeError);

  const listed = await client.list('v1', 'configmaps', 'default', {}, { shared: true });
  const item = listed.items.find((o) => o.metadata.name === 'shared')!;
  expect(item).toBe(shared[1]!.object);
  // Plain reads stay private, mutable copies of the same version.
  expect(copies[1]!.object).not.toBe(shared[1]!.object);
  expect(copies[1]!.object).toEqual(shared[1]!.object);
  (copies[1]!.object.data as { a: string }).a = 'mine';
  const plain = (await client.list('v1', 'configmaps', 'default')).items.find((o) => o.metadata.name === 'shared')!;
  expect(Object.isFrozen(plain)).toBe(false);
  expect(plain.data).toEqual({ a: '2' });
  await client.delete('v1', 'configmaps', 'default', 'shared');
});
