// A port of kube-openapi's SchemaValidator as apiextensions runs it on custom resources: same checks, order and texts.
import { deepEqual } from '../../../meta/deep-equal.js';
import { goQuote } from '../../../meta/field-errors.js';
import type { JSONSchemaProps } from '../crd-types.js';
import { goFloat, goSliceV, isJsonObject, jsonKind } from './go-values.js';
import { effectiveFormat, isKnownFormat, matchesFormat } from './string-formats.js';

/** kube-openapi's errors.Validation codes that apiextensions maps to particular field.Error types. */
export type ValidationCode =
  | 'InvalidType'
  | 'Required'
  | 'TooLong'
  | 'TooShort'
  | 'Pattern'
  | 'Enum'
  | 'MultipleOf'
  | 'Max'
  | 'Min'
  | 'Unique'
  | 'MaxItems'
  | 'MinItems'
  | 'TooFewProperties'
  | 'TooManyProperties'
  | 'UnallowedProperty'
  | 'MultipleOfMustBePositive';

/** One kube-openapi error: a *errors.Validation (with code, name and value) or a plain error (code undefined). */
export interface OpenApiError {
  code?: ValidationCode;
  /** The dotted path kube-openapi names the value by (`spec.items[0].name`); `.x` at the root. */
  name: string;
  /** The offending value; undefined stands for Go's nil. */
  value?: unknown;
  /** The limit for TooLong/MaxItems/TooManyProperties. */
  valid?: number;
  /** The allowed values of an Enum error. */
  values?: unknown[];
  message: string;
}

class Result {
  readonly errors: OpenApiError[] = [];
  matchCount = 0;

  add(...errors: OpenApiError[]): void {
    // kube-openapi keeps one error per distinct message.
    for (const e of errors) if (!this.errors.some((r) => r.message === e.message)) this.errors.push(e);
  }

  merge(...others: (Result | undefined)[]): this {
    for (const o of others) {
      if (!o) continue;
      this.add(...o.errors);
      this.matchCount += o.matchCount;
    }
    return this;
  }

  get valid(): boolean {
    return this.errors.length === 0;
  }

  inc(): void {
    this.matchCount++;
  }
}

function single(error: OpenApiError): Result {
  const r = new Result();
  r.errors.push(error);
  return r;
}

const body = 'body';

function invalidType(name: string, typeName: string, value: unknown): OpenApiError {
  const message =
    typeof value === 'string'
      ? `${name} in ${body} must be of type ${typeName}: ${goQuote(value)}`
      : `${name} in ${body} must be of type ${typeName}`;
  return { code: 'InvalidType', name, value, message };
}

/** The schema as the validator sees it after apiextensions' conversion to a go-openapi spec.Schema. */
interface Prepared {
  types: string[];
  format: string;
}

const prepared = new WeakMap<JSONSchemaProps, Prepared>();

function prepare(s: JSONSchemaProps): Prepared {
  let p = prepared.get(s);
  if (!p) {
    const types = s['x-kubernetes-int-or-string'] ? ['integer', 'string'] : s.type ? [s.type] : [];
    p = { types, format: effectiveFormat(s.format, types) };
    prepared.set(s, p);
  }
  return p;
}

/** swag.IsFloat64AJSONInteger: whole, or within a relative 1e-9 of a whole number, inside ±2^53. */
function isFloatAJsonInteger(f: number): boolean {
  const limit = 2 ** 53 - 1;
  if (!Number.isFinite(f) || f < -limit || f > limit) return false;
  const g = Math.trunc(f);
  if (f === g) return true;
  const diff = Math.abs(f - g);
  if (g === 0) return false;
  return diff / Math.min(Math.abs(f) + Math.abs(g), Number.MAX_VALUE) < 1e-9;
}

