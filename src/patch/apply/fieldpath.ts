// Field sets as upstream structured-merge-diff's fieldpath.Set: a sorted trie of paths, its set algebra and FieldsV1 JSON.
import { isPlainObject } from '../../meta/types.js';
import {
  compareElements,
  deserializeElement,
  elementString,
  PathElementError,
  serializeElement,
  type Path,
  type PathElement,
} from './path-element.js';

interface Child {
  readonly pe: PathElement;
  readonly set: FieldSet;
}

/** Index of pe in a sorted array, or -(insertion point) - 1 when absent. */
function search<T>(items: readonly T[], pe: PathElement, elementOf: (item: T) => PathElement): number {
  let lo = 0;
  let hi = items.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compareElements(elementOf(items[mid]), pe);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

const self = (pe: PathElement) => pe;
const childElement = (c: Child) => c.pe;

/**
 * A set of field paths. `members` are paths ending at this node, `children` the subtrees below it.
 * Sets returned by the algebra share subtrees with their inputs, so only `insert` into sets you built.
 */
export class FieldSet {
  /** The FieldsV1 of this subtree without and with its `.` (sets are immutable once built; insert clears them). */
  private emitted: Record<string, unknown> | undefined;
  private emittedSelf: Record<string, unknown> | undefined;

  private constructor(
    private readonly members: PathElement[] = [],
    private readonly children: Child[] = [],
  ) {}

  static empty(): FieldSet {
    return new FieldSet();
  }

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  /** Adds a path; the empty path is ignored, as upstream does. */
  insert(path: Path): void {
    if (path.length === 0) return;
    let node: FieldSet = this;
    node.forget();
    for (let i = 0; i < path.length - 1; i++) {
      node = node.descend(path[i]);
      node.forget();
    }
    const pe = path[path.length - 1];
    const at = search(node.members, pe, self);
    if (at < 0) node.members.splice(-at - 1, 0, pe);
  }

  private forget(): void {
    this.emitted = undefined;
    this.emittedSelf = undefined;
  }

  private descend(pe: PathElement): FieldSet {
    const at = search(this.children, pe, childElement);
    if (at >= 0) return this.children[at].set;
    const set = new FieldSet();
    this.children.splice(-at - 1, 0, { pe, set });
    return set;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node; i++) node = node.child(path[i]);
    return node !== undefined && search(node.members, path[path.length - 1], self) >= 0;
  }

  hasMember(pe: PathElement): boolean {
    return search(this.members, pe, self) >= 0;
  }

  /** The subtree under pe, if there is one. */
  child(pe: PathElement): FieldSet | undefined {
    const at = search(this.children, pe, childElement);
    return at >= 0 ? this.children[at].set : undefined;
  }

  /** The subtree under pe, or an empty set (upstream WithPrefix). */
  withPrefix(pe: PathElement): FieldSet {
    return this.child(pe) ?? new FieldSet();
  }

  memberElements(): readonly PathElement[] {
    return this.members;
  }

  childElements(): readonly PathElement[] {
    return this.children.map(childElement);
  }

  empty(): boolean {
    return this.members.length === 0 && this.children.every((c) => c.set.empty());
  }

  size(): number {
    return this.members.length + this.children.reduce((n, c) => n + c.set.size(), 0);
  }

  equals(other: FieldSet): boolean {
    if (this.members.length !== other.members.length || this.children.length !== other.children.length) return false;
    for (let i = 0; i < this.members.length; i++) if (compareElements(this.members[i], other.members[i]) !== 0) return false;
    for (let i = 0; i < this.children.length; i++) {
      const a = this.children[i];
      const b = other.children[i];
      if (compareElements(a.pe, b.pe) !== 0 || !a.set.equals(b.set)) return false;
    }
    return true;
  }

  // The algebra hands back an input itself when the result holds exactly its paths, so a set that a write
  // leaves as it was keeps its identity (and whatever is cached for it, such as its FieldsV1).
  union(other: FieldSet): FieldSet {
    if (other.isBare()) return this;
    if (this.isBare()) return other;
    const children: Child[] = [];
    let same = true;
    mergeSorted(this.children, other.children, childElement, {
      left: (c) => children.push(c),
      right: (c) => {
        same = false;
        children.push(c);
      },
      both: (a, b) => {
        const set = a.set.union(b.set);
        if (set !== a.set) same = false;
        children.push(set === a.set ? a : { pe: a.pe, set });
      },
    });
    const members = unionElements(this.members, other.members);
    return same && members.length === this.members.length ? this : new FieldSet(members, children);
  }

  intersection(other: FieldSet): FieldSet {
    const members: PathElement[] = [];
    mergeSorted(this.members, other.members, self, { both: (a) => members.push(a) });
    const children: Child[] = [];
    let same = members.length === this.members.length;
    mergeSorted(this.children, other.children, childElement, {
      left: () => (same = false),
      both: (a, b) => {
        const set = a.set.intersection(b.set);
        if (set !== a.set) same = false;
        if (!set.empty()) children.push(set === a.set ? a : { pe: a.pe, set });
        else same = false;
      },
    });
    return same ? this : new FieldSet(members, children);
  }

  /** Removes other's paths exactly; a member of other does not remove the subtree below it. */
  difference(other: FieldSet): FieldSet {
    if (other.isBare()) return this;
    const children: Child[] = [];
    let same = true;
    mergeSorted(this.children, other.children, childElement, {
      left: (c) => children.push(c),
      both: (a, b) => {
        const set = a.set.difference(b.set);
        if (set !== a.set) same = false;
        if (!set.empty()) children.push(set === a.set ? a : { pe: a.pe, set });
        else same = false;
      },
    });
    const members = differenceElements(this.members, other.members);
    return same && members.length === this.members.length ? this : new FieldSet(members, children);
  }

  /** Like difference, but a member of other also removes everything below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    if (other.isBare()) return this;
    const children: Child[] = [];
    let same = true;
    mergeSorted(this.children, other.children, childElement, {
      left: (c) => {
        if (!other.hasMember(c.pe)) children.push(c);
        else same = false;
      },
      both: (a, b) => {
        if (other.hasMember(a.pe)) {
          same = false;
          return;
        }
        const set = a.set.recursiveDifference(b.set);
        if (set !== a.set) same = false;
        if (!set.empty()) children.push(set === a.set ? a : { pe: a.pe, set });
        else same = false;
      },
    });
    const members = differenceElements(this.members, other.members);
    return same && members.length === this.members.length ? this : new FieldSet(members, children);
  }

  /** No members and no children at all (cheaper than empty(), which also looks below). */
  private isBare(): boolean {
    return this.members.length === 0 && this.children.length === 0;
  }

  /** Every path, members before children at each level, as upstream's Iterate visits them. */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = this.members.map((pe) => [...prefix, pe]);
    for (const c of this.children) out.push(...c.set.paths([...prefix, c.pe]));
    return out;
  }

  toString(): string {
    return this.paths()
      .map((p) => p.map(elementString).join(''))
      .join('\n');
  }

  /**
   * The FieldsV1 object: `.` marks a node that is both a member and has children. It is made once per set
   * and shared (so are its subtrees, by every set sharing that subtree): never change it.
   */
  toFieldsV1(): Record<string, unknown> {
    return this.emit(false);
  }

  private emit(includeSelf: boolean): Record<string, unknown> {
    if (!includeSelf) return (this.emitted ??= this.emitFresh(false));
    return (this.emittedSelf ??= this.emitFresh(true));
  }

  private emitFresh(includeSelf: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const members = this.members;
    const children = this.children;
    if (includeSelf && (members.length > 0 || children.length > 0)) out['.'] = {};
    // Members and children merged in element order (a member that also has children is written once, with `.`).
    let i = 0;
    let j = 0;
    while (i < members.length || j < children.length) {
      const c = i >= members.length ? 1 : j >= children.length ? -1 : compareElements(members[i], children[j].pe);
      if (c < 0) out[serializeElement(members[i++])] = {};
      else {
        const child = children[j++];
        out[serializeElement(child.pe)] = child.set.emit(c === 0);
        if (c === 0) i++;
      }
    }
    return out;
  }

  /**
   * The set with these members and subtrees, in any order; repeated elements are merged (as inserting every
   * path would), so a decoded set is built bottom-up instead of path by path. Takes ownership of the arrays.
   */
  static fromParts(members: PathElement[], children: Child[]): FieldSet {
    if (!isSorted(members, self)) members.sort(compareElements);
    if (!isSorted(children, childElement)) children.sort((a, b) => compareElements(a.pe, b.pe));
    let m = 0;
    for (let i = 0; i < members.length; i++) if (m === 0 || compareElements(members[m - 1], members[i]) !== 0) members[m++] = members[i];
    members.length = m;
    let c = 0;
    for (let i = 0; i < children.length; i++) {
      const prev = c > 0 ? children[c - 1] : undefined;
      if (prev && compareElements(prev.pe, children[i].pe) === 0) children[c - 1] = { pe: prev.pe, set: prev.set.union(children[i].set) };
      else children[c++] = children[i];
    }
    children.length = c;
    return new FieldSet(members, children);
  }

  /**
   * Parses FieldsV1 as upstream's readIterV1: `{}` (or null) marks a member, `.` marks a node that also has
   * children, unknown element types are dropped. Throws PathElementError on malformed input.
   */
  static fromFieldsV1(json: unknown): FieldSet {
    if (json === null || json === undefined) return new FieldSet();
    return readNode(json).children ?? new FieldSet();
  }
}

