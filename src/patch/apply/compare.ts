// Which fields differ between two typed values (upstream typed.Compare): the added, modified and removed field sets.
import { deepEqual } from '../../meta/deep-equal.js';
import { isPlainObject } from '../../meta/types.js';
import { FieldSet } from './fieldpath.js';
import { elementKey, fieldElement, type PathElement } from './path-element.js';
import { atomsEqual, deduceAtom, fieldType, listItemElement, type Atom, type ListAtom, type MapAtom, type TypeRef } from './typed-schema.js';

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Paths added, modified or removed going from lhs to rhs. undefined stands for an absent value. */
export function compareValues(lhs: unknown, rhs: unknown, type: TypeRef): Comparison {
  const cmp: Comparison = { added: FieldSet.empty(), modified: FieldSet.empty(), removed: FieldSet.empty() };
  compare(lhs, rhs, type, [], cmp);
  return cmp;
}

/** Drops the fields under `ignored` (upstream FilterFields with an exclude filter). */
export function excludeFields(c: Comparison, ignored: FieldSet | undefined): Comparison {
  if (!ignored || ignored.empty()) return c;
  return {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}

interface Walk {
  lhs: unknown;
  rhs: unknown;
  /** The position; one array for the whole walk, pushed and popped around each child (insert copies nothing of it). */
  path: PathElement[];
  cmp: Comparison;
  /** Set once this position was compared as a whole (a "big leaf"). */
  inLeaf: boolean;
}

function compare(lhs: unknown, rhs: unknown, type: TypeRef, path: PathElement[], cmp: Comparison): void {
  const w: Walk = { lhs, rhs, path, cmp, inLeaf: false };
  const al = deduceAtom(type, lhs);
  const ar = deduceAtom(type, rhs);
  if (rhs === undefined) handle(al, w);
  else if (lhs === undefined || atomsEqual(al, ar)) handle(ar, w);
  else {
    // The value changed shape: compare it as the old shape on a scratch walker, then as the new one.
    handle(al, { ...w });
    handle(ar, w);
  }
  if (!w.inLeaf) {
    if (lhs === undefined) cmp.added.insert(path);
    else if (rhs === undefined) cmp.removed.insert(path);
  }
}

function handle(atom: Atom, w: Walk): void {
  if (atom.map) doMap(atom.map, w);
  else if (atom.scalar) doLeaf(w);
  else if (atom.list) doList(atom.list, w);
}

function doLeaf(w: Walk): void {
  if (w.inLeaf) return;
  w.inLeaf = true;
  if (w.lhs === undefined) w.cmp.added.insert(w.path);
  else if (w.rhs === undefined) w.cmp.removed.insert(w.path);
  else if (!deepEqual(w.lhs, w.rhs)) w.cmp.modified.insert(w.path);
}

const asMap = (v: unknown): Record<string, unknown> | undefined => (isPlainObject(v) ? v : undefined);
const asList = (v: unknown): readonly unknown[] | undefined => (Array.isArray(v) ? v : undefined);
const emptyMap = (m: Record<string, unknown> | undefined) => !m || Object.keys(m).length === 0;

function doMap(t: MapAtom, w: Walk): void {
  const l = asMap(w.lhs);
  const r = asMap(w.rhs);
  if (t.atomic || (emptyMap(l) && emptyMap(r))) return doLeaf(w);
  const keys = new Set([...Object.keys(l ?? {}), ...Object.keys(r ?? {})]);
  for (const key of keys) {
    const lv = l?.[key];
    const rv = r?.[key];
    if (lv === undefined && rv === undefined) continue;
    w.path.push(fieldElement(key));
    compare(lv, rv, fieldType(t, key), w.path, w.cmp);
    w.path.pop();
  }
}

function doList(t: ListAtom, w: Walk): void {
  const l = asList(w.lhs);
  const r = asList(w.rhs);
  if (!t.associative || ((!l || l.length === 0) && (!r || r.length === 0))) return doLeaf(w);
  // Items grouped by key; a key seen more than once is compared as a whole.
  const order: PathElement[] = [];
  const lhsItems = new Map<string, unknown[]>();
  const rhsItems = new Map<string, unknown[]>();
  const index = (items: readonly unknown[] | undefined, into: Map<string, unknown[]>, other?: Map<string, unknown[]>) => {
    for (const item of items ?? []) {
      const pe = listItemElement(t, item);
      if (typeof pe === 'string') continue;
      const k = elementKey(pe);
      const seen = into.get(k);
      if (seen) seen.push(item);
      else {
        into.set(k, [item]);
        if (!other?.has(k)) order.push(pe);
      }
    }
  };
  index(l, lhsItems);
  index(r, rhsItems, lhsItems);
  for (const pe of order) {
    const k = elementKey(pe);
    const ls = lhsItems.get(k) ?? [];
    const rs = rhsItems.get(k) ?? [];
    const p = w.path;
    p.push(pe);
    if (ls.length <= 1 && rs.length <= 1) compare(ls[0], rs[0], t.element, p, w.cmp);
    else if (ls.length >= 2 && rs.length >= 2) {
      if (ls.length !== rs.length || ls.some((v, i) => !deepEqual(v, rs[i]))) w.cmp.modified.insert(p);
    } else if (ls.length >= 2) {
      if (rs.length !== 0) compare(undefined, rs[0], t.element, p, w.cmp);
      w.cmp.removed.insert(p);
    } else {
      if (ls.length !== 0) compare(ls[0], undefined, t.element, p, w.cmp);
      w.cmp.added.insert(p);
    }
    p.pop();
  }
}
