// Small JSON helpers shared by the defaulters: tolerant reads and "set when unset" writes on untyped objects.
import { isPlainObject } from '../../meta/types.js';

export type Json = Record<string, unknown>;

// Every helper checks its parent is an object too, so a defaulter handed a malformed top level does nothing.

/** Go decodes a JSON null into the zero value (or a nil pointer), so null and absent both mean "unset". */
export function isUnset(value: unknown): boolean {
  return value === undefined || value === null;
}

/** Sets a pointer-typed field when it is nil in Go terms (absent or null); explicit zero values are kept. */
export function setIfUnset(obj: Json, key: string, value: unknown): void {
  if (isPlainObject(obj) && isUnset(obj[key])) obj[key] = value;
}

/** Sets a Go string field when it holds the zero value ""; a value of another type is left for validation. */
export function setIfEmptyString(obj: Json, key: string, value: string): void {
  if (!isPlainObject(obj)) return;
  const current = obj[key];
  if (isUnset(current) || current === '') obj[key] = value;
}

/** Sets a non-pointer Go integer field when it holds the zero value 0. */
export function setIfZero(obj: Json, key: string, value: number): void {
  if (!isPlainObject(obj)) return;
  const current = obj[key];
  if (isUnset(current) || current === 0) obj[key] = value;
}

/**
 * Returns the object at `obj[key]`, creating it when absent or null: a non-pointer Go struct always exists, so
 * defaults inside it materialise even when the client omitted it. A value of the wrong type is left alone (the
 * defaulter then skips that subtree) so validation can report the bad field.
 */
export function ensureObject(obj: Json, key: string): Json | undefined {
  if (!isPlainObject(obj)) return undefined;
  const current = obj[key];
  if (isUnset(current)) {
    const created: Json = {};
    obj[key] = created;
    return created;
  }
  return isPlainObject(current) ? current : undefined;
}

/** The object at `obj[key]` if it is one (a nil Go pointer gets no nested defaults). */
export function objectAt(obj: Json, key: string): Json | undefined {
  if (!isPlainObject(obj)) return undefined;
  const current = obj[key];
  return isPlainObject(current) ? current : undefined;
}

/** Calls `fn` for every element of `obj[key]` that is an object; anything else is skipped. */
export function eachObject(obj: Json, key: string, fn: (item: Json) => void): void {
  if (!isPlainObject(obj)) return;
  const list = obj[key];
  if (!Array.isArray(list)) return;
  for (const item of list) {
    if (isPlainObject(item)) fn(item);
  }
}

/** Whether `obj[key]` is a non-empty string map (Go's `len(m) > 0`); other shapes count as empty. */
export function hasEntries(value: unknown): value is Json {
  return isPlainObject(value) && Object.keys(value).length > 0;
}

/** Go's `len(slice) == 0` for a field that may be absent, null or malformed. */
export function isEmptyList(value: unknown): boolean {
  return isUnset(value) || (Array.isArray(value) && value.length === 0);
}

/** The `spec` object of a top-level resource, created when absent (every defaulted kind has a struct spec). */
export function specOf(obj: Json): Json | undefined {
  return ensureObject(obj, 'spec');
}

/** The `status` object of a top-level resource, created when absent (status is a struct in every kind here). */
export function statusOf(obj: Json): Json | undefined {
  return ensureObject(obj, 'status');
}
