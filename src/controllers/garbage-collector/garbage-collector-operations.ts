// The garbage collector's workers: attemptToDeleteItem, processDeletingDependentsItem and attemptToOrphan, as upstream.
import type { InProcessClient, ServedResource } from '../../client/client.js';
import type { KubeObject, OwnerReference } from '../../meta/types.js';
import { errorCode } from '../shared/api-errors.js';
import { resourceForKind } from './garbage-collector-discovery.js';
import { describeIdentity, type DependencyGraph, type GraphNode, type ObjectIdentity } from './garbage-collector-graph.js';

const orphanFinalizer = 'orphan';
const foregroundFinalizer = 'foregroundDeletion';
/** Immediate retries of a finalizer removal that lost a race (retry.RetryOnConflict's step count). */
const conflictRetries = 5;

type Policy = 'Orphan' | 'Background' | 'Foreground';

/** The owner's kind is not served: upstream's restMappingError. Nothing can be decided about the item. */
class UnresolvableReferenceError extends Error {}
/** A cluster-scoped object names a namespaced owner, which can never resolve (upstream forgets the item). */
class NamespacedOwnerOfClusterScopedObjectError extends Error {}

export interface CollectorQueue {
  attemptToDelete(node: GraphNode): void;
}

export class Collector {
  constructor(
    private readonly client: InProcessClient,
    private readonly graph: DependencyGraph,
    /** The served resources now: custom resources come and go with their CRDs. */
    private readonly resources: () => readonly ServedResource[],
    private readonly queue: CollectorQueue,
  ) {}

  /** attemptToDeleteWorker: skips what cannot resolve; other failures throw and are retried with backoff. */
  async attemptToDelete(uid: string): Promise<void> {
    const node = this.graph.get(uid);
    if (!node) return;
    try {
      await this.attemptToDeleteItem(node);
    } catch (err) {
      if (err instanceof UnresolvableReferenceError || err instanceof NamespacedOwnerOfClusterScopedObjectError) return;
      throw err;
    }
  }

  private async attemptToDeleteItem(item: GraphNode): Promise<void> {
    // Being deleted is a one-way trip: wait for the final delete, then handle the dependents.
    if (item.beingDeleted && !item.deletingDependents) return;
    const latest = await this.getObject(item.identity);
    if (!latest || latest.metadata.uid !== item.identity.uid) {
      // The API server has no such object: tell the graph, which drops it (a virtual owner, typically).
      this.graph.observe('delete', item.identity, metadataOnly(item.identity), undefined, true);
      return;
    }
    if (item.deletingDependents) return this.processDeletingDependents(item);
    const refs = latest.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const { solid, dangling, waiting } = await this.classifyReferences(item, refs);
    if (solid.length > 0) {
      // An owner remains: only references to gone owners, and to owners waiting on their dependents, are dropped.
      if (dangling.length === 0 && waiting.length === 0) return;
      await this.deleteOwnerReferences(item, [...dangling, ...waiting].map((r) => r.uid));
      return;
    }
    if (waiting.length > 0 && item.dependents.size > 0) {
      // An owner waits on us and we have dependents of our own: go in the foreground too, unblocking our references
      // first if a dependent also waits (a cycle would otherwise keep everyone waiting).
      if ([...item.dependents].some((dep) => dep.deletingDependents)) await this.unblockOwnerReferences(item, latest);
      await this.deleteObject(item.identity, 'Foreground');
      return;
    }
    const finalizers = latest.metadata.finalizers ?? [];
    const policy: Policy = finalizers.includes(orphanFinalizer) ? 'Orphan' : finalizers.includes(foregroundFinalizer) ? 'Foreground' : 'Background';
    await this.deleteObject(item.identity, policy);
  }

