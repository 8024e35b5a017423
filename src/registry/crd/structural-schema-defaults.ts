// Checks of `default` values in a structural schema (upstream defaulting.ValidateDefaults): pruned and schema-valid.
import { cloneJson, deepEqual } from '../../meta/deep-equal.js';
import { invalidCause } from '../../meta/field-errors.js';
import type { StatusCause } from '../../meta/types.js';
import type { JSONSchemaProps } from './crd-types.js';
import { child, key, nilPath } from './schema/field-path.js';
import { goMapOrder, isJsonObject } from './schema/go-values.js';
import { validateCustomResource } from './schema/validate.js';
import { additionalPropertiesOf, itemsSchema } from './structural-schema.js';

const metaFields = new Set(['apiVersion', 'kind', 'metadata']);

/** upstream pruning.prune on a default value: drops what the schema does not specify, keeping embedded type/object meta. */
function prune(x: unknown, s: JSONSchemaProps | undefined): void {
  if (s?.['x-kubernetes-preserve-unknown-fields']) return skipPrune(x, s);
  if (isJsonObject(x)) {
    for (const k of Object.keys(x)) {
      if (s?.['x-kubernetes-embedded-resource'] && metaFields.has(k)) continue;
      const prop = s?.properties?.[k];
      const additional = s ? additionalPropertiesOf(s) : undefined;
      if (prop) prune(x[k], prop);
      else if (s && additional !== undefined) prune(x[k], typeof additional === 'object' ? additional : undefined);
      else delete x[k];
    }
  } else if (Array.isArray(x)) {
    for (const item of x) prune(item, s ? itemsSchema(s) : undefined);
  }
}

function skipPrune(x: unknown, s: JSONSchemaProps): void {
  if (isJsonObject(x)) {
    for (const k of Object.keys(x)) {
      if (s['x-kubernetes-embedded-resource'] && metaFields.has(k)) continue;
      const prop = s.properties?.[k];
      const additional = additionalPropertiesOf(s);
      if (prop) prune(x[k], prop);
      else if (additional !== undefined) prune(x[k], typeof additional === 'object' ? additional : undefined);
    }
  } else if (Array.isArray(x)) {
    const items = itemsSchema(s);
    for (const item of x) if (items) skipPrune(item, items);
  }
}

/** Schema violations of a default, on `<path>.default…` as upstream's ValidateCustomResource(pth.Child("default")) names them. */
function defaultValueCauses(defaultPath: string, s: JSONSchemaProps, value: unknown): StatusCause[] {
  return validateCustomResource(s, value).map((c) => ({
    ...c,
    field: c.field === nilPath || !c.field ? defaultPath : `${defaultPath}.${c.field}`,
  }));
}

class DefaultsValidator {
  readonly causes: StatusCause[] = [];
  constructor(private readonly requirePrunedDefaults: boolean) {}

  walk(path: string, s: JSONSchemaProps | undefined, insideMeta: boolean): void {
    if (!s || typeof s !== 'object') return;
    if (s['x-kubernetes-embedded-resource']) insideMeta = false;
    if (s.default !== undefined && s.default !== null) this.checkDefault(path, s, insideMeta);
    // additionalProperties are not followed: defaults are forbidden there.
    const items = itemsSchema(s);
    if (items) this.walk(child(path, 'items'), items, insideMeta);
    for (const k of Object.keys(s.properties ?? {}).sort()) {
      const subInsideMeta = insideMeta || (s['x-kubernetes-embedded-resource'] === true && metaFields.has(k));
      this.walk(key(child(path, 'properties'), k), s.properties![k], subInsideMeta);
    }
  }

  private checkDefault(path: string, s: JSONSchemaProps, insideMeta: boolean): void {
    const defaultPath = child(path, 'default');
    if (!insideMeta && this.requirePrunedDefaults) {
      const pruned = cloneJson(s.default);
      prune(pruned, s);
      if (!deepEqual(pruned, s.default)) this.causes.push(invalidCause(defaultPath, goMapOrder(s.default), 'must not have unknown fields'));
    }
    this.causes.push(...defaultValueCauses(defaultPath, s, s.default));
  }
}

/**
 * upstream ValidateDefaults for a resource root: each default must survive pruning and validate against its own
 * schema. CEL rules are not run on defaults here (the CEL helper compiles them; evaluating them is left out).
 */
export function validateSchemaDefaults(path: string, schema: JSONSchemaProps, requirePrunedDefaults: boolean): StatusCause[] {
  const v = new DefaultsValidator(requirePrunedDefaults);
  v.walk(path, { ...schema, 'x-kubernetes-embedded-resource': true }, false);
  return v.causes;
}

/** Whether a schema has defaults that pruning would change (upstream schemaHasUnprunedDefaults), for the update ratchet. */
export function hasUnprunedDefaults(schema: JSONSchemaProps | undefined): boolean {
  if (!schema) return false;
  return validateSchemaDefaults('', schema, true).some((c) => c.message?.endsWith('must not have unknown fields'));
}
