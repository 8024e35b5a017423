// Informer indexes stay in step with the cache: after any sequence of adds, updates, deletes and relists, an index
// lookup gives exactly what a filter over list() gives, in the same order.
import type { ClientList, ClientWatchEvent } from '../../client/client.js';
import { VirtualClock } from '../../clock/virtual-clock.js';
import type { KubeObject } from '../../meta/types.js';
import { controllerOf } from './controller.js';
import { controlledBy, controlledByOrOrphans, inNamespace, podsOnNode } from './indexes.js';
import { SharedInformer, type InformerClient } from './informer.js';

interface Harness {
  informer: SharedInformer;
  send(type: ClientWatchEvent['type'], obj: KubeObject): void;
  relist(items: KubeObject[]): Promise<void>;
}

async function harness(initial: KubeObject[]): Promise<Harness> {
  let items = initial;
  let rv = 1;
  let onEvent: ((e: ClientWatchEvent) => void) | undefined;
  const client: InformerClient = {
    list: async (): Promise<ClientList> => ({ items, resourceVersion: String(rv++) }),
    watch: async (_v, _r, _ns, _q, handler) => {
      onEvent = handler;
      return { stop() {} };
    },
  };
  const informer = new SharedInformer(client, new VirtualClock(), 'v1', 'pods');
  await informer.start();
  const drain = async () => {
    for (let i = 0; i < 100 && informer.pendingWork().length > 0; i++) await Promise.allSettled(informer.pendingWork());
  };
  return {
    informer,
    send: (type, obj) => onEvent!({ type, object: { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv++) } } }),
    relist: async (next) => {
      items = next;
      onEvent!({ type: 'ERROR', object: { kind: 'Status', code: 410, metadata: {} } as unknown as KubeObject });
      await drain();
    },
  };
}

function pod(name: string, namespace: string, owner?: string, nodeName?: string): KubeObject {
  const ownerReferences = owner ? [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: `uid-${owner}`, controller: true }] : undefined;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, uid: `pod-${name}`, ownerReferences }, spec: nodeName ? { nodeName } : {} };
}

const names = (objs: KubeObject[]) => objs.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

function expectConsistent(informer: SharedInformer): void {
  const all = informer.list();
  for (const ns of ['a', 'b']) {
    expect(names(inNamespace(informer, ns))).toEqual(names(all.filter((p) => p.metadata.namespace === ns)));
    for (const owner of ['x', 'y']) {
      const uid = `uid-${owner}`;
      expect(names(controlledByOrOrphans(informer, uid, ns))).toEqual(
        names(all.filter((p) => p.metadata.namespace === ns && (!controllerOf(p) || controllerOf(p)!.uid === uid))),
      );
    }
  }
  for (const owner of ['x', 'y']) expect(names(controlledBy(informer, `uid-${owner}`))).toEqual(names(all.filter((p) => controllerOf(p)?.uid === `uid-${owner}`)));
  for (const node of ['n1', 'n2']) expect(names(podsOnNode(informer, node))).toEqual(names(all.filter((p) => (p.spec as { nodeName?: string }).nodeName === node)));
}

test('an orphan adopted, released, bound and deleted moves between index values at once', async () => {
  const h = await harness([pod('p1', 'a', 'x'), pod('p2', 'a')]);
  expect(names(controlledByOrOrphans(h.informer, 'uid-x', 'a'))).toEqual(['a/p1', 'a/p2']);
  expect(names(controlledBy(h.informer, 'uid-x'))).toEqual(['a/p1']);
  // Adoption: p2 joins x's bucket after p1 yet must still come back in cache order, and it is no orphan any more.
  h.send('ADDED', pod('p0', 'a', 'x'));
  h.send('MODIFIED', pod('p2', 'a', 'x'));
  expect(names(controlledBy(h.informer, 'uid-x'))).toEqual(['a/p1', 'a/p2', 'a/p0']);
  expect(names(controlledByOrOrphans(h.informer, 'uid-y', 'a'))).toEqual([]);
  h.send('MODIFIED', pod('p1', 'a', undefined, 'n1'));
  expect(names(controlledByOrOrphans(h.informer, 'uid-y', 'a'))).toEqual(['a/p1']);
  expect(names(podsOnNode(h.informer, 'n1'))).toEqual(['a/p1']);
  h.send('DELETED', pod('p1', 'a', undefined, 'n1'));
  expect(names(podsOnNode(h.informer, 'n1'))).toEqual([]);
  expect(names(inNamespace(h.informer, 'a'))).toEqual(['a/p2', 'a/p0']);
  expectConsistent(h.informer);
});

test('after random adds, updates, deletes and relists every index agrees with a filter over list()', async () => {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const randomPod = () =>
    pod(`p${rand(30)}`, ['a', 'b'][rand(2)]!, [undefined, 'x', 'y'][rand(3)], [undefined, 'n1', 'n2'][rand(3)]);
  const h = await harness([randomPod(), randomPod()]);
  expectConsistent(h.informer);
  for (let step = 0; step < 400; step++) {
    const p = randomPod();
    const key = `${p.metadata.namespace}/${p.metadata.name}`;
    const op = rand(10);
    if (op < 6) h.send(h.informer.get(key) ? 'MODIFIED' : 'ADDED', p);
    else if (op < 9) {
      if (h.informer.get(key)) h.send('DELETED', h.informer.get(key)!);
    } else await h.relist([...h.informer.list().filter(() => rand(3) > 0), randomPod(), randomPod()]);
    if (step % 10 === 0) expectConsistent(h.informer);
  }
  expectConsistent(h.informer);
  h.informer.stop();
});

test('an index added to a synced informer covers what is already cached', async () => {
  const h = await harness([pod('p1', 'b', 'y', 'n2'), pod('p2', 'a', 'y', 'n2')]);
  expect(names(podsOnNode(h.informer, 'n2'))).toEqual(['b/p1', 'a/p2']);
  expect(() => h.informer.byIndex('nope', 'x')).toThrow('no index "nope"');
});
