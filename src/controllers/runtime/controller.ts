// Controllers and the manager that runs them: enable/disable by name, workers over a work queue, and settle().
import type { InProcessClient } from '../../client/client.js';
import type { Clock } from '../../clock/clock.js';
import { workSlicer, type WorkSlicer } from '../../clock/work-slicer.js';
import type { KubeObject, OwnerReference } from '../../meta/types.js';
import { ClientEventRecorder, type EventRecorder } from './event-recorder.js';
import { InformerFactory, keyOf, type SharedInformer } from './informer.js';
import { WorkQueue, type RateLimiter } from './work-queue.js';

export type ReconcileResult = { requeueAfter?: number } | void;

export interface Controller {
  /** The name `--controllers` uses, e.g. `job` or `replicaset`. */
  name: string;
  /** Registers informer handlers that enqueue keys; informers start after every controller's start(). */
  start(ctx: ControllerContext): void;
  /** Brings one key's world to its desired state. A throw retries with backoff; `requeueAfter` revisits later. */
  reconcile(key: string): Promise<ReconcileResult>;
  /** Off unless named explicitly, like kube-controller-manager's bootstrapsigner. */
  disabledByDefault?: boolean;
  /** Keys reconciled at once (never the same key twice); 1 by default. */
  workers?: number;
  /** The `source.component` of the Events it records, e.g. `deployment-controller`; `<name>-controller` by default. */
  component?: string;
  /** The retry policy of its queue, where upstream tunes one; client-go's DefaultControllerRateLimiter otherwise. */
  rateLimiter?: (clock: Clock) => RateLimiter;
}

export interface ControllerContext {
  client: InProcessClient;
  clock: Clock;
  informers: InformerFactory;
  /** This controller's own queue. */
  queue: WorkQueue;
  enqueue(obj: KubeObject): void;
  /** Enqueues the controlling owner of `obj` if it is of the given kind; see ownerKeyFor. */
  enqueueOwner(obj: KubeObject, owner: { apiVersion: string; kind: string }, owners?: SharedInformer): void;
  /** Records Events about objects under this controller's component name. */
  recorder: EventRecorder;
  /** Work started outside reconcile (e.g. from an informer handler) that settle() must wait for. */
  track(work: Promise<unknown>): void;
  logError(err: unknown): void;
}

/** The ownerReference with `controller: true`, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((ref) => ref.controller === true);
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The queue key of `obj`'s controlling owner when that owner has the given kind and group (any version, as owners
 * may be written in an older one). With `owners`, the cached owner's uid must match too, so an object still pointing
 * at a deleted-and-recreated owner of the same name does not wake the new one, as client-go's resolveControllerRef does.
 */
export function ownerKeyFor(obj: KubeObject, owner: { apiVersion: string; kind: string }, owners?: SharedInformer): string | undefined {
  const ref = controllerOf(obj);
  if (!ref || ref.kind !== owner.kind || groupOf(ref.apiVersion) !== groupOf(owner.apiVersion)) return undefined;
  const namespace = obj.metadata.namespace;
  const key = namespace ? `${namespace}/${ref.name}` : ref.name;
  if (owners) {
    const cached = owners.get(key);
    if (!cached || cached.metadata.uid !== ref.uid) return undefined;
  }
  return key;
}

/**
 * kube-controller-manager's `--controllers`: `*` turns on everything on by default, `name` turns one on, `-name`
 * turns one off. Entries keep their order because, as upstream, the first entry naming a controller decides for it.
 */
export function parseControllerSpec(spec: string | string[]): string[] {
  const entries = (Array.isArray(spec) ? spec : spec.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const e of entries) {
    if (e === '-*' || (e !== '*' && !/^-?[a-z0-9][a-z0-9-]*$/.test(e))) throw new Error(`invalid --controllers entry "${e}"`);
  }
  return entries;
}

export function isControllerEnabled(name: string, entries: string[], disabledByDefault: boolean): boolean {
  let star = false;
  for (const e of entries) {
    if (e === name) return true;
    if (e === `-${name}`) return false;
    if (e === '*') star = true;
  }
  return star && !disabledByDefault;
}

export interface ControllerManagerOptions {
  client: InProcessClient;
  clock: Clock;
  controllers: Controller[];
  /** `--controllers`; `*` by default. */
  spec?: string | string[];
  informers?: InformerFactory;
  logError?: (err: unknown) => void;
}

