// reset(), snapshot() and restore(): nothing a test wrote survives a reset, and watchers follow every restore.
import { startCluster, type Cluster } from './cluster.js';
import type { ClientWatchEvent } from './client/client.js';

let cluster: Cluster;
afterEach(async () => {
  await cluster?.close();
});

const names = async (apiVersion: string, resource: string, namespace?: string) =>
  (await cluster.client.list(apiVersion, resource, namespace)).items.map((o) => o.metadata.name).sort();

test('reset() removes what a test created and brings back what it changed or deleted', async () => {
  cluster = await startCluster({ controllers: '', nodes: 0 });
  const seededNamespaces = await names('v1', 'namespaces');
  const kubernetes = await cluster.client.get('v1', 'services', 'default', 'kubernetes');
  await cluster.client.create('v1', 'namespaces', undefined, { metadata: { name: 'scratch' } });
  await cluster.client.create('v1', 'configmaps', 'default', { metadata: { name: 'left-over' } });
  await cluster.client.patch('v1', 'namespaces', undefined, 'kube-public', 'merge', { metadata: { labels: { touched: 'yes' } } });
  await cluster.client.delete('v1', 'services', 'default', 'kubernetes');

  const result = await cluster.reset();
  expect(result).toEqual({ created: 1, updated: 1, deleted: 2 });
  expect(await names('v1', 'namespaces')).toEqual(seededNamespaces);
  expect(await names('v1', 'configmaps', 'default')).toEqual([]);
  const restored = await cluster.client.get('v1', 'services', 'default', 'kubernetes');
  expect(restored.metadata.labels).toEqual(kubernetes.metadata.labels);
  expect(restored.metadata.uid).toBe(kubernetes.metadata.uid);
  expect(Number(restored.metadata.resourceVersion)).toBeGreaterThan(Number(kubernetes.metadata.resourceVersion));
  const publicNs = await cluster.client.get('v1', 'namespaces', undefined, 'kube-public');
  expect(publicNs.metadata.labels?.touched).toBeUndefined();
  // Nothing left to undo: a second reset writes nothing.
  expect(await cluster.reset()).toEqual({ created: 0, updated: 0, deleted: 0 });
});

test('restore() brings back a snapshot: deleted objects return with their uid, later ones go; watchers see each change', async () => {
  cluster = await startCluster({ controllers: '', nodes: 0 });
  const kept = await cluster.client.create('v1', 'configmaps', 'default', { metadata: { name: 'kept' }, data: { a: '1' } });
  const snapshot = await cluster.snapshot();
  const list = await cluster.client.list('v1', 'configmaps', 'default');
  const events: ClientWatchEvent[] = [];
  const watch = await cluster.client.watch('v1', 'configmaps', 'default', { resourceVersion: list.resourceVersion }, (e) => events.push(e));
  await cluster.client.delete('v1', 'configmaps', 'default', 'kept');
  await cluster.client.create('v1', 'configmaps', 'default', { metadata: { name: 'later' } });
  events.length = 0;

  expect(await cluster.restore(snapshot)).toEqual({ created: 1, updated: 0, deleted: 1 });
  watch.stop();
  expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
    ['DELETED', 'later'],
    ['ADDED', 'kept'],
  ]);
  const back = await cluster.client.get('v1', 'configmaps', 'default', 'kept');
  expect(back.metadata.uid).toBe(kept.metadata.uid);
  expect(back.data).toEqual({ a: '1' });
});

test('with every controller running, reset() leaves a quiet cluster whose allocations are free again', async () => {
  cluster = await startCluster({ clock: 'virtual', nodes: 1 });
  const service = { metadata: { name: 'web' }, spec: { clusterIP: '10.96.100.100', ports: [{ port: 80 }], selector: { app: 'web' } } };
  await cluster.client.create('v1', 'services', 'default', service);
  await cluster.client.create('apps/v1', 'deployments', 'default', {
    metadata: { name: 'web' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
    },
  });
  await cluster.advance('30s');
  expect(await names('v1', 'pods', 'default')).toHaveLength(2);

  await cluster.reset();
  expect(await names('apps/v1', 'deployments', 'default')).toEqual([]);
  expect(await names('apps/v1', 'replicasets', 'default')).toEqual([]);
  expect(await names('v1', 'pods', 'default')).toEqual([]);
  expect(await names('v1', 'services', 'default')).toEqual(['kubernetes']);
  // The ClusterIP allocator followed the reset through its watch: the same address can be taken again.
  await expect(cluster.client.create('v1', 'services', 'default', service)).resolves.toBeDefined();
});
