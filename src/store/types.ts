// The backend-neutral store contract, shaped after etcd v3: one global revision, range reads, CAS, watch, compaction.

/** One stored version of one key. `object` is shared and must never be mutated; `bytes()` is its JSON, encoded once. */
export interface StoredRecord {
  readonly key: string;
  readonly object: Readonly<Record<string, unknown>>;
  /** Revision of the write that produced this version (etcd's mod_revision). */
  readonly modRevision: number;
  /** Revision at which the key was created (etcd's create_revision). */
  readonly createRevision: number;
  /** The object's JSON serialization, computed on first use and then reused for every reader and watcher. */
  bytes(): Buffer;
}

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly type: StoreEventType;
  /** The new version; for DELETED the last state stamped with the deletion's revision. */
  readonly record: StoredRecord;
  /** The version before this event (undefined for ADDED). */
  readonly prev: StoredRecord | undefined;
  readonly revision: number;
}

export interface ListOptions {
  /** Read the range as it was at this revision (0 or absent: now). Older than the history → StoreError 'expired'. */
  revision?: number;
  /** Exclusive start key, for continuing a paginated read. */
  after?: string;
  /** Return at most this many matching records. */
  limit?: number;
  /** Only records for which this is true are returned and counted against `limit`. */
  filter?: (record: StoredRecord) => boolean;
}

export interface ListResult {
  records: StoredRecord[];
  /** The revision the range was read at. */
  revision: number;
  /** Set when `limit` cut the result short: the last key returned, to pass as `after`. */
  continueAfter?: string;
  /** Records left after this page, known only when no filter was given. */
  remaining?: number;
}

export interface WatchOptions {
  /** Deliver only events of keys for which this is true (applied before buffering). */
  filter?: (event: StoreEvent) => boolean;
}

export interface WatchHandle {
  stop(): void;
}

/** Receives events in revision order. Must not throw; it is called synchronously when a write commits. */
export type WatchListener = (event: StoreEvent) => void;

/** Rewrites a freshly written object so it carries its revision (the apiserver's Versioner). */
export type Versioner = (object: Record<string, unknown>, revision: number) => Record<string, unknown>;

export interface Store {
  /** The revision of the last committed write. */
  currentRevision(): number;
  /** The oldest revision a watch or list can start from. */
  oldestRevision(): number;
  get(key: string): Promise<StoredRecord | undefined>;
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  count(prefix: string): Promise<number>;
  /** Fails with 'exists' when the key is present. */
  create(key: string, object: Record<string, unknown>): Promise<StoredRecord>;
  /** Compare-and-swap: fails with 'conflict' when `expectedRevision` is given and differs; 'notFound' when absent. */
  update(key: string, object: Record<string, unknown>, expectedRevision?: number): Promise<StoredRecord>;
  /** Fails with 'conflict' / 'notFound' like update; returns the final state stamped with the delete revision. */
  delete(key: string, expectedRevision?: number): Promise<StoredRecord>;
  /**
   * Streams every event under `prefix` with revision > `fromRevision` (replayed from history first), then live ones.
   * Throws StoreError 'expired' when `fromRevision` is older than the retained history.
   */
  watch(prefix: string, fromRevision: number, listener: WatchListener, options?: WatchOptions): WatchHandle;
  /** Drops history up to `revision`; lists and watches from before it then fail with 'expired'. */
  compact(revision: number): void;
  close(): Promise<void>;
}

export type StoreErrorCode = 'notFound' | 'exists' | 'conflict' | 'expired';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}
