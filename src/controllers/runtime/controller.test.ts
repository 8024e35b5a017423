// The controller manager on a virtual clock: a toy controller, settle(), requeueAfter, backoff, hot loops, --controllers.
import { VirtualClock } from '../../clock/virtual-clock.js';
import { startCluster, type Cluster } from '../../cluster.js';
import { ApiError } from '../../meta/errors.js';
import type { KubeObject } from '../../meta/types.js';
import {
  ControllerManager,
  isControllerEnabled,
  ownerKeyFor,
  parseControllerSpec,
  type Controller,
  type ControllerContext,
  type ReconcileResult,
} from './controller.js';
import { splitKey, type SharedInformer } from './informer.js';

let cluster: Cluster;
let clock: VirtualClock;
let manager: ControllerManager | undefined;
beforeEach(async () => {
  clock = new VirtualClock();
  cluster = await startCluster({ port: 0, clock, controllers: '' });
});
afterEach(async () => {
  manager?.stop();
  manager = undefined;
  await cluster.close();
});

/** Keeps `<name>-copy` holding the same data as every ConfigMap labelled `copy=yes`, owned by it. */
class CopyController implements Controller {
  name = 'copy';
  private ctx!: ControllerContext;
  private configMaps!: SharedInformer;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.configMaps = ctx.informers.informerFor('v1', 'configmaps');
    const owner = { apiVersion: 'v1', kind: 'ConfigMap' };
    const enqueue = (o: KubeObject) => {
      if (o.metadata.labels?.copy === 'yes') ctx.enqueue(o);
      else ctx.enqueueOwner(o, owner, this.configMaps);
    };
    this.configMaps.addEventHandler({ onAdd: enqueue, onUpdate: (_, o) => enqueue(o), onDelete: enqueue });
  }

  async reconcile(key: string): Promise<void> {
    const source = this.configMaps.get(key);
    if (!source) return;
    const { namespace, name } = splitKey(key);
    const desired: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${name}-copy`, namespace, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name, uid: source.metadata.uid!, controller: true }] },
      data: source.data,
    };
    const current = this.configMaps.get(`${namespace}/${name}-copy`);
    if (!current) await this.ctx.client.create('v1', 'configmaps', namespace, desired);
    else if (JSON.stringify(current.data) !== JSON.stringify(source.data)) await this.ctx.client.update('v1', 'configmaps', namespace, { ...current, data: source.data });
  }
}

/** A controller that reconciles whatever the test enqueues and answers as told. */
class ScriptedController implements Controller {
  calls: string[] = [];
  workers?: number;
  ctx!: ControllerContext;
  constructor(
    public name: string,
    private readonly answer: (key: string, call: number) => ReconcileResult | Promise<ReconcileResult>,
  ) {}
  start(ctx: ControllerContext): void {
    this.ctx = ctx;
  }
  async reconcile(key: string): Promise<ReconcileResult> {
    this.calls.push(key);
    return this.answer(key, this.calls.length);
  }
}

async function run(controllers: Controller[], spec?: string): Promise<ControllerManager> {
  manager = new ControllerManager({ client: cluster.client, clock, controllers, spec, logError: () => {} });
  await manager.start();
  return manager;
}

test('a toy controller has reconciled once settle() resolves, and undoes edits to what it owns', async () => {
  const { client } = cluster;
  await client.create('v1', 'configmaps', 'default', { metadata: { name: 'early', labels: { copy: 'yes' } }, data: { a: '1' } });
  const m = await run([new CopyController()]);
  await m.settle();
  expect((await client.get('v1', 'configmaps', 'default', 'early-copy')).data).toEqual({ a: '1' });

  await client.create('v1', 'configmaps', 'default', { metadata: { name: 'late', labels: { copy: 'yes' } }, data: { b: '2' } });
  await client.patch('v1', 'configmaps', 'default', 'early', 'merge', { data: { a: '3' } });
  await m.settle();
  expect((await client.get('v1', 'configmaps', 'default', 'late-copy')).data).toEqual({ b: '2' });
  expect((await client.get('v1', 'configmaps', 'default', 'early-copy')).data).toEqual({ a: '3' });

  // An edit to the copy wakes its owner through ownerReferences, which puts the data back.
  await client.patch('v1', 'configmaps', 'default', 'early-copy', 'merge', { data: { a: 'tampered' } });
  await m.settle();
  expect((await client.get('v1', 'configmaps', 'default', 'early-copy')).data).toEqual({ a: '3' });
});

test('requeueAfter fires only once the virtual clock passes it', async () => {
  const c = new ScriptedController('tick', () => ({ requeueAfter: 1000 }));
  const m = await run([c]);
  c.ctx.queue.add('default/x');
  await m.settle();
  expect(c.calls).toHaveLength(1);
  clock.advance(999);
  await m.settle();
  expect(c.calls).toHaveLength(1);
  clock.advance(1);
  await m.settle();
  expect(c.calls).toHaveLength(2);
});

test('a failing reconcile is retried with per-key exponential backoff, and success forgets the failures', async () => {
  const c = new ScriptedController('flaky', (_key, call) => {
    if (call <= 3) throw new ApiError(409, 'Conflict', 'try again');
  });
  const m = await run([c]);
  c.ctx.queue.add('default/x');
  await m.settle();
  expect(c.calls).toHaveLength(1);
  clock.advance(4);
  await m.settle();
  expect(c.calls).toHaveLength(1);
  clock.advance(1);
  await m.settle();
  expect(c.calls).toHaveLength(2);
  clock.advance(10);
  await m.settle();
  expect(c.calls).toHaveLength(3);
  expect(c.ctx.queue.numRequeues('default/x')).toBe(3);
  clock.advance(20);
  await m.settle();
  expect(c.calls).toHaveLength(4);
  expect(c.ctx.queue.numRequeues('default/x')).toBe(0);
  expect(c.ctx.queue.isIdle()).toBe(true);
});

test('a key added during its own reconcile runs again afterwards, never concurrently', async () => {
  let running = 0;
  let maxRunning = 0;
  const c: ScriptedController = new ScriptedController('again', async (key, call) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    if (call === 1) c.ctx.queue.add(key);
    await Promise.resolve();
    running--;
  });
  c.workers = 4;
  const m = await run([c]);
  c.ctx.queue.add('k');
  await m.settle();
  expect(c.calls).toEqual(['k', 'k']);
  expect(maxRunning).toBe(1);
});

test('settle() throws, and stops the manager, when a controller requeues a key immediately forever', async () => {
  const c = new ScriptedController('spin', () => ({ requeueAfter: 0 }));
  const m = await run([c]);
  c.ctx.queue.add('default/x');
  await expect(m.settle({ maxReconcilesPerKey: 20 })).rejects.toThrow(/spin key "default\/x" was reconciled 21 times/);
  const calls = c.calls.length;
  await Promise.resolve();
  await Promise.resolve();
  expect(c.calls.length).toBe(calls);
});

test('--controllers parsing follows kube-controller-manager', () => {
  const spec = parseControllerSpec('*, -job');
  expect(spec).toEqual(['*', '-job']);
  expect(isControllerEnabled('deployment', spec, false)).toBe(true);
  expect(isControllerEnabled('job', spec, false)).toBe(false);
  expect(isControllerEnabled('bootstrapsigner', spec, true)).toBe(false);
  expect(isControllerEnabled('bootstrapsigner', parseControllerSpec('*,bootstrapsigner'), true)).toBe(true);
  expect(isControllerEnabled('job', parseControllerSpec('job'), false)).toBe(true);
  expect(isControllerEnabled('cronjob', parseControllerSpec('job'), false)).toBe(false);
  // The first entry naming a controller decides.
  expect(isControllerEnabled('job', parseControllerSpec('job,-job'), false)).toBe(true);
  expect(isControllerEnabled('job', parseControllerSpec(['-job', '*', 'job']), false)).toBe(false);
  expect(() => parseControllerSpec('-*')).toThrow(/invalid/);
  expect(() => parseControllerSpec('Bad Name')).toThrow(/invalid/);
});

test('the manager runs only the controllers its spec enables and rejects unknown names', async () => {
  const a = new ScriptedController('a', () => {});
  const b = new ScriptedController('b', () => {});
  const off = Object.assign(new ScriptedController('off', () => {}), { disabledByDefault: true });
  manager = new ControllerManager({ client: cluster.client, clock, controllers: [a, b, off], spec: '*,-b' });
  expect(manager.enabled()).toEqual(['a']);
  expect(() => new ControllerManager({ client: cluster.client, clock, controllers: [a], spec: '*,-nope' })).toThrow(
    '"nope" is not in the list of known controllers',
  );
});

test('ownerKeyFor picks the controlling owner of the right kind and, given a cache, the right uid', () => {
  const obj: KubeObject = {
    metadata: {
      name: 'pod-1',
      namespace: 'ns',
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'u0' },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true },
      ],
    },
  };
  expect(ownerKeyFor(obj, { apiVersion: 'apps/v1beta2', kind: 'ReplicaSet' })).toBe('ns/rs');
  expect(ownerKeyFor(obj, { apiVersion: 'batch/v1', kind: 'Job' })).toBeUndefined();
  expect(ownerKeyFor(obj, { apiVersion: 'v1', kind: 'Node' })).toBeUndefined();
  const cache = (uid: string) => ({ get: (k: string) => (k === 'ns/rs' ? { metadata: { name: 'rs', uid } } : undefined) }) as unknown as SharedInformer;
  expect(ownerKeyFor(obj, { apiVersion: 'apps/v1', kind: 'ReplicaSet' }, cache('u1'))).toBe('ns/rs');
  expect(ownerKeyFor(obj, { apiVersion: 'apps/v1', kind: 'ReplicaSet' }, cache('other'))).toBeUndefined();
});
