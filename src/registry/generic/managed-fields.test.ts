// managedFields on every write through the registry: Update entries per writer, status writes, apply, and reset.
import { startCluster, type Cluster } from '../../cluster.js';
import type { KubeObject } from '../../meta/types.js';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ port: 0 });
});
afterAll(() => cluster.close());

const deployments = () => cluster.registry.lookup('apps', 'v1', 'deployments')!;
const entries = (o: KubeObject) =>
  (o.metadata.managedFields as { manager: string; operation: string; subresource?: string; fieldsV1: Record<string, unknown> }[] | undefined) ?? [];

const deployment = (name: string) => ({
  metadata: { name, labels: { app: name } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } },
  },
});

test('create, update and status writes each leave an Update entry for their manager', async () => {
  const created = await cluster.registry.create(deployments(), 'default', deployment('mf'), { fieldManager: 'creator' });
  expect(entries(created.object as KubeObject).map((e) => [e.manager, e.operation])).toEqual([['creator', 'Update']]);

  const updated = await cluster.registry.patch(deployments(), 'default', 'mf', (cur) => ({ ...cur, spec: { ...(cur.spec as object), replicas: 4 } }), {
    userAgent: 'kubectl-scale/v1.33.0 (linux/amd64) kubernetes/abc',
  });
  const byManager = Object.fromEntries(entries(updated.object as KubeObject).map((e) => [e.manager, e]));
  expect(Object.keys(byManager).sort()).toEqual(['creator', 'kubectl-scale']);
  // The field moved to its new writer.
  expect(byManager['kubectl-scale']!.fieldsV1['f:spec']).toEqual({ 'f:replicas': {} });
  expect(JSON.stringify(byManager.creator!.fieldsV1)).not.toContain('f:replicas');

  const status = await cluster.registry.patch(deployments(), 'default', 'mf', (cur) => ({ ...cur, status: { replicas: 4 } }), {
    fieldManager: 'controller',
    subresource: 'status',
  });
  const statusEntry = entries(status.object as KubeObject).find((e) => e.manager === 'controller')!;
  expect(statusEntry.subresource).toBe('status');
  expect(statusEntry.fieldsV1).toEqual({ 'f:status': { 'f:replicas': {} } });
});

test('a write that sets managedFields to [{}] clears them', async () => {
  await cluster.registry.create(deployments(), 'default', deployment('reset'), { fieldManager: 'creator' });
  const cleared = await cluster.registry.patch(deployments(), 'default', 'reset', (cur) => ({ ...cur, metadata: { ...cur.metadata, managedFields: [{}] } }));
  expect(cleared.object.metadata.managedFields).toBeUndefined();
});

test('apply records an Apply entry and an identical re-apply changes nothing', async () => {
  const config = { apiVersion: 'apps/v1', kind: 'Deployment', ...deployment('applied') };
  const first = await cluster.registry.apply(deployments(), 'default', 'applied', structuredClone(config), { fieldManager: 'me' });
  expect(first.created).toBe(true);
  expect(entries(first.view.object as KubeObject).map((e) => [e.manager, e.operation])).toEqual([['me', 'Apply']]);
  const again = await cluster.registry.apply(deployments(), 'default', 'applied', structuredClone(config), { fieldManager: 'me' });
  expect(again.created).toBe(false);
  expect(again.view.object.metadata.resourceVersion).toBe(first.view.object.metadata.resourceVersion);
});

test('apply without a fieldManager is refused as upstream does', async () => {
  await expect(cluster.registry.apply(deployments(), 'default', 'x', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } }, {})).rejects.toMatchObject({
    code: 422,
    message: 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
  });
});
