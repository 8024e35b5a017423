// Informers against a real in-process cluster on a virtual clock: events, cache contents, and relisting after 410.
import type { ClientList, ClientWatchEvent } from '../../client/client.js';
import { VirtualClock } from '../../clock/virtual-clock.js';
import { startCluster, type Cluster } from '../../cluster.js';
import type { KubeObject } from '../../meta/types.js';
import { InformerFactory, SharedInformer, type InformerClient } from './informer.js';

let cluster: Cluster;
let clock: VirtualClock;
beforeEach(async () => {
  clock = new VirtualClock();
  cluster = await startCluster({ port: 0, clock, historySize: 3, controllers: '' });
});
afterEach(() => cluster.close());

async function drain(informer: SharedInformer): Promise<void> {
  for (let i = 0; i < 100 && informer.pendingWork().length > 0; i++) await Promise.allSettled(informer.pendingWork());
}

function recorder(informer: SharedInformer): string[] {
  const seen: string[] = [];
  informer.addEventHandler({
    onAdd: (o) => seen.push(`add ${o.metadata.name}`),
    onUpdate: (a, b) => seen.push(`update ${b.metadata.name} ${JSON.stringify(a.data)}→${JSON.stringify(b.data)}`),
    onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
  });
  return seen;
}

const cm = (name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

test('sees add, update and delete, and its cache matches a list', async () => {
  await cluster.client.create('v1', 'configmaps', 'default', cm('before', { a: '0' }));
  const informer = new SharedInformer(cluster.client, clock, 'v1', 'configmaps', { namespace: 'default' });
  const seen = recorder(informer);
  await informer.start();
  expect(informer.hasSynced()).toBe(true);
  await cluster.client.create('v1', 'configmaps', 'default', cm('x', { a: '1' }));
  await cluster.client.patch('v1', 'configmaps', 'default', 'x', 'merge', { data: { a: '2' } });
  await cluster.client.delete('v1', 'configmaps', 'default', 'before');
  expect(seen).toEqual(['add before', 'add x', 'update x {"a":"1"}→{"a":"2"}', 'delete before']);
  const list = await cluster.client.list('v1', 'configmaps', 'default');
  expect(informer.keys().sort()).toEqual(list.items.map((o) => `default/${o.metadata.name}`).sort());
  expect(informer.get('default/x')).toEqual(list.items.find((o) => o.metadata.name === 'x'));
  informer.stop();
});

test('a handler added after sync is told about what is cached', async () => {
  await cluster.client.create('v1', 'configmaps', 'default', cm('late'));
  const informer = new SharedInformer(cluster.client, clock, 'v1', 'configmaps', { namespace: 'default' });
  await informer.start();
  expect(recorder(informer)).toEqual(['add late']);
  informer.stop();
});

test('a watch lost long enough to fall out of history ends in 410 and a relist that reconciles the cache', async () => {
  // Wrap the real client so the test can cut the watch, as a dropped connection would.
  let handle: { stop(): void } | undefined;
  const client: InformerClient = {
    list: (...args) => cluster.client.list(...args),
    watch: async (...args) => (handle = await cluster.client.watch(...args)),
  };
  await cluster.client.create('v1', 'configmaps', 'default', cm('stays', { v: '1' }));
  await cluster.client.create('v1', 'configmaps', 'default', cm('goes'));
  const informer = new SharedInformer(client, clock, 'v1', 'configmaps', { namespace: 'default', watchTimeoutSeconds: 60 });
  const seen = recorder(informer);
  await informer.start();
  expect(informer.listCount).toBe(1);
  handle!.stop();
  // More writes than the history of 3 keeps, none of which the informer hears.
  await cluster.client.patch('v1', 'configmaps', 'default', 'stays', 'merge', { data: { v: '2' } });
  await cluster.client.delete('v1', 'configmaps', 'default', 'goes');
  for (const n of ['n1', 'n2', 'n3']) await cluster.client.create('v1', 'configmaps', 'default', cm(n));
  expect(informer.keys().sort()).toEqual(['default/goes', 'default/stays']);
  // At its watch timeout the informer re-watches from its last resourceVersion, which is gone: 410, then relist.
  clock.advance(60_000);
  await drain(informer);
  expect(informer.listCount).toBe(2);
  expect(informer.keys().sort()).toEqual(['default/n1', 'default/n2', 'default/n3', 'default/stays']);
  expect(seen.slice(2).sort()).toEqual(['add n1', 'add n2', 'add n3', 'delete goes', 'update stays {"v":"1"}→{"v":"2"}']);
  // And it watches again from the relist.
  await cluster.client.create('v1', 'configmaps', 'default', cm('after'));
  expect(informer.get('default/after')).toBeDefined();
  informer.stop();
});

test('an injected ERROR 410 makes the informer relist; other errors re-watch after a delay', async () => {
  let items: KubeObject[] = [{ metadata: { name: 'a', namespace: 'ns', resourceVersion: '5' } }];
  const watches: { rv?: string; onEvent: (e: ClientWatchEvent) => void }[] = [];
  let lists = 0;
  const fake: InformerClient = {
    list: async (): Promise<ClientList> => {
      lists++;
      return { items, resourceVersion: String(10 * lists) };
    },
    watch: async (_v, _r, _ns, query, onEvent) => {
      watches.push({ rv: query.resourceVersion, onEvent });
      return { stop() {} };
    },
  };
  const informer = new SharedInformer(fake, clock, 'v1', 'things');
  const seen = recorder(informer);
  await informer.start();
  expect(watches.map((w) => w.rv)).toEqual(['10']);
  items = [{ metadata: { name: 'b', namespace: 'ns', resourceVersion: '15' } }];
  watches[0]!.onEvent({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', metadata: {} } as unknown as KubeObject });
  await drain(informer);
  expect(lists).toBe(2);
  expect(watches.map((w) => w.rv)).toEqual(['10', '20']);
  expect(seen).toEqual(['add a', 'add b', 'delete a']);
  // Events from a superseded watch are ignored.
  watches[0]!.onEvent({ type: 'ADDED', object: { metadata: { name: 'stale', namespace: 'ns', resourceVersion: '99' } } });
  expect(informer.get('ns/stale')).toBeUndefined();
  watches[1]!.onEvent({ type: 'ERROR', object: { kind: 'Status', code: 500, metadata: {} } as unknown as KubeObject });
  expect(watches).toHaveLength(2);
  clock.advance(1000);
  await drain(informer);
  expect(lists).toBe(2);
  expect(watches.map((w) => w.rv)).toEqual(['10', '20', '20']);
  informer.stop();
});

test('the factory shares one informer per resource', () => {
  const factory = new InformerFactory(cluster.client, clock);
  expect(factory.informerFor('v1', 'configmaps')).toBe(factory.informerFor('v1', 'configmaps'));
  expect(factory.informerFor('v1', 'configmaps')).not.toBe(factory.informerFor('v1', 'secrets'));
  expect(factory.informerFor('v1', 'configmaps', { namespace: 'x' })).not.toBe(factory.informerFor('v1', 'configmaps'));
});
