// Compiles OpenAPI v2 definitions into closures that decode-check JSON the way upstream's typed Go decoder does.
import { base64ErrorOffset, quantityError, QUANTITY_FORMAT_ERROR } from './go-literals.js';
import { RFC3339, RFC3339_MICRO, timeParseError } from './go-time.js';
import { MAX_DEPTH_MESSAGE, MAX_NESTING_DEPTH, nestingExceeds } from './json-depth.js';
import { GO_TYPES } from './go-types.js';

/** Where and why decoding into the Go type fails, and Go's error text for it. */
export interface TypeMismatch {
  /** Go's UnmarshalTypeError.Field: JSON names (and embedded struct names) from the top, no list indices. */
  path: string;
  /** The Go struct holding the field (UnmarshalTypeError.Struct); '' at the top level. */
  goStruct: string;
  /** Go's description of the JSON value: string, number, number 1.5, bool, array, object. '' when not a type error. */
  jsonType: string;
  /** reflect's name for the Go type (int32, []v1.Container, v1.PullPolicy); '' when not a type error. */
  goType: string;
  /** The error text upstream's decoder returns. */
  message: string;
  /** Only for a body nested too deep to scan: apiserver's 30-byte summary of it (summarizeData). */
  summary?: string;
}

/** Go's decodeState.errorContext plus its first saved (non-fatal) error, and how deep the walk is. */
export interface Ctx {
  struct: string;
  stack: string[];
  soft: TypeMismatch | undefined;
  /** Nesting level of the object or array being walked (the top-level object is 1). */
  depth: number;
}

/** Returned (fatal) when the document nests deeper than Go's scanner allows; callers rebuild the error. */
export const DEPTH_EXCEEDED: TypeMismatch = Object.freeze({ path: '', goStruct: '', jsonType: '', goType: '', message: MAX_DEPTH_MESSAGE });

/** Whether a value the typed walk does not descend into (free-form, unknown) is too deep to have been scanned. */
const tooDeep = (value: unknown, ctx: Ctx): boolean =>
  typeof value === 'object' && value !== null && nestingExceeds(value, MAX_NESTING_DEPTH - ctx.depth);

/** Checks a non-null value; returns an error that aborts decoding (an UnmarshalJSON failure), else records soft ones. */
export type Check = (value: unknown, ctx: Ctx) => TypeMismatch | undefined;

export interface Field {
  /** Embedded struct names then the JSON name: what Go pushes on its field stack. */
  segments: readonly string[];
  node: Node;
}

export type Node =
  | { kind: 'struct'; goStruct: string; fields: Map<string, Field>; check: Check }
  | { kind: 'ref'; target: Node & { kind: 'struct' }; check: Check }
  | { kind: 'slice' | 'map'; elem: Node; check: Check }
  /** Scalars, Unmarshalers and free-form JSON: nothing inside is decoded strictly. */
  | { kind: 'opaque'; check: Check };

