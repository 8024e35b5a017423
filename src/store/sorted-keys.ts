// The store's keys in order, kept in bounded sorted chunks: a create or delete costs one chunk, not a re-sort of every key.

/** Keys in ascending order (JS string order, as Array.prototype.sort), addressed by global index. */
export interface KeyIndex {
  readonly length: number;
  /** Index of the first key >= value. */
  lowerBound(value: string): number;
  /** Calls `visit` for the keys at [from, end) in order until it returns false. */
  scan(from: number, end: number, visit: (key: string) => boolean): void;
}

/** A plain sorted array as a KeyIndex (past-revision reads build one per request). */
export class ArrayKeys implements KeyIndex {
  constructor(private readonly keys: readonly string[]) {}

  get length(): number {
    return this.keys.length;
  }

  lowerBound(value: string): number {
    return lowerBoundIn(this.keys, value);
  }

  scan(from: number, end: number, visit: (key: string) => boolean): void {
    for (let i = from; i < end; i++) if (!visit(this.keys[i]!)) return;
  }
}

/** Large enough that lookups walk few chunks, small enough that an insert's shift is cheap. */
const CHUNK = 512;

export class SortedKeys implements KeyIndex {
  /** Non-empty sorted chunks; every key of a chunk sorts before every key of the next. */
  private chunks: string[][] = [];
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Adds a key that is not present yet. */
  insert(key: string): void {
    if (this.chunks.length === 0) {
      this.chunks.push([key]);
      this.count++;
      return;
    }
    const c = Math.min(this.chunkFor(key), this.chunks.length - 1);
    const chunk = this.chunks[c]!;
    const at = lowerBoundIn(chunk, key);
    if (chunk[at] === key) return;
    chunk.splice(at, 0, key);
    this.count++;
    if (chunk.length > CHUNK * 2) this.chunks.splice(c, 1, chunk.slice(0, CHUNK), chunk.slice(CHUNK));
  }

  /** Removes a key if present. */
  delete(key: string): void {
    const c = this.chunkFor(key);
    const chunk = this.chunks[c];
    if (!chunk) return;
    const at = lowerBoundIn(chunk, key);
    if (chunk[at] !== key) return;
    chunk.splice(at, 1);
    this.count--;
    if (chunk.length === 0) this.chunks.splice(c, 1);
  }

  lowerBound(value: string): number {
    const c = this.chunkFor(value);
    let index = 0;
    for (let i = 0; i < c && i < this.chunks.length; i++) index += this.chunks[i]!.length;
    return c < this.chunks.length ? index + lowerBoundIn(this.chunks[c]!, value) : index;
  }

  scan(from: number, end: number, visit: (key: string) => boolean): void {
    let c = 0;
    let offset = from;
    while (c < this.chunks.length && offset >= this.chunks[c]!.length) offset -= this.chunks[c++]!.length;
    for (let n = from; n < end && c < this.chunks.length; c++, offset = 0) {
      const chunk = this.chunks[c]!;
      for (let i = offset; i < chunk.length && n < end; i++, n++) if (!visit(chunk[i]!)) return;
    }
  }

  /** The first chunk whose last key is >= value (chunks.length when there is none). */
  private chunkFor(value: string): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const chunk = this.chunks[mid]!;
      if (chunk[chunk.length - 1]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** First index whose key is past every key starting with `prefix`. */
export function upperBound(keys: KeyIndex, prefix: string): number {
  // Every key starting with the prefix sorts before the prefix followed by the highest UTF-16 unit.
  let end = keys.lowerBound(prefix + '\uffff');
  // A key may itself continue with U+FFFF after the prefix: step over those few.
  keys.scan(end, keys.length, (key) => {
    if (!key.startsWith(prefix)) return false;
    end++;
    return true;
  });
  return end;
}

/** First index of a key > after. */
export function upperBoundAfter(keys: KeyIndex, after: string): number {
  let i = keys.lowerBound(after);
  keys.scan(i, i + 1, (key) => {
    if (key === after) i++;
    return false;
  });
  return i;
}

function lowerBoundIn(keys: readonly string[], value: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
