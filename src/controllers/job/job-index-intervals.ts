// Sets of completion indexes as ordered intervals, and their compressed text form ("1,3-5") used in Job status.

export interface Interval {
  first: number;
  last: number;
}

export type OrderedIntervals = Interval[];

/** Merges two ordered interval lists into one, joining intervals that touch or overlap. */
export function mergeIntervals(a: OrderedIntervals, b: OrderedIntervals): OrderedIntervals {
  const result: OrderedIntervals = [];
  const push = (next: Interval) => {
    const last = result[result.length - 1];
    if (!last || next.first > last.last + 1) result.push({ ...next });
    else if (last.last < next.last) last.last = next.last;
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i].first < b[j].first) push(a[i++]);
    else push(b[j++]);
  }
  while (i < a.length) push(a[i++]);
  while (j < b.length) push(b[j++]);
  return result;
}

/** The intervals plus each index of `sortedIndexes` (which must be in increasing order). */
export function withOrderedIndexes(intervals: OrderedIntervals, sortedIndexes: number[]): OrderedIntervals {
  return mergeIntervals(
    intervals,
    sortedIndexes.map((ix) => ({ first: ix, last: ix })),
  );
}

export function totalIndexes(intervals: OrderedIntervals | undefined): number {
  let count = 0;
  for (const iv of intervals ?? []) count += iv.last - iv.first + 1;
  return count;
}

export function hasIndex(intervals: OrderedIntervals | undefined, ix: number): boolean {
  if (!intervals) return false;
  let lo = 0;
  let hi = intervals.length;
  while (hi > lo) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (intervals[mid].last >= ix) hi = mid;
    else lo = mid + 1;
  }
  return hi < intervals.length && intervals[hi].first <= ix;
}

/** Upstream's compressed form: a pair of neighbours is written "3,4", three or more "3-5". */
export function formatIntervals(intervals: OrderedIntervals): string {
  const parts: string[] = [];
  for (const v of intervals) {
    if (v.last === v.first) parts.push(String(v.first));
    else if (v.last === v.first + 1) parts.push(`${v.first},${v.last}`);
    else parts.push(`${v.first}-${v.last}`);
  }
  return parts.join(',');
}

/** Go's strconv.Atoi: an optional sign and decimal digits, nothing else. */
function atoi(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * Parses the compressed form, keeping only indexes below `completions`; corrupt pieces are skipped as upstream does,
 * and parsing stops at the first interval starting at or past `completions`.
 */
export function parseIntervals(text: string | undefined, completions: number): OrderedIntervals {
  if (!text) return [];
  const result: OrderedIntervals = [];
  for (const piece of text.split(',')) {
    const limits = piece.split('-');
    const first = atoi(limits[0]);
    if (first === undefined) continue;
    if (first >= completions) break;
    let last = first;
    if (limits.length > 1) {
      const parsed = atoi(limits[1]);
      if (parsed === undefined) continue;
      last = Math.min(parsed, completions - 1);
    }
    const previous = result[result.length - 1];
    if (previous && previous.last === first - 1) previous.last = last;
    else result.push({ first, last });
  }
  return result;
}