function readNode(json: unknown): { children: FieldSet | undefined; member: boolean } {
  if (json === null) return { children: undefined, member: true };
  if (!isPlainObject(json)) throw new PathElementError(`ReadMapCB: expect { or n, but found ${typeof json}`);
  let member = false;
  let understood = false;
  const members: PathElement[] = [];
  const children: Child[] = [];
  for (const key of Object.keys(json)) {
    if (key === '.') {
      member = true;
      continue;
    }
    const pe = deserializeElement(key);
    if (!pe) continue;
    const sub = readNode(json[key]);
    understood = true;
    if (sub.member) members.push(pe);
    if (sub.children) children.push({ pe, set: sub.children });
  }
  // A node with nothing understood below it (`{}` or only unknown elements) is itself a member.
  if (!understood) return { children: undefined, member: true };
  return { children: FieldSet.fromParts(members, children), member };
}

/** Strictly ascending: no sort and no duplicates to merge (what toFieldsV1 writes). */
function isSorted<T>(items: readonly T[], elementOf: (item: T) => PathElement): boolean {
  for (let i = 1; i < items.length; i++) if (compareElements(elementOf(items[i - 1]), elementOf(items[i])) >= 0) return false;
  return true;
}

function unionElements(a: readonly PathElement[], b: readonly PathElement[]): PathElement[] {
  const out: PathElement[] = [];
  mergeSorted(a, b, self, { left: (x) => out.push(x), right: (x) => out.push(x), both: (x) => out.push(x) });
  return out;
}

function differenceElements(a: readonly PathElement[], b: readonly PathElement[]): PathElement[] {
  const out: PathElement[] = [];
  mergeSorted(a, b, self, { left: (x) => out.push(x) });
  return out;
}

/** Walks two sorted arrays together, calling back for items only on the left, only on the right, or on both. */
function mergeSorted<A, B>(
  a: readonly A[],
  b: readonly B[],
  elementOf: (x: A | B) => PathElement,
  on: { left?: (x: A) => void; right?: (x: B) => void; both?: (x: A, y: B) => void },
): void {
  // Indexes advance outside the calls: an absent optional callback would skip evaluating its arguments.
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const c = compareElements(elementOf(a[i]), elementOf(b[j]));
    if (c < 0) on.left?.(a[i]);
    else if (c > 0) on.right?.(b[j]);
    else on.both?.(a[i], b[j]);
    if (c <= 0) i++;
    if (c >= 0) j++;
  }
  for (; i < a.length; i++) on.left?.(a[i]);
  for (; j < b.length; j++) on.right?.(b[j]);
}
