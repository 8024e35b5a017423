// Validation of a CRD's openAPIV3Schema (upstream ValidateCustomResourceDefinitionOpenAPISchema and its root checks).
import { forbiddenCause, invalidCause, notSupportedCause, requiredCause } from '../../meta/field-errors.js';
import type { StatusCause } from '../../meta/types.js';
import type { JSONSchemaProps } from './crd-types.js';
import { goSchemaValue } from './crd-validation-internal.js';
import { child, index, key } from './schema/field-path.js';
import { validFieldPath } from './structural-schema-field-path.js';
import { itemsSchema, newStructuralError } from './structural-schema.js';

export const openapiV3Types = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const supportedRuleReasons = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
const metaFields = new Set(['metadata', 'kind', 'apiVersion']);
const newlines = /[\n\r]+/;

/** What upstream's specStandardValidatorV3 carries down the schema. */
interface SchemaContext {
  allowDefaults: boolean;
  disallowDefaultsReason: string;
  insideResourceMeta: boolean;
  requireValidPropertyType: boolean;
  requireAtomicSetType: boolean;
  requireMapListKeysMapSetValidation: boolean;
}

export type SchemaOptions = Omit<SchemaContext, 'disallowDefaultsReason' | 'insideResourceMeta'>;

const listOf = <T>(v: T[] | undefined | null): T[] => (Array.isArray(v) ? v : []);
const sortedKeys = (m: Record<string, unknown> | undefined | null): string[] => (m && typeof m === 'object' ? Object.keys(m).sort() : []);

