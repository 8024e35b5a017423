// Server side of application/strategic-merge-patch+json: apimachinery's strategicpatch mergeMap/mergeSlice over the OpenAPI schema.
import { goQuote } from '../meta/field-errors.js';
import type { SchemaNode } from './schema-tree.js';
import { goV, smpErrors } from './strategic-merge-errors.js';
import {
  findByKey,
  goEqual,
  goKind,
  hasOwn,
  isObj,
  normalizeElementOrder,
  partitionMaps,
  partitionPrimitives,
  type GoKind,
} from './strategic-merge-order.js';

type Obj = Record<string, unknown>;

/** The patch's special keys; the last two are prefixes of `<prefix>/<field>` keys that sit beside the field. */
export const smpDirectives = {
  patch: '$patch',
  retainKeys: '$retainKeys',
  deleteFromPrimitiveList: '$deleteFromPrimitiveList',
  setElementOrder: '$setElementOrder',
} as const;

const PATCH = smpDirectives.patch;
const RETAIN_KEYS = smpDirectives.retainKeys;
const DELETE_PREFIX = smpDirectives.deleteFromPrimitiveList;
const ORDER_PREFIX = smpDirectives.setElementOrder;

/**
 * Applies a strategic merge patch the way kube-apiserver does for built-in kinds (StrategicMergeMapPatch with the
 * Go struct's patch tags, which the OpenAPI extensions mirror). Neither input is modified; the result shares
 * untouched subtrees with `original` and nothing with `patch`. Failures are ApiErrors with upstream's code and text.
 */
export function applyStrategicMergePatch(original: unknown, patch: unknown, schema: SchemaNode): unknown {
  // The body is decoded into a map[string]interface{}: JSON null leaves it empty, anything but an object fails.
  if (patch === null) return isObj(original) ? { ...original } : {};
  if (!isObj(patch)) throw smpErrors.notAnObject(patch);
  return mergeMap(isObj(original) ? original : undefined, patch, schema);
}

/** True for the keys that carry directives rather than fields (`$patch`, `$retainKeys`, `$setElementOrder/x`, ...). */
export function isSmpDirectiveKey(key: string): boolean {
  return key === PATCH || key === RETAIN_KEYS || key.startsWith(DELETE_PREFIX) || key.startsWith(ORDER_PREFIX);
}

interface FieldMeta {
  node: SchemaNode;
  /** The strategy other than retainKeys: '', 'merge' or 'replace'. */
  strategy: string;
  mergeKey: string;
}

function mergeMap(original: Obj | undefined, patch: Obj, schema: SchemaNode): Obj {
  if (hasOwn(patch, PATCH)) return mapDirective(patch[PATCH], patch);
  const out: Obj = original ? { ...original } : {};
  if (hasOwn(patch, RETAIN_KEYS)) applyRetainKeys(out, patch);

  // Ordered lists are merged first, together with their field, which the loop below then skips.
  let done: Set<string> | undefined;
  const keys = Object.keys(patch);
  for (const key of keys) {
    if (key.startsWith(ORDER_PREFIX)) mergeOrderedList(out, patch, key, schema, (done ??= new Set()));
  }

  // Go visits the keys in random order, but a small map mostly in the order they were decoded: the patch's order.
  for (const key of keys) {
    if (key === RETAIN_KEYS || done?.has(key)) continue;
    if (key.startsWith(DELETE_PREFIX)) mergeField(out, extractKey(key, DELETE_PREFIX) || key, patch[key], schema, true);
    else mergeField(out, key, patch[key], schema, false);
  }
  return out;
}

/** `$patch` on a map: replace keeps the patch (directive dropped, nothing else cleaned), delete leaves an empty map. */
function mapDirective(directive: unknown, patch: Obj): Obj {
  if (directive === 'replace') {
    const out: Obj = {};
    for (const key of Object.keys(patch)) if (key !== PATCH) setKey(out, key, copy(patch[key]));
    return out;
  }
  if (directive === 'delete') return {};
  throw smpErrors.badPatchType(directive, patch);
}

