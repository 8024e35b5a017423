// @kubernetes/client-node 1.4 informer: add/update/delete events, re-watch after a server close, relist after 410.
import * as k8s from '@kubernetes/client-node';
import { apiServerOnly, startTestCluster, type TestCluster } from '../helpers.js';
import { clientsFor, configMap, Queue, type Clients } from './client-node-support.js';

type Seen = { verb: 'add' | 'update' | 'delete' | 'error'; name?: string; data?: Record<string, string>; error?: unknown };

function record(informer: k8s.Informer<k8s.V1ConfigMap>): Queue<Seen> {
  const seen = new Queue<Seen>();
  for (const verb of ['add', 'update', 'delete'] as const) {
    informer.on(verb, (obj) => seen.push({ verb, name: obj.metadata?.name, data: obj.data }));
  }
  informer.on('error', (error) => seen.push({ verb: 'error', error }));
  return seen;
}

const names = (informer: k8s.ObjectCache<k8s.V1ConfigMap>) => informer.list().map((o) => o.metadata?.name).sort();

describe('informer', () => {
  let cluster: TestCluster;
  let c: Clients;
  const ns = 'informed';

  beforeAll(async () => {
    cluster = await startTestCluster(apiServerOnly);
    c = clientsFor(cluster);
    await c.core.createNamespace({ body: { metadata: { name: ns } } });
    await c.core.createNamespace({ body: { metadata: { name: 'elsewhere' } } });
  });
  afterAll(async () => {
    await cluster.close();
  });

  test('lists, then sees add, update and delete through its watch, and re-watches when the server ends it', async () => {
    await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('pre', { v: '0' }) });
    const informer = k8s.makeInformer<k8s.V1ConfigMap>(c.kc, `/api/v1/namespaces/${ns}/configmaps`, () =>
      c.core.listNamespacedConfigMap({ namespace: ns }),
    );
    const seen = record(informer);
    await informer.start();
    expect(await seen.next()).toEqual({ verb: 'add', name: 'pre', data: { v: '0' } });

    await c.core.createNamespacedConfigMap({ namespace: 'elsewhere', body: configMap('not-mine') });
    const created = await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('live', { v: '1' }) });
    expect(await seen.next()).toEqual({ verb: 'add', name: 'live', data: { v: '1' } });
    await c.core.replaceNamespacedConfigMap({ name: 'live', namespace: ns, body: { ...created, data: { v: '2' } } });
    expect(await seen.next()).toEqual({ verb: 'update', name: 'live', data: { v: '2' } });
    await c.core.deleteNamespacedConfigMap({ name: 'pre', namespace: ns });
    expect(await seen.next()).toEqual({ verb: 'delete', name: 'pre', data: { v: '0' } });
    expect(names(informer)).toEqual(['live']);
    expect(informer.get('live', ns)?.data).toEqual({ v: '2' });

    // The server ends the watch (as on a timeout): the informer re-watches from its last resourceVersion, missing nothing.
    expect(cluster.closeWatches()).toBe(1);
    await c.core.patchNamespacedConfigMap({ name: 'live', namespace: ns, body: [{ op: 'replace', path: '/data/v', value: '3' }] });
    expect(await seen.next()).toEqual({ verb: 'update', name: 'live', data: { v: '3' } });
    expect(names(informer)).toEqual(['live']);
    await informer.stop();
  });
});

describe('informer after the watch history rolled over', () => {
  let cluster: TestCluster;
  let c: Clients;
  const ns = 'relisted';

  beforeAll(async () => {
    cluster = await startTestCluster({ ...apiServerOnly, historySize: 5 });
    c = clientsFor(cluster);
    await c.core.createNamespace({ body: { metadata: { name: ns } } });
  });
  afterAll(async () => {
    await cluster.close();
  });

  test('a re-watch from an expired resourceVersion gets 410, and the relist converges the cache', async () => {
    await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('old', { v: '1' }) });
    await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('kept', { v: '1' }) });
    let lists = 0;
    const informer = k8s.makeInformer<k8s.V1ConfigMap>(c.kc, `/api/v1/namespaces/${ns}/configmaps`, async () => {
      lists++;
      if (lists === 2) {
        // The relist runs while no watch is open: these changes reach the informer only through the list.
        await c.core.deleteNamespacedConfigMap({ name: 'old', namespace: ns });
        await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('new', { v: '2' }) });
        const kept = await c.core.readNamespacedConfigMap({ name: 'kept', namespace: ns });
        await c.core.replaceNamespacedConfigMap({ name: 'kept', namespace: ns, body: { ...kept, data: { v: '2' } } });
      }
      return c.core.listNamespacedConfigMap({ namespace: ns });
    });
    const seen = record(informer);
    await informer.start();
    expect((await seen.take(2)).map((s) => `${s.verb} ${s.name}`).sort()).toEqual(['add kept', 'add old']);

    // Writes the informer does not watch push its resourceVersion out of the 5-event history.
    for (let i = 0; i < 8; i++) await c.core.createNamespacedConfigMap({ namespace: 'default', body: configMap(`noise-${i}`) });
    expect(cluster.closeWatches()).toBe(1);

    const afterRelist = await seen.take(3);
    expect(afterRelist.map((s) => `${s.verb} ${s.name}`).sort()).toEqual(['add new', 'delete old', 'update kept']);
    expect(afterRelist.find((s) => s.name === 'kept')?.data).toEqual({ v: '2' });
    expect(lists).toBe(2);
    expect(names(informer)).toEqual(['kept', 'new']);

    // The watch opened after the relist is live.
    await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('later') });
    expect(await seen.next()).toMatchObject({ verb: 'add', name: 'later' });
    expect(names(informer)).toEqual(['kept', 'later', 'new']);
    expect(lists).toBe(2);
    await informer.stop();
  }, 15_000);
});
