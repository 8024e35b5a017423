// Element order of merged strategic-merge-patch lists: upstream's normalizeElementOrder and the Go semantics it leans on.
import { isInt64, smpErrors } from './strategic-merge-errors.js';

type Obj = Record<string, unknown>;

/** The reflect kind Go sees for a decoded JSON value; `slice` and `map` values panic when compared or hashed. */
export type GoKind = 'map' | 'slice' | 'string' | 'int64' | 'float64' | 'bool' | 'nil';

export function goKind(v: unknown): GoKind {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  switch (typeof v) {
    case 'object':
      return 'map';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return isInt64(v) ? 'int64' : 'float64';
    default:
      return 'nil';
  }
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function hasOwn(o: Obj, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** Go's `==` on two interface{} values: different dynamic types are unequal, two maps or two slices panic. */
export function goEqual(a: unknown, b: unknown): boolean {
  const ka = goKind(a);
  if (ka !== goKind(b)) return false;
  if (ka === 'map' || ka === 'slice') throw smpErrors.panic();
  return ka === 'nil' || a === b;
}

/** A map[interface{}]bool set: hashing a map or a slice panics in Go. */
function hashSet(values: readonly unknown[]): Set<unknown> {
  const set = new Set<unknown>();
  for (const v of values) set.add(hashKey(v));
  return set;
}

function hashKey(v: unknown): unknown {
  const kind = goKind(v);
  if (kind === 'map' || kind === 'slice') throw smpErrors.panic();
  return v ?? null;
}

/** What `index()` compares: the merge key's value for maps, the item itself otherwise. */
function orderValue(item: unknown, mergeKey: string, kind: GoKind): unknown {
  if (kind !== 'map') return item;
  return isObj(item) ? (item[mergeKey] ?? null) : null;
}

function indexIn(list: readonly unknown[], item: unknown, mergeKey: string, kind: GoKind): number {
  const value = orderValue(item, mergeKey, kind);
  for (let i = 0; i < list.length; i++) if (goEqual(value, orderValue(list[i], mergeKey, kind))) return i;
  return -1;
}

export function validateMergeKeyInLists(mergeKey: string, ...lists: readonly unknown[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObj(item)) throw smpErrors.badArgType('map', item);
      if (!hasOwn(item, mergeKey)) throw smpErrors.noMergeKey(item, mergeKey);
    }
  }
}

/** Splits off the `$patch: delete` elements, which ordering leaves at the end. */
export function extractToDeleteItems(list: readonly unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const remove: unknown[] = [];
  for (const v of list) {
    if (!isObj(v)) throw smpErrors.badArgType('map', v);
    (hasOwn(v, '$patch') && v.$patch === 'delete' ? remove : keep).push(v);
  }
  return [keep, remove];
}

/** The elements of `merged` named in `by` (compared as hash keys), then the rest. */
export function partitionPrimitives(merged: readonly unknown[], by: readonly unknown[]): [unknown[], unknown[]] {
  const inBy = hashSet(by);
  const present: unknown[] = [];
  const absent: unknown[] = [];
  for (const v of merged) (inBy.has(hashKey(v)) ? present : absent).push(v);
  return [present, absent];
}

/** findMapInSliceBasedOnKeyValue: the first map in `list` whose `key` equals `value`, failing on a non-map met first. */
export function findByKey(list: readonly unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isObj(item)) throw smpErrors.go(`value for key ${i} is not a map`);
    if (hasOwn(item, key) && goEqual(item[key], value)) return i;
  }
  return -1;
}

/** The maps of `merged` whose merge key appears in `by`, then the rest. */
export function partitionMaps(merged: readonly unknown[], by: readonly unknown[], mergeKey: string): [unknown[], unknown[]] {
  const present: unknown[] = [];
  const absent: unknown[] = [];
  for (const v of merged) {
    if (!isObj(v)) throw smpErrors.badArgType('map', v);
    if (!hasOwn(v, mergeKey)) throw smpErrors.noMergeKey(v, mergeKey);
    (findByKey(by, mergeKey, v[mergeKey]) >= 0 ? present : absent).push(v);
  }
  return [present, absent];
}

/**
 * Orders the patch's elements by `patchOrder` and the server-only ones by `serverOrder`, then interleaves the two,
 * keeping each side's relative order (upstream normalizeElementOrder).
 */
export function normalizeElementOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string,
  kind: GoKind,
): unknown[] {
  const patchSorted = normalizeSliceOrder(patchItems, patchOrder, mergeKey, kind);
  const serverSorted = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(serverSorted, patchSorted, serverOrder, mergeKey, kind);
}