function mergeField(out: Obj, key: string, patchValue: unknown, schema: SchemaNode, isDeleteList: boolean): void {
  if (patchValue === null) {
    delete out[key];
    return;
  }
  if (!hasOwn(out, key)) {
    if (!isDeleteList) setCleaned(out, key, patchValue);
    return;
  }
  const current = out[key];
  const kind = goKind(current);
  if (kind !== goKind(patchValue)) {
    if (!isDeleteList) setCleaned(out, key, patchValue);
    return;
  }
  if (kind === 'map') {
    const meta = lookupStruct(schema, key);
    out[key] = meta.strategy === 'replace' ? copy(patchValue) : mergeMap(current as Obj, patchValue as Obj, meta.node);
  } else if (kind === 'slice') {
    const meta = lookupSlice(schema, key);
    out[key] =
      meta.strategy === 'merge' || isDeleteList
        ? mergeSlice(current as unknown[], patchValue as unknown[], meta.node, meta.mergeKey, isDeleteList)
        : copy(patchValue);
  } else {
    out[key] = patchValue;
  }
}

function mergeSlice(original: unknown[], patch: unknown[], schema: SchemaNode, mergeKey: string, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let merged: unknown[];
  if (kind !== 'map') {
    if (isDeleteList) return deleteFromSlice(original, patch);
    // Every element is found in its order list below, so the dedupe's own order never shows.
    merged = [...new Set([...original, ...patch])];
  } else {
    if (!mergeKey) throw smpErrors.go(`cannot merge lists without merge key for ${goKindName(schema)}`);
    [original, patch] = applySpecialElements(original, patch, mergeKey);
    merged = mergeByKey(original, patch, mergeKey, schema);
  }
  const [patchItems, serverOnly] = mergeKey ? partitionMaps(merged, patch, mergeKey) : partitionPrimitives(merged, patch);
  return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
}

/** mergeSliceWithSpecialElements: applies `$patch` elements, returning the new original and the plain patch elements. */
function applySpecialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let replace = false;
  for (const v of patch) {
    const element = v as Obj;
    if (!hasOwn(element, PATCH)) {
      plain.push(element);
      continue;
    }
    const directive = element[PATCH];
    if (directive === 'delete') {
      if (!hasOwn(element, mergeKey)) throw smpErrors.noMergeKey(element, mergeKey);
      const value = element[mergeKey];
      original = original.filter((o) => !(hasOwn(o as Obj, mergeKey) && goEqual((o as Obj)[mergeKey], value)));
    } else if (directive === 'replace') {
      replace = true; // keep going: later elements may still be malformed
    } else if (directive === 'merge') {
      throw smpErrors.go('merging lists cannot yet be specified in the patch');
    } else {
      throw smpErrors.badPatchType(directive, element);
    }
  }
  return replace ? [plain.map(copy), []] : [original, plain];
}

/** mergeSliceWithoutSpecialElements: elements matching by merge key merge, others are appended as sent. */
function mergeByKey(original: unknown[], patch: unknown[], mergeKey: string, schema: SchemaNode): unknown[] {
  if (patch.length === 0) return original;
  const out = original.slice();
  for (const v of patch) {
    const element = v as Obj;
    if (!hasOwn(element, mergeKey)) throw smpErrors.noMergeKey(element, mergeKey);
    const i = findByKey(out, mergeKey, element[mergeKey]);
    if (i >= 0) out[i] = mergeMap(out[i] as Obj, element, schema);
    else out.push(copy(element));
  }
  return out;
}

function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  const remove = new Set(toDelete);
  return current.filter((v) => !remove.has(v));
}

/** sliceElementType: all elements of one Go type, which may not be a slice. */
function sliceElementKind(...lists: unknown[][]): GoKind {
  let kind: GoKind | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = goKind(v);
      if (kind === undefined) {
        if (k === 'nil') throw smpErrors.panic(); // reflect.TypeOf(nil).Kind() dereferences nil
        if (k === 'slice') throw smpErrors.noListOfLists();
        kind = k;
      } else if (k !== kind) {
        throw smpErrors.go(`list element types are not identical: ${goV(lists)}`);
      }
    }
  }
  if (kind === undefined) throw smpErrors.go('no elements in any of the given slices');
  return kind;
}

