// Snapshots of a cluster's whole object state, and restoring one in place: watchers see the difference as events.
import { deepEqual } from './meta/deep-equal.js';
import { StoreError, type Store } from './store/types.js';

/** Every object the cluster stored at one revision. Immutable; restore it as often as needed. */
export interface ClusterSnapshot {
  /** The store revision the snapshot was read at. */
  readonly revision: number;
  /** Store key → object, as stored (objects are shared and never mutated). */
  readonly objects: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

export interface RestoreResult {
  created: number;
  updated: number;
  deleted: number;
}

const everything = '/registry/';

export async function takeSnapshot(store: Store): Promise<ClusterSnapshot> {
  const { records, revision } = await store.list(everything);
  return { revision, objects: new Map(records.map((r) => [r.key, r.object])) };
}

/**
 * Brings the store back to the snapshot's objects through ordinary writes, so every watcher (informers, kubectl
 * --watch, the apiserver's own caches) follows along. Revisions keep increasing: a restored object gets a new
 * resourceVersion, while its uid, generation and everything else are as they were. Objects equal to the snapshot's
 * (resourceVersion aside) are left untouched.
 */
export async function restoreSnapshot(store: Store, snapshot: ClusterSnapshot): Promise<RestoreResult> {
  const result: RestoreResult = { created: 0, updated: 0, deleted: 0 };
  const { records } = await store.list(everything);
  for (const record of records) {
    if (snapshot.objects.has(record.key)) continue;
    if (await ignoring('notFound', () => store.delete(record.key))) result.deleted++;
  }
  const current = new Map(records.map((r) => [r.key, r.object]));
  for (const [key, object] of snapshot.objects) {
    const now = current.get(key);
    if (now === undefined) {
      // A controller still running may have made the object since the list: then it is overwritten.
      if (!(await ignoring('exists', () => store.create(key, withoutResourceVersion(object))))) await store.update(key, withoutResourceVersion(object));
      result.created++;
    } else if (now !== object && !deepEqual(withoutResourceVersion(now), withoutResourceVersion(object))) {
      if (!(await ignoring('notFound', () => store.update(key, withoutResourceVersion(object))))) await store.create(key, withoutResourceVersion(object));
      result.updated++;
    }
  }
  return result;
}

/** Runs a write; false when it failed with `code` (another writer got there first), true when it went through. */
async function ignoring(code: StoreError['code'], write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    if (err instanceof StoreError && err.code === code) return false;
    throw err;
  }
}

function withoutResourceVersion(object: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const metadata = { ...(object.metadata as Record<string, unknown> | undefined) };
  delete metadata.resourceVersion;
  return { ...object, metadata };
}
