// Structural schema rules (upstream apiserver/schema NewStructural and ValidateStructural) over v1 JSONSchemaProps.
import { RE2JS } from '@bufbuild/re2';
import { deepEqual } from '../../meta/deep-equal.js';
import { causeString, forbiddenCause, invalidCause, requiredCause } from '../../meta/field-errors.js';
import type { StatusCause } from '../../meta/types.js';
import type { JSONSchemaProps } from './crd-types.js';
import { child, index, key } from './schema/field-path.js';

type Level = 'root' | 'item' | 'field';

/** The single schema of `items` (an array of schemas is not structural and reported elsewhere). */
export const itemsSchema = (s: JSONSchemaProps): JSONSchemaProps | undefined =>
  s.items && !Array.isArray(s.items) && typeof s.items === 'object' ? s.items : undefined;

/** additionalProperties as NewStructural keeps it: a schema, `true`/`false`, or absent. */
export const additionalPropertiesOf = (s: JSONSchemaProps): JSONSchemaProps | boolean | undefined =>
  s.additionalProperties === null ? undefined : s.additionalProperties;

const listOf = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
const entriesOf = (m: Record<string, JSONSchemaProps> | undefined): [string, JSONSchemaProps][] =>
  m && typeof m === 'object' ? Object.keys(m).sort().map((k) => [k, m[k]!]) : [];
const hasEntries = (m: object | undefined | null): boolean => !!m && typeof m === 'object' && Object.keys(m).length > 0;

function unsupportedFieldError(s: JSONSchemaProps): string | undefined {
  if (s.id) return "OpenAPIV3Schema 'id' is not supported";
  if (s.$schema) return "OpenAPIV3Schema 'schema' is not supported";
  if (s.$ref) return "OpenAPIV3Schema '$ref' is not supported";
  if (hasEntries(s.patternProperties)) return "OpenAPIV3Schema 'patternProperties' is not supported";
  if (hasEntries(s.dependencies)) return "OpenAPIV3Schema 'dependencies' is not supported";
  if (s.additionalItems !== undefined && s.additionalItems !== null) return "OpenAPIV3Schema 'additionalItems' is not supported";
  if (hasEntries(s.definitions)) return "OpenAPIV3Schema 'definitions' is not supported";
  return undefined;
}

/** The error upstream's NewStructural returns for a schema it cannot convert, if any (first one found). */
export function newStructuralError(s: JSONSchemaProps | undefined): string | undefined {
  if (!s || typeof s !== 'object') return undefined;
  const own = unsupportedFieldError(s);
  if (own) return own;
  for (const nested of [s.not, ...listOf(s.allOf), ...listOf(s.anyOf), ...listOf(s.oneOf)]) {
    const err = nested ? newStructuralError(nested) : undefined;
    if (err) return err;
  }
  if (s['x-kubernetes-preserve-unknown-fields'] === false) {
    return "internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined";
  }
  if (Array.isArray(s.items) && s.items.length > 0) return "OpenAPIV3Schema 'items' must be a schema, but is an array";
  for (const sub of [itemsSchema(s), ...entriesOf(s.properties).map(([, p]) => p)]) {
    const err = newStructuralError(sub);
    if (err) return err;
  }
  const additional = additionalPropertiesOf(s);
  return typeof additional === 'object' ? newStructuralError(additional) : undefined;
}

const onlyKeys = (s: JSONSchemaProps | undefined, expected: Record<string, unknown>): boolean =>
  !!s && deepEqual(Object.fromEntries(Object.entries(s).filter(([, v]) => !isZero(v))), expected);

function isIntOrStringAnyOf(anyOf: JSONSchemaProps[] | undefined): boolean {
  return Array.isArray(anyOf) && anyOf.length === 2 && onlyKeys(anyOf[0], { type: 'integer' }) && onlyKeys(anyOf[1], { type: 'string' });
}

/** Go zero values: what a converted Structural leaves unset. */
function isZero(v: unknown): boolean {
  return v === undefined || v === null || v === false || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);
}

class StructuralValidator {
  readonly causes: StatusCause[] = [];

