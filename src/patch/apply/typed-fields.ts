// Field sets of typed values (upstream typed.ToFieldSet), named-field expansion, and removing a set's items from a value.
import { isPlainObject } from '../../meta/types.js';
import type { SchemaNode } from '../schema-tree.js';
import { FieldSet } from './fieldpath.js';
import { elementKey, fieldElement, type Path } from './path-element.js';
import { deduceAtom, fieldType, listItemElement, typeOf, type ListAtom, type TypeRef } from './typed-schema.js';

/**
 * The set of fields an object sets, as upstream's ToFieldSet: leaves (scalars, atomic lists/maps/structs,
 * empty or null values), list-map items (`k:`), set items (`v:`) and map keys; a struct field that holds
 * a non-empty struct is only a path to its leaves, never a member itself.
 */
export function fieldsOf(object: unknown, schema: SchemaNode): FieldSet {
  return toFieldSet(object, typeOf(schema));
}

export function toFieldSet(value: unknown, type: TypeRef): FieldSet {
  const set = FieldSet.empty();
  walk(value, type, [], set);
  return set;
}

function walk(value: unknown, type: TypeRef, path: Path, set: FieldSet): void {
  const atom = deduceAtom(type, value);
  if (atom.map) {
    if (atom.map.atomic) return set.insert(path);
    if (!isPlainObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (child === undefined) continue;
      const p = [...path, fieldElement(key)];
      walk(child, fieldType(atom.map, key), p, set);
      // Map keys, empty containers and nulls are fields in their own right; declared struct fields are not.
      if (child === null || (isPlainObject(child) && Object.keys(child).length === 0) || !atom.map.field(key)) set.insert(p);
    }
    return;
  }
  if (atom.scalar) return set.insert(path);
  if (atom.list) {
    if (!atom.list.associative) return set.insert(path);
    if (Array.isArray(value)) walkItems(value, atom.list, path, set);
  }
}

function walkItems(items: readonly unknown[], list: ListAtom, path: Path, set: FieldSet): void {
  const elements = items.map((item) => listItemElement(list, item));
  // A key that appears more than once (live objects may carry duplicates) is owned as a whole.
  const seen = new Set<string>();
  const duplicated = new Set<string>();
  for (const pe of elements) {
    if (typeof pe === 'string') continue;
    const k = elementKey(pe);
    if (!seen.has(k)) seen.add(k);
    else if (!duplicated.has(k)) {
      duplicated.add(k);
      set.insert([...path, pe]);
    }
  }
  elements.forEach((pe, i) => {
    if (typeof pe === 'string' || duplicated.has(elementKey(pe))) return;
    const p = [...path, pe];
    walk(items[i], list.element, p, set);
    set.insert(p);
  });
}

/** upstream EnsureNamedFieldsAreMembers: every declared struct field on a path becomes a member too. */
export function ensureNamedFieldsAreMembers(set: FieldSet, type: TypeRef | undefined): FieldSet {
  const out = FieldSet.empty();
  for (const pe of set.memberElements()) out.insert([pe]);
  for (const pe of set.childElements()) {
    let childType: TypeRef | undefined;
    if (pe.kind === 'field' && type?.map) {
      if (type.map.field(pe.name)) out.insert([pe]);
      childType = type.map.field(pe.name) ?? type.map.element;
    } else if (pe.kind === 'key' && type?.list) {
      childType = type.list.element;
    }
    const sub = ensureNamedFieldsAreMembers(set.child(pe)!, childType);
    for (const p of sub.paths()) out.insert([pe, ...p]);
  }
  return out;
}

/**
 * upstream RemoveItems: drops the set's members and recurses into its children. Where upstream leaves a
 * null behind for a map or list emptied by the removal, this drops the key (the typed round trip upstream
 * makes afterwards turns those nulls into absent fields).
 */
export function removeItems(value: unknown, toRemove: FieldSet, type: TypeRef): unknown {
  return remove(value, toRemove, type);
}

/** undefined: nothing left (upstream's nil). */
function remove(value: unknown, toRemove: FieldSet, type: TypeRef): unknown {
  const atom = deduceAtom(type, value);
  if (atom.map) {
    if (!isPlainObject(value) || Object.keys(value).length === 0 || atom.map.atomic) return undefined;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const pe = fieldElement(key);
      if (toRemove.hasMember(pe)) continue;
      const sub = toRemove.child(pe);
      const kept = sub && !sub.empty() ? remove(child, sub, fieldType(atom.map, key)) : child;
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (atom.scalar) return value;
  if (atom.list) {
    if (!Array.isArray(value) || value.length === 0 || !atom.list.associative) return undefined;
    const out: unknown[] = [];
    for (const item of value) {
      const pe = listItemElement(atom.list, item);
      if (typeof pe === 'string') {
        out.push(item);
        continue;
      }
      if (toRemove.hasMember(pe)) continue;
      const sub = toRemove.child(pe);
      out.push(sub && !sub.empty() ? (remove(item, sub, atom.list.element) ?? null) : item);
    }
    return out.length > 0 ? out : undefined;
  }
  return value;
}