  /** An owner deleted in the foreground goes once no dependent blocks it; meanwhile each blocking one is collected. */
  private async processDeletingDependents(item: GraphNode): Promise<void> {
    const blocking = item.blockingDependents();
    if (blocking.length === 0) {
      await this.removeFinalizer(item, foregroundFinalizer);
      return;
    }
    for (const dep of blocking) if (!dep.deletingDependents) this.queue.attemptToDelete(dep);
  }

  /** attemptToOrphanWorker: every dependent loses its reference to the owner, then the owner its orphan finalizer. */
  async attemptToOrphan(uid: string): Promise<void> {
    const owner = this.graph.get(uid);
    if (!owner) return;
    const failures: string[] = [];
    for (const dependent of [...owner.dependents]) {
      try {
        await this.deleteOwnerReferences(dependent, [owner.identity.uid]);
      } catch (err) {
        if (errorCode(err) !== 404) failures.push(`orphaning ${describeIdentity(dependent.identity)} failed, ${(err as Error).message}`);
      }
    }
    if (failures.length > 0) {
      const joined = failures.length === 1 ? failures[0] : `[${failures.join(', ')}]`;
      throw new Error(`failed to orphan dependents of owner ${describeIdentity(owner.identity)}, got errors: ${joined}`);
    }
    await this.removeFinalizer(owner, orphanFinalizer);
  }

