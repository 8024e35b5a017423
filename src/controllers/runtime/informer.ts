// Shared informers: list-then-watch caches of one resource that fan events out to controllers, like client-go's.
import type { ClientList, ClientWatchEvent, ClientWatchOptions, SharedReadOptions } from '../../client/client.js';
import type { Clock, TimerHandle } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import { InformerIndex, type IndexFunc } from './informer-index.js';

/**
 * The slice of the in-process client an informer needs; tests may hand in a fake with the same shape. The informer
 * asks for `shared` objects: its cache then holds the stored, deep-frozen objects every informer and handler share, so
 * a handler must copy an object before changing it. A client (or test double) that ignores the option hands out
 * copies, which serve as well.
 */
export interface InformerClient {
  list(
    apiVersion: string,
    resource: string,
    namespace?: string,
    query?: { labelSelector?: string; fieldSelector?: string },
    options?: SharedReadOptions,
  ): Promise<ClientList>;
  watch(
    apiVersion: string,
    resource: string,
    namespace: string | undefined,
    query: { resourceVersion?: string; labelSelector?: string; fieldSelector?: string; timeoutSeconds?: number },
    onEvent: (event: ClientWatchEvent) => void,
    options?: ClientWatchOptions,
  ): Promise<{ stop(): void }>;
}

export interface EventHandler {
  onAdd?(obj: KubeObject): void;
  onUpdate?(oldObj: KubeObject, newObj: KubeObject): void;
  /** Gets the last state the cache knew, which may be stale when the delete was only noticed by a relist. */
  onDelete?(obj: KubeObject): void;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /**
   * The informer re-watches on its own schedule: the in-process client cannot tell it when the server ends a watch,
   * so it asks for a timeout and re-watches from the last resourceVersion it saw when that timeout is reached.
   */
  watchTimeoutSeconds?: number;
  /** Delay before re-watching after a non-410 watch error, a broken watch or a failed list. */
  retryDelayMs?: number;
  logError?: (err: unknown) => void;
}

