// The schema as structured-merge-diff sees it (kube-openapi schemaconv): scalar/list/map atoms, element relationships, list keys.
import { goQuote } from '../../meta/field-errors.js';
import { isPlainObject } from '../../meta/types.js';
import type { SchemaNode } from '../schema-tree.js';
import { keyElement, type PathElement } from './path-element.js';
import { KEY_DEFAULTS, ZERO_FIELDS } from './go-zero-fields.js';

export interface MapAtom {
  readonly atomic: boolean;
  /** A declared field's type (structs). */
  field(name: string): TypeRef | undefined;
  /** The type of undeclared keys; undefined when the struct allows none. */
  readonly element: TypeRef | undefined;
}

export interface ListAtom {
  /** `set` and `map` lists; everything else is atomic. */
  readonly associative: boolean;
  readonly keys: readonly string[];
  readonly element: TypeRef;
}

/** An atom: which shapes a position may take. A narrowed atom (deduceAtom) keeps a subset of these. */
export interface Atom {
  readonly scalar: boolean;
  readonly map: MapAtom | undefined;
  readonly list: ListAtom | undefined;
}

export interface TypeRef extends Atom {
  /** The OpenAPI definition behind the position, when it is a `$ref`. */
  readonly definition: string | undefined;
}

const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  let done = false;
  return () => {
    if (!done) {
      value = make();
      done = true;
    }
    return value as T;
  };
}

// schemaconv's __untyped_atomic_: any scalar, or a list or map replaced whole.
const untyped: TypeRef = {
  definition: undefined,
  scalar: true,
  get map(): MapAtom {
    return untypedMap;
  },
  get list(): ListAtom {
    return untypedList;
  },
};
const untypedMap: MapAtom = { atomic: true, field: () => undefined, element: untyped };
const untypedList: ListAtom = { associative: false, keys: [], element: untyped };

// schemaconv's __untyped_deduced_: free-form JSON whose maps merge key by key and whose lists are atomic.
export const deduced: TypeRef = {
  definition: undefined,
  scalar: true,
  get map(): MapAtom {
    return deducedMap;
  },
  get list(): ListAtom {
    return untypedList;
  },
};
const deducedMap: MapAtom = { atomic: false, field: () => undefined, element: deduced };

const cache = new WeakMap<SchemaNode, TypeRef>();

/** The structured-merge-diff type of a schema-tree position. */
export function typeOf(node: SchemaNode): TypeRef {
  let t = cache.get(node);
  if (!t) cache.set(node, (t = build(node)));
  return t;
}

function build(node: SchemaNode): TypeRef {
  const definition = node.definition;
  switch (node.kind) {
    case 'scalar':
      return { definition, scalar: true, map: undefined, list: undefined };
    case 'struct': {
      const fields = new Map<string, TypeRef | undefined>();
      const map: MapAtom = {
        atomic: node.mapType === 'atomic',
        field(name) {
          if (!fields.has(name)) {
            const f = node.field(name);
            fields.set(name, f ? typeOf(f) : undefined);
          }
          return fields.get(name);
        },
        element: undefined,
      };
      return { definition, scalar: false, map, list: undefined };
    }
    case 'map': {
      const element = lazy(() => typeOf(node.element()));
      const map: MapAtom = {
        atomic: node.mapType === 'atomic',
        field: () => undefined,
        get element() {
          return element();
        },
      };
      return { definition, scalar: false, map, list: undefined };
    }
    case 'list': {
      const element = lazy(() => typeOf(node.element()));
      const { associative, keys } = listRelationship(node);
      const list: ListAtom = {
        associative,
        keys,
        get element() {
          return element();
        },
      };
      return { definition, scalar: false, map: undefined, list };
    }
    case 'any':
      // schemaconv special-cases RawExtension as untyped-atomic; other free-form schemas are deduced.
      return definition === RAW_EXTENSION ? { ...untyped, definition } : { ...deduced, definition };
  }
}

/** schemaconv getListElementRelationship: list-type first, then the legacy patch strategy, else atomic. */
function listRelationship(node: SchemaNode): { associative: boolean; keys: readonly string[] } {
  switch (node.listType) {
    case 'set':
      return { associative: true, keys: [] };
    case 'map':
      return { associative: true, keys: node.listMapKeys };
    case 'atomic':
      return { associative: false, keys: [] };
  }
  const strategy = node.patchStrategies.join(',');
  if (strategy === 'merge' || strategy === 'merge,retainKeys') {
    return { associative: true, keys: node.patchMergeKey ? [node.patchMergeKey] : [] };
  }
  return { associative: false, keys: [] };
}

/** The type of a map key or struct field; undeclared struct fields are treated as free-form. */
export function fieldType(map: MapAtom, name: string): TypeRef {
  return map.field(name) ?? map.element ?? deduced;
}

/** upstream deduceAtom: narrow a multi-shape atom to the one the value has, when the atom allows it. */
export function deduceAtom(atom: Atom, value: unknown): Atom {
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    if (atom.scalar) return scalarAtom;
  } else if (Array.isArray(value)) {
    const list = atom.list;
    if (list) {
      let narrowed = listAtoms.get(list);
      if (!narrowed) listAtoms.set(list, (narrowed = { scalar: false, map: undefined, list }));
      return narrowed;
    }
  } else if (isPlainObject(value)) {
    const map = atom.map;
    if (map) {
      let narrowed = mapAtoms.get(map);
      if (!narrowed) mapAtoms.set(map, (narrowed = { scalar: false, map, list: undefined }));
      return narrowed;
    }
  }
  return atom;
}

