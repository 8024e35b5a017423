// Compiles OpenAPI v2 definitions into the Go types upstream decodes into: structs, lists, maps and leaf checks.
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
export const tooDeep = (value: unknown, ctx: Ctx): boolean =>
  typeof value === 'object' && value !== null && nestingExceeds(value, MAX_NESTING_DEPTH - ctx.depth);

/**
 * Checks a non-null scalar-ish value: returns an error that aborts decoding (an UnmarshalJSON
 * failing), or records a saved one in ctx.soft as Go's decoder does and carries on.
 */
export type LeafCheck = (value: unknown, ctx: Ctx) => TypeMismatch | undefined;

export interface Field {
  /** Embedded struct names then the JSON name: what Go pushes on its field stack. */
  segments: readonly string[];
  node: Node;
}

export interface StructNode {
  kind: 'struct';
  goStruct: string;
  fields: Map<string, Field>;
}

export type Node =
  | StructNode
  /** A struct-typed field: a non-object is reported against the field's Go type name. */
  | { kind: 'ref'; target: StructNode; goType: string }
  | { kind: 'slice' | 'map'; elem: Node; goType: string }
  /** Scalars, custom unmarshalers and free-form JSON: nothing inside is decoded strictly. */
  | { kind: 'leaf'; check: LeafCheck }
  /**
   * An UnmarshalJSON running a decode of its own (apiextensions' JSONSchemaPropsOr*): `pick` names
   * the node the value is decoded into afresh, an immediate error, or undefined when accepted.
   */
  | { kind: 'nested'; pick: (value: unknown, ctx: Ctx) => Node | TypeMismatch | undefined };

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

export function soft(ctx: Ctx, mismatch: TypeMismatch): undefined {
  if (ctx.soft === undefined) ctx.soft = mismatch;
  return undefined;
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const INT_RANGE = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  // JSON.parse rounds int64 extremes to ±2^63; accept them rather than reject a valid max.
  int64: [-(2 ** 63), 2 ** 63],
  uint8: [0, 255],
} as const;

