// Watch faults seen through @kubernetes/client-node 1.4 informers: a forced 410 makes them relist, a dropped connection is recovered from.
import * as k8s from '@kubernetes/client-node';
import http from 'node:http';
import { apiServerOnly, startTestCluster, type TestCluster } from '../helpers.js';
import { apiError, clientsFor, configMap, Queue, type Clients } from './client-node-support.js';

type Seen = { verb: 'add' | 'update' | 'delete' | 'error'; name?: string; error?: unknown };

let cluster: TestCluster;
let c: Clients;
beforeAll(async () => {
  cluster = await startTestCluster(apiServerOnly);
  c = clientsFor(cluster);
});
afterAll(() => cluster.close());
afterEach(() => cluster.faults.clear());

async function namespace(name: string): Promise<string> {
  await c.core.createNamespace({ body: { metadata: { name } } });
  return name;
}

/** An informer on one namespace's ConfigMaps, its events in a queue, and a count of the lists it made. */
function informerOn(ns: string, onList: (count: number) => void = () => {}) {
  const lists = { count: 0 };
  const informer = k8s.makeInformer<k8s.V1ConfigMap>(c.kc, `/api/v1/namespaces/${ns}/configmaps`, () => {
    lists.count++;
    onList(lists.count);
    return c.core.listNamespacedConfigMap({ namespace: ns });
  });
  const seen = new Queue<Seen>();
  for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, (obj) => seen.push({ verb, name: obj.metadata?.name }));
  informer.on('error', (error) => seen.push({ verb: 'error', error }));
  return { informer, seen, lists };
}

/** One raw watch request: the status and every line of the body, once the server ends it. */
function rawWatch(path: string): Promise<{ status: number; lines: unknown[] }> {
  return new Promise((resolve, reject) => {
    http.get(`${cluster.url}${path}`, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode!, lines: body.split('\n').filter(Boolean).map((l) => JSON.parse(l)) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

test('a forced 410 answers a watch as an expired resourceVersion does, and a list with a 410 Status', async () => {
  cluster.faults.add({ verbs: ['watch', 'list'], resource: 'configmaps', namespace: 'default', code: 410, times: 2 });
  const watched = await rawWatch('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=5');
  expect(watched).toEqual({
    status: 200,
    lines: [{ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 5 (6)', reason: 'Expired', code: 410 } }],
  });
  const listed = await apiError(c.core.listNamespacedConfigMap({ namespace: 'default' }));
  expect(listed).toMatchObject({ code: 410, status: { reason: 'Expired' } });
  expect(cluster.faults.list()).toEqual([]);
  expect(cluster.closeWatches()).toBe(0);
});

test('an informer whose re-watch is answered 410 relists, and ends up with what was written meanwhile', async () => {
  const ns = await namespace('forced-gone');
  await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('before') });
  const relisted = new Queue<number>();
  const { informer, seen, lists } = informerOn(ns, (count) => relisted.push(count));
  await informer.start();
  expect(await seen.next()).toEqual({ verb: 'add', name: 'before' });

  cluster.faults.add({ verbs: ['watch'], resource: 'configmaps', namespace: ns, code: 410, times: 1 });
  // The server ends the watch; the informer re-watches from its resourceVersion and meets the 410.
  expect(cluster.closeWatches()).toBe(1);
  // Written while the rule is armed and no watch is open: only the relist (or the watch after it) can bring it.
  await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('during') });
  expect(await relisted.until((n) => n === 2)).toBe(2);
  expect(await seen.next()).toEqual({ verb: 'add', name: 'during' });
  await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('after') });
  expect(await seen.next()).toEqual({ verb: 'add', name: 'after' });
  expect(lists.count).toBe(2);
  expect(cluster.faults.list()).toEqual([]);
  expect(informer.list().map((o) => o.metadata?.name).sort()).toEqual(['after', 'before', 'during']);
  // The 410 answer never became an open watch: only the informer's live one is left to close.
  await informer.stop();
});

test('a dropped watch connection: the informer reports it, restarts, and sees every later event without relisting', async () => {
  const ns = await namespace('dropped');
  const { informer, seen, lists } = informerOn(ns);
  // client-node's informers stop on a connection error; restarting on 'error' is the documented way to recover.
  let running = true;
  informer.on('error', () => {
    if (running) void informer.start();
  });
  await informer.start();
  const rule = cluster.faults.add({ verbs: ['watch'], resource: 'configmaps', namespace: ns, dropWatch: true, afterEvents: 1, times: 1 });
  expect(cluster.closeWatches()).toBe(1);
  // The re-watch delivers one event, then its connection is destroyed.
  await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('first') });
  expect(await seen.next()).toEqual({ verb: 'add', name: 'first' });
  expect((await seen.next()).verb).toBe('error');
  expect(cluster.faults.list().find((r) => r.id === rule.id)).toBeUndefined();

  await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('second') });
  expect(await seen.next()).toEqual({ verb: 'add', name: 'second' });
  expect(lists.count).toBe(1);
  // The dropped stream left nothing behind: one open watch, the informer's new one.
  expect(cluster.closeWatches()).toBe(1);
  await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('third') });
  expect(await seen.next()).toEqual({ verb: 'add', name: 'third' });
  running = false;
  await informer.stop();
});

test('dropWatch without afterEvents cuts the connection right after the headers; a raw client sees it break', async () => {
  const ns = await namespace('cut-at-once');
  cluster.closeWatches(); // an earlier test's informer may still be going away
  cluster.faults.add({ verbs: ['watch'], resource: 'configmaps', namespace: ns, dropWatch: true, times: 1 });
  const outcome = await new Promise<string>((resolve) => {
    http.get(`${cluster.url}/api/v1/namespaces/${ns}/configmaps?watch=true`, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve('clean end'));
      res.on('error', () => resolve(`broken after ${res.statusCode}`));
      res.on('close', () => resolve(res.complete ? 'clean end' : `broken after ${res.statusCode}`));
    }).on('error', () => resolve('broken before headers'));
  });
  expect(outcome).toBe('broken after 200');
  expect(cluster.faults.list()).toEqual([]);
  // The cut stream is no longer an open watch.
  expect(cluster.closeWatches()).toBe(0);
});

test('429, 500, 503 and 504 on watch are answered before the stream starts, as upstream refuses a watch', async () => {
  const ns = await namespace('refused');
  for (const code of [429, 500, 503, 504] as const) {
    cluster.faults.add({ verbs: ['watch'], resource: 'configmaps', namespace: ns, code, times: 1 });
    const response = await fetch(`${cluster.url}/api/v1/namespaces/${ns}/configmaps?watch=true`);
    expect(response.status).toBe(code);
    expect(await response.json()).toMatchObject({ kind: 'Status', code });
  }
  expect(cluster.faults.list()).toEqual([]);
});