/** `$retainKeys`: every non-null field the patch sets must be listed; fields of the original not listed are dropped. */
function applyRetainKeys(out: Obj, patch: Obj): void {
  const list = patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw smpErrors.badRetainKeys();
  const retained = new Set<unknown>();
  for (const v of list) {
    if (typeof v === 'object' && v !== null) throw smpErrors.panic(); // a map[interface{}] key cannot be a map or slice
    retained.add(v);
  }
  for (const key of Object.keys(patch)) {
    if (key === RETAIN_KEYS || patch[key] === null || key.startsWith(DELETE_PREFIX) || key.startsWith(ORDER_PREFIX)) continue;
    if (!retained.has(key)) throw smpErrors.badRetainKeys();
  }
  for (const key of Object.keys(out)) if (!retained.has(key)) delete out[key];
}

/**
 * mergePatchIntoOriginal for one `$setElementOrder/<field>`: merges the field's patch list (if any) into the original
 * and orders the result: listed elements as listed, the server's others placed among them by their live position.
 */
function mergeOrderedList(out: Obj, patch: Obj, key: string, schema: SchemaNode, done: Set<string>): void {
  done.add(key);
  const order = patch[key];
  if (!Array.isArray(order)) throw smpErrors.badArgType('slice', order);
  const field = extractKey(key, ORDER_PREFIX);
  const foundOriginal = hasOwn(out, field);
  const foundPatch = hasOwn(patch, field);
  let originalList: unknown[] = [];
  let patchList: unknown[] = [];
  if (foundOriginal) {
    if (!Array.isArray(out[field])) throw smpErrors.badArgType('slice', out[field]);
    originalList = out[field] as unknown[];
  }
  if (foundPatch) {
    if (!Array.isArray(patch[field])) throw smpErrors.badArgType('slice', patch[field]);
    patchList = patch[field] as unknown[];
  }
  const meta = lookupSlice(schema, field);
  validatePatchWithSetOrderList(patchList, order, meta.mergeKey);

  let merged: unknown[];
  if (foundOriginal && !foundPatch) merged = originalList;
  else if (!foundOriginal && foundPatch) merged = cleanValue(patchList, false) as unknown[];
  else if (foundOriginal && foundPatch) {
    merged = meta.strategy === 'merge' ? mergeSlice(originalList, patchList, meta.node, meta.mergeKey, false) : copy(patchList) as unknown[];
  } else return;

  const [patchItems, serverOnly] = meta.mergeKey ? partitionMaps(merged, order, meta.mergeKey) : partitionPrimitives(merged, order);
  const kind = sliceElementKind(originalList, patchList);
  setKey(out, field, normalizeElementOrder(patchItems, serverOnly, order, originalList, meta.mergeKey, kind));
  done.add(field);
}

/** The patch list's elements (deletions and other directives aside) must appear in the order list, in its order. */
function validatePatchWithSetOrderList(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey) {
    items = [];
    for (const v of patchList) {
      if (!isObj(v)) throw smpErrors.badArgType('map', v);
      if (!(hasOwn(v, PATCH) && v[PATCH] === 'delete')) items.push(v);
    }
  }
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    if (isObj(items[p]) && hasOwn(items[p] as Obj, PATCH)) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(items[p], order[o], mergeKey)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw smpErrors.go(`The order in patch list:\n${goV(patchList)}\n doesn't match ${ORDER_PREFIX} list:\n${goV(order)}\n`);
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (!mergeKey) return goEqual(left, right);
  if (!isObj(left)) throw smpErrors.badArgType('map', left);
  if (!isObj(right)) throw smpErrors.badArgType('map', right);
  if (!hasOwn(left, mergeKey)) throw smpErrors.noMergeKey(left, mergeKey);
  if (!hasOwn(right, mergeKey)) throw smpErrors.noMergeKey(right, mergeKey);
  return goEqual(left[mergeKey], right[mergeKey]);
}