function normalizeSliceOrder(toSort: unknown[], order: readonly unknown[], mergeKey: string, kind: GoKind): unknown[] {
  let deletes: unknown[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, toSort, order as unknown[]);
    [toSort, deletes] = extractToDeleteItems(toSort);
  }
  const indexes = toSort.map((item) => indexIn(order, item, mergeKey, kind));
  const sorted = sortByIndex(toSort, indexes);
  return deletes.length ? sorted.concat(deletes) : sorted;
}

/**
 * Inserts the server-only elements (`left`) among the patch's (`right`): a server element goes first only when both
 * are in the live list and it came earlier there.
 */
function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: readonly unknown[], mergeKey: string, kind: GoKind): unknown[] {
  if (left.length === 0) return right;
  if (right.length === 0) return left;
  const leftIndex = left.map((item) => indexIn(serverOrder, item, mergeKey, kind));
  const rightIndex = right.map((item) => indexIn(serverOrder, item, mergeKey, kind));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else if (leftIndex[i] >= 0 && rightIndex[j] >= 0 && leftIndex[i] < rightIndex[j]) out.push(left[i++]);
    else out.push(right[j++]);
  }
  return out;
}

/**
 * sort.SliceStable with upstream's comparator, which says "less" whenever either side is missing from the order list.
 * That comparator is inconsistent, so the outcome depends on Go's algorithm: when every element is found any stable
 * sort agrees with it, otherwise Go's insertion-sort-and-symMerge is replayed step by step.
 */
function sortByIndex(items: unknown[], indexes: number[]): unknown[] {
  if (items.length < 2) return items;
  if (indexes.every((i) => i >= 0)) {
    const order = items.map((_, i) => i).sort((a, b) => indexes[a] - indexes[b]);
    return order.map((i) => items[i]);
  }
  const data = items.map((item, i) => ({ item, index: indexes[i] }));
  goStable(data, (a, b) => (a.index >= 0 && b.index >= 0 ? a.index < b.index : true));
  return data.map((d) => d.item);
}

/** Go's sort.Stable (zsortfunc.go stable_func): insertion sort on blocks of 20, then in-place symMerge rounds. */
export function goStable<T>(data: T[], less: (a: T, b: T) => boolean): void {
  const lessAt = (i: number, j: number) => less(data[i], data[j]);
  const swap = (i: number, j: number) => {
    const t = data[i];
    data[i] = data[j];
    data[j] = t;
  };
  const insertionSort = (a: number, b: number) => {
    for (let i = a + 1; i < b; i++) for (let j = i; j > a && lessAt(j, j - 1); j--) swap(j, j - 1);
  };
  const swapRange = (a: number, b: number, n: number) => {
    for (let i = 0; i < n; i++) swap(a + i, b + i);
  };
  const rotate = (a: number, m: number, b: number) => {
    let i = m - a;
    let j = b - m;
    while (i !== j) {
      if (i > j) {
        swapRange(m - i, m, j);
        i -= j;
      } else {
        swapRange(m - i, m + j - i, i);
        j -= i;
      }
    }
    swapRange(m - i, m, i);
  };
  const symMerge = (a: number, m: number, b: number): void => {
    if (m - a === 1) {
      let i = m;
      let j = b;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (lessAt(h, a)) i = h + 1;
        else j = h;
      }
      for (let k = a; k < i - 1; k++) swap(k, k + 1);
      return;
    }
    if (b - m === 1) {
      let i = a;
      let j = m;
      while (i < j) {
        const h = (i + j) >>> 1;
        if (!lessAt(m, h)) i = h + 1;
        else j = h;
      }
      for (let k = m; k > i; k--) swap(k, k - 1);
      return;
    }
    const mid = (a + b) >>> 1;
    const n = mid + m;
    let start: number;
    let r: number;
    if (m > mid) {
      start = n - b;
      r = mid;
    } else {
      start = a;
      r = m;
    }
    const p = n - 1;
    while (start < r) {
      const c = (start + r) >>> 1;
      if (!lessAt(p - c, c)) start = c + 1;
      else r = c;
    }
    const end = n - start;
    if (start < m && m < end) rotate(start, m, end);
    if (a < start && start < mid) symMerge(a, start, mid);
    if (mid < end && end < b) symMerge(mid, end, b);
  };

  const n = data.length;
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(a, m, n);
    blockSize *= 2;
  }
}
