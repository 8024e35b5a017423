// One step of a field path (field name, list-map key, set value, index): ordering, printing and FieldsV1 key syntax.
import { goJSON, goQuote } from '../../meta/field-errors.js';
import { isPlainObject } from '../../meta/types.js';

export type PathElement =
  | { readonly kind: 'field'; readonly name: string }
  /** Key fields of a list-map item, sorted by name. */
  | { readonly kind: 'key'; readonly fields: ReadonlyArray<readonly [string, unknown]> }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'index'; readonly index: number };

export type Path = readonly PathElement[];

export const fieldElement = (name: string): PathElement => ({ kind: 'field', name });

/** A key element; the fields are sorted as upstream's FieldList.Sort does. */
export function keyElement(fields: ReadonlyArray<readonly [string, unknown]>): PathElement {
  return { kind: 'key', fields: [...fields].sort((a, b) => compareStrings(a[0], b[0])) };
}

/** Go compares strings bytewise (UTF-8), which is code point order, not JS's UTF-16 unit order. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

const rank = (v: unknown): number => {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (isPlainObject(v)) return 4;
  return 5; // null
};

/** upstream value.Compare: numbers < strings < booleans < lists < maps < null, each ordered within. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 1:
      return compareStrings(a as string, b as string);
    case 2:
      return a === b ? 0 : a ? 1 : -1;
    case 3: {
      const la = a as unknown[];
      const lb = b as unknown[];
      for (let i = 0; ; i++) {
        if (i >= la.length || i >= lb.length) return la.length === lb.length ? 0 : la.length < lb.length ? -1 : 1;
        const c = compareValues(la[i], lb[i]);
        if (c !== 0) return c;
      }
    }
    case 4:
      return compareMaps(a as Record<string, unknown>, b as Record<string, unknown>);
    default:
      return 0;
  }
}

// upstream MapCompare walks the union of keys in lexical order; a key only one side has decides.
function compareMaps(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareStrings);
  for (const k of keys) {
    if (!(k in a)) return 1;
    if (!(k in b)) return -1;
    const c = compareValues(a[k], b[k]);
    if (c !== 0) return c;
  }
  return 0;
}

const kindRank = { field: 0, key: 1, value: 2, index: 3 } as const;

/** upstream PathElement.Compare: fields, then keys, then values, then indexes. */
export function compareElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return kindRank[a.kind] < kindRank[b.kind] ? -1 : 1;
  switch (a.kind) {
    case 'field':
      return compareStrings(a.name, (b as typeof a).name);
    case 'key': {
      const fb = (b as typeof a).fields;
      for (let i = 0; ; i++) {
        if (i >= a.fields.length || i >= fb.length) return a.fields.length === fb.length ? 0 : a.fields.length < fb.length ? -1 : 1;
        const c = compareStrings(a.fields[i][0], fb[i][0]) || compareValues(a.fields[i][1], fb[i][1]);
        if (c !== 0) return c;
      }
    }
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index':
      return a.index - (b as typeof a).index < 0 ? -1 : a.index === (b as typeof a).index ? 0 : 1;
  }
}

/**
 * Go's %v of a number. Whole numbers print as the int64 upstream's JSON decoder makes of them; others as a
 * float64 %v does (shortest digits, exponent form when the exponent is below -4 or at least 6).
 */
function goFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return String(BigInt(n));
  const [mantissa, exp] = n.toExponential().split('e');
  const e = Number(exp);
  if (e < -4 || e >= 6) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return String(n);
}

/** upstream value.ToString: how conflict messages and path strings print a value. */
export function valueString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return goFloat(v);
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  return Object.keys(v as object)
    .sort(compareStrings)
    .map((k) => `${k}=${valueString((v as Record<string, unknown>)[k])}`)
    .join('');
}

/** upstream PathElement.String: `.name`, `[k=v,...]`, `[=v]`, `[i]`. */
export function elementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return '.' + pe.name;
    case 'key':
      return `[${pe.fields.map(([k, v]) => `${k}=${valueString(v)}`).join(',')}]`;
    case 'value':
      return `[=${valueString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

export const pathString = (path: Path): string => path.map(elementString).join('');

/** JSON as the encoder upstream serialises key and set values with: map keys sorted, HTML escaped. */
function sortedJSON(v: unknown): string {
  return goJSON(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort(compareStrings)) out[k] = sortKeys(v[k]);
  return out;
}

/** The FieldsV1 key of an element: `f:name`, `k:{"name":"x"}`, `v:"x"`, `i:0`. */
export function serializeElement(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return 'f:' + pe.name;
    case 'key': {
      // Elements are immutable and shared by the sets built from them: each key element is encoded once.
      let text = serializedKeys.get(pe);
      if (text === undefined) {
        // Key names are written raw-escaped, values through the HTML-escaping encoder, as upstream's stream does.
        text = `k:{${pe.fields.map(([k, v]) => `${JSON.stringify(k)}:${sortedJSON(v)}`).join(',')}}`;
        serializedKeys.set(pe, text);
      }
      return text;
    }
    case 'value':
      return 'v:' + sortedJSON(pe.value);
    case 'index':
      return 'i:' + pe.index;
  }
}

const serializedKeys = new WeakMap<PathElement, string>();

/** Thrown for a FieldsV1 key upstream's DeserializePathElement rejects. */
export class PathElementError extends Error {}

/** Parses a FieldsV1 key; undefined for an unknown element type, which upstream silently drops. */
export function deserializeElement(s: string): PathElement | undefined {
  if (s.length < 2) throw new PathElementError('key must be 2 characters long:');
  if (s[1] !== ':') throw new PathElementError(`missing colon: ${s}`);
  const rest = s.slice(2);
  switch (s[0]) {
    case 'f':
      return fieldElement(rest);
    case 'v':
      return { kind: 'value', value: parseJSON(rest) };
    case 'k': {
      const parsed = parseJSON(rest);
      if (!isPlainObject(parsed)) throw new PathElementError(`ReadObjectCB: expect { or n, but found ${rest.trim()[0] ?? 'EOF'}`);
      return keyElement(Object.entries(parsed));
    }
    case 'i':
      if (!/^[+-]?\d+$/.test(rest)) throw new PathElementError(`strconv.Atoi: parsing ${goQuote(rest)}: invalid syntax`);
      return { kind: 'index', index: Number(rest) };
    default:
      return undefined;
  }
}

function parseJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PathElementError(`managedFields parsing: ${(err as Error).message}`);
  }
}

/**
 * A canonical string per element, for hash lookups where sorted arrays are not needed: two elements get the
 * same key exactly when they serialise alike. Keys and set values made of scalars (nearly all of them) are
 * spelled without JSON, as a length-prefixed `K…`/`V…` text no serialised element can start with.
 */
export function elementKey(pe: PathElement): string {
  if (pe.kind === 'key') {
    let out = 'K';
    for (const [k, v] of pe.fields) {
      const value = scalarKey(v);
      if (value === undefined) return serializeElement(pe);
      out += `${k.length}:${k}${value}`;
    }
    return out;
  }
  if (pe.kind === 'value') {
    const value = scalarKey(pe.value);
    return value === undefined ? serializeElement(pe) : 'V' + value;
  }
  return serializeElement(pe);
}

/** A scalar tagged with its type (strings length-prefixed); undefined for lists and maps. */
function scalarKey(v: unknown): string | undefined {
  if (typeof v === 'string') return `s${v.length}:${v}`;
  // JSON spells a number as String does (finite numbers only reach here), -0 included.
  if (typeof v === 'number') return `n${String(v)};`;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v === null) return 'z';
  return undefined;
}