function validateType(s: JSONSchemaProps, p: Prepared, data: unknown, path: string): Result {
  const result = new Result();
  result.inc();
  if (data === null || data === undefined) {
    if (p.types.length > 0 && !p.types.includes('null') && !s.nullable) return single(invalidType(path, p.types.join(','), 'null'));
    return result;
  }
  const kind = jsonKind(data);
  const goFormat = kind === 'integer' ? 'int64' : kind === 'number' ? 'float64' : '';
  const isFloatInt = kind === 'number' && isFloatAJsonInteger(data as number) && p.types.includes('integer');
  const isIntFloat = kind === 'integer' && p.types.includes('number');
  const stringOrSlice = kind === 'string' || kind === 'array';
  if (!stringOrSlice && p.format !== '' && !(p.types.includes(kind) || goFormat === p.format || isFloatInt || isIntFloat)) {
    return single(invalidType(path, p.format, goFormat));
  }
  if (!(p.types.includes('number') || p.types.includes('integer')) && p.format !== '' && stringOrSlice) return result;
  if (!(p.types.includes(kind) || isFloatInt || isIntFloat)) return single(invalidType(path, p.types.join(','), kind));
  return result;
}

function plain(message: string, name = ''): OpenApiError {
  return { name, message };
}

function validateSchemaProps(s: JSONSchemaProps, data: unknown, path: string): Result {
  const main = new Result();
  if (s.anyOf && s.anyOf.length > 0) {
    let best: Result | undefined;
    let firstSuccess: Result | undefined;
    for (const alternative of s.anyOf) {
      const r = validateValue(alternative, data, path);
      if (r.valid) {
        best = undefined;
        firstSuccess = r;
        break;
      }
      if (!best || r.matchCount > best.matchCount) best = r;
    }
    if (!firstSuccess) main.add(plain(`${goQuote(path)} must validate at least one schema (anyOf)`));
    main.merge(best ?? firstSuccess);
  }
  if (s.oneOf && s.oneOf.length > 0) {
    let best: Result | undefined;
    let firstSuccess: Result | undefined;
    let validated = 0;
    for (const alternative of s.oneOf) {
      const r = validateValue(alternative, data, path);
      if (r.valid) {
        validated++;
        best = undefined;
        firstSuccess ??= r;
        continue;
      }
      if (validated === 0 && (!best || r.matchCount > best.matchCount)) best = r;
    }
    if (validated !== 1) {
      const detail = validated === 0 ? 'Found none valid' : `Found ${validated} valid alternatives`;
      main.add(plain(`${goQuote(path)} must validate one and only one schema (oneOf). ${detail}`));
      main.merge(best);
    } else main.merge(firstSuccess);
  }
  if (s.allOf && s.allOf.length > 0) {
    let validated = 0;
    for (const part of s.allOf) {
      const r = validateValue(part, data, path);
      if (r.valid) validated++;
      main.merge(r);
    }
    if (validated !== s.allOf.length) {
      main.add(plain(`${goQuote(path)} must validate all the schemas (allOf)${validated === 0 ? '. None validated' : ''}`));
    }
  }
  if (s.not && validateValue(s.not, data, path).valid) main.add(plain(`${goQuote(path)} must not validate the schema (not)`));
  main.inc();
  return main;
}

/** Go's regexp syntax as far as JavaScript can take it: a leading (?i) becomes the i flag. */
const compiled = new Map<string, RegExp | Error>();
function compilePattern(pattern: string): RegExp | Error {
  let re = compiled.get(pattern);
  if (!re) {
    const caseless = pattern.startsWith('(?i)');
    try {
      re = new RegExp(caseless ? pattern.slice(4) : pattern, caseless ? 'iu' : 'u');
    } catch (e) {
      re = e as Error;
    }
    compiled.set(pattern, re);
  }
  return re;
}

function validateString(s: JSONSchemaProps, data: string, path: string): Result | undefined {
  const runes = [...data].length;
  if (s.maxLength !== undefined && runes > s.maxLength) {
    return single({ code: 'TooLong', name: path, value: data, valid: s.maxLength, message: `${path} in ${body} should be at most ${s.maxLength} chars long` });
  }
  if (s.minLength !== undefined && runes < s.minLength) {
    return single({ code: 'TooShort', name: path, value: data, valid: s.minLength, message: `${path} in ${body} should be at least ${s.minLength} chars long` });
  }
  if (s.pattern) {
    const re = compilePattern(s.pattern);
    const shown = re instanceof Error ? `${s.pattern}, but pattern is invalid: ${re.message}` : s.pattern;
    if (re instanceof Error || !re.test(data)) {
      return single({ code: 'Pattern', name: path, value: data, message: `${path} in ${body} should match '${shown}'` });
    }
  }
  return undefined;
}

