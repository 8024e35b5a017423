// The HTTP fault API sets in-process rules too: POST { clients, seed } reaches the controllers, and is checked.
import type { KubeObject } from '../../src/meta/types.js';
import { startCluster, type Cluster } from '../../src/cluster.js';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ controllers: '', nodes: 0, loadClientNode: false });
});
afterAll(() => cluster.close());
afterEach(() => cluster.faults.clear());

const post = (body: unknown) =>
  fetch(`${cluster.url}/kubefake/v1/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

test('POST a rule with clients and seed: listed as given, and it fails the in-process client, not HTTP', async () => {
  const res = await post({ clients: 'in-process', verbs: ['create'], resource: 'configmaps', code: 409, seed: 11, probability: 1 });
  expect(res.status).toBe(201);
  expect(await res.json()).toMatchObject({ kind: 'Fault', clients: 'in-process', seed: 11, code: 409 });
  const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'over-http' } };
  const viaHttp = await fetch(`${cluster.url}/api/v1/namespaces/default/configmaps`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  expect(viaHttp.status).toBe(201);
  await expect(cluster.client.create('v1', 'configmaps', 'default', { ...body, metadata: { name: 'in-process' } } as KubeObject)).rejects.toMatchObject({ code: 409, reason: 'Conflict' });
});

test('POST refuses an unknown clients value, a fractional seed and an in-process delay with a 400 Status', async () => {
  const res = await post({ clients: 'controllers', seed: 0.5, code: 500 });
  expect(res.status).toBe(400);
  const status = (await res.json()) as { message: string; reason: string };
  expect(status.reason).toBe('BadRequest');
  expect(status.message).toContain('clients: "controllers" is not one of http, in-process, all');
  expect(status.message).toContain('seed: must be a whole number');
  expect((await post({ clients: 'in-process', delayMs: 100 })).status).toBe(400);
  expect(cluster.faults.list()).toEqual([]);
});
