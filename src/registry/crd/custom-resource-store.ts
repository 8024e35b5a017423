// The store one served version of a custom resource sees: its objects read in that version, written in the storage one.
import type { KubeObject } from '../../meta/types.js';
import type { ListOptions, ListResult, Store, StoredRecord, StoreEvent, WatchHandle, WatchListener, WatchOptions } from '../../store/types.js';
import type { CustomResourceConverter, MaybePromise } from './custom-resource-conversion.js';

/**
 * Wraps the cluster store for one served version, as upstream's per-version storage codec does: every object under
 * the resource's prefix is converted to the served version on the way out and to the storage version on the way in.
 * Keys elsewhere (namespaces, other kinds) pass through untouched. Converted records are cached per stored record,
 * so every reader and watcher of this version shares one conversion and one encoding.
 */
export class CustomResourceStore implements Store {
  private readonly converted = new WeakMap<StoredRecord, MaybePromise<StoredRecord>>();

  constructor(
    private readonly inner: Store,
    private readonly prefix: string,
    private readonly servedApiVersion: string,
    private readonly storageApiVersion: string,
    private readonly converter: CustomResourceConverter,
  ) {}

  currentRevision(): number {
    return this.inner.currentRevision();
  }

  oldestRevision(): number {
    return this.inner.oldestRevision();
  }

  count(prefix: string): Promise<number> {
    return this.inner.count(prefix);
  }

  compact(revision: number): void {
    this.inner.compact(revision);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  async get(key: string): Promise<StoredRecord | undefined> {
    const record = await this.inner.get(key);
    return record && this.owns(key) ? this.served(record) : record;
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    if (!this.owns(prefix)) return this.inner.list(prefix, options);
    const filter = options.filter;
    if (this.converter.synchronous) {
      // Conversions answer at once: the store can filter and page the converted records itself.
      const result = await this.inner.list(prefix, { ...options, filter: filter && ((r) => filter(this.served(r) as StoredRecord)) });
      return { ...result, records: result.records.map((r) => this.served(r) as StoredRecord) };
    }
    const all = await this.inner.list(prefix, { revision: options.revision, after: options.after });
    const converted = await Promise.all(all.records.map((r) => this.served(r)));
    const matching = filter ? converted.filter(filter) : converted;
    const limit = options.limit;
    if (limit === undefined || limit <= 0 || matching.length <= limit) return { records: matching, revision: all.revision };
    const page = matching.slice(0, limit);
    const result: ListResult = { records: page, revision: all.revision, continueAfter: page[page.length - 1]!.key };
    if (!filter) result.remaining = matching.length - limit;
    return result;
  }

  async create(key: string, object: Record<string, unknown>): Promise<StoredRecord> {
    if (!this.owns(key)) return this.inner.create(key, object);
    return this.served(await this.inner.create(key, await this.toStorage(object)));
  }

  async update(key: string, object: Record<string, unknown>, expectedRevision?: number): Promise<StoredRecord> {
    if (!this.owns(key)) return this.inner.update(key, object, expectedRevision);
    return this.served(await this.inner.update(key, await this.toStorage(object), expectedRevision));
  }

  async delete(key: string, expectedRevision?: number): Promise<StoredRecord> {
    const record = await this.inner.delete(key, expectedRevision);
    return this.owns(key) ? this.served(record) : record;
  }

  watch(prefix: string, fromRevision: number, listener: WatchListener, options: WatchOptions = {}): WatchHandle {
    if (!this.owns(prefix)) return this.inner.watch(prefix, fromRevision, listener, options);
    let stopped = false;
    let pending = 0;
    let chain: Promise<void> = Promise.resolve();
    const deliver = (event: StoreEvent) => {
      if (!stopped && (!options.filter || options.filter(event))) listener(event);
    };
    const handle = this.inner.watch(prefix, fromRevision, (event) => {
      const converted = pending === 0 ? this.servedEvent(event) : undefined;
      if (converted && !(converted instanceof Promise)) {
        deliver(converted);
        return;
      }
      if (converted) converted.catch(() => undefined); // handled in the chain below
      // A webhook conversion is under way: later events wait behind it, so watchers see revision order.
      pending++;
      chain = chain
        .then(() => converted ?? this.servedEvent(event))
        .then(deliver, () => {
          // An event that cannot be converted is not delivered, as upstream's watch cache cannot decode it either.
        })
        .finally(() => pending--);
    });
    return {
      stop: () => {
        stopped = true;
        handle.stop();
      },
    };
  }

  private owns(keyOrPrefix: string): boolean {
    return keyOrPrefix.startsWith(this.prefix);
  }

  private toStorage(object: Record<string, unknown>): MaybePromise<Record<string, unknown>> {
    return this.converter.convert(object as KubeObject, this.storageApiVersion);
  }

  /** The stored record in the served version: the record itself when it already is. */
  private served(record: StoredRecord): MaybePromise<StoredRecord> {
    if (record.object.apiVersion === this.servedApiVersion) return record;
    let view = this.converted.get(record);
    if (!view) {
      const object = this.converter.convert(record.object as KubeObject, this.servedApiVersion);
      view = object instanceof Promise ? object.then((o) => recordOf(record, o)) : recordOf(record, object);
      // A failed conversion is not remembered: the next reader asks the webhook again.
      if (view instanceof Promise) view.catch(() => this.converted.delete(record));
      this.converted.set(record, view);
    }
    return view;
  }

  private servedEvent(event: StoreEvent): MaybePromise<StoreEvent> {
    const record = this.served(event.record);
    const prev = event.prev && this.served(event.prev);
    if (!(record instanceof Promise) && !(prev instanceof Promise)) return { ...event, record, prev };
    return Promise.all([record, prev]).then(([r, p]) => ({ ...event, record: r, prev: p }));
  }
}

function recordOf(stored: StoredRecord, object: KubeObject): StoredRecord {
  let encoded: Buffer | undefined;
  return {
    key: stored.key,
    object,
    modRevision: stored.modRevision,
    createRevision: stored.createRevision,
    bytes: () => (encoded ??= Buffer.from(JSON.stringify(object))),
  };
}