/** `<prefix>/<field>` → field; anything else is a malformed directive (400). */
function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === DELETE_PREFIX ? smpErrors.badPrimitiveList() : smpErrors.badSetElementOrder();
  }
  return key.slice(slash + 1);
}

// Patch metadata lookups: PatchMetaFromStruct over the Go types, whose JSON fields the OpenAPI properties mirror.

function lookupStruct(schema: SchemaNode, key: string): FieldMeta {
  // Definitions that are not objects with properties (RawExtension, Quantity, Time...) are Go structs all the same.
  if (schema.kind !== 'struct' && !(schema.definition && (schema.kind === 'any' || schema.kind === 'scalar'))) {
    throw smpErrors.go(`merging an object in json but data type is not struct, instead is: ${goKindName(schema)}`);
  }
  const node = schema.field(key);
  if (!node) throw smpErrors.go(`unable to find api field in struct ${goTypeName(schema)} for the json field ${goQuote(key)}`);
  return { node, strategy: patchStrategy(node.patchStrategies), mergeKey: node.patchMergeKey ?? '' };
}

function lookupSlice(schema: SchemaNode, key: string): FieldMeta {
  const meta = lookupStruct(schema, key);
  if (meta.node.kind !== 'list') throw smpErrors.go('expected slice or array type, but got: struct');
  const element = meta.node.element();
  if (element.kind === 'list') throw smpErrors.go('unexpected slice of slice');
  return { ...meta, node: element };
}

/** extractRetainKeysPatchStrategy: retainKeys may ride along with one other strategy. */
function patchStrategy(strategies: readonly string[]): string {
  if (strategies.length === 0) return '';
  if (strategies.length === 1) return strategies[0] === 'retainKeys' ? '' : strategies[0];
  if (strategies.length === 2) {
    if (strategies[0] === 'retainKeys') return strategies[1];
    if (strategies[1] === 'retainKeys') return strategies[0];
  }
  throw smpErrors.go(`unexpected patch strategy: [${strategies.join(' ')}]`);
}

/** reflect.Type.Name() of the Go type behind a definition: its last dotted segment. */
function goTypeName(schema: SchemaNode): string {
  const def = schema.definition ?? '';
  return def.slice(def.lastIndexOf('.') + 1);
}

/** reflect.Kind names: quantities, times and int-or-strings are structs in Go; plain scalars are told apart no further. */
function goKindName(schema: SchemaNode): string {
  switch (schema.kind) {
    case 'map':
      return 'map';
    case 'list':
      return 'slice';
    case 'scalar':
      return schema.definition ? 'struct' : 'string';
    case 'any':
      return schema.definition ? 'struct' : 'interface';
    default:
      return 'struct';
  }
}

// Values taken from the patch: copied, so that the result never aliases the request body.

const DROP = Symbol('drop');

function setCleaned(out: Obj, key: string, value: unknown): void {
  const cleaned = cleanValue(value, true);
  if (cleaned === DROP) delete out[key];
  else setKey(out, key, cleaned);
}

/**
 * discardNullValuesFromPatch (when asked) then removeDirectives: maps carrying `$patch` vanish, nulls inside maps go
 * when discarding, list elements stay null. Other directive keys are left in, as upstream leaves them.
 */
function cleanValue(value: unknown, discardNulls: boolean): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) {
      const c = cleanValue(v, discardNulls);
      if (c !== DROP) out.push(c);
    }
    return out;
  }
  if (!isObj(value)) return value;
  if (hasOwn(value, PATCH) && !(discardNulls && value[PATCH] === null)) return DROP;
  const out: Obj = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v === null) {
      if (!discardNulls) setKey(out, key, null);
      continue;
    }
    const c = cleanValue(v, discardNulls);
    if (c !== DROP) setKey(out, key, c);
  }
  return out;
}

function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (!isObj(value)) return value;
  const out: Obj = {};
  for (const key of Object.keys(value)) setKey(out, key, copy(value[key]));
  return out;
}

/** Plain assignment would turn a `__proto__` key into a prototype change. */
function setKey(o: Obj, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}
