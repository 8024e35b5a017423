// Go's JSON nesting limit and the apiserver's short body summary, both computed without recursion.

/** Go's JSON scanner refuses documents nested deeper than this, before anything is decoded. */
export const MAX_NESTING_DEPTH = 10000;
export const MAX_DEPTH_MESSAGE = 'exceeded max depth';

/**
 * Whether `value` nests objects/arrays more than `limit` levels (a top-level object is level 1).
 * Iterative, so a hostile body cannot overflow our stack while it is measured.
 */
export function nestingExceeds(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit < 1) return true;
  const pending: object[] = [value];
  const depths: number[] = [1];
  while (pending.length > 0) {
    const current = pending.pop() as Record<string, unknown>;
    const depth = depths.pop()!;
    if (Array.isArray(current)) {
      for (const item of current) {
        if (typeof item !== 'object' || item === null) continue;
        if (depth >= limit) return true;
        pending.push(item);
        depths.push(depth + 1);
      }
    } else {
      for (const key in current) {
        const item = current[key];
        if (typeof item !== 'object' || item === null) continue;
        if (depth >= limit) return true;
        pending.push(item);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** The first `max` characters (or a few more) of the compact JSON text of `value`, built without recursion. */
export function jsonPrefix(value: unknown, max: number): string {
  let out = '';
  // Pending work, popped from the end: [0, value] writes a value, [1, text] writes text.
  const work: Array<[0, unknown] | [1, string]> = [[0, value]];
  while (work.length > 0 && out.length < max) {
    const [kind, item] = work.pop()!;
    if (kind === 1) {
      out += item;
    } else if (Array.isArray(item)) {
      work.push([1, ']']);
      for (let i = item.length - 1; i >= 0; i--) {
        work.push([0, item[i]]);
        if (i > 0) work.push([1, ',']);
      }
      work.push([1, '[']);
    } else if (typeof item === 'object' && item !== null) {
      const keys = Object.keys(item);
      work.push([1, '}']);
      for (let i = keys.length - 1; i >= 0; i--) {
        work.push([0, (item as Record<string, unknown>)[keys[i]]]);
        work.push([1, `${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:`]);
      }
      work.push([1, '{']);
    } else {
      out += JSON.stringify(item) ?? 'null';
    }
  }
  return out;
}

/**
 * apiserver's summarizeData(body, 30) for a JSON object body: its first 30 bytes, then " ..." when
 * there is more. Rebuilt from the parsed object, so it matches compact request bodies only.
 */
export function summarizeObject(value: unknown): string {
  const text = jsonPrefix(value, 31);
  return text.length > 30 ? `${text.slice(0, 30)} ...` : text;
}