/** client-go's MetaNamespaceKeyFunc: `namespace/name`, or just `name` for cluster-scoped objects. */
export function keyOf(obj: KubeObject): string {
  const { namespace, name = '' } = obj.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

const shared: SharedReadOptions = { shared: true };

export class SharedInformer {
  private readonly cache = new Map<string, KubeObject>();
  /** Each cached key's position in `cache` (insertion order), which indexes use to list in the same order. */
  private readonly order = new Map<string, number>();
  private nextSeq = 0;
  private readonly indexes = new Map<string, InformerIndex>();
  private readonly handlers: EventHandler[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private watchHandle: { stop(): void } | undefined;
  private timer: TimerHandle | undefined;
  /** Bumped on every list/watch cycle so events from a superseded watch are ignored. */
  private epoch = 0;
  private lastResourceVersion = '';
  private synced = false;
  private started = false;
  private stopped = false;
  private firstSync: Promise<void> | undefined;
  /** How many times the informer has listed; tests read it to see a 410 relist happen. */
  listCount = 0;

  constructor(
    private readonly client: InformerClient,
    private readonly clock: Clock,
    readonly apiVersion: string,
    readonly resource: string,
    private readonly options: InformerOptions = {},
  ) {}

  addEventHandler(handler: EventHandler): void {
    this.handlers.push(handler);
    // A handler added late still hears about everything already cached, as client-go replays adds.
    if (this.synced) for (const obj of this.cache.values()) this.safely(() => handler.onAdd?.(obj));
  }

  /** Lists, then watches; resolves once the first list is in the cache and handlers have seen it. */
  start(): Promise<void> {
    if (!this.started) {
      this.started = true;
      this.firstSync = this.track(this.listAndWatch());
    }
    return this.firstSync!;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  get(key: string): KubeObject | undefined {
    return this.cache.get(key);
  }

  list(): KubeObject[] {
    return [...this.cache.values()];
  }

  keys(): string[] {
    return [...this.cache.keys()];
  }

  /**
   * Adds an index under `name` (client-go's AddIndexers); a second call with a name already taken keeps the first,
   * so controllers sharing this informer can each ask for the index they read. `fn` must depend only on the object.
   */
  addIndex(name: string, fn: IndexFunc): void {
    if (this.indexes.has(name)) return;
    const index = new InformerIndex(fn);
    for (const [key, obj] of this.cache) index.put(key, obj, this.order.get(key)!);
    this.indexes.set(name, index);
  }

  /** The cached objects an index files under `value` (or under any of `values`), in the order list() gives them. */
  byIndex(name: string, value: string | readonly string[]): KubeObject[] {
    const index = this.indexes.get(name);
    if (!index) throw new Error(`informer ${this.apiVersion}/${this.resource}: no index "${name}"`);
    return typeof value === 'string' ? index.get(value) : index.getAll(value);
  }

  stop(): void {
    this.stopped = true;
    this.epoch++;
    this.endWatch();
  }

  /** Lists and watches still under way; the manager's settle() awaits them. */
  pendingWork(): Promise<unknown>[] {
    return [...this.pending];
  }

  private async listAndWatch(): Promise<void> {
    const epoch = ++this.epoch;
    this.endWatch();
    const { namespace, labelSelector, fieldSelector } = this.options;
    let list: ClientList;
    try {
      list = await this.client.list(this.apiVersion, this.resource, namespace, { labelSelector, fieldSelector }, shared);
    } catch (err) {
      this.report(err);
      if (epoch === this.epoch && !this.stopped) this.retryLater(() => this.listAndWatch());
      return;
    }
    if (epoch !== this.epoch || this.stopped) return;
    this.listCount++;
    this.replace(list.items);
    this.lastResourceVersion = list.resourceVersion;
    this.synced = true;
    await this.watchFrom(epoch);
  }

  private async watchFrom(epoch: number): Promise<void> {
    const { namespace, labelSelector, fieldSelector } = this.options;
    const timeoutSeconds = this.options.watchTimeoutSeconds ?? 300;
    let handle: { stop(): void };
    try {
      handle = await this.client.watch(
        this.apiVersion,
        this.resource,
        namespace,
        { resourceVersion: this.lastResourceVersion, labelSelector, fieldSelector, timeoutSeconds },
        (event) => {
          if (epoch === this.epoch) this.onEvent(event);
        },
        { ...shared, onDisconnect: () => this.onDisconnect(epoch) },
      );
    } catch (err) {
      this.report(err);
      if (epoch === this.epoch && !this.stopped) this.retryLater(() => this.listAndWatch());
      return;
    }
    // An ERROR (such as 410 for an expired resourceVersion) can arrive before watch() returns; it already moved on.
    if (epoch !== this.epoch || this.stopped) {
      handle.stop();
      return;
    }
    this.watchHandle = handle;
    this.timer = this.clock.after(timeoutSeconds * 1000, () => {
      if (epoch !== this.epoch) return;
      const next = ++this.epoch;
      this.endWatch();
      this.track(this.watchFrom(next));
    });
  }

  /** A cut connection: what the cache holds is still right up to lastResourceVersion, so a re-watch from it catches up. */
  private onDisconnect(epoch: number): void {
    if (epoch !== this.epoch || this.stopped) return;
    const next = ++this.epoch;
    this.endWatch();
    // After a pause, as the reflector backs off: a server that keeps cutting watches must not be hammered.
    this.retryLater(() => this.watchFrom(next));
  }

  private onEvent(event: ClientWatchEvent): void {
    const obj = event.object;
    if (event.type === 'ERROR') {
      const status = obj as unknown as { code?: number };
      const next = ++this.epoch;
      this.endWatch();
      if (this.stopped) return;
      // 410: our resourceVersion fell out of the server's history, so only a fresh list can catch up.
      if (status.code === 410) this.track(this.listAndWatch());
      else this.retryLater(() => this.watchFrom(next));
      return;
    }
    if (obj.metadata.resourceVersion) this.lastResourceVersion = obj.metadata.resourceVersion;
    if (event.type === 'BOOKMARK') return;
    const key = keyOf(obj);
    const old = this.cache.get(key);
    if (event.type === 'DELETED') {
      this.remove(key);
      this.emit((h) => h.onDelete?.(obj));
    } else {
      this.put(key, obj);
      if (old) this.emit((h) => h.onUpdate?.(old, obj));
      else this.emit((h) => h.onAdd?.(obj));
    }
  }

  /** Swaps the cache for a fresh list and tells handlers what changed in between, as a DeltaFIFO Replace does. */
  private replace(items: KubeObject[]): void {
    const seen = new Set<string>();
    for (const obj of items) {
      const key = keyOf(obj);
      seen.add(key);
      const old = this.cache.get(key);
      this.put(key, obj);
      if (!old) this.emit((h) => h.onAdd?.(obj));
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit((h) => h.onUpdate?.(old, obj));
    }
    for (const [key, old] of [...this.cache]) {
      if (seen.has(key)) continue;
      this.remove(key);
      this.emit((h) => h.onDelete?.(old));
    }
  }

  private put(key: string, obj: KubeObject): void {
    let seq = this.order.get(key);
    if (seq === undefined) {
      seq = this.nextSeq++;
      this.order.set(key, seq);
    }
    this.cache.set(key, obj);
    for (const index of this.indexes.values()) index.put(key, obj, seq);
  }

  private remove(key: string): void {
    if (!this.cache.delete(key)) return;
    this.order.delete(key);
    for (const index of this.indexes.values()) index.remove(key);
  }

  private retryLater(fn: () => Promise<void>): void {
    const epoch = this.epoch;
    this.timer?.cancel();
    this.timer = this.clock.after(this.options.retryDelayMs ?? 1000, () => {
      if (epoch === this.epoch && !this.stopped) this.track(fn());
    });
  }

  private endWatch(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.watchHandle?.stop();
    this.watchHandle = undefined;
  }

  private emit(call: (h: EventHandler) => void): void {
    for (const h of this.handlers) this.safely(() => call(h));
  }

  /** Handlers run inside the store's commit of a write, which must not throw; a broken handler is only logged. */
  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.report(err);
    }
  }

  private report(err: unknown): void {
    (this.options.logError ?? ((e) => console.error(`kubefake: informer ${this.apiVersion}/${this.resource}:`, e)))(err);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    const remove = () => this.pending.delete(promise);
    promise.then(remove, remove);
    return promise;
  }
}

/** One informer per (apiVersion, resource, namespace), shared by every controller that asks, like client-go's factory. */
export class InformerFactory {
  private readonly informers = new Map<string, SharedInformer>();

  constructor(
    private readonly client: InformerClient,
    private readonly clock: Clock,
    private readonly defaults: Pick<InformerOptions, 'watchTimeoutSeconds' | 'retryDelayMs' | 'logError'> = {},
  ) {}

  informerFor(apiVersion: string, resource: string, options: Pick<InformerOptions, 'namespace'> = {}): SharedInformer {
    const id = `${apiVersion}|${resource}|${options.namespace ?? ''}`;
    let informer = this.informers.get(id);
    if (!informer) {
      informer = new SharedInformer(this.client, this.clock, apiVersion, resource, { ...this.defaults, ...options });
      this.informers.set(id, informer);
    }
    return informer;
  }

  /** Stops and forgets an informer (its resource is no longer served); asking for it again makes a fresh one. */
  remove(apiVersion: string, resource: string, options: Pick<InformerOptions, 'namespace'> = {}): void {
    const id = `${apiVersion}|${resource}|${options.namespace ?? ''}`;
    this.informers.get(id)?.stop();
    this.informers.delete(id);
  }

  /** Starts every informer asked for so far (and not yet started); resolves when all have synced. */
  async start(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.start()));
  }

  hasSynced(): boolean {
    return [...this.informers.values()].every((i) => i.hasSynced());
  }

  all(): SharedInformer[] {
    return [...this.informers.values()];
  }

  pendingWork(): Promise<unknown>[] {
    return [...this.informers.values()].flatMap((i) => i.pendingWork());
  }

  stop(): void {
    for (const informer of this.informers.values()) informer.stop();
  }
}
