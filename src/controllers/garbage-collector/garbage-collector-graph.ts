// The garbage collector's dependency graph: nodes by uid, owner→dependents edges, virtual owners, as GraphBuilder keeps.
import type { KubeObject, OwnerReference } from '../../meta/types.js';

/** An object's coordinates: an ownerReference plus the namespace (empty for cluster-scoped objects). */
export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  namespace: string;
}

/** objectReference.String() upstream, as log lines and the OwnerRefInvalidNamespace message print it. */
export function describeIdentity(id: ObjectIdentity): string {
  return `[${id.apiVersion}/${id.kind}, namespace: ${id.namespace}, name: ${id.name}, uid: ${id.uid}]`;
}

function sameIdentity(a: ObjectIdentity, b: ObjectIdentity): boolean {
  return a.uid === b.uid && a.name === b.name && a.kind === b.kind && a.apiVersion === b.apiVersion && a.namespace === b.namespace;
}

function refMatchesCoordinates(ref: OwnerReference, id: ObjectIdentity): boolean {
  return ref.uid === id.uid && ref.name === id.name && ref.kind === id.kind && ref.apiVersion === id.apiVersion;
}

export function identityKey(id: ObjectIdentity): string {
  return [id.apiVersion, id.kind, id.namespace, id.name, id.uid].join('\u0000');
}

export class GraphNode {
  readonly dependents = new Set<GraphNode>();

  constructor(
    public identity: ObjectIdentity,
    public owners: OwnerReference[],
    /** Added because a dependent names it, not yet seen by an informer: it may not exist at all. */
    public virtual: boolean,
    public beingDeleted = false,
    public deletingDependents = false,
  ) {}

  /** Dependents whose reference to this node has blockOwnerDeletion: a foreground delete waits for them. */
  blockingDependents(): GraphNode[] {
    return [...this.dependents].filter((dep) => dep.owners.some((ref) => ref.uid === this.identity.uid && ref.blockOwnerDeletion === true));
  }
}

/** What the graph asks of the collector; calls happen inside informer callbacks, so they must only queue work. */
export interface GraphListener {
  attemptToDelete(node: GraphNode): void;
  attemptToOrphan(node: GraphNode): void;
  reportInvalidNamespaceOwnerRef(dependent: GraphNode, invalidOwnerUid: string): void;
}

/** Owners the API server said do not exist; upstream's ReferenceCache, an LRU of 500. */
export class AbsentOwnerCache {
  private readonly entries = new Set<string>();

  constructor(private readonly size = 500) {}

  add(id: ObjectIdentity): void {
    const key = identityKey(id);
    this.entries.delete(key);
    this.entries.add(key);
    if (this.entries.size > this.size) this.entries.delete(this.entries.values().next().value!);
  }

  has(id: ObjectIdentity): boolean {
    return this.entries.has(identityKey(id));
  }
}

export type GraphEventType = 'add' | 'update' | 'delete';

const orphanFinalizer = 'orphan';
const foregroundFinalizer = 'foregroundDeletion';

function hasFinalizer(obj: KubeObject | undefined, finalizer: string): boolean {
  return obj?.metadata.finalizers?.includes(finalizer) ?? false;
}

function beingDeleted(obj: KubeObject | undefined): boolean {
  return !!obj?.metadata.deletionTimestamp;
}

/** upstream deletionStartsWithFinalizer: the object now waits on `finalizer` and did not before. */
function startsWaitingOn(old: KubeObject | undefined, obj: KubeObject, finalizer: string): boolean {
  if (!beingDeleted(obj) || !hasFinalizer(obj, finalizer)) return false;
  return !old || !beingDeleted(old) || !hasFinalizer(old, finalizer);
}

export class DependencyGraph {
  readonly nodes = new Map<string, GraphNode>();
  readonly absentOwners = new AbsentOwnerCache();