/** The checks of one schema node itself (upstream specStandardValidatorV3.validate). */
function standardChecks(s: JSONSchemaProps, path: string, ctx: SchemaContext): StatusCause[] {
  const causes: StatusCause[] = [];
  const type = s.type ?? '';
  if (ctx.requireValidPropertyType && type !== '' && !openapiV3Types.includes(type)) {
    causes.push(notSupportedCause(child(path, 'type'), type, openapiV3Types));
  }
  if (s.default !== undefined && s.default !== null && !ctx.allowDefaults) {
    const detail = ctx.disallowDefaultsReason ? `must not be set ${ctx.disallowDefaultsReason}` : 'must not be set';
    causes.push(forbiddenCause(child(path, 'default'), detail));
  }
  if (s.id) causes.push(forbiddenCause(child(path, 'id'), 'id is not supported'));
  if (s.additionalItems !== undefined && s.additionalItems !== null) causes.push(forbiddenCause(child(path, 'additionalItems'), 'additionalItems is not supported'));
  if (sortedKeys(s.patternProperties).length > 0) causes.push(forbiddenCause(child(path, 'patternProperties'), 'patternProperties is not supported'));
  if (sortedKeys(s.definitions).length > 0) causes.push(forbiddenCause(child(path, 'definitions'), 'definitions is not supported'));
  if (s.dependencies !== undefined && s.dependencies !== null) causes.push(forbiddenCause(child(path, 'dependencies'), 'dependencies is not supported'));
  if (s.$ref !== undefined && s.$ref !== null) causes.push(forbiddenCause(child(path, '$ref'), '$ref is not supported'));
  if (type === 'null') causes.push(forbiddenCause(child(path, 'type'), 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(s.items) && s.items.length > 0) causes.push(forbiddenCause(child(path, 'items'), 'items must be a schema object and not an array'));
  if (ctx.insideResourceMeta && s['x-kubernetes-embedded-resource']) {
    causes.push(forbiddenCause(child(path, 'x-kubernetes-embedded-resource'), 'must not be used inside of resource meta'));
  }
  return causes;
}

/** upstream validateMapListKeysMapSet: set/map items are not nullable; map keys are required or defaulted. */
export function mapListKeysMapSetCauses(s: JSONSchemaProps, path: string): StatusCause[] {
  const items = itemsSchema(s);
  const listType = s['x-kubernetes-list-type'];
  if (!items || (listType !== 'set' && listType !== 'map')) return [];
  const causes: StatusCause[] = [];
  if (items.nullable) causes.push(forbiddenCause(child(child(path, 'items'), 'nullable'), `cannot be nullable when x-kubernetes-list-type is ${listType}`));
  if (listType === 'map') {
    const required = new Set(listOf(items.required));
    for (const k of listOf(s['x-kubernetes-list-map-keys'])) {
      const prop = items.properties?.[k];
      if (!prop) continue;
      const propPath = key(child(child(path, 'items'), 'properties'), k);
      if (!required.has(k) && (prop.default === undefined || prop.default === null)) {
        causes.push(requiredCause(child(propPath, 'default'), 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
      }
      if (prop.nullable) causes.push(forbiddenCause(child(propPath, 'nullable'), 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
    }
  }
  return causes;
}

function listAndMapTypeCauses(s: JSONSchemaProps, path: string, ctx: SchemaContext): StatusCause[] {
  const causes: StatusCause[] = [];
  const type = s.type ?? '';
  const mapType = s['x-kubernetes-map-type'];
  const listType = s['x-kubernetes-list-type'];
  const mapKeys = listOf(s['x-kubernetes-list-map-keys']);
  const items = itemsSchema(s);
  const hasMapType = mapType !== undefined && mapType !== null;
  const hasListType = listType !== undefined && listType !== null;
  if (hasMapType && type !== 'object') {
    const detail = 'must be object if x-kubernetes-map-type is specified';
    causes.push(type === '' ? requiredCause(child(path, 'type'), detail) : invalidCause(child(path, 'type'), type, detail));
  }
  if (hasMapType && mapType !== 'atomic' && mapType !== 'granular') {
    causes.push(notSupportedCause(child(path, 'x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  }
  if (hasListType && type !== 'array') {
    const detail = 'must be array if x-kubernetes-list-type is specified';
    causes.push(type === '' ? requiredCause(child(path, 'type'), detail) : invalidCause(child(path, 'type'), type, detail));
  } else if (ctx.requireAtomicSetType && listType === 'set' && items) {
    const detail = 'must be atomic as item of a list with x-kubernetes-list-type=set';
    const itemListType = items['x-kubernetes-list-type'];
    if (items.type === 'array' && itemListType !== undefined && itemListType !== null && itemListType !== 'atomic') {
      causes.push(invalidCause(child(child(path, 'items'), 'x-kubernetes-list-type'), itemListType, detail));
    } else if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      // upstream reports the items' list type here (nil for an object), which prints as null.
      causes.push(invalidCause(child(child(path, 'items'), 'x-kubernetes-map-type'), itemListType ?? null, detail));
    }
  }
  if (hasListType && listType !== 'atomic' && listType !== 'set' && listType !== 'map') {
    causes.push(notSupportedCause(child(path, 'x-kubernetes-list-type'), listType, ['atomic', 'set', 'map']));
  }
  if (mapKeys.length > 0) {
    const detail = 'must be map if x-kubernetes-list-map-keys is non-empty';
    if (!hasListType) causes.push(requiredCause(child(path, 'x-kubernetes-list-type'), detail));
    else if (listType !== 'map') causes.push(invalidCause(child(path, 'x-kubernetes-list-type'), listType, detail));
  }
  if (listType === 'map') {
    if (mapKeys.length === 0) causes.push(requiredCause(child(path, 'x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'));
    if (s.items === undefined || s.items === null) causes.push(requiredCause(child(path, 'items'), 'must have a schema if x-kubernetes-list-type is map'));
    else if (!items) causes.push(invalidCause(child(path, 'items'), { Schema: null, JSONSchemas: (s.items as JSONSchemaProps[]).map(goSchemaValue) }, 'must only have a single schema if x-kubernetes-list-type is map'));
    if (items && items.type !== 'object') {
      causes.push(invalidCause(child(child(path, 'items'), 'type'), items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    }
    if (items && items.type === 'object') {
      const seen = new Set<string>();
      for (const k of mapKeys) {
        const prop = items.properties?.[k];
        if (prop) {
          if (prop.type === 'array' || prop.type === 'object') {
            // upstream prints the items' type, not the key property's.
            causes.push(invalidCause(child(key(child(child(path, 'items'), 'properties'), k), 'type'), items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
          }
        } else {
          causes.push(invalidCause(child(path, 'x-kubernetes-list-map-keys'), mapKeys, 'entries must all be names of item properties'));
        }
        if (seen.has(k)) causes.push(invalidCause(child(path, 'x-kubernetes-list-map-keys'), mapKeys, 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  if (ctx.requireMapListKeysMapSetValidation) causes.push(...mapListKeysMapSetCauses(s, path));
  return causes;
}

/** The static checks of x-kubernetes-validations entries (the CEL compilation itself is the CEL helper's). */
function ruleCauses(s: JSONSchemaProps, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  listOf(s['x-kubernetes-validations']).forEach((rule, i) => {
    const rulePath = index(child(path, 'x-kubernetes-validations'), i);
    const ruleText = String(rule?.rule ?? '').trim();
    const message = String(rule?.message ?? '');
    const trimmedMessage = message.trim();
    if (ruleText.length === 0) causes.push(requiredCause(child(rulePath, 'rule'), 'rule is not specified'));
    else if (message.length > 0 && trimmedMessage.length === 0) causes.push(invalidCause(child(rulePath, 'message'), message, 'must be non-empty if specified'));
    else if (newlines.test(trimmedMessage)) causes.push(invalidCause(child(rulePath, 'message'), message, 'must not contain line breaks'));
    else if (newlines.test(ruleText) && trimmedMessage.length === 0) {
      causes.push(requiredCause(child(rulePath, 'message'), 'message must be specified if rule contains line breaks'));
    }
    const messageExpression = String(rule?.messageExpression ?? '');
    if (messageExpression.length > 0 && messageExpression.trim().length === 0) {
      causes.push(requiredCause(child(rulePath, 'messageExpression'), 'messageExpression must be non-empty if specified'));
    }
    if (rule?.reason !== undefined && rule.reason !== null && !supportedRuleReasons.includes(rule.reason)) {
      causes.push(notSupportedCause(child(rulePath, 'reason'), rule.reason, supportedRuleReasons));
    }
    const fieldPath = String(rule?.fieldPath ?? '');
    if (fieldPath.length > 0 && fieldPath.trim().length === 0) causes.push(invalidCause(child(rulePath, 'fieldPath'), fieldPath, 'must be non-empty if specified'));
    if (newlines.test(fieldPath)) causes.push(invalidCause(child(rulePath, 'fieldPath'), fieldPath, 'must not contain line breaks'));
    if (fieldPath.length > 0 && !rulePathValid(s, fieldPath)) causes.push(invalidCause(child(rulePath, 'fieldPath'), fieldPath, 'must be a valid path'));
  });
  return causes;
}

function rulePathValid(s: JSONSchemaProps, fieldPath: string): boolean {
  if (newStructuralError(s) !== undefined) return true;
  try {
    validFieldPath(fieldPath, s);
    return true;
  } catch {
    return false;
  }
}

/** upstream ValidateCustomResourceDefinitionOpenAPISchema (its schema errors; CEL compilation is added by the caller). */
export function validateOpenAPISchema(s: JSONSchemaProps | undefined, path: string, ctx: SchemaContext, isRoot: boolean): StatusCause[] {
  if (!s || typeof s !== 'object') return [];
  const causes = standardChecks(s, path, ctx);
  if (s.uniqueItems === true) causes.push(forbiddenCause(child(path, 'uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  const additional = s.additionalProperties;
  if (additional !== undefined && additional !== null) {
    if (sortedKeys(s.properties).length > 0 && (additional === false || typeof additional === 'object')) {
      causes.push(forbiddenCause(child(path, 'additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
    }
    // Pruning without a value is ambiguous, so metadata maps may not default their entries.
    const sub = ctx.insideResourceMeta ? forbidDefaults(ctx, 'inside additionalProperties applying to object metadata') : ctx;
    if (typeof additional === 'object') causes.push(...validateOpenAPISchema(additional, child(path, 'additionalProperties'), sub, false));
  }
  for (const property of sortedKeys(s.properties)) {
    let sub = ctx;
    if ((isRoot || s['x-kubernetes-embedded-resource']) && metaFields.has(property)) {
      sub = { ...sub, insideResourceMeta: true };
      if (isRoot) sub = forbidDefaults(sub, `in top-level ${property}`);
    }
    causes.push(...validateOpenAPISchema(s.properties![property], key(child(path, 'properties'), property), sub, false));
  }
  causes.push(...validateOpenAPISchema(s.not, child(path, 'not'), ctx, false));
  for (const junctor of ['allOf', 'oneOf', 'anyOf'] as const) {
    listOf(s[junctor]).forEach((sub, i) => causes.push(...validateOpenAPISchema(sub, index(child(path, junctor), i), ctx, false)));
  }
  for (const name of sortedKeys(s.definitions)) causes.push(...validateOpenAPISchema(s.definitions![name], key(child(path, 'definitions'), name), ctx, false));
  if (s.items !== undefined && s.items !== null) {
    if (Array.isArray(s.items)) s.items.forEach((sub, i) => causes.push(...validateOpenAPISchema(sub, index(child(path, 'items'), i), ctx, false)));
    else causes.push(...validateOpenAPISchema(s.items, child(path, 'items'), ctx, false));
  }
  for (const name of sortedKeys(s.dependencies)) {
    const dependency = s.dependencies![name];
    if (dependency && !Array.isArray(dependency)) causes.push(...validateOpenAPISchema(dependency, key(child(path, 'dependencies'), name), ctx, false));
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    causes.push(invalidCause(child(path, 'x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  }
  causes.push(...listAndMapTypeCauses(s, path, ctx));
  causes.push(...ruleCauses(s, path));
  return causes;
}

function forbidDefaults(ctx: SchemaContext, reason: string): SchemaContext {
  return { ...ctx, allowDefaults: false, disallowDefaultsReason: reason };
}

/** The context a root schema starts with. */
export function rootSchemaContext(options: SchemaOptions): SchemaContext {
  return { ...options, disallowDefaultsReason: '', insideResourceMeta: false };
}

/** JSONSchemaProps fields (by Go name) allowed at the root when the status subresource is on. */
const allowedAtRoot: Record<string, string> = {
  description: 'Description', type: 'Type', format: 'Format', title: 'Title', maximum: 'Maximum', exclusiveMaximum: 'ExclusiveMaximum',
  minimum: 'Minimum', exclusiveMinimum: 'ExclusiveMinimum', maxLength: 'MaxLength', minLength: 'MinLength', pattern: 'Pattern',
  maxItems: 'MaxItems', minItems: 'MinItems', uniqueItems: 'UniqueItems', multipleOf: 'MultipleOf', required: 'Required', items: 'Items',
  properties: 'Properties', externalDocs: 'ExternalDocs', example: 'Example', 'x-kubernetes-preserve-unknown-fields': 'XPreserveUnknownFields',
  'x-kubernetes-validations': 'XValidations',
};
const allowedAtRootText = `[${Object.values(allowedAtRoot).join(' ')}]`;

/** Go's zero value check for the root-field rule: false, "", empty lists and maps count as unset. */
function isSet(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/**
 * With the status subresource on, status's schema is cut out of properties["status"], so the root may only carry
 * what survives that cut; upstream stops at the first offending field in struct order.
 */
export function statusRootCauses(s: JSONSchemaProps, path: string): StatusCause[] {
  const goOrder = Object.keys(goSchemaValue({}) as Record<string, unknown>);
  const jsonNames = new Map(Object.keys(fieldsByGoName).map((g) => [g, fieldsByGoName[g]!]));
  for (const goName of goOrder) {
    const jsonName = jsonNames.get(goName);
    if (!jsonName || !isSet((s as Record<string, unknown>)[jsonName])) continue;
    if (goName === 'Type') {
      if (s.type !== 'object') return [invalidCause(child(path, 'openAPIV3Schema.type'), s.type, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled')];
      continue;
    }
    if (!Object.values(allowedAtRoot).includes(goName)) {
      return [invalidCause(child(path, 'openAPIV3Schema'), goSchemaValue(s), `only ${allowedAtRootText} fields are allowed at the root of the schema if the status subresource is enabled`)];
    }
  }
  return [];
}

/** v1 JSON field names by internal Go field name. */
const fieldsByGoName: Record<string, string> = {
  ID: 'id', Schema: '$schema', Ref: '$ref', Description: 'description', Type: 'type', Nullable: 'nullable', Format: 'format', Title: 'title',
  Default: 'default', Maximum: 'maximum', ExclusiveMaximum: 'exclusiveMaximum', Minimum: 'minimum', ExclusiveMinimum: 'exclusiveMinimum',
  MaxLength: 'maxLength', MinLength: 'minLength', Pattern: 'pattern', MaxItems: 'maxItems', MinItems: 'minItems', UniqueItems: 'uniqueItems',
  MultipleOf: 'multipleOf', Enum: 'enum', MaxProperties: 'maxProperties', MinProperties: 'minProperties', Required: 'required', Items: 'items',
  AllOf: 'allOf', OneOf: 'oneOf', AnyOf: 'anyOf', Not: 'not', Properties: 'properties', AdditionalProperties: 'additionalProperties',
  PatternProperties: 'patternProperties', Dependencies: 'dependencies', AdditionalItems: 'additionalItems', Definitions: 'definitions',
  ExternalDocs: 'externalDocs', Example: 'example', XPreserveUnknownFields: 'x-kubernetes-preserve-unknown-fields',
  XEmbeddedResource: 'x-kubernetes-embedded-resource', XIntOrString: 'x-kubernetes-int-or-string', XListMapKeys: 'x-kubernetes-list-map-keys',
  XListType: 'x-kubernetes-list-type', XMapType: 'x-kubernetes-map-type', XValidations: 'x-kubernetes-validations',
};
