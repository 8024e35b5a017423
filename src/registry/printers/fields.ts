// Tolerant readers for untyped object JSON, so a printer never throws on a missing or oddly-typed field.
import { isPlainObject } from '../../meta/types.js';

export type Obj = Record<string, unknown>;

const EMPTY: Obj = Object.freeze({}) as Obj;

/** The value as an object, or an empty (frozen) object for anything else. */
export function obj(value: unknown): Obj {
  return isPlainObject(value) ? value : EMPTY;
}

/** Walks a path of object keys; missing links yield an empty object at the end. */
export function path(value: unknown, ...keys: string[]): Obj {
  let cur = obj(value);
  for (const k of keys) cur = obj(cur[k]);
  return cur;
}

/** The value as an object when set (Go's non-nil pointer), else undefined. */
export function present(value: unknown): Obj | undefined {
  return isPlainObject(value) ? value : undefined;
}

/** The value as an array of objects (non-objects become empty objects, as Go would zero them). */
export function objs(value: unknown): Obj[] {
  return Array.isArray(value) ? value.map(obj) : [];
}

/** The value as an array of strings, dropping anything else. */
export function strs(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The value as a string; Go's zero value "" when absent. */
export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The value as a string, or undefined when absent (Go's nil *string). */
export function optStr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value as an integer; Go's zero value 0 when absent. */
export function int(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0;
}

/** The value as an integer, or undefined when absent (Go's nil *int32). */
export function optInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : undefined;
}

/** Number of keys of a map-valued field. */
export function keyCount(value: unknown): number {
  return isPlainObject(value) ? Object.keys(value).length : 0;
}

/** A map-valued field as string → string, dropping non-string values. */
export function strMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(value))) if (typeof v === 'string') out[k] = v;
  return out;
}