export function jsonKind(value: unknown): string {
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** Go's text for a number it cannot store: the literal, which JSON.parse has already normalised. */
const numberLiteral = (value: number): string => `number ${String(value)}`;

export function typeErrorText(goStruct: string, path: string, jsonType: string, goType: string): string {
  return goStruct || path
    ? `json: cannot unmarshal ${jsonType} into Go struct field ${goStruct}.${path} of type ${goType}`
    : `json: cannot unmarshal ${jsonType} into Go value of type ${goType}`;
}

/** An UnmarshalTypeError with the decoder's current context attached, as addErrorContext does. */
export function typeError(ctx: Ctx, jsonType: string, goType: string): TypeMismatch {
  const path = ctx.stack.join('.');
  return { path, goStruct: ctx.struct, jsonType, goType, message: typeErrorText(ctx.struct, path, jsonType, goType) };
}

/** An error Go returns as is (no struct context in its text); path and goStruct still say where. */
function plainError(ctx: Ctx, message: string): TypeMismatch {
  return { path: ctx.stack.join('.'), goStruct: ctx.struct, jsonType: '', goType: '', message };
}

function soft(ctx: Ctx, mismatch: TypeMismatch): undefined {
  if (ctx.soft === undefined) ctx.soft = mismatch;
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const INT_RANGE = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  // JSON.parse rounds int64 extremes to ±2^63; accept them rather than reject a valid max.
  int64: [-(2 ** 63), 2 ** 63],
  uint8: [0, 255],
} as const;

function leaf(goType: string, base: 'string' | 'bool' | 'float64' | keyof typeof INT_RANGE): Check {
  if (base === 'string') return (v, ctx) => (typeof v === 'string' ? undefined : soft(ctx, typeError(ctx, jsonKind(v), goType)));
  if (base === 'bool') return (v, ctx) => (typeof v === 'boolean' ? undefined : soft(ctx, typeError(ctx, jsonKind(v), goType)));
  if (base === 'float64') {
    return (v, ctx) => {
      if (typeof v !== 'number') return soft(ctx, typeError(ctx, jsonKind(v), goType));
      return Number.isFinite(v) ? undefined : soft(ctx, typeError(ctx, numberLiteral(v), goType));
    };
  }
  const [min, max] = INT_RANGE[base];
  return (v, ctx) => {
    if (typeof v !== 'number') return soft(ctx, typeError(ctx, jsonKind(v), goType));
    return Number.isInteger(v) && v >= min && v <= max ? undefined : soft(ctx, typeError(ctx, numberLiteral(v), goType));
  };
}

const uint8Check = leaf('uint8', 'uint8');

/** []byte: a base64 string (a bad one is a plain saved error) or, as Go also allows, an array of bytes. */
function bytesCheck(goType: string): Check {
  return (v, ctx) => {
    if (typeof v === 'string') {
      const offset = base64ErrorOffset(v);
      return offset === undefined ? undefined : soft(ctx, plainError(ctx, `illegal base64 data at input byte ${offset}`));
    }
    if (!Array.isArray(v)) return soft(ctx, typeError(ctx, jsonKind(v), goType));
    for (const item of v) if (item !== null) uint8Check(item, ctx);
    return undefined;
  };
}

// Quantity.UnmarshalJSON parses any literal's text; numbers always parse, other non-strings never do.
const quantityCheck: Check = (v, ctx) => {
  if (typeof v === 'number') return undefined;
  const problem = typeof v === 'string' ? quantityError(v) : QUANTITY_FORMAT_ERROR;
  return problem === undefined ? undefined : plainError(ctx, problem);
};

// IntOrString.UnmarshalJSON hands strings to a string and anything else to an int32 (stdlib Unmarshal).
const intOrStringCheck: Check = (v, ctx) => {
  if (typeof v === 'string') return undefined;
  if (typeof v !== 'number') return typeError(ctx, jsonKind(v), 'int32');
  return Number.isInteger(v) && v >= INT_RANGE.int32[0] && v <= INT_RANGE.int32[1] ? undefined : typeError(ctx, numberLiteral(v), 'int32');
};

function timeCheck(layout: string): Check {
  return (v, ctx) => {
    if (typeof v !== 'string') return typeError(ctx, jsonKind(v), 'string');
    const problem = timeParseError(layout, v);
    return problem === undefined ? undefined : plainError(ctx, problem);
  };
}

const anyCheck: Check = (v, ctx) => (tooDeep(v, ctx) ? DEPTH_EXCEEDED : undefined);

/**
 * An UnmarshalJSON that runs a fresh decode of its own (apiextensions' JSONSchemaPropsOr*): the
 * inner error comes back fatal, a type error gaining the outer context in front of its own path.
 */
function nested(node: Node, v: unknown, ctx: Ctx): TypeMismatch | undefined {
  const inner: Ctx = { struct: '', stack: [], soft: undefined, depth: ctx.depth };
  const found = node.check(v, inner) ?? inner.soft;
  if (found === undefined || found.goType === '') return found;
  const path = [...ctx.stack, found.path].filter(Boolean).join('.');
  return { ...found, path, goStruct: ctx.struct, message: typeErrorText(ctx.struct, path, found.jsonType, found.goType) };
}

const APIEXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';
const SCHEMA_PROPS = `${APIEXT}JSONSchemaProps`;

/** Definitions with a hand-written UnmarshalJSON upstream, which the schema alone cannot describe. */
const SPECIAL: Record<string, (c: Compiler) => Check> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': () => quantityCheck,
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': () => intOrStringCheck,
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': () => timeCheck(RFC3339),
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': () => timeCheck(RFC3339_MICRO),
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': () => anyCheck,
  'io.k8s.apimachinery.pkg.runtime.RawExtension': () => anyCheck,
  [`${APIEXT}JSON`]: () => anyCheck,
  [`${APIEXT}JSONSchemaPropsOrArray`]: (c) => {
    const one = c.ref(SCHEMA_PROPS);
    const many = c.slice(one, '[]v1.JSONSchemaProps');
    return (v, ctx) => (isObject(v) ? nested(one, v, ctx) : Array.isArray(v) ? nested(many, v, ctx) : undefined);
  },
  [`${APIEXT}JSONSchemaPropsOrBool`]: (c) => {
    const one = c.ref(SCHEMA_PROPS);
    return (v, ctx) =>
      isObject(v) ? nested(one, v, ctx) : typeof v === 'boolean' ? undefined : plainError(ctx, 'boolean or JSON schema expected');
  },
  [`${APIEXT}JSONSchemaPropsOrStringArray`]: (c) => {
    const one = c.ref(SCHEMA_PROPS);
    const strings = c.slice({ kind: 'opaque', check: leaf('string', 'string') }, '[]string');
    return (v, ctx) => (isObject(v) ? nested(one, v, ctx) : Array.isArray(v) ? nested(strings, v, ctx) : undefined);
  },
};

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string;
  format?: string;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  properties?: Record<string, Schema>;
};