export interface SettleOptions {
  /** Rounds of "await everything in flight" before giving up. */
  maxRounds?: number;
  /** Reconciles of one key within one settle() taken to mean a controller requeues it forever. */
  maxReconcilesPerKey?: number;
}

interface Runner {
  controller: Controller;
  queue: WorkQueue;
  workers: number;
  active: number;
  inflight: Set<Promise<void>>;
  pumpScheduled: boolean;
}

/** What settle() needs beyond Clock to fire due timers; VirtualClock has it, the real clock does not. */
interface SteppableClock {
  nextDueTime(): number | undefined;
  advance(ms: number): void;
}

export class ControllerManager {
  readonly informers: InformerFactory;
  private readonly runners = new Map<string, Runner>();
  private readonly tracked = new Set<Promise<unknown>>();
  private readonly logError: (err: unknown) => void;
  /** Workers resume on a microtask, but after a few milliseconds of continuous work only once I/O and timers had a turn. */
  private readonly slicer: WorkSlicer;
  private running = false;
  private stopped = false;
  /** Set only while settle() runs, to catch a key that is reconciled over and over. */
  private reconcileCounts: Map<string, number> | undefined;

  constructor(private readonly options: ControllerManagerOptions) {
    this.logError = options.logError ?? ((err) => console.error('kubefake: controller error:', err));
    this.informers = options.informers ?? new InformerFactory(options.client, options.clock, { logError: this.logError });
    this.slicer = workSlicer(options.clock);
    const entries = parseControllerSpec(options.spec ?? '*');
    const known = new Set(options.controllers.map((c) => c.name));
    for (const e of entries) {
      const name = e.startsWith('-') ? e.slice(1) : e;
      if (name !== '*' && !known.has(name)) throw new Error(`"${name}" is not in the list of known controllers`);
    }
    for (const controller of options.controllers) {
      if (!isControllerEnabled(controller.name, entries, controller.disabledByDefault ?? false)) continue;
      const queue = new WorkQueue(options.clock, { backoff: controller.rateLimiter?.(options.clock) });
      const runner: Runner = { controller, queue, workers: Math.max(1, controller.workers ?? 1), active: 0, inflight: new Set(), pumpScheduled: false };
      queue.onReady(() => this.schedulePump(runner));
      this.runners.set(controller.name, runner);
    }
  }

  /** Names of the controllers the spec turned on, in the order given. */
  enabled(): string[] {
    return [...this.runners.keys()];
  }

  queueFor(name: string): WorkQueue | undefined {
    return this.runners.get(name)?.queue;
  }

  /** Starts each controller, then the informers; workers begin once every cache has synced, as upstream waits. */
  async start(): Promise<void> {
    for (const runner of this.runners.values()) runner.controller.start(this.contextFor(runner));
    await this.informers.start();
    if (this.stopped) return;
    this.running = true;
    for (const runner of this.runners.values()) this.pump(runner);
  }

  stop(): void {
    this.stopped = true;
    this.running = false;
    this.informers.stop();
    for (const runner of this.runners.values()) runner.queue.shutDown();
  }

  /**
   * Resolves once every queue is empty, no reconcile or informer list/watch is in flight, and (on a clock that can be
   * stepped) no timer is due at or before now. It never sleeps: each round awaits the promises actually in flight.
   * Keys waiting on a future time (requeueAfter, backoff) do not count; advance the clock and settle again.
   * If a key keeps coming back without the clock moving, the manager is stopped (or it would spin forever on
   * microtasks) and settle throws.
   */
  async settle(options: SettleOptions = {}): Promise<void> {
    // A stopped manager has nothing left to do: it is as quiet as it will ever be.
    if (!this.running && this.stopped) return;
    if (!this.running) throw new Error('settle(): the controller manager is not running; await start() first');
    const maxRounds = options.maxRounds ?? 10_000;
    const maxPerKey = options.maxReconcilesPerKey ?? 100;
    const clock = this.options.clock as Partial<SteppableClock>;
    this.reconcileCounts = new Map();
    let quietBefore = false;
    try {
      for (let round = 0; round < maxRounds; round++) {
        this.checkHotLoop(maxPerKey);
        const busy: Promise<unknown>[] = this.informers.pendingWork();
        for (const r of this.runners.values()) busy.push(...r.inflight);
        busy.push(...this.tracked);
        if (busy.length > 0) {
          quietBefore = false;
          await Promise.allSettled(busy);
          continue;
        }
        if ([...this.runners.values()].some((r) => r.queue.len() > 0)) {
          quietBefore = false;
          for (const r of this.runners.values()) this.pump(r);
          continue;
        }
        const due = clock.nextDueTime?.();
        if (due !== undefined && due <= this.options.clock.now()) {
          quietBefore = false;
          clock.advance!(0);
          continue;
        }
        // Quiet twice across a microtask turn: callbacks queued by the last settled promise get to run first.
        if (quietBefore) return;
        quietBefore = true;
        await Promise.resolve();
      }
      this.stop();
      throw new Error(`settle(): no quiet state after ${maxRounds} rounds; the controller manager has been stopped`);
    } finally {
      this.reconcileCounts = undefined;
    }
  }

