// Structural defaulting of custom resources: schema `default`s applied in place, nulls handled as upstream does.
import { cloneJson } from '../../../meta/deep-equal.js';
import type { JSONSchemaProps } from '../crd-types.js';
import { isJsonObject } from './go-values.js';

type Schema = JSONSchemaProps | undefined;

const itemsOf = (s: Schema): Schema => (s?.items && !Array.isArray(s.items) ? s.items : undefined);
const additionalOf = (s: Schema): Schema => (typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined);
const hasDefault = (s: Schema): boolean => s?.default !== undefined && s.default !== null;
const isNonNullableNull = (x: unknown, s: Schema): boolean => x === null && s !== undefined && !s.nullable;

/** upstream structural defaulting.Default. */
function applyDefaults(x: unknown, s: Schema): void {
  if (!s) return;
  if (isJsonObject(x)) {
    for (const [k, prop] of Object.entries(s.properties ?? {})) {
      if (!hasDefault(prop)) continue;
      if (!(k in x) || isNonNullableNull(x[k], prop)) x[k] = cloneJson(prop.default);
    }
    const additional = additionalOf(s);
    for (const k of Object.keys(x)) {
      const prop = s.properties?.[k];
      if (prop) applyDefaults(x[k], prop);
      else if (additional) {
        if (isNonNullableNull(x[k], additional) && hasDefault(additional)) x[k] = cloneJson(additional.default);
        applyDefaults(x[k], additional);
      }
    }
  } else if (Array.isArray(x)) {
    const items = itemsOf(s);
    for (let i = 0; i < x.length; i++) {
      if (isNonNullableNull(x[i], items) && hasDefault(items)) x[i] = cloneJson(items!.default);
      applyDefaults(x[i], items);
    }
  }
}

function schemaForField(field: string, s: Schema): Schema {
  if (!s) return undefined;
  return s.properties?.[field] ?? additionalOf(s);
}

/** upstream PruneNonNullableNullsWithoutDefaults: a null where the schema neither allows null nor has a default goes. */
export function pruneNonNullableNulls(x: unknown, s: Schema): void {
  if (isJsonObject(x)) {
    for (const k of Object.keys(x)) {
      const schema = schemaForField(k, s);
      if (x[k] === null && schema && !schema.nullable && !hasDefault(schema)) delete x[k];
      else pruneNonNullableNulls(x[k], schema);
    }
  } else if (Array.isArray(x)) {
    const items = itemsOf(s);
    for (const v of x) pruneNonNullableNulls(v, items);
  }
}

/**
 * Applies `default`s from the schema in place (upstream structural defaulting, incl. nullable/null handling):
 * first drops nulls that are neither nullable nor defaultable, as upstream's decoder does, then defaults
 * missing fields and non-nullable nulls, parents before children.
 */
export function applySchemaDefaults(schema: JSONSchemaProps, object: unknown): void {
  pruneNonNullableNulls(object, schema);
  applyDefaults(object, schema);
}
