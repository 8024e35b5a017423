// Go encoding/json semantics for the JSON that upstream keeps inside annotations: typed decoding and HTML-safe encoding.

/**
 * The Go type a JSON value is decoded into. Structs list their fields by JSON name (Go field names for the
 * internal types upstream marshals without json tags).
 */
export type GoType =
  | 'string'
  | 'int32'
  | 'int64'
  | 'quantity'
  | 'time'
  | { fields: Readonly<Record<string, GoType>> }
  | { list: GoType }
  | { map: GoType };

/** Thrown where json.Unmarshal would return an error; upstream then ignores the whole annotation. */
export class GoDecodeError extends Error {}

type Json = Record<string, unknown>;

// metav1.Time unmarshals with time.Parse(time.RFC3339, …).
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function fail(what: string, value: unknown): never {
  throw new GoDecodeError(`cannot unmarshal ${JSON.stringify(value)} into ${what}`);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The struct field a JSON key lands in: an exact match first, then a case-insensitive one, as encoding/json does. */
function fieldFor(fields: Readonly<Record<string, GoType>>, key: string): string | undefined {
  if (Object.hasOwn(fields, key)) return key;
  const folded = key.toLowerCase();
  return Object.keys(fields).find((name) => name.toLowerCase() === folded);
}

/**
 * Decodes `value` as Go would into `type`. The result keeps only what Go would hold as non-nil: JSON null (a nil
 * pointer, or a zero value left alone) comes back as undefined and struct fields set to null are left out, so
 * callers apply Go's zero values themselves where upstream dereferences a non-pointer field.
 */
export function goDecode(type: GoType, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (type === 'string') return typeof value === 'string' ? value : fail('string', value);
  if (type === 'int32' || type === 'int64') {
    if (typeof value !== 'number' || !Number.isInteger(value)) fail(type, value);
    if (type === 'int32' && (value < INT32_MIN || value > INT32_MAX)) fail(type, value);
    return value;
  }
  if (type === 'quantity') {
    // Quantity.UnmarshalJSON parses the text between the quotes, or a bare number.
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return typeof value === 'string' ? value : fail('Quantity', value);
  }
  if (type === 'time') {
    return typeof value === 'string' && RFC3339.test(value) ? value : fail('Time', value);
  }
  if ('list' in type) {
    if (!Array.isArray(value)) fail('slice', value);
    // A null element is the element type's zero value, not a missing one.
    return value.map((item) => goDecode(type.list, item) ?? zeroOf(type.list));
  }
  if (!isObject(value)) fail('struct', value);
  const out: Json = {};
  if ('map' in type) {
    for (const [key, item] of Object.entries(value)) out[key] = goDecode(type.map, item) ?? zeroOf(type.map);
    return out;
  }
  for (const [key, item] of Object.entries(value)) {
    const field = fieldFor(type.fields, key);
    if (field === undefined) continue; // unknown fields are dropped, not rejected
    const decoded = goDecode(type.fields[field], item);
    if (decoded === undefined) delete out[field];
    else out[field] = decoded;
  }
  return out;
}

function zeroOf(type: GoType): unknown {
  if (type === 'string') return '';
  if (type === 'int32' || type === 'int64') return 0;
  if (type === 'quantity') return '0';
  if (type === 'time') return undefined;
  return 'list' in type ? [] : {};
}

/** Parses an annotation and decodes it; undefined where upstream's json.Unmarshal would fail. */
export function decodeAnnotation(type: GoType, text: string): { value: unknown } | undefined {
  try {
    return { value: goDecode(type, JSON.parse(text)) };
  } catch (err) {
    if (err instanceof SyntaxError || err instanceof GoDecodeError) return undefined;
    throw err;
  }
}

/** json.Marshal output: like JSON.stringify, but with Go's HTML-safe escaping of <, >, & and the JS line separators. */
export function goMarshal(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** metav1.LabelSelector, so selectors inside annotations decode with Go's key matching too. */
export const LABEL_SELECTOR: GoType = {
  fields: {
    matchLabels: { map: 'string' },
    matchExpressions: { list: { fields: { key: 'string', operator: 'string', values: { list: 'string' } } } },
  },
};