  invariants(s: JSONSchemaProps | undefined, lvl: Level, path: string): void {
    if (!s || typeof s !== 'object') return;
    const type = s.type ?? '';
    const items = itemsSchema(s);
    if (type === 'array' && s.items === undefined) this.causes.push(requiredCause(child(path, 'items'), 'must be specified'));
    this.invariants(items, 'item', child(path, 'items'));
    for (const [k, prop] of entriesOf(s.properties)) this.invariants(prop, 'field', key(child(path, 'properties'), k));
    const additional = additionalPropertiesOf(s);
    if (additional !== undefined) {
      if (lvl === 'root') this.causes.push(forbiddenCause(child(path, 'additionalProperties'), 'must not be used at the root'));
      if (typeof additional === 'object') this.invariants(additional, 'field', child(path, 'additionalProperties'));
    }
    const intOrString = s['x-kubernetes-int-or-string'] === true;
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
    const embedded = s['x-kubernetes-embedded-resource'] === true;
    if (intOrString && preserve) {
      this.causes.push(invalidCause(child(path, 'x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
    }
    if (intOrString && embedded) {
      this.causes.push(invalidCause(child(path, 'x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));
    }
    const skipAnyOf = isIntOrStringAnyOf(s.anyOf);
    const skipFirstAllOfAnyOf = listOf(s.allOf).length >= 1 && isIntOrStringAnyOf(s.allOf![0]!.anyOf);
    this.valueValidation(s, skipAnyOf, skipFirstAllOfAnyOf, lvl, path);
    const checkMetadata = lvl === 'root' || embedded;
    if (embedded && type !== 'object') {
      const detail = 'must be object if x-kubernetes-embedded-resource is true';
      this.causes.push(type === '' ? requiredCause(child(path, 'type'), detail) : invalidCause(child(path, 'type'), type, detail));
    } else if (type === '' && !intOrString && !preserve) {
      const where = { root: 'at the root', item: 'for specified array items', field: 'for specified object fields' }[lvl];
      this.causes.push(requiredCause(child(path, 'type'), `must not be empty ${where}`));
    }
    if (embedded && additional !== undefined) {
      this.causes.push(forbiddenCause(child(path, 'additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'));
    }
    if (lvl === 'root' && type !== '' && type !== 'object') this.causes.push(invalidCause(child(path, 'type'), type, 'must be object at the root'));
    const properties = s.properties ?? {};
    for (const typeField of ['kind', 'apiVersion']) {
      const prop = properties[typeField];
      if (prop && checkMetadata && prop.type !== 'string') {
        this.causes.push(invalidCause(child(key(child(path, 'properties'), typeField), 'type'), prop.type ?? '', 'must be string'));
      }
    }
    if (properties.metadata) this.metadataInvariants(properties.metadata, checkMetadata, lvl, key(child(path, 'properties'), 'metadata'));
    if (embedded && !preserve && !hasEntries(s.properties)) {
      this.causes.push(requiredCause(child(path, 'properties'), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
    }
  }

  /** Root metadata may only restrict name and generateName: anything else would let a schema constrain ObjectMeta. */
  private metadataInvariants(s: JSONSchemaProps, checkMetadata: boolean, lvl: Level, path: string): void {
    if (checkMetadata && s.type !== 'object') this.causes.push(invalidCause(child(path, 'type'), s.type ?? '', 'must be object'));
    if (lvl !== 'root') return;
    const propertyNames = Object.keys(s.properties ?? {});
    const onlyNames = propertyNames.length > 0 && propertyNames.length <= 2 && propertyNames.every((n) => n === 'name' || n === 'generateName');
    const rest = Object.entries(s).filter(([k, v]) => k !== 'type' && k !== 'default' && !(k === 'properties' && onlyNames) && !isZero(v));
    if (rest.length > 0) {
      this.causes.push(forbiddenCause(path, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
    }
  }

  private valueValidation(v: JSONSchemaProps, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, lvl: Level, path: string): void {
    if (!skipAnyOf) listOf(v.anyOf).forEach((n, i) => this.nested(n, false, lvl, index(child(path, 'anyOf'), i)));
    listOf(v.allOf).forEach((n, i) => this.nested(n, skipFirstAllOfAnyOf && i === 0, lvl, index(child(path, 'allOf'), i)));
    listOf(v.oneOf).forEach((n, i) => this.nested(n, false, lvl, index(child(path, 'oneOf'), i)));
    if (v.not) this.nested(v.not, false, lvl, child(path, 'not'));
    if (v.pattern) {
      try {
        RE2JS.compile(v.pattern);
      } catch (e) {
        this.causes.push(invalidCause(child(path, 'pattern'), v.pattern, `must be a valid regular expression, but isn't: ${(e as Error).message}`));
      }
    }
  }

  /** A schema under allOf/anyOf/oneOf/not may only validate values, never say what the value is. */
  private nested(v: JSONSchemaProps, skipAnyOf: boolean, lvl: Level, path: string): void {
    if (!v || typeof v !== 'object') return;
    this.valueValidation(v, skipAnyOf, false, lvl, path);
    const items = itemsSchema(v);
    if (items) this.nested(items, false, lvl, child(path, 'items'));
    for (const [k, prop] of entriesOf(v.properties)) this.nested(prop, false, 'field', key(child(path, 'properties'), k));
    const forbid = (field: string, detail: string) => this.causes.push(forbiddenCause(child(path, field), detail));
    if (v.type) forbid('type', 'must be empty to be structural');
    const additional = additionalPropertiesOf(v);
    if (additional === true || typeof additional === 'object') forbid('additionalProperties', 'must be undefined to be structural');
    if (v.default !== undefined && v.default !== null) forbid('default', 'must be undefined to be structural');
    if (v.title) forbid('title', 'must be empty to be structural');
    if (v.description) forbid('description', 'must be empty to be structural');
    if (v.nullable) forbid('nullable', 'must be false to be structural');
    if (v['x-kubernetes-preserve-unknown-fields']) forbid('x-kubernetes-preserve-unknown-fields', 'must be false to be structural');
    if (v['x-kubernetes-embedded-resource']) forbid('x-kubernetes-embedded-resource', 'must be false to be structural');
    if (v['x-kubernetes-int-or-string']) forbid('x-kubernetes-int-or-string', 'must be false to be structural');
    if (listOf(v['x-kubernetes-list-map-keys']).length > 0) forbid('x-kubernetes-list-map-keys', 'must be empty to be structural');
    if (v['x-kubernetes-list-type'] !== undefined && v['x-kubernetes-list-type'] !== null) forbid('x-kubernetes-list-type', 'must be undefined to be structural');
    if (v['x-kubernetes-map-type'] !== undefined && v['x-kubernetes-map-type'] !== null) forbid('x-kubernetes-map-type', 'must be undefined to be structural');
    if (listOf(v['x-kubernetes-validations']).length > 0) forbid('x-kubernetes-validations', 'must be empty to be structural');
    if (v.properties && 'metadata' in v.properties) {
      this.causes.push(forbiddenCause(key(child(path, 'properties'), 'metadata'), 'must not be specified in a nested context'));
    }
  }

  /** Every value validation must apply to something the structural part of the schema specifies. */
  completeness(v: JSONSchemaProps, s: JSONSchemaProps | undefined, sPath: string, vPath: string): void {
    if (!s) {
      this.causes.push(requiredCause(sPath, `because it is defined in ${vPath}`));
      return;
    }
    if (v.not) this.nestedCompleteness(v.not, s, sPath, child(vPath, 'not'));
    listOf(v.allOf).forEach((n, i) => this.nestedCompleteness(n, s, sPath, index(child(vPath, 'allOf'), i)));
    listOf(v.anyOf).forEach((n, i) => this.nestedCompleteness(n, s, sPath, index(child(vPath, 'anyOf'), i)));
    listOf(v.oneOf).forEach((n, i) => this.nestedCompleteness(n, s, sPath, index(child(vPath, 'oneOf'), i)));
  }

  private nestedCompleteness(v: JSONSchemaProps, s: JSONSchemaProps | undefined, sPath: string, vPath: string): void {
    if (!v || typeof v !== 'object') return;
    this.completeness(v, s, sPath, vPath);
    if (!s) return;
    const vItems = itemsSchema(v);
    if (vItems) this.nestedCompleteness(vItems, itemsSchema(s), child(sPath, 'items'), child(vPath, 'items'));
    for (const [k, vProp] of entriesOf(v.properties)) {
      const sProp = s.properties?.[k];
      const sPropPath = key(child(sPath, 'properties'), k);
      const vPropPath = key(child(vPath, 'properties'), k);
      if (!sProp) this.causes.push(requiredCause(sPropPath, `because it is defined in ${vPropPath}`));
      else this.nestedCompleteness(vProp, sProp, sPropPath, vPropPath);
    }
  }
}

/** upstream ValidateStructural: the structural invariants and completeness, sorted by their text as upstream sorts. */
export function validateStructural(path: string, schema: JSONSchemaProps): StatusCause[] {
  const v = new StructuralValidator();
  v.invariants(schema, 'root', path);
  v.completeness(schema, schema, path, path);
  return v.causes.sort((a, b) => {
    const x = causeString(a);
    const y = causeString(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Whether a schema is not structural (upstream schemaIsNonStructural), for the update ratchets. */
export function isNonStructural(schema: JSONSchemaProps | undefined): boolean {
  if (!schema) return false;
  return newStructuralError(schema) !== undefined || validateStructural('', schema).length > 0;
}
