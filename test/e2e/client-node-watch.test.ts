// @kubernetes/client-node 1.4 Watch: event order and resourceVersions, selectors, server-side ends, 410 Expired.
import * as k8s from '@kubernetes/client-node';
import { apiServerOnly, startTestCluster, type TestCluster } from '../helpers.js';
import { clientsFor, configMap, Queue, type Clients } from './client-node-support.js';

interface Event {
  type: string;
  object: { kind?: string; code?: number; reason?: string; metadata?: { name?: string; resourceVersion?: string; annotations?: Record<string, string> }; data?: Record<string, string> };
}

interface OpenedWatch {
  events: Queue<Event>;
  /** Resolves with the done callback's argument (null when the server ended the stream cleanly). */
  done: Promise<unknown>;
  abort(): void;
}

async function openWatch(kc: k8s.KubeConfig, path: string, query: Record<string, string | number | boolean | undefined>): Promise<OpenedWatch> {
  const events = new Queue<Event>();
  let finish!: (err: unknown) => void;
  const done = new Promise<unknown>((resolve) => (finish = resolve));
  const controller = await new k8s.Watch(kc).watch(path, query, (type, object) => events.push({ type, object }), (err) => finish(err));
  return { events, done, abort: () => controller.abort() };
}

const rv = (e: Event) => Number(e.object.metadata?.resourceVersion);

describe('Watch', () => {
  let cluster: TestCluster;
  let c: Clients;
  const ns = 'watched';
  const path = `/api/v1/namespaces/${ns}/configmaps`;

  beforeAll(async () => {
    cluster = await startTestCluster(apiServerOnly);
    c = clientsFor(cluster);
    await c.core.createNamespace({ body: { metadata: { name: ns } } });
  });
  afterAll(async () => {
    await cluster.close();
  });

  test('ADDED, MODIFIED, DELETED arrive in order with increasing resourceVersions', async () => {
    const list = await c.core.listNamespacedConfigMap({ namespace: ns });
    const w = await openWatch(c.kc, path, { resourceVersion: list.metadata?.resourceVersion });

    const created = await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('w1', { v: '1' }) });
    const replaced = await c.core.replaceNamespacedConfigMap({ name: 'w1', namespace: ns, body: { ...created, data: { v: '2' } } });
    await c.core.deleteNamespacedConfigMap({ name: 'w1', namespace: ns });

    const events = await w.events.take(3);
    expect(events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
    expect(rv(events[0])).toBe(Number(created.metadata?.resourceVersion));
    expect(rv(events[1])).toBe(Number(replaced.metadata?.resourceVersion));
    expect(rv(events[1])).toBeGreaterThan(rv(events[0]));
    expect(rv(events[2])).toBeGreaterThan(rv(events[1]));
    expect(events[0].object.kind).toBe('ConfigMap');
    expect(events[1].object.data).toEqual({ v: '2' });
    expect(events[2].object.data).toEqual({ v: '2' }); // DELETED carries the last state
    w.abort();
  });

  test('without a resourceVersion the watch starts with the current objects as ADDED', async () => {
    await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('existing-a') });
    await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('existing-b') });
    const w = await openWatch(c.kc, path, {});
    const initial = await w.events.take(2);
    expect(initial.map((e) => `${e.type} ${e.object.metadata?.name}`).sort()).toEqual(['ADDED existing-a', 'ADDED existing-b']);
    await c.core.deleteNamespacedConfigMap({ name: 'existing-a', namespace: ns });
    expect(await w.events.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'existing-a' } } });
    w.abort();
    await c.core.deleteNamespacedConfigMap({ name: 'existing-b', namespace: ns });
  });

  test('a label-selected watch sees objects enter and leave the selection', async () => {
    const list = await c.core.listNamespacedConfigMap({ namespace: ns });
    const w = await openWatch(c.kc, path, { resourceVersion: list.metadata?.resourceVersion, labelSelector: 'team=blue' });
    const other = await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('sel', {}, { team: 'red' }) });
    await c.core.replaceNamespacedConfigMap({ name: 'sel', namespace: ns, body: { ...other, metadata: { ...other.metadata, labels: { team: 'blue' } } } });
    await c.core.patchNamespacedConfigMap({ name: 'sel', namespace: ns, body: [{ op: 'add', path: '/data', value: { k: 'v' } }] });
    await c.core.patchNamespacedConfigMap({ name: 'sel', namespace: ns, body: [{ op: 'replace', path: '/metadata/labels/team', value: 'green' }] });
    const events = await w.events.take(3);
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(events[1].object.data).toEqual({ k: 'v' });
    w.abort();
  });

  test('a field-selected watch on one name ignores the others', async () => {
    const list = await c.core.listNamespacedConfigMap({ namespace: ns });
    const w = await openWatch(c.kc, path, { resourceVersion: list.metadata?.resourceVersion, fieldSelector: 'metadata.name=target' });
    await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('bystander') });
    await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('target') });
    const first = await w.events.next();
    expect(first).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'target' } } });
    w.abort();
  });

  test('a server-side end (timeoutSeconds, or the closeWatches test hook) calls done without an error', async () => {
    const timed = await openWatch(c.kc, path, { timeoutSeconds: 1, resourceVersion: '0' });
    await expect(timed.done).resolves.toBeNull();

    const w = await openWatch(c.kc, path, { resourceVersion: '0' });
    expect(cluster.closeWatches()).toBeGreaterThanOrEqual(1);
    await expect(w.done).resolves.toBeNull();
  });

  test('allowWatchBookmarks is accepted and the stream still delivers events', async () => {
    const list = await c.core.listNamespacedConfigMap({ namespace: ns });
    const w = await openWatch(c.kc, path, { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true });
    await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('bm') });
    const event = await w.events.until((e) => e.type !== 'BOOKMARK');
    expect(event).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'bm' } } });
    w.abort();
  });
});

describe('Watch from a resourceVersion older than the history', () => {
  let cluster: TestCluster;
  let c: Clients;

  beforeAll(async () => {
    cluster = await startTestCluster({ ...apiServerOnly, historySize: 5 });
    c = clientsFor(cluster);
  });
  afterAll(async () => {
    await cluster.close();
  });

  test('gets an ERROR event with a 410 Expired Status, then the stream ends', async () => {
    const start = await c.core.listNamespacedConfigMap({ namespace: 'default' });
    for (let i = 0; i < 7; i++) await c.core.createNamespacedConfigMap({ namespace: 'default', body: configMap(`roll-${i}`) });

    const w = await openWatch(c.kc, '/api/v1/namespaces/default/configmaps', { resourceVersion: start.metadata?.resourceVersion });
    const event = await w.events.next();
    expect(event.type).toBe('ERROR');
    expect(event.object).toMatchObject({ kind: 'Status', status: 'Failure', code: 410, reason: 'Expired' });
    await expect(w.done).resolves.toBeNull();

    // A watch from the current resourceVersion is fine.
    const now = await c.core.listNamespacedConfigMap({ namespace: 'default' });
    const fresh = await openWatch(c.kc, '/api/v1/namespaces/default/configmaps', { resourceVersion: now.metadata?.resourceVersion });
    await c.core.deleteNamespacedConfigMap({ name: 'roll-0', namespace: 'default' });
    expect(await fresh.events.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'roll-0' } } });
    fresh.abort();
  });
});