const refName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);

/** The Go type name reflect would print, as far as the schema tells (go-types.ts has the rest). */
function derivedType(schema: Schema): string {
  if (schema.$ref) return refName(schema.$ref).split('.').slice(-2).join('.');
  switch (schema.type) {
    case 'string':
      return schema.format === 'byte' ? '[]uint8' : 'string';
    case 'integer':
      return schema.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'array':
      return `[]${derivedType(schema.items ?? {})}`;
    case 'object':
      return typeof schema.additionalProperties === 'object' ? `map[string]${derivedType(schema.additionalProperties)}` : 'map[string]interface {}';
    default:
      return 'interface {}';
  }
}

/** GO_TYPES' entry for one definition: property → embedded chain and per-level Go type names. */
function goFacts(definition: string): Map<string, { embeds: string[]; chain: string[] }> {
  const facts = new Map<string, { embeds: string[]; chain: string[] }>();
  const entry = GO_TYPES[definition.replace(/^io\.k8s\./, '')];
  if (!entry) return facts;
  for (const token of entry.split(' ')) {
    const [head, types = ''] = token.split('=');
    const [name, embeds = ''] = head.split('^');
    facts.set(name, { embeds: embeds ? embeds.split('.') : [], chain: types ? types.split(',') : [] });
  }
  return facts;
}

/** Builds nodes for one definitions object; struct nodes are shared, so recursive schemas close on themselves. */
export class Compiler {
  private readonly structs = new Map<string, Node & { kind: 'struct' }>();
  private readonly specials = new Map<string, Node>();

  constructor(private readonly definitions: Record<string, unknown>) {}

  definition(name: string): Node {
    const special = this.special(name);
    if (special) return special;
    const schema = this.definitions[name] as Schema | undefined;
    if (!schema) throw new Error(`no OpenAPI definition ${name}`);
    if (schema.properties) return this.struct(name, schema);
    return this.schema(schema, [], 0);
  }

  /** A struct-typed field: Go reports a non-object there against the field's own type name. */
  ref(name: string, goType = derivedType({ $ref: name })): Node {
    const special = this.special(name);
    if (special) return special;
    const target = this.definition(name);
    if (target.kind !== 'struct') return target;
    return {
      kind: 'ref',
      target,
      check: (v, ctx) => (isObject(v) ? target.check(v, ctx) : soft(ctx, typeError(ctx, jsonKind(v), goType))),
    };
  }

  slice(elem: Node, goType: string): Node {
    return {
      kind: 'slice',
      elem,
      check: (v, ctx) => {
        if (!Array.isArray(v)) return soft(ctx, typeError(ctx, jsonKind(v), goType));
        if (++ctx.depth > MAX_NESTING_DEPTH) return DEPTH_EXCEEDED;
        for (let i = 0; i < v.length; i++) {
          const item = v[i];
          if (item === null) continue;
          const fatal = elem.check(item, ctx);
          if (fatal) return fatal;
        }
        ctx.depth--;
        return undefined;
      },
    };
  }