  constructor(private readonly listener: GraphListener) {}

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  /** processGraphChanges for one informer event (or a virtual delete, when the API server says a node is gone). */
  observe(type: GraphEventType, identity: ObjectIdentity, obj: KubeObject, old?: KubeObject, virtual = false): void {
    let existing = this.nodes.get(identity.uid);
    if (existing && !virtual && existing.virtual) {
      if (!sameIdentity(identity, existing.identity)) {
        // Dependents that named the owner by other coordinates (or from another namespace) may be invalid.
        const [, mismatched] = this.partition([...existing.dependents], identity);
        for (const dep of mismatched) {
          if (identity.namespace && dep.identity.namespace !== identity.namespace) this.listener.reportInvalidNamespaceOwnerRef(dep, identity.uid);
          this.listener.attemptToDelete(dep);
        }
        existing.identity = identity;
      }
      existing.virtual = false;
    }
    if (type === 'delete') {
      if (existing) this.remove(existing, identity, virtual);
      return;
    }
    const owners = obj.metadata.ownerReferences ?? [];
    if (!existing) {
      const node = new GraphNode(identity, owners, false, beingDeleted(obj), beingDeleted(obj) && hasFinalizer(obj, foregroundFinalizer));
      this.nodes.set(identity.uid, node);
      this.addDependentToOwners(node, owners);
      this.processTransitions(old, obj, node);
      return;
    }
    const { added, removed, changed } = referencesDiff(existing.owners, owners);
    if (added.length || removed.length || changed.length) {
      this.addUnblockedOwnersToDeleteQueue(removed, changed);
      existing.owners = owners;
      this.addDependentToOwners(existing, added);
      this.removeDependentFromOwners(existing, removed);
    }
    if (beingDeleted(obj)) existing.beingDeleted = true;
    this.processTransitions(old, obj, existing);
  }

  private processTransitions(old: KubeObject | undefined, obj: KubeObject, node: GraphNode): void {
    if (startsWaitingOn(old, obj, orphanFinalizer)) {
      this.listener.attemptToOrphan(node);
      return;
    }
    if (startsWaitingOn(old, obj, foregroundFinalizer)) {
      node.deletingDependents = true;
      for (const dep of node.dependents) this.listener.attemptToDelete(dep);
      this.listener.attemptToDelete(node);
    }
  }

  /** Links `node` under each owner, making a virtual node (to be verified) for an owner not seen yet. */
  private addDependentToOwners(node: GraphNode, owners: OwnerReference[]): void {
    let potentiallyInvalid = false;
    for (const ref of owners) {
      let owner = this.nodes.get(ref.uid);
      const known = owner !== undefined;
      if (!owner) {
        const coordinates = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: node.identity.namespace };
        owner = new GraphNode(coordinates, [], true);
        this.nodes.set(ref.uid, owner);
      }
      owner.dependents.add(node);
      if (!known) {
        this.listener.attemptToDelete(owner);
        continue;
      }
      if (potentiallyInvalid) continue;
      const ownerNamespace = owner.identity.namespace;
      if (ownerNamespace && ownerNamespace !== node.identity.namespace) {
        // A namespaced owner can only own objects in its own namespace.
        if (!owner.virtual) this.listener.reportInvalidNamespaceOwnerRef(node, ref.uid);
        potentiallyInvalid = true;
      } else if (!refMatchesCoordinates(ref, owner.identity)) {
        potentiallyInvalid = true;
      } else if (!ownerNamespace && owner.identity.namespace !== node.identity.namespace && owner.virtual) {
        // A cluster-scoped virtual owner named from a namespaced object could be a namespaced kind (issue #98040).
        potentiallyInvalid = true;
      }
    }
    if (potentiallyInvalid) this.listener.attemptToDelete(node);
  }

  private removeDependentFromOwners(node: GraphNode, owners: OwnerReference[]): void {
    for (const ref of owners) this.nodes.get(ref.uid)?.dependents.delete(node);
  }

  /** A blocking reference removed or unblocked may be what a foreground-deleting owner waits for. */
  private addUnblockedOwnersToDeleteQueue(removed: OwnerReference[], changed: { old: OwnerReference; next: OwnerReference }[]): void {
    for (const ref of removed) {
      const owner = ref.blockOwnerDeletion === true ? this.nodes.get(ref.uid) : undefined;
      if (owner) this.listener.attemptToDelete(owner);
    }
    for (const { old, next } of changed) {
      const owner = old.blockOwnerDeletion === true && next.blockOwnerDeletion !== true ? this.nodes.get(next.uid) : undefined;
      if (owner) this.listener.attemptToDelete(owner);
    }
  }

  private remove(existing: GraphNode, deleted: ObjectIdentity, virtual: boolean): void {
    if (virtual && !this.verifiedAbsent(existing, deleted)) return;
    this.nodes.delete(existing.identity.uid);
    this.removeDependentFromOwners(existing, existing.owners);
    if (existing.dependents.size > 0) this.absentOwners.add(deleted);
    for (const dep of existing.dependents) this.listener.attemptToDelete(dep);
    for (const ref of existing.owners) {
      const owner = this.nodes.get(ref.uid);
      if (owner?.deletingDependents) this.listener.attemptToDelete(owner);
    }
  }

  /**
   * A virtual delete says the API server has no object at `deleted`'s coordinates. Dependents that name the node by
   * other coordinates keep it in the graph (under the next coordinates to try); answers whether to remove it.
   */
  private verifiedAbsent(existing: GraphNode, deleted: ObjectIdentity): boolean {
    if (!existing.virtual) {
      if (sameIdentity(existing.identity, deleted)) return true;
      this.markAbsent(this.partition([...existing.dependents], deleted)[0], deleted);
      return false;
    }
    const [matching, mismatched] = this.partition([...existing.dependents], deleted);
    if (mismatched.length === 0) return true;
    this.markAbsent(matching, deleted);
    if (sameIdentity(existing.identity, deleted)) {
      const replacement = alternateOwnerIdentity(mismatched, deleted);
      if (replacement) {
        existing.identity = replacement;
        this.listener.attemptToDelete(existing);
      }
    }
    return false;
  }

  private markAbsent(dependents: GraphNode[], deleted: ObjectIdentity): void {
    if (dependents.length === 0) return;
    this.absentOwners.add(deleted);
    for (const dep of dependents) this.listener.attemptToDelete(dep);
  }

  /** upstream partitionDependents: dependents naming `owner` by exactly these coordinates, and those naming it otherwise. */
  private partition(dependents: GraphNode[], owner: ObjectIdentity): [GraphNode[], GraphNode[]] {
    const matching: GraphNode[] = [];
    const mismatched: GraphNode[] = [];
    for (const dep of dependents) {
      let match = false;
      let mismatch = false;
      if (owner.namespace && owner.namespace !== dep.identity.namespace) {
        mismatch = true;
      } else {
        for (const ref of dep.owners) {
          if (ref.uid !== owner.uid) continue;
          if (refMatchesCoordinates(ref, owner)) match = true;
          else mismatch = true;
        }
      }
      if (match) matching.push(dep);
      if (mismatch) mismatched.push(dep);
    }
    return [matching, mismatched];
  }
}

