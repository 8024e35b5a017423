// x-kubernetes-list-type set/map uniqueness, as upstream's structural listtype validation reports it.
import { duplicateCause, invalidCause } from '../../../meta/field-errors.js';
import type { StatusCause } from '../../../meta/types.js';
import type { JSONSchemaProps } from '../crd-types.js';
import { child, index, key, type FieldPath } from './field-path.js';
import { goMapOrder, isJsonObject } from './go-values.js';

/** json.Marshal's text for compound values (sorted keys), the identity upstream compares them by. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const unspecifiedKey = Symbol('unspecified');

/** Indexes of second occurrences (a value seen three times is reported once, at its second place). */
function nonUniqueIndexes(values: readonly unknown[]): number[] {
  if (values.length <= 1) return [];
  const seen = new Map<unknown, number>();
  const found: number[] = [];
  values.forEach((v, i) => {
    const identity = typeof v === 'object' && v !== null ? `compound:${canonical(v)}` : v;
    const times = seen.get(identity);
    seen.set(identity, (times ?? 0) + 1);
    if (times === 1) found.push(i);
  });
  return found;
}

function validateListMap(path: string, s: JSONSchemaProps, items: unknown[]): StatusCause[] {
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    if (x !== null && !isJsonObject(x)) return [invalidCause(index(path, i), x, 'must be an object for an array of list-type map')];
  }
  if (items.length <= 1) return [];
  const keyFields = s['x-kubernetes-list-map-keys'] ?? [];
  if (keyFields.length === 1) {
    const keyField = keyFields[0];
    const keys = items.map((x) => (isJsonObject(x) && keyField in x ? x[keyField] : unspecifiedKey));
    return nonUniqueIndexes(keys).map((i) =>
      duplicateCause(index(path, i), keys[i] === unspecifiedKey ? {} : { [keyField]: goMapOrder(keys[i]) }),
    );
  }
  const keys = items.map((x) => {
    // Go prints a map with its keys sorted
    const k: Record<string, unknown> = {};
    if (isJsonObject(x)) for (const f of [...keyFields].sort()) if (f in x) k[f] = x[f];
    return k;
  });
  return nonUniqueIndexes(keys).map((i) => duplicateCause(index(path, i), goMapOrder(keys[i])));
}

function validateArray(path: string, s: JSONSchemaProps, items: unknown[]): StatusCause[] {
  const causes: StatusCause[] = [];
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set') for (const i of nonUniqueIndexes(items)) causes.push(duplicateCause(index(path, i), goMapOrder(items[i])));
  else if (listType === 'map') causes.push(...validateListMap(path, s, items));
  const itemSchema = s.items && !Array.isArray(s.items) ? s.items : undefined;
  if (itemSchema) items.forEach((item, i) => causes.push(...validateValue(index(path, i), itemSchema, item)));
  return causes;
}

function validateValue(path: string, s: JSONSchemaProps, value: unknown): StatusCause[] {
  if (Array.isArray(value)) return validateArray(path, s, value);
  if (isJsonObject(value)) return validateListSetsAndMaps(path, s, value);
  return [];
}

/** upstream ValidateListSetsAndMaps: duplicates in `set` lists and `map` lists anywhere in the object. */
export function validateListSetsAndMaps(path: FieldPath, s: JSONSchemaProps | undefined, object: Record<string, unknown>): StatusCause[] {
  if (!s) return [];
  const causes: StatusCause[] = [];
  const additional = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  if (additional) for (const [k, v] of Object.entries(object)) causes.push(...validateValue(key(path, k), additional, v));
  if (s.properties) {
    for (const [k, v] of Object.entries(object)) {
      const sub = s.properties[k];
      if (sub) causes.push(...validateValue(child(path, k), sub, v));
    }
  }
  return causes;
}