function leaf(goType: string, base: 'string' | 'bool' | 'float64' | keyof typeof INT_RANGE): LeafCheck {
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
function bytesCheck(goType: string): LeafCheck {
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
const quantityCheck: LeafCheck = (v, ctx) => {
  if (typeof v === 'number') return undefined;
  const problem = typeof v === 'string' ? quantityError(v) : QUANTITY_FORMAT_ERROR;
  return problem === undefined ? undefined : plainError(ctx, problem);
};

// IntOrString.UnmarshalJSON hands strings to a string and anything else to an int32 (stdlib Unmarshal).
const intOrStringCheck: LeafCheck = (v, ctx) => {
  if (typeof v === 'string') return undefined;
  if (typeof v !== 'number') return typeError(ctx, jsonKind(v), 'int32');
  return Number.isInteger(v) && v >= INT_RANGE.int32[0] && v <= INT_RANGE.int32[1] ? undefined : typeError(ctx, numberLiteral(v), 'int32');
};

function timeCheck(layout: string): LeafCheck {
  return (v, ctx) => {
    if (typeof v !== 'string') return typeError(ctx, jsonKind(v), 'string');
    const problem = timeParseError(layout, v);
    return problem === undefined ? undefined : plainError(ctx, problem);
  };
}

const anyCheck: LeafCheck = (v, ctx) => (tooDeep(v, ctx) ? DEPTH_EXCEEDED : undefined);

/**
 * The error an inner decode returns, as the outer decoder's addErrorContext leaves it: a type
 * error gets the outer struct and field path in front of its own path; other errors pass as is.
 */
export function withOuterContext(found: TypeMismatch, outer: Ctx): TypeMismatch {
  if (found.goType === '') return found;
  const path = [...outer.stack, found.path].filter(Boolean).join('.');
  return { ...found, path, goStruct: outer.struct, message: typeErrorText(outer.struct, path, found.jsonType, found.goType) };
}

const APIEXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';
const SCHEMA_PROPS = `${APIEXT}JSONSchemaProps`;
const leafNode = (check: LeafCheck): Node => ({ kind: 'leaf', check });
const ANY = leafNode(anyCheck);

/** Definitions with a hand-written UnmarshalJSON upstream, which the schema alone cannot describe. */
const SPECIAL: Record<string, (c: Compiler) => Node> = {
  'io.k8s.apimachinery.pkg.api.resource.Quantity': () => leafNode(quantityCheck),
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': () => leafNode(intOrStringCheck),
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': () => leafNode(timeCheck(RFC3339)),
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': () => leafNode(timeCheck(RFC3339_MICRO)),
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': () => ANY,
  'io.k8s.apimachinery.pkg.runtime.RawExtension': () => ANY,
  [`${APIEXT}JSON`]: () => ANY,
  // Each of these unmarshals an object as JSONSchemaProps, an array as a list, and ignores the rest
  // (OrBool accepts booleans instead).
  [`${APIEXT}JSONSchemaPropsOrArray`]: (c) => {
    const one = c.ref(SCHEMA_PROPS);
    const many = c.slice(one, '[]v1.JSONSchemaProps');
    return { kind: 'nested', pick: (v) => (isObject(v) ? one : Array.isArray(v) ? many : undefined) };
  },
  [`${APIEXT}JSONSchemaPropsOrBool`]: (c) => {
    const one = c.ref(SCHEMA_PROPS);
    return {
      kind: 'nested',
      pick: (v, ctx) => (isObject(v) ? one : typeof v === 'boolean' ? undefined : plainError(ctx, 'boolean or JSON schema expected')),
    };
  },
  [`${APIEXT}JSONSchemaPropsOrStringArray`]: (c) => {
    const one = c.ref(SCHEMA_PROPS);
    const strings = c.slice(leafNode(leaf('string', 'string')), '[]string');
    return { kind: 'nested', pick: (v) => (isObject(v) ? one : Array.isArray(v) ? strings : undefined) };
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
  private readonly structs = new Map<string, StructNode>();
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
    const target = this.definition(name);
    return target.kind === 'struct' ? { kind: 'ref', target, goType } : target;
  }

  slice(elem: Node, goType: string): Node {
    return { kind: 'slice', elem, goType };
  }

  private special(name: string): Node | undefined {
    let node = this.specials.get(name);
    if (!node && SPECIAL[name]) {
      node = SPECIAL[name](this);
      this.specials.set(name, node);
    }
    return node;
  }

  /** A property's schema at one list/map nesting level; chain[level] overrides the derived Go type name. */
  private schema(schema: Schema, chain: readonly string[], level: number): Node {
    const goType = chain[level] || derivedType(schema);
    if (schema.$ref) return this.ref(refName(schema.$ref), goType);
    if (schema['x-kubernetes-int-or-string'] === true || schema.format === 'int-or-string') return leafNode(intOrStringCheck);
    if (schema['x-kubernetes-preserve-unknown-fields'] === true && !schema.properties) return ANY;
    switch (schema.type) {
      case 'string':
        return leafNode(schema.format === 'byte' ? bytesCheck(goType) : leaf(goType, 'string'));
      case 'integer':
        return leafNode(leaf(goType, schema.format === 'int32' ? 'int32' : 'int64'));
      case 'number':
        return leafNode(leaf(goType, 'float64'));
      case 'boolean':
        return leafNode(leaf(goType, 'bool'));
      case 'array':
        return this.slice(this.schema(schema.items ?? {}, chain, level + 1), goType);
      case 'object':
        if (schema.properties) return this.struct('', schema);
        if (typeof schema.additionalProperties === 'object') {
          return { kind: 'map', elem: this.schema(schema.additionalProperties, chain, level + 1), goType };
        }
        return ANY;
      default:
        return ANY;
    }
  }

  private struct(name: string, schema: Schema): StructNode {
    const known = name ? this.structs.get(name) : undefined;
    if (known) return known;
    const node: StructNode = { kind: 'struct', goStruct: name.slice(name.lastIndexOf('.') + 1), fields: new Map() };
    if (name) this.structs.set(name, node); // before the fields, so recursive schemas find it
    const facts = goFacts(name);
    for (const [prop, propSchema] of Object.entries(schema.properties ?? {})) {
      const fact = facts.get(prop);
      node.fields.set(prop, { segments: [...(fact?.embeds ?? []), prop], node: this.schema(propSchema, fact?.chain ?? [], 0) });
    }
    return node;
  }
}