  private map(elem: Node, goType: string): Node {
    return {
      kind: 'map',
      elem,
      check: (v, ctx) => {
        if (!isObject(v)) return soft(ctx, typeError(ctx, jsonKind(v), goType));
        if (++ctx.depth > MAX_NESTING_DEPTH) return DEPTH_EXCEEDED;
        for (const key in v) {
          const item = v[key];
          if (item === null) continue;
          const fatal = elem.check(item, ctx);
          if (fatal) return fatal;
        }
        ctx.depth--;
        return undefined;
      },
    };
  }

  private special(name: string): Node | undefined {
    let node = this.specials.get(name);
    if (!node && SPECIAL[name]) {
      node = { kind: 'opaque', check: SPECIAL[name](this) };
      this.specials.set(name, node);
    }
    return node;
  }

  /** A property's schema at one list/map nesting level; chain[level] overrides the derived Go type name. */
  private schema(schema: Schema, chain: readonly string[], level: number): Node {
    const goType = chain[level] || derivedType(schema);
    if (schema.$ref) return this.ref(refName(schema.$ref), goType);
    if (schema['x-kubernetes-int-or-string'] === true || schema.format === 'int-or-string') return { kind: 'opaque', check: intOrStringCheck };
    if (schema['x-kubernetes-preserve-unknown-fields'] === true && !schema.properties) return { kind: 'opaque', check: anyCheck };
    switch (schema.type) {
      case 'string':
        return { kind: 'opaque', check: schema.format === 'byte' ? bytesCheck(goType) : leaf(goType, 'string') };
      case 'integer':
        return { kind: 'opaque', check: leaf(goType, schema.format === 'int32' ? 'int32' : 'int64') };
      case 'number':
        return { kind: 'opaque', check: leaf(goType, 'float64') };
      case 'boolean':
        return { kind: 'opaque', check: leaf(goType, 'bool') };
      case 'array':
        return this.slice(this.schema(schema.items ?? {}, chain, level + 1), goType);
      case 'object':
        if (schema.properties) return this.struct('', schema);
        if (typeof schema.additionalProperties === 'object') return this.map(this.schema(schema.additionalProperties, chain, level + 1), goType);
        return { kind: 'opaque', check: anyCheck };
      default:
        return { kind: 'opaque', check: anyCheck };
    }
  }

  private struct(name: string, schema: Schema): Node & { kind: 'struct' } {
    const known = name ? this.structs.get(name) : undefined;
    if (known) return known;
    const goStruct = name.slice(name.lastIndexOf('.') + 1);
    const fields = new Map<string, Field>();
    const node: Node & { kind: 'struct' } = {
      kind: 'struct',
      goStruct,
      fields,
      check: (v, ctx) => {
        const obj = v as Record<string, unknown>;
        if (++ctx.depth > MAX_NESTING_DEPTH) return DEPTH_EXCEEDED;
        const saved = ctx.struct;
        const length = ctx.stack.length;
        for (const key in obj) {
          const item = obj[key];
          if (item === null) continue; // null leaves Go's zero value
          const field = fields.get(key);
          if (field === undefined) {
            // Unknown fields are dropped, but the scanner has still measured them.
            if (tooDeep(item, ctx)) return DEPTH_EXCEEDED;
            continue;
          }
          ctx.struct = goStruct;
          for (const segment of field.segments) ctx.stack.push(segment);
          const fatal = field.node.check(item, ctx);
          ctx.stack.length = length;
          ctx.struct = saved;
          if (fatal) return fatal;
        }
        ctx.depth--;
        return undefined;
      },
    };
    if (name) this.structs.set(name, node); // before the fields, so recursion finds it
    const facts = goFacts(name);
    for (const [prop, propSchema] of Object.entries(schema.properties ?? {})) {
      const fact = facts.get(prop);
      fields.set(prop, { segments: [...(fact?.embeds ?? []), prop], node: this.schema(propSchema, fact?.chain ?? [], 0) });
    }
    return node;
  }
}
