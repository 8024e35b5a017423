// A live, name-sorted copy of every object under one store prefix (an informer's cache, without a list per request).
import type { KubeObject } from '../meta/types.js';
import type { Store, StoreEvent, WatchHandle } from '../store/types.js';

export class WatchedCollection<T extends KubeObject> {
  private readonly byKey = new Map<string, T>();
  private sorted: readonly T[] | undefined;
  private handle: WatchHandle | undefined;
  private closed = false;
  /** True once the initial list is in (what `ready` resolves on), readable without awaiting. */
  loaded = false;
  /** Resolves once the initial list is in and the watch runs. */
  readonly ready: Promise<void>;

  constructor(store: Store, prefix: string) {
    this.ready = this.start(store, prefix);
  }

  private async start(store: Store, prefix: string): Promise<void> {
    const initial = await store.list(prefix);
    if (this.closed) return;
    for (const record of initial.records) this.byKey.set(record.key, record.object as T);
    // Watching from the list's revision replays whatever was written in between.
    this.handle = store.watch(prefix, initial.revision, (event) => this.apply(event));
    this.loaded = true;
  }

  private apply(event: StoreEvent): void {
    if (event.type === 'DELETED') this.byKey.delete(event.record.key);
    else this.byKey.set(event.record.key, event.record.object as T);
    this.sorted = undefined;
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Every object, sorted by name as upstream sorts webhook configurations. Stored objects: never mutate them. */
  items(): readonly T[] {
    this.sorted ??= [...this.byKey.values()].sort((a, b) => compareNames(a.metadata.name ?? '', b.metadata.name ?? ''));
    return this.sorted;
  }

  close(): void {
    this.closed = true;
    this.handle?.stop();
    this.handle = undefined;
  }
}

/** Go's string order (bytes), not locale order. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
