// In-process fault rules: requests fail before anything is read or stored, watches end, informers recover.
import { VirtualClock } from '../clock/virtual-clock.js';
import { startCluster, type Cluster } from '../cluster.js';
import { SharedInformer } from '../controllers/runtime/informer.js';
import { ApiError } from '../meta/errors.js';
import type { KubeObject } from '../meta/types.js';
import { InProcessClient, type ClientWatchEvent } from './client.js';

let cluster: Cluster;
let clock: VirtualClock;
/** The same registry without fault rules, to see what was (not) stored. */
let truth: InProcessClient;
beforeEach(async () => {
  clock = new VirtualClock();
  cluster = await startCluster({ clock, controllers: '', nodes: 0, loadClientNode: false });
  truth = new InProcessClient(cluster.registry);
});
afterEach(() => cluster.close());

const cm = (name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (err: unknown) => (err instanceof ApiError ? err.toStatus() : err));

test('without clients, a rule stays with HTTP: the in-process client is untouched', async () => {
  cluster.faults.add({ resource: 'configmaps', code: 500 });
  await cluster.client.create('v1', 'configmaps', 'default', cm('a'));
  expect((await cluster.client.get('v1', 'configmaps', 'default', 'a')).metadata.name).toBe('a');
});

test('a failed write stores nothing and answers the Status error an HTTP client would get', async () => {
  await truth.create('v1', 'configmaps', 'default', cm('kept', { v: '1' }));
  const before = await truth.get('v1', 'configmaps', 'default', 'kept');
  cluster.faults.add({ clients: 'in-process', resource: 'configmaps', verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'], code: 500 });
  expect(await failure(cluster.client.create('v1', 'configmaps', 'default', cm('new')))).toMatchObject({ code: 500, reason: 'InternalError' });
  expect(await failure(cluster.client.update('v1', 'configmaps', 'default', { ...before, data: { v: '2' } }))).toMatchObject({ code: 500 });
  expect(await failure(cluster.client.patch('v1', 'configmaps', 'default', 'kept', 'merge', { data: { v: '3' } }))).toMatchObject({ code: 500 });
  expect(await failure(cluster.client.delete('v1', 'configmaps', 'default', 'kept'))).toMatchObject({ code: 500 });
  expect(await failure(cluster.client.deleteCollection('v1', 'configmaps', 'default'))).toMatchObject({ code: 500 });
  expect((await truth.list('v1', 'configmaps', 'default')).items.map((o) => o.metadata.name)).toEqual(['kept']);
  expect(await truth.get('v1', 'configmaps', 'default', 'kept')).toEqual(before);
});

test('reads fail too; 409, 429 and 503 read like upstream; name globs and subresources select as over HTTP', async () => {
  await truth.create('v1', 'configmaps', 'default', cm('web-1'));
  await truth.create('v1', 'configmaps', 'default', cm('api-1'));
  cluster.faults.add({ clients: 'in-process', verbs: ['get'], name: 'web-*', code: 503, retryAfterSeconds: 4 });
  cluster.faults.add({ clients: 'in-process', verbs: ['list'], resource: 'configmaps', code: 429, times: 1 });
  cluster.faults.add({ clients: 'in-process', verbs: ['update'], resource: 'configmaps/status', code: 409 });
  expect(await failure(cluster.client.get('v1', 'configmaps', 'default', 'web-1'))).toMatchObject({
    code: 503, reason: 'ServiceUnavailable', details: { retryAfterSeconds: 4, name: 'web-1', kind: 'configmaps' },
  });
  expect((await cluster.client.get('v1', 'configmaps', 'default', 'api-1')).metadata.name).toBe('api-1');
  expect(await failure(cluster.client.list('v1', 'configmaps', 'default'))).toMatchObject({ code: 429, reason: 'TooManyRequests' });
  expect((await cluster.client.list('v1', 'configmaps', 'default')).items).toHaveLength(2);
  // No rule names plain configmap updates: only the status subresource would meet the 409.
  const api = await truth.get('v1', 'configmaps', 'default', 'api-1');
  expect((await cluster.client.update('v1', 'configmaps', 'default', { ...api, data: { x: '1' } })).data).toEqual({ x: '1' });
});

test('pods/binding and pods/eviction are creates of their subresource', async () => {
  cluster.faults.add({ clients: 'in-process', verbs: ['create'], resource: 'pods/binding', code: 409 });
  cluster.faults.add({ clients: 'in-process', verbs: ['create'], resource: 'pods/eviction', code: 429 });
  await truth.create('v1', 'pods', 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } } as KubeObject);
  expect(await failure(cluster.client.bind('default', 'p', 'kubefake-worker'))).toMatchObject({ code: 409 });
  expect(await failure(cluster.client.evict('default', 'p'))).toMatchObject({ code: 429 });
  expect(((await truth.get('v1', 'pods', 'default', 'p')).spec as { nodeName?: string }).nodeName).toBeUndefined();
});

