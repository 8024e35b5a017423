// The default in-memory Store backend: a key map, one revision counter, an event ring and synchronous fan-out.
import { EventHistory } from './event-history.js';
import { Record_ } from './record.js';
import { WatcherIndex } from './watcher-index.js';
import { ArrayKeys, SortedKeys, upperBound, upperBoundAfter, type KeyIndex } from './sorted-keys.js';
import {
  StoreError,
  type ListOptions,
  type ListResult,
  type Store,
  type StoreEvent,
  type StoredRecord,
  type Versioner,
  type WatchHandle,
  type WatchListener,
  type WatchOptions,
} from './types.js';

export interface MemoryStoreOptions {
  /** How many past events are kept for watches and past-revision reads (default 10,000). */
  historySize?: number;
  versioner?: Versioner;
}

interface Watcher {
  prefix: string;
  listener: WatchListener;
  filter?: (event: StoreEvent) => boolean;
  stopped: boolean;
}

const identityVersioner: Versioner = (object) => object;

export class MemoryStore implements Store {
  private readonly records = new Map<string, StoredRecord>();
  private readonly sortedKeys = new SortedKeys();
  private revision = 0;
  private readonly history: EventHistory;
  private readonly versioner: Versioner;
  private readonly watchers = new WatcherIndex<Watcher>();
  private pending: StoreEvent[] = [];
  private delivering = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.history = new EventHistory(options.historySize ?? 10_000);
    this.versioner = options.versioner ?? identityVersioner;
  }

  currentRevision(): number {
    return this.revision;
  }

  oldestRevision(): number {
    return this.history.oldestRevision();
  }

  async get(key: string): Promise<StoredRecord | undefined> {
    return this.records.get(key);
  }

  async count(prefix: string): Promise<number> {
    return upperBound(this.sortedKeys, prefix) - this.sortedKeys.lowerBound(prefix);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const atRevision = options.revision && options.revision < this.revision ? options.revision : this.revision;
    if (atRevision < this.history.oldestRevision()) throw this.expired(prefix, atRevision);
    const lookup = atRevision === this.revision ? this.records : this.rolledBack(prefix, atRevision);
    const keys: KeyIndex = atRevision === this.revision ? this.sortedKeys : new ArrayKeys([...lookup.keys()].sort());
    const limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    const from = options.after !== undefined && options.after >= prefix ? upperBoundAfter(keys, options.after) : keys.lowerBound(prefix);
    const end = upperBound(keys, prefix);
    const records: StoredRecord[] = [];
    let i = from;
    if (limit > 0) {
      keys.scan(from, end, (key) => {
        i++;
        const record = lookup.get(key);
        if (record && (!options.filter || options.filter(record))) records.push(record);
        return records.length < limit;
      });
    }
    const result: ListResult = { records, revision: atRevision };
    if (records.length === limit && i < end) {
      // Like etcd-backed apiservers: more keys remain, whether or not they will match the filter.
      result.continueAfter = records[records.length - 1]!.key;
      // Every key of the index is present in the lookup (the rolled-back view's index is built from it).
      if (!options.filter) result.remaining = end - i;
    }
    return result;
  }

  async create(key: string, object: Record<string, unknown>): Promise<StoredRecord> {
    if (this.records.has(key)) throw new StoreError('exists', key, `key ${key} already exists`);
    const revision = this.revision + 1;
    const record = new Record_(key, this.versioner(object, revision), revision, revision);
    this.sortedKeys.insert(key);
    this.commit(key, record, { type: 'ADDED', record, prev: undefined, revision });
    return record;
  }

  async update(key: string, object: Record<string, unknown>, expectedRevision?: number): Promise<StoredRecord> {
    const prev = this.current(key, expectedRevision);
    const revision = this.revision + 1;
    const record = new Record_(key, this.versioner(object, revision), revision, prev.createRevision);
    this.commit(key, record, { type: 'MODIFIED', record, prev, revision });
    return record;
  }

  async delete(key: string, expectedRevision?: number): Promise<StoredRecord> {
    const prev = this.current(key, expectedRevision);
    const revision = this.revision + 1;
    // The deleted object is reported with the deletion's revision, as etcd-backed apiservers do.
    const tombstone = new Record_(key, this.versioner({ ...prev.object }, revision), revision, prev.createRevision);
    this.sortedKeys.delete(key);
    this.commit(key, undefined, { type: 'DELETED', record: tombstone, prev, revision });
    return tombstone;
  }

  watch(prefix: string, fromRevision: number, listener: WatchListener, options: WatchOptions = {}): WatchHandle {
    if (fromRevision < this.history.oldestRevision()) throw this.expired(prefix, fromRevision);
    const watcher: Watcher = { prefix, listener, filter: options.filter, stopped: false };
    for (const event of this.history.since(fromRevision)) {
      if (watcher.stopped) break;
      if (event.record.key.startsWith(prefix) && (!watcher.filter || watcher.filter(event))) listener(event);
    }
    // Events committed while replaying (by a re-entrant listener) are still in `pending` and reach this watcher too.
    if (!watcher.stopped) this.watchers.add(watcher);
    return {
      stop: () => {
        if (watcher.stopped) return;
        watcher.stopped = true;
        this.watchers.remove(watcher);
      },
    };
  }

  compact(revision: number): void {
    this.history.compact(Math.min(revision, this.revision));
  }

  async close(): Promise<void> {
    this.watchers.clear();
  }

  private current(key: string, expectedRevision: number | undefined): StoredRecord {
    const prev = this.records.get(key);
    if (!prev) throw new StoreError('notFound', key, `key ${key} not found`);
    if (expectedRevision !== undefined && expectedRevision !== prev.modRevision) {
      throw new StoreError('conflict', key, `key ${key} is at revision ${prev.modRevision}, not ${expectedRevision}`);
    }
    return prev;
  }

  private commit(key: string, record: StoredRecord | undefined, event: StoreEvent): void {
    this.revision = event.revision;
    if (record) this.records.set(key, record);
    else this.records.delete(key);
    this.history.push(event);
    this.pending.push(event);
    if (this.delivering) return; // a listener wrote re-entrantly: the outer loop delivers in order
    this.delivering = true;
    try {
      for (let n = 0; n < this.pending.length; n++) this.fanOut(this.pending[n]!);
    } finally {
      this.pending = [];
      this.delivering = false;
    }
  }

  private fanOut(event: StoreEvent): void {
    this.watchers.forKey(event.record.key, (watcher) => {
      if (watcher.stopped) return;
      if (watcher.filter && !watcher.filter(event)) return;
      watcher.listener(event);
    });
  }

  /** The key → record view of `prefix` at a past revision: today's state with later events undone. */
  private rolledBack(prefix: string, revision: number): Map<string, StoredRecord> {
    const view = new Map<string, StoredRecord>();
    this.sortedKeys.scan(this.sortedKeys.lowerBound(prefix), upperBound(this.sortedKeys, prefix), (key) => {
      view.set(key, this.records.get(key)!);
      return true;
    });
    for (const event of this.history.newestFirstSince(revision)) {
      const key = event.record.key;
      if (!key.startsWith(prefix)) continue;
      if (event.prev) view.set(key, event.prev);
      else view.delete(key);
    }
    return view;
  }

  private expired(prefix: string, revision: number): StoreError {
    return new StoreError(
      'expired',
      prefix,
      `too old resource version: ${revision} (${this.history.oldestRevision() + 1})`,
    );
  }
}