/** upstream referencesDiffs, keyed by uid. */
function referencesDiff(old: OwnerReference[], next: OwnerReference[]) {
  const oldByUid = new Map(old.map((ref) => [ref.uid, ref]));
  const added: OwnerReference[] = [];
  const changed: { old: OwnerReference; next: OwnerReference }[] = [];
  for (const ref of next) {
    const before = oldByUid.get(ref.uid);
    if (!before) added.push(ref);
    else if (JSON.stringify(before) !== JSON.stringify(ref)) changed.push({ old: before, next: ref });
    oldByUid.delete(ref.uid);
  }
  return { added, removed: [...oldByUid.values()], changed };
}

function identityLess(a: ObjectIdentity, b: ObjectIdentity): boolean {
  for (const field of ['kind', 'apiVersion', 'namespace', 'name', 'uid'] as const) {
    if (a[field] !== b[field]) return a[field] < b[field];
  }
  return false;
}

/**
 * upstream getAlternateOwnerIdentity: other coordinates the dependents use for the absent owner's uid, the first one
 * ordered after the absent identity (or else the first of all), so each is tried in turn.
 */
function alternateOwnerIdentity(dependents: GraphNode[], absent: ObjectIdentity): ObjectIdentity | undefined {
  const clusterScoped = absent.namespace === '';
  const seen = new Set([identityKey(absent)]);
  let first: ObjectIdentity | undefined;
  let firstFollowing: ObjectIdentity | undefined;
  for (const dep of dependents) {
    for (const ref of dep.owners) {
      if (ref.uid !== absent.uid) continue;
      if (refMatchesCoordinates(ref, absent) && (clusterScoped || absent.namespace === dep.identity.namespace)) continue;
      const candidate = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: dep.identity.namespace };
      if (clusterScoped && candidate.apiVersion === absent.apiVersion && candidate.kind === absent.kind) candidate.namespace = '';
      const key = identityKey(candidate);
      if (seen.has(key)) continue;
      seen.add(key);
      if (!first || identityLess(candidate, first)) first = candidate;
      if (identityLess(absent, candidate) && (!firstFollowing || identityLess(candidate, firstFollowing))) firstFollowing = candidate;
    }
  }
  return firstFollowing ?? first;
}
