// Fault injection seen through @kubernetes/client-node: 429 with Retry-After, a one-off 409, a 503 on one object.
import { startTestCluster, apiServerOnly, type TestCluster } from '../helpers.js';
import { apiError, clientsFor, type Clients } from './client-node-support.js';

let cluster: TestCluster;
let c: Clients;
beforeAll(async () => {
  cluster = await startTestCluster({ ...apiServerOnly, faults: [{ verbs: ['list'], resource: 'secrets', code: 429, retryAfterSeconds: 2, times: 1 }] });
  c = clientsFor(cluster);
});
afterAll(() => cluster.close());
afterEach(() => cluster.faults.clear());

test('a fault given at start: the first list of secrets is throttled with Retry-After, the next succeeds', async () => {
  const response = await fetch(`${cluster.url}/api/v1/namespaces/default/secrets`);
  expect(response.status).toBe(429);
  expect(response.headers.get('retry-after')).toBe('2');
  expect(await response.json()).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', details: { retryAfterSeconds: 2 } });
  await expect(c.core.listNamespacedSecret({ namespace: 'default' })).resolves.toBeDefined();
});

test('a one-off 409 on update: the client sees Conflict, its retry goes through and nothing else was touched', async () => {
  await c.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'retried' }, data: { a: '1' } } });
  cluster.faults.add({ verbs: ['update'], resource: 'configmaps', name: 'retried', code: 409, times: 1 });
  const current = await c.core.readNamespacedConfigMap({ namespace: 'default', name: 'retried' });
  const body = { ...current, data: { a: '2' } };
  const refused = await apiError(c.core.replaceNamespacedConfigMap({ namespace: 'default', name: 'retried', body }));
  expect(refused.code).toBe(409);
  expect(refused.status.reason).toBe('Conflict');
  expect((await c.core.readNamespacedConfigMap({ namespace: 'default', name: 'retried' })).data).toEqual({ a: '1' });
  const replaced = await c.core.replaceNamespacedConfigMap({ namespace: 'default', name: 'retried', body });
  expect(replaced.data).toEqual({ a: '2' });
});

test('a 503 on one object leaves its neighbours alone', async () => {
  await c.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'flaky' } } });
  await c.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'steady' } } });
  cluster.faults.add({ verbs: ['get'], resource: 'configmaps', name: 'flaky', code: 503 });
  expect((await apiError(c.core.readNamespacedConfigMap({ namespace: 'default', name: 'flaky' }))).code).toBe(503);
  await expect(c.core.readNamespacedConfigMap({ namespace: 'default', name: 'steady' })).resolves.toBeDefined();
});
