// Secondary indexes over an informer's cache (client-go's Indexers), so a sync reads its own objects, not all of them.
import type { KubeObject } from '../../meta/types.js';

/** The index values of one object; an object may sit under several values, or none. */
export type IndexFunc = (obj: KubeObject) => readonly string[];

interface Entry {
  obj: KubeObject;
  /** The key's position in the cache (see SharedInformer): buckets hand objects back in cache order. */
  seq: number;
}

interface Bucket {
  items: Map<string, Entry>;
  lastSeq: number;
  /** False once a key joined with an older seq than the newest; sorted again on the next read. */
  inOrder: boolean;
}

/**
 * One index. Lookups return objects in the order the whole cache lists them, so a sync that reads an index sees the
 * same sequence a filter over list() gave (adoption order, stable sort ties), only without visiting everything else.
 */
export class InformerIndex {
  private readonly buckets = new Map<string, Bucket>();
  private readonly valuesByKey = new Map<string, readonly string[]>();

  constructor(private readonly fn: IndexFunc) {}

  put(key: string, obj: KubeObject, seq: number): void {
    const values = this.fn(obj);
    const previous = this.valuesByKey.get(key);
    if (previous) for (const value of previous) if (!values.includes(value)) this.removeFrom(value, key);
    for (const value of values) {
      let bucket = this.buckets.get(value);
      if (!bucket) {
        bucket = { items: new Map(), lastSeq: -1, inOrder: true };
        this.buckets.set(value, bucket);
      }
      if (!bucket.items.has(key)) {
        if (seq < bucket.lastSeq) bucket.inOrder = false;
        else bucket.lastSeq = seq;
      }
      bucket.items.set(key, { obj, seq });
    }
    if (values.length > 0) this.valuesByKey.set(key, values);
    else this.valuesByKey.delete(key);
  }

  remove(key: string): void {
    const previous = this.valuesByKey.get(key);
    if (!previous) return;
    for (const value of previous) this.removeFrom(value, key);
    this.valuesByKey.delete(key);
  }

  /** The objects under `value`, in cache order. */
  get(value: string): KubeObject[] {
    return this.entries(value).map((e) => e.obj);
  }

  /** Several values' objects as one list in cache order, each object once (an object may sit under more than one). */
  getAll(values: readonly string[]): KubeObject[] {
    let merged: Entry[] = [];
    for (const value of values) merged = mergeBySeq(merged, this.entries(value));
    return merged.map((e) => e.obj);
  }

  private entries(value: string): Entry[] {
    const bucket = this.buckets.get(value);
    if (!bucket) return [];
    if (!bucket.inOrder) {
      const sorted = [...bucket.items].sort((a, b) => a[1].seq - b[1].seq);
      bucket.items = new Map(sorted);
      bucket.lastSeq = sorted.length > 0 ? sorted[sorted.length - 1]![1].seq : -1;
      bucket.inOrder = true;
    }
    return [...bucket.items.values()];
  }

  clear(): void {
    this.buckets.clear();
    this.valuesByKey.clear();
  }

  private removeFrom(value: string, key: string): void {
    const bucket = this.buckets.get(value);
    if (!bucket) return;
    bucket.items.delete(key);
    if (bucket.items.size === 0) this.buckets.delete(value);
  }
}

/** Merges two lists sorted by seq; a seq in both is one key filed under both values, kept once. */
function mergeBySeq(a: Entry[], b: Entry[]): Entry[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: Entry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x.seq < y.seq) {
      out.push(x);
      i++;
    } else if (y.seq < x.seq) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