// Narrowed atoms are read-only and compared by their members (atomsEqual): one per shape is shared, as this runs per value.
const scalarAtom: Atom = Object.freeze({ scalar: true, map: undefined, list: undefined });
const listAtoms = new WeakMap<ListAtom, Atom>();
const mapAtoms = new WeakMap<MapAtom, Atom>();

export const atomsEqual = (a: Atom, b: Atom): boolean => a.scalar === b.scalar && a.map === b.map && a.list === b.list;

/** A key field's default from the Go types (`+default=` markers), which the published OpenAPI v2 leaves out. */
function keyDefault(element: TypeRef, field: string): unknown {
  return element.definition ? KEY_DEFAULTS[element.definition]?.[field] : undefined;
}

/** upstream listItemToPathElement: the key, set value, or an error text for an item of an associative list. */
export function listItemElement(list: ListAtom, item: unknown): PathElement | string {
  if (!list.associative) return 'invalid indexing of non-associative list';
  if (list.keys.length > 0) {
    if (item === null) return 'associative list with keys may not have a null element';
    if (!isPlainObject(item)) return 'associative list with keys may not have non-map elements';
    const fields: Array<[string, unknown]> = [];
    for (const k of list.keys) {
      if (Object.prototype.hasOwnProperty.call(item, k) && item[k] !== undefined) fields.push([k, item[k]]);
      else {
        const def = keyDefault(list.element, k);
        if (def !== undefined) fields.push([k, def]);
      }
    }
    if (fields.length === 0) {
      return `associative list with keys has an element that omits all key fields [${list.keys.map(goQuote).join(' ')}] (and doesn't have default values for any key fields)`;
    }
    return keyElement(fields);
  }
  if (isPlainObject(item)) return "associative list without keys has an element that's a map type";
  if (Array.isArray(item)) return 'not supported: associative list with lists as elements';
  if (item === null) return "associative list without keys has an element that's an explicit null";
  return { kind: 'value', value: item };
}

/**
 * The value as upstream's typed (Go struct) view of it: struct fields a Go value always carries are filled
 * in where the JSON leaves them out (non-pointer structs as `{}`, slices, maps and pointers without
 * omitempty as null). Upstream compares typed objects, so a `status: {}` or `resources: {}` the JSON lacks
 * is there on both sides; comparing these views reproduces which containers it records as added or
 * removed (the `.` entries of FieldsV1) and which writes change nothing. `withZeros({}, t)` is a new object.
 */
export function withZeros(value: unknown, type: TypeRef): unknown {
  const atom = deduceAtom(type, value);
  if (atom.map && isPlainObject(value)) {
    const map = atom.map;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = withZeros(value[key], fieldType(map, key));
    if (type.definition !== undefined && !map.atomic) {
      for (const { name, nil } of zeroFields(type.definition)) {
        if (out[name] !== undefined) continue;
        out[name] = nil ? null : withZeros({}, fieldType(map, name));
      }
    }
    return out;
  }
  if (atom.list && Array.isArray(value)) {
    const element = atom.list.element;
    return value.map((item) => withZeros(item, element));
  }
  return value;
}

/**
 * withZeros of the two sides of a comparison, except for zero fields that neither side has at a position
 * where both hold an object of the same (non-atomic) struct: both views would carry the same zero value
 * there, which the comparison walks to find nothing, and without it the two maps differ in exactly the
 * same fields (or are both empty, which compares as unchanged as well).
 */
export function withZerosPair(lhs: unknown, rhs: unknown, type: TypeRef): [unknown, unknown] {
  if (!isPlainObject(lhs) || !isPlainObject(rhs)) return [withZeros(lhs, type), withZeros(rhs, type)];
  const map = deduceAtom(type, lhs).map;
  if (!map || map.atomic) return [withZeros(lhs, type), withZeros(rhs, type)];
  const l: Record<string, unknown> = {};
  const r: Record<string, unknown> = {};
  for (const key of Object.keys(lhs)) {
    const lv = lhs[key];
    const rv = rhs[key];
    if (lv !== undefined && rv !== undefined) [l[key], r[key]] = withZerosPair(lv, rv, fieldType(map, key));
    else l[key] = withZeros(lv, fieldType(map, key));
  }
  for (const key of Object.keys(rhs)) {
    if (lhs[key] === undefined || rhs[key] === undefined) r[key] = withZeros(rhs[key], fieldType(map, key));
  }
  if (type.definition !== undefined) {
    for (const { name, nil } of zeroFields(type.definition)) {
      const inL = l[name] !== undefined;
      if (inL === (r[name] !== undefined)) continue;
      const zero = nil ? null : withZeros({}, fieldType(map, name));
      if (inL) r[name] = zero;
      else l[name] = zero;
    }
  }
  return [l, r];
}

interface ZeroField {
  readonly name: string;
  /** Present as null rather than `{}`. */
  readonly nil: boolean;
}

const zeroFieldCache = new Map<string, readonly ZeroField[]>();

/** ZERO_FIELDS of a definition, parsed once. */
function zeroFields(definition: string): readonly ZeroField[] {
  let fields = zeroFieldCache.get(definition);
  if (!fields) {
    const text = ZERO_FIELDS[definition];
    fields = text ? text.split(' ').map((t) => (t.startsWith('!') ? { name: t.slice(1), nil: true } : { name: t, nil: false })) : [];
    zeroFieldCache.set(definition, fields);
  }
  return fields;
}