/** IsValueValidAgainstRange: whether a number fits the declared integer/number type and format. */
function rangeError(value: number, typeName: string, format: string, prefix: string, path: string): OpenApiError | undefined {
  let ok = true;
  if (typeName === 'integer') {
    const whole = Number.isInteger(value);
    ok = format === 'int32' ? whole && value >= -(2 ** 31) && value < 2 ** 31 : whole && Math.abs(value) <= 2 ** 63;
  } else if (format === 'float') {
    ok = Math.abs(value) <= 3.4028234663852886e38;
  }
  if (ok) return undefined;
  const message = format
    ? `${prefix} value must be of type ${typeName} with format ${format} in ${path}`
    : `${prefix} value must be of type ${typeName} (default format) in ${path}`;
  return plain(message);
}

function bound(path: string, data: number, limit: number, exclusive: boolean, max: boolean): OpenApiError | undefined {
  const isInt = jsonKind(data) === 'integer';
  const l = isInt ? Math.trunc(limit) : limit;
  const fails = max ? (exclusive ? data >= l : data > l) : exclusive ? data <= l : data < l;
  if (!fails) return undefined;
  const relation = max ? (exclusive ? 'less than' : 'less than or equal to') : exclusive ? 'greater than' : 'greater than or equal to';
  const shown = isInt ? String(l) : goFloat(l);
  return { code: max ? 'Max' : 'Min', name: path, value: data, message: `${path} in ${body} should be ${relation} ${shown}` };
}

function multipleOfError(path: string, data: number, factor: number, native: boolean): OpenApiError | undefined {
  const isInt = native && jsonKind(data) === 'integer';
  const f = isInt ? Math.trunc(factor) : factor;
  const shownFactor = isInt ? String(f) : goFloat(f);
  if (f <= 0) return { code: 'MultipleOfMustBePositive', name: path, value: f, message: `factor MultipleOf declared for ${path} must be positive: ${shownFactor}` };
  const multiple = isInt ? data % f === 0 : isFloatAJsonInteger(f < 1 ? (1 / f) * data : data / f);
  if (multiple) return undefined;
  return { code: 'MultipleOf', name: path, value: data, message: `${path} in ${body} should be a multiple of ${shownFactor}` };
}

function validateNumber(s: JSONSchemaProps, p: Prepared, data: number, path: string): Result {
  const res = new Result();
  const typeName = p.types.length === 1 && (p.types[0] === 'integer' || p.types[0] === 'number') ? p.types[0] : '';
  const format = (typeName === 'integer' && (p.format === 'int32' || p.format === 'int64')) || (typeName === 'number' && (p.format === 'float' || p.format === 'double')) ? p.format : '';
  const checked = rangeError(data, typeName, format, 'Checked', path);
  if (checked) res.add(checked);
  const parts: Result[] = [];
  const limitCheck = (limit: number | undefined, prefix: string, check: (native: boolean) => OpenApiError | undefined) => {
    const r = new Result();
    if (limit !== undefined) {
      const boundary = rangeError(limit, typeName, format, prefix, path);
      if (boundary) r.add(boundary);
      const e = check(!boundary);
      if (e) r.add(e);
    }
    parts.push(r);
  };
  limitCheck(s.multipleOf, 'MultipleOf', (native) => multipleOfError(path, data, s.multipleOf!, native));
  limitCheck(s.minimum, 'Minimum boundary', () => bound(path, data, s.minimum!, !!s.exclusiveMinimum, false));
  limitCheck(s.maximum, 'Maximum boundary', () => bound(path, data, s.maximum!, !!s.exclusiveMaximum, true));
  res.merge(...parts);
  res.inc();
  return res;
}

