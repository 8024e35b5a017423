// Semantic equality of JSON values (key order ignored), and fast deep copies (JSON-safe, and structuredClone-like).

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let count = 0;
  for (const key in ao) {
    if (ao[key] === undefined) continue;
    count++;
    if (!deepEqual(ao[key], bo[key])) return false;
  }
  for (const key in bo) if (bo[key] !== undefined) count--;
  return count === 0;
}

/**
 * A deep copy of a JSON value (stored objects are shared and must never be mutated): exactly what a JSON
 * round trip gives, copied directly for plain data (several times faster, and this runs on every write and
 * every watch event) and through JSON for anything else (class instances, toJSON, cycles).
 */
export function cloneJson<T>(value: T): T {
  if (value === undefined) return value;
  const out = copy(value, 0);
  return (out === EXOTIC ? JSON.parse(JSON.stringify(value)) : out) as T;
}

/** Marks a value the direct copy leaves to JSON; it is never part of a copied value. */
const EXOTIC: unknown = Symbol('exotic');
/** Deeper than any object the API accepts: likely a cycle, which JSON.stringify reports as upstream's callers expect. */
const MAX_DEPTH = 1000;

/** The JSON round trip of `value` (undefined where JSON leaves the value out), or EXOTIC. */
function copy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : null;
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      return EXOTIC;
  }
  if (value === null) return null;
  if (depth > MAX_DEPTH) return EXOTIC;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype || typeof (value as { toJSON?: unknown }).toJSON === 'function') return EXOTIC;
    const n = value.length;
    const arr = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const v = copy(value[i], depth + 1);
      if (v === EXOTIC) return EXOTIC;
      arr[i] = v === undefined ? null : v;
    }
    return arr;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if ((proto !== Object.prototype && proto !== null) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return EXOTIC;
  const src = value as Record<string, unknown>;
  const obj: Record<string, unknown> = {};
  for (const key of Object.keys(src)) {
    const v = copy(src[key], depth + 1);
    if (v === undefined) continue;
    if (v === EXOTIC) return EXOTIC;
    if (key === '__proto__') Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
    else obj[key] = v;
  }
  return obj;
}

/**
 * structuredClone for the plain data objects hold (undefined members kept, unlike cloneJson), copied directly;
 * anything else (class instances, holes, functions, cycles) goes to structuredClone itself.
 */
export function clonePlain<T>(value: T): T {
  const out = copyPlain(value, 0);
  return (out === EXOTIC ? structuredClone(value) : out) as T;
}

function copyPlain(value: unknown, depth: number): unknown {
  if (typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? EXOTIC : value;
  if (value === null) return null;
  if (depth > MAX_DEPTH) return EXOTIC;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return EXOTIC;
    const n = value.length;
    const arr = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const item: unknown = value[i];
      if (item === undefined && !(i in value)) return EXOTIC;
      const v = copyPlain(item, depth + 1);
      if (v === EXOTIC) return EXOTIC;
      arr[i] = v;
    }
    return arr;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return EXOTIC;
  const src = value as Record<string, unknown>;
  const obj: Record<string, unknown> = {};
  for (const key of Object.keys(src)) {
    const v = copyPlain(src[key], depth + 1);
    if (v === EXOTIC) return EXOTIC;
    if (key === '__proto__') Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
    else obj[key] = v;
  }
  return obj;
}

/**
 * Freezes a JSON value and everything inside it, so a stored object can be handed to many readers without a copy
 * each. Children are frozen before their parent, so a frozen object is taken as already done: stored versions share
 * unchanged subtrees with their predecessors, and a second reader of the same version pays one check.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) freezeTree(value as object, 0);
  return value;
}

function freezeTree(value: object, depth: number): void {
  // Deeper than any object the API accepts (see MAX_DEPTH): leave the rest alone rather than recurse without end.
  if (depth > MAX_DEPTH || ArrayBuffer.isView(value)) return;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'object' && item !== null && !Object.isFrozen(item)) freezeTree(item as object, depth + 1);
  } else {
    const src = value as Record<string, unknown>;
    for (const key in src) {
      const item = src[key];
      if (typeof item === 'object' && item !== null && !Object.isFrozen(item)) freezeTree(item, depth + 1);
    }
  }
  Object.freeze(value);
}