  /**
   * Plays `ms` of cluster life on a virtual clock: settles, then fires each timer in time order and settles after
   * each step, so what one timer starts (a Job a CronJob created) is done before the next timer runs.
   */
  async advance(ms: number): Promise<void> {
    const clock = this.options.clock as Partial<SteppableClock>;
    if (!clock.advance || !clock.nextDueTime) throw new Error('advance(): the clock is not virtual');
    const target = this.options.clock.now() + Math.max(0, ms);
    await this.settle();
    for (;;) {
      const due = clock.nextDueTime();
      if (due === undefined || due > target) break;
      clock.advance(Math.max(0, due - this.options.clock.now()));
      await this.settle();
    }
    clock.advance(target - this.options.clock.now());
    await this.settle();
  }

  private checkHotLoop(maxPerKey: number): void {
    for (const [id, n] of this.reconcileCounts!) {
      if (n <= maxPerKey) continue;
      this.stop();
      throw new Error(
        `settle(): ${id} was reconciled ${n} times without the clock moving; the controller keeps requeueing it ` +
          'immediately (the controller manager has been stopped)',
      );
    }
  }

  /** Counts `work` as in flight until it ends, so settle() waits for it. */
  track(work: Promise<unknown>): void {
    const tracked = work.catch((err) => this.logError(err));
    this.tracked.add(tracked);
    void tracked.finally(() => this.tracked.delete(tracked));
  }

  private contextFor(runner: Runner): ControllerContext {
    const { queue, controller } = runner;
    const track = (work: Promise<unknown>) => this.track(work);
    return {
      recorder: new ClientEventRecorder(this.options.client, this.options.clock, controller.component ?? `${controller.name}-controller`, track, this.logError),
      track,
      client: this.options.client,
      clock: this.options.clock,
      informers: this.informers,
      queue,
      enqueue: (obj) => queue.add(keyOf(obj)),
      enqueueOwner: (obj, owner, owners) => {
        const key = ownerKeyFor(obj, owner, owners);
        if (key !== undefined) queue.add(key);
      },
      logError: this.logError,
    };
  }

  /**
   * Workers start on a microtask, never inside the informer callback that added the key (that runs mid-write). Busy
   * controllers otherwise chain microtasks for as long as there is work, and an HTTP request or a timer would wait.
   */
  private schedulePump(runner: Runner): void {
    if (runner.pumpScheduled || !this.running) return;
    runner.pumpScheduled = true;
    this.slicer.schedule(() => {
      runner.pumpScheduled = false;
      this.pump(runner);
    });
  }

  private pump(runner: Runner): void {
    while (this.running && runner.active < runner.workers) {
      const key = runner.queue.get();
      if (key === undefined) return;
      runner.active++;
      const work = this.process(runner, key);
      runner.inflight.add(work);
      void work.finally(() => runner.inflight.delete(work));
    }
  }

  private async process(runner: Runner, key: string): Promise<void> {
    const { controller, queue } = runner;
    if (this.reconcileCounts) {
      const id = `${controller.name} key "${key}"`;
      this.reconcileCounts.set(id, (this.reconcileCounts.get(id) ?? 0) + 1);
    }
    try {
      const result = await controller.reconcile(key);
      queue.forget(key);
      if (result && result.requeueAfter !== undefined) queue.addAfter(key, result.requeueAfter);
    } catch (err) {
      this.logError(err);
      queue.addRateLimited(key);
    } finally {
      runner.active--;
      queue.done(key);
      this.schedulePump(runner);
    }
  }
}