test('watch: an error code refuses it, a 410 opens it with one ERROR event', async () => {
  const remove = cluster.faults.add({ clients: 'in-process', verbs: ['watch'], code: 500 });
  expect(await failure(cluster.client.watch('v1', 'configmaps', 'default', {}, () => {}))).toMatchObject({ code: 500 });
  remove();
  cluster.faults.add({ clients: 'in-process', verbs: ['watch'], code: 410, times: 1 });
  const events: ClientWatchEvent[] = [];
  await cluster.client.watch('v1', 'configmaps', 'default', { resourceVersion: '5' }, (e) => events.push(e));
  expect(events).toEqual([{ type: 'ERROR', object: expect.objectContaining({ code: 410, reason: 'Expired', message: 'too old resource version: 5 (6)' }) }]);
});

test('dropWatch: the watch delivers afterEvents events, then ends as a cut connection', async () => {
  cluster.faults.add({ clients: 'in-process', dropWatch: true, afterEvents: 2, times: 1 });
  const seen: string[] = [];
  let disconnects = 0;
  const handle = await cluster.client.watch('v1', 'configmaps', 'default', {}, (e) => seen.push(`${e.type} ${e.object.metadata.name}`), {
    onDisconnect: () => disconnects++,
  });
  for (const name of ['a', 'b', 'c']) await truth.create('v1', 'configmaps', 'default', cm(name));
  expect(seen).toEqual(['ADDED a', 'ADDED b']);
  expect(disconnects).toBe(1);
  handle.stop();
  // The rule retired: the next watch is whole, and stop() is no disconnect.
  const later: string[] = [];
  const next = await cluster.client.watch('v1', 'configmaps', 'default', {}, (e) => later.push(e.object.metadata.name!), { onDisconnect: () => disconnects++ });
  next.stop();
  expect(later).toEqual(['a', 'b', 'c']);
  expect(disconnects).toBe(1);
});

test('an informer whose watch is cut re-watches from its last resourceVersion (no relist) and misses nothing', async () => {
  const informer = new SharedInformer(cluster.client, clock, 'v1', 'configmaps', { namespace: 'default', logError: () => {} });
  const seen: string[] = [];
  informer.addEventHandler({ onAdd: (o) => seen.push(`add ${o.metadata.name}`), onDelete: (o) => seen.push(`delete ${o.metadata.name}`) });
  await informer.start();
  // Only configmaps: the apiserver's own CRD controllers watch too.
  cluster.faults.add({ clients: 'in-process', resource: 'configmaps', dropWatch: true, afterEvents: 1, times: 2 });
  // The running watch predates the rule; a cut needs a new watch, which the 300 s watch timeout brings.
  clock.advance(300_000);
  await cluster.settle();
  await truth.create('v1', 'configmaps', 'default', cm('one'));
  // Cut after `one`: these land while no watch is open.
  await truth.create('v1', 'configmaps', 'default', cm('two'));
  await truth.delete('v1', 'configmaps', 'default', 'one');
  expect(seen).toEqual(['add one']);
  clock.advance(1000);
  await Promise.allSettled(informer.pendingWork());
  // The re-watch replays from history: `two` arrives, then the second cut; `delete one` waits for the next re-watch.
  expect(seen).toEqual(['add one', 'add two']);
  clock.advance(1000);
  await Promise.allSettled(informer.pendingWork());
  expect(seen).toEqual(['add one', 'add two', 'delete one']);
  expect(informer.listCount).toBe(1);
  expect(informer.keys()).toEqual(['default/two']);
  informer.stop();
});

test('an informer whose list fails retries on the clock until it syncs', async () => {
  await truth.create('v1', 'configmaps', 'default', cm('x'));
  const errors: unknown[] = [];
  cluster.faults.add({ clients: 'in-process', verbs: ['list'], resource: 'configmaps', code: 500, times: 2 });
  const informer = new SharedInformer(cluster.client, clock, 'v1', 'configmaps', { namespace: 'default', logError: (e) => errors.push(e) });
  void informer.start();
  await Promise.allSettled(informer.pendingWork());
  expect(informer.hasSynced()).toBe(false);
  clock.advance(1000);
  await Promise.allSettled(informer.pendingWork());
  clock.advance(1000);
  await Promise.allSettled(informer.pendingWork());
  expect(informer.hasSynced()).toBe(true);
  expect(informer.keys()).toEqual(['default/x']);
  expect(errors.map((e) => (e as ApiError).code)).toEqual([500, 500]);
  informer.stop();
});