function validateSlice(s: JSONSchemaProps, data: unknown[], path: string): Result {
  const result = new Result();
  if (s.items && !Array.isArray(s.items)) {
    data.forEach((item, i) => result.merge(validateValue(s.items as JSONSchemaProps, item, `${path}[${i}]`)));
  } else if (Array.isArray(s.items)) {
    s.items.forEach((schema, i) => {
      if (i < data.length) result.merge(validateValue(schema, data[i], `${path}[${i}]`));
    });
  }
  const size = data.length;
  if (s.minItems !== undefined && size < s.minItems) {
    result.add({ code: 'MinItems', name: path, value: size, valid: s.minItems, message: `${path} in ${body} should have at least ${s.minItems} items` });
  }
  if (s.maxItems !== undefined && size > s.maxItems) {
    result.add({ code: 'MaxItems', name: path, value: size, valid: s.maxItems, message: `${path} in ${body} should have at most ${s.maxItems} items` });
  }
  if (s.uniqueItems && data.some((v, i) => data.slice(0, i).some((u) => deepEqual(u, v)))) {
    result.add({ code: 'Unique', name: path, message: `${path} in ${body} shouldn't contain duplicates` });
  }
  result.inc();
  return result;
}

function validateEnum(s: JSONSchemaProps, data: unknown, path: string): Result | undefined {
  if (!s.enum || s.enum.length === 0) return undefined;
  const present = data !== null && data !== undefined;
  if (present && s.enum.some((v) => v !== null && v !== undefined && deepEqual(data, v))) return undefined;
  return single({ code: 'Enum', name: path, value: present ? data : undefined, values: s.enum, message: `${path} in ${body} should be one of ${goSliceV(s.enum)}` });
}

function validateObject(s: JSONSchemaProps, data: Record<string, unknown>, path: string): Result {
  const res = new Result();
  const size = Object.keys(data).length;
  if (s.minProperties !== undefined && size < s.minProperties) {
    res.add({ code: 'TooFewProperties', name: path, value: size, valid: s.minProperties, message: `${path} in ${body} should have at least ${s.minProperties} properties` });
  }
  if (s.maxProperties !== undefined && size > s.maxProperties) {
    res.add({ code: 'TooManyProperties', name: path, value: size, valid: s.maxProperties, message: `${path} in ${body} should have at most ${s.maxProperties} properties` });
  }
  const properties = s.properties ?? {};
  const additional = s.additionalProperties;
  if (additional === false) {
    for (const key of Object.keys(data)) {
      if (!(key in properties)) res.add({ code: 'UnallowedProperty', name: path, value: key, message: `${path}.${key} in ${body} is a forbidden property` });
    }
  } else if (typeof additional === 'object') {
    for (const [key, value] of Object.entries(data)) {
      if (!(key in properties)) res.merge(validateValue(additional, value, `${path}.${key}`));
    }
  }
  // Go ranges over a map here, in no fixed order; schema order is the deterministic stand-in.
  for (const [name, schema] of Object.entries(properties)) {
    if (name in data) res.merge(validateValue(schema, data[name], path ? `${path}.${name}` : name));
  }
  for (const name of s.required ?? []) {
    if (!(name in data)) res.add({ code: 'Required', name: `${path}.${name}`, message: `${path}.${name} in ${body} is required` });
  }
  return res;
}

/** SchemaValidator.Validate for one schema and value at `path`. */
export function validateValue(s: JSONSchemaProps, data: unknown, path: string): Result {
  const p = prepare(s);
  const result = new Result();
  if (data === null || data === undefined) {
    result.merge(validateType(s, p, data, path), validateEnum(s, data, path));
    return result;
  }
  const kind = jsonKind(data);
  const run = (r: Result | undefined) => {
    result.merge(r);
    result.inc();
  };
  if (p.types.length > 0 || p.format !== '') run(validateType(s, p, data, path));
  run(validateSchemaProps(s, data, path));
  if (kind === 'string') {
    run(validateString(s, data as string, path));
    if (isKnownFormat(p.format)) {
      run(matchesFormat(p.format, data as string) ? undefined : single(invalidType(path, p.format, data)));
    }
  }
  if (kind === 'integer' || kind === 'number') run(validateNumber(s, p, data as number, path));
  if (kind === 'array') run(validateSlice(s, data as unknown[], path));
  run(validateEnum(s, data, path));
  if (isJsonObject(data)) run(validateObject(s, data, path));
  result.inc();
  return result;
}

/** Every error kube-openapi reports for `object` against the CRD schema, in its order. */
export function openApiErrors(schema: JSONSchemaProps, object: unknown): OpenApiError[] {
  return validateValue(schema, object, '').errors;
}

