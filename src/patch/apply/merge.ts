// Merging an applied configuration into a live value by schema (upstream typed.Merge with the keep-right-hand-side rule).
import { isPlainObject } from '../../meta/types.js';
import { compareElements, elementKey, elementString, fieldElement, type Path, type PathElement } from './path-element.js';
import { atomsEqual, deduceAtom, fieldType, listItemElement, type Atom, type ListAtom, type MapAtom, type TypeRef } from './typed-schema.js';

/** A merge the values make impossible (the applied side repeating a key); upstream's merge errors. */
export class MergeError extends Error {}

/**
 * rhs over lhs: scalars, atomic lists/maps and empty containers are replaced whole; granular maps and
 * structs merge key by key; list-map and set items merge by key, keeping lhs-only items in place.
 * Returns undefined when neither side has a value.
 */
export function mergeValues(lhs: unknown, rhs: unknown, type: TypeRef): unknown {
  return merge(lhs, rhs, type, []);
}

interface Walk {
  lhs: unknown;
  rhs: unknown;
  path: Path;
  inLeaf: boolean;
  out: unknown;
}

function merge(lhs: unknown, rhs: unknown, type: TypeRef, path: Path): unknown {
  const w: Walk = { lhs, rhs, path, inLeaf: false, out: undefined };
  const al = deduceAtom(type, lhs);
  const ar = deduceAtom(type, rhs);
  if (rhs === undefined) handle(al, w);
  else if (lhs === undefined || atomsEqual(al, ar)) handle(ar, w);
  else {
    // The value changed shape: upstream walks the old shape on a scratch copy, and keeps the new shape's result.
    handle(al, { ...w });
    handle(ar, w);
  }
  return w.out;
}

function handle(atom: Atom, w: Walk): void {
  if (atom.map) doMap(atom.map, w);
  else if (atom.scalar) doLeaf(w);
  else if (atom.list) doList(atom.list, w);
}

function doLeaf(w: Walk): void {
  if (w.inLeaf) return;
  w.inLeaf = true;
  w.out = w.rhs !== undefined ? w.rhs : w.lhs;
}

const asMap = (v: unknown): Record<string, unknown> | undefined => (isPlainObject(v) ? v : undefined);
const asList = (v: unknown): readonly unknown[] | undefined => (Array.isArray(v) ? v : undefined);
const emptyMap = (m: Record<string, unknown> | undefined) => !m || Object.keys(m).length === 0;

function doMap(t: MapAtom, w: Walk): void {
  const l = asMap(w.lhs);
  const r = asMap(w.rhs);
  if (t.atomic || (emptyMap(l) && emptyMap(r))) return doLeaf(w);
  const out: Record<string, unknown> = {};
  // Live keys keep their order; keys only the configuration has follow.
  const keys = new Set([...Object.keys(l ?? {}), ...Object.keys(r ?? {})]);
  for (const key of keys) {
    const lv = l?.[key];
    const rv = r?.[key];
    if (lv === undefined && rv === undefined) continue;
    const v = merge(lv, rv, fieldType(t, key), [...w.path, fieldElement(key)]);
    if (v !== undefined) out[key] = v;
  }
  if (Object.keys(out).length > 0) w.out = out;
}

function doList(t: ListAtom, w: Walk): void {
  const l = asList(w.lhs);
  const r = asList(w.rhs);
  if (!t.associative || ((!l || l.length === 0) && (!r || r.length === 0))) return doLeaf(w);
  const out = mergeItems(t, l ?? [], r ?? [], w.path);
  if (out.length > 0) w.out = out;
}

interface Indexed {
  pes: PathElement[];
  /** Item by element key; a key repeated on the live side maps to null. */
  observed: Map<string, unknown>;
}

function index(t: ListAtom, items: readonly unknown[], allowDuplicates: boolean, path: Path): Indexed {
  const pes: PathElement[] = [];
  const observed = new Map<string, unknown>();
  items.forEach((item, i) => {
    const pe = listItemElement(t, item);
    if (typeof pe === 'string') throw new MergeError(`${pathText(path)}element ${i}: ${pe}`);
    const k = elementKey(pe);
    if (observed.has(k)) {
      if (!allowDuplicates) throw new MergeError(`${pathText(path)}duplicate entries for key ${elementString(pe)}`);
      observed.set(k, null);
    } else observed.set(k, item);
    pes.push(pe);
  });
  return { pes, observed };
}

const pathText = (path: Path) => (path.length ? `${path.map(elementString).join('')}: ` : '');

/**
 * upstream's list merge order: live items stay where they are, applied items shared with the live list
 * are placed in the applied order, and applied-only items go right after the shared item they follow.
 */
function mergeItems(t: ListAtom, lhs: readonly unknown[], rhs: readonly unknown[], path: Path): unknown[] {
  const out: unknown[] = [];
  const R = index(t, rhs, false, path);
  const L = index(t, lhs, true, path);
  const shared = R.pes.filter((pe) => L.observed.has(elementKey(pe)));
  let nextShared: PathElement | undefined = shared.shift();
  const mergedRHS = new Set<string>();
  const emit = (pe: PathElement, lv: unknown, rv: unknown) => {
    const v = merge(lv, rv, t.element, [...path, pe]);
    if (v !== undefined) out.push(v);
  };
  let li = 0;
  let ri = 0;
  while (li < L.pes.length || ri < R.pes.length) {
    if (li < L.pes.length && ri < R.pes.length) {
      const pe = L.pes[li];
      const k = elementKey(pe);
      if (compareElements(pe, R.pes[ri]) === 0) {
        mergedRHS.add(k);
        emit(pe, L.observed.get(k), R.observed.get(k));
        li++;
        ri++;
        nextShared = shared.shift();
        continue;
      }
      // A live item the configuration also has, but not next in its order: it is placed later.
      if (R.observed.has(k) && nextShared && compareElements(nextShared, pe) !== 0) {
        li++;
        continue;
      }
    }
    if (li < L.pes.length) {
      const pe = L.pes[li];
      const k = elementKey(pe);
      if (!R.observed.has(k)) {
        emit(pe, lhs[li], undefined);
        li++;
        continue;
      }
      if (mergedRHS.has(k)) li++;
    }
    if (ri < R.pes.length) {
      const pe = R.pes[ri];
      const k = elementKey(pe);
      mergedRHS.add(k);
      emit(pe, L.observed.has(k) ? L.observed.get(k) : undefined, R.observed.get(k));
      ri++;
      if (nextShared && compareElements(nextShared, pe) === 0) nextShared = shared.shift();
    }
  }
  return out;
}