  private async classifyReferences(item: GraphNode, refs: OwnerReference[]) {
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const owner = await this.liveOwner(ref, item);
      if (!owner) dangling.push(ref);
      else if (owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes(foregroundFinalizer)) waiting.push(ref);
      else solid.push(ref);
    }
    return { solid, dangling, waiting };
  }

  /** upstream isDangling: the owner as the API server has it now, or undefined when it is gone (or another uid). */
  private async liveOwner(ref: OwnerReference, item: GraphNode): Promise<KubeObject | undefined> {
    const coordinates = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid };
    if (this.graph.absentOwners.has({ ...coordinates, namespace: '' })) return undefined;
    if (this.graph.absentOwners.has({ ...coordinates, namespace: item.identity.namespace })) return undefined;
    const mapping = this.mapping(ref.apiVersion, ref.kind);
    const key = { ...coordinates, namespace: mapping.namespaced ? item.identity.namespace : '' };
    if (!item.identity.namespace && mapping.namespaced) {
      throw new NamespacedOwnerOfClusterScopedObjectError('cluster-scoped objects cannot refer to namespaced owners');
    }
    const owner = await this.getObject(key);
    if (!owner || owner.metadata.uid !== ref.uid) {
      this.graph.absentOwners.add(key);
      return undefined;
    }
    return owner;
  }

  private mapping(apiVersion: string, kind: string): ServedResource {
    const mapping = resourceForKind(this.resources(), apiVersion, kind);
    if (!mapping) throw new UnresolvableReferenceError(`unable to get REST mapping for ${kind}.${apiVersion}`);
    return mapping;
  }

  /** The live object, or undefined on 404; a namespaced kind without a namespace can only come from a bad reference. */
  private async getObject(id: ObjectIdentity): Promise<KubeObject | undefined> {
    const mapping = this.mapping(id.apiVersion, id.kind);
    if (mapping.namespaced && !id.namespace) {
      throw new NamespacedOwnerOfClusterScopedObjectError('cluster-scoped objects cannot refer to namespaced owners');
    }
    try {
      return await this.client.get(mapping.apiVersion, mapping.resource, mapping.namespaced ? id.namespace : undefined, id.name);
    } catch (err) {
      if (errorCode(err) === 404) return undefined;
      throw err;
    }
  }

  /** Deletes with a uid precondition, so an object recreated under the same name is never collected by mistake. */
  private async deleteObject(id: ObjectIdentity, propagationPolicy: Policy): Promise<void> {
    const mapping = this.mapping(id.apiVersion, id.kind);
    try {
      await this.client.delete(mapping.apiVersion, mapping.resource, mapping.namespaced ? id.namespace : undefined, id.name, {
        preconditions: { uid: id.uid },
        propagationPolicy,
      });
    } catch (err) {
      // Gone already: its delete event reaches the graph through the informer.
      if (errorCode(err) !== 404) throw err;
    }
  }

  /**
   * Drops the references to `ownerUids` with a strategic merge patch carrying the dependent's uid (so a recreated
   * object is not touched); kinds without patch metadata get a JSON merge patch pinned to the resourceVersion.
   */
  private async deleteOwnerReferences(item: GraphNode, ownerUids: string[]): Promise<void> {
    const strategic = {
      metadata: { ownerReferences: ownerUids.map((uid) => ({ $patch: 'delete', uid })), uid: item.identity.uid },
    };
    await this.patch(item, strategic, (live) => ({
      metadata: {
        resourceVersion: live.metadata.resourceVersion,
        ownerReferences: (live.metadata.ownerReferences ?? []).filter((ref) => !ownerUids.includes(ref.uid)),
      },
    }));
  }

  /** Sets blockOwnerDeletion false on every blocking reference (upstream unblockOwnerReferences). */
  private async unblockOwnerReferences(item: GraphNode, latest: KubeObject): Promise<void> {
    const unblock = (refs: OwnerReference[]) => refs.filter((ref) => ref.blockOwnerDeletion === true).map((ref) => ({ ...ref, blockOwnerDeletion: false }));
    await this.patch(item, { metadata: { ownerReferences: unblock(latest.metadata.ownerReferences ?? []), uid: item.identity.uid } }, (live) => ({
      metadata: {
        resourceVersion: live.metadata.resourceVersion,
        ownerReferences: (live.metadata.ownerReferences ?? []).map((ref) => (ref.blockOwnerDeletion === true ? { ...ref, blockOwnerDeletion: false } : ref)),
      },
    }));
  }

  private async patch(item: GraphNode, strategic: unknown, mergeFor: (live: KubeObject) => unknown): Promise<void> {
    const mapping = this.mapping(item.identity.apiVersion, item.identity.kind);
    const namespace = mapping.namespaced ? item.identity.namespace : undefined;
    try {
      await this.client.patch(mapping.apiVersion, mapping.resource, namespace, item.identity.name, 'strategic', strategic);
    } catch (err) {
      if (errorCode(err) !== 415) throw err;
      const live = await this.client.get(mapping.apiVersion, mapping.resource, namespace, item.identity.name);
      await this.client.patch(mapping.apiVersion, mapping.resource, namespace, item.identity.name, 'merge', mergeFor(live));
    }
  }

  /** Removes one finalizer with a merge patch pinned to the resourceVersion read, retrying lost races at once. */
  private async removeFinalizer(owner: GraphNode, finalizer: string): Promise<void> {
    const mapping = this.mapping(owner.identity.apiVersion, owner.identity.kind);
    const namespace = mapping.namespaced ? owner.identity.namespace : undefined;
    for (let attempt = 1; ; attempt++) {
      const live = await this.getObject(owner.identity);
      if (!live) return;
      const finalizers = live.metadata.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return;
      try {
        await this.client.patch(mapping.apiVersion, mapping.resource, namespace, owner.identity.name, 'merge', {
          metadata: { resourceVersion: live.metadata.resourceVersion, finalizers: finalizers.filter((f) => f !== finalizer) },
        });
        return;
      } catch (err) {
        if (errorCode(err) === 404) return;
        if (errorCode(err) !== 409 || attempt >= conflictRetries) {
          if (errorCode(err) === 409) {
            throw new Error(`updateMaxRetries(${conflictRetries}) has reached. The garbage collector will retry later for owner ${describeIdentity(owner.identity)}`);
          }
          throw err;
        }
      }
    }
  }
}

function metadataOnly(id: ObjectIdentity): KubeObject {
  return { apiVersion: id.apiVersion, kind: id.kind, metadata: { name: id.name, namespace: id.namespace || undefined, uid: id.uid } };
}
