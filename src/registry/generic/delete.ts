// The delete and deletecollection verbs: preconditions, finalizers, graceful deletion, propagation policy.
import { rfc3339 } from '../../clock/clock.js';
import { clonePlain } from '../../meta/deep-equal.js';
import { errors } from '../../meta/errors.js';
import type { KubeObject } from '../../meta/types.js';
import type { Resource } from '../resource.js';
import { recordView, viewOf, type DeleteOptions, type ObjectView, type RegistryContext } from './context.js';
import { isConflict, translateStoreError } from './store-errors.js';
import { admitMutation, admitValidation } from './admission-steps.js';

export interface DeleteResult {
  view: ObjectView;
  /** False when the object stays (finalizers, graceful deletion) with deletionTimestamp set. */
  deleted: boolean;
}

const orphanFinalizer = 'orphan';
const foregroundFinalizer = 'foregroundDeletion';

export async function deleteObject(
  ctx: RegistryContext,
  resource: Resource,
  namespace: string | undefined,
  name: string,
  options: DeleteOptions = {},
): Promise<DeleteResult> {
  const key = resource.key(namespace, name);
  for (let attempt = 0; ; attempt++) {
    const current = await ctx.store.get(key);
    if (!current) throw errors.notFound(resource.groupResource, name);
    const object = clonePlain(current.object) as KubeObject;
    const forbidden = resource.strategy.forbidDelete?.(object);
    if (forbidden) throw errors.forbidden(resource.groupResource, name, forbidden);
    checkPreconditions(resource, name, object, options);
    if (ctx.admission()) {
      const write = { operation: 'DELETE' as const, resource, namespace, name, oldObject: current.object as KubeObject, options, warnings: attempt === 0 ? options.warnings : undefined };
      await admitMutation(ctx, write);
      await admitValidation(ctx, write);
    }
    const decision = decide(ctx, resource, object, options);
    try {
      if (decision.action === 'unchanged') return { view: recordView(current), deleted: false };
      if (decision.action === 'update') {
        const pending = decision.object;
        if (options.dryRun) return { view: viewOf(pending), deleted: false };
        delete pending.metadata.resourceVersion;
        return { view: recordView(await ctx.store.update(key, pending, current.modRevision)), deleted: false };
      }
      if (options.dryRun) return { view: recordView(current), deleted: true };
      return { view: recordView(await ctx.store.delete(key, current.modRevision)), deleted: true };
    } catch (err) {
      if (isConflict(err) && attempt < 16) continue;
      throw translateStoreError(err, resource, name);
    }
  }
}

function checkPreconditions(resource: Resource, name: string, object: KubeObject, options: DeleteOptions): void {
  const pre = options.preconditions;
  if (pre?.uid && pre.uid !== object.metadata.uid) {
    throw errors.conflict(
      resource.groupResource,
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${object.metadata.uid}`,
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== object.metadata.resourceVersion) {
    throw errors.conflict(
      resource.groupResource,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${object.metadata.resourceVersion}`,
    );
  }
}

type Decision = { action: 'delete' } | { action: 'unchanged' } | { action: 'update'; object: KubeObject };

/**
 * Decides whether the object goes now or waits with deletionTimestamp set (finalizers, graceful deletion, a
 * resource's own lifecycle such as a terminating namespace). Mirrors upstream's BeforeDelete plus the
 * propagation-policy finalizers that the garbage collector later acts on.
 */
function decide(ctx: RegistryContext, resource: Resource, object: KubeObject, options: DeleteOptions): Decision {
  const meta = object.metadata;
  const now = ctx.clock.now();
  const grace = resource.strategy.gracefulDeleteSeconds?.(object, options.gracePeriodSeconds) ?? 0;
  const hasFinalizers = (meta.finalizers ?? []).length > 0;
  if (meta.deletionTimestamp) {
    // Already being deleted: a shorter grace period may bring the deadline forward; nothing else changes.
    // The resource's own lifecycle still holds it (a terminating namespace keeps its spec.finalizers).
    const held = resource.strategy.onDelete?.(object, { now }) === 'keep';
    const current = meta.deletionGracePeriodSeconds ?? 0;
    if (!hasFinalizers && !held && (grace <= 0 || current === 0)) return { action: 'delete' };
    // As upstream's BeforeDelete: a shorter grace (0 included, so finalizers alone hold it afterwards) moves the
    // deadline forward, still counted from the first request.
    if (current > 0 && grace < current) {
      const requestedAt = Date.parse(meta.deletionTimestamp) - current * 1000;
      meta.deletionGracePeriodSeconds = Math.max(0, grace);
      meta.deletionTimestamp = rfc3339(requestedAt + Math.max(0, grace) * 1000);
      return { action: 'update', object };
    }
    return { action: 'unchanged' };
  }
  // Asked first: a resource's lifecycle may add its own finalizer (a CRD's cleanup), which the set must keep.
  const lifecycle = resource.strategy.onDelete?.(object, { now });
  const finalizers = new Set(meta.finalizers ?? []);
  if (options.propagationPolicy === 'Orphan') finalizers.add(orphanFinalizer);
  if (options.propagationPolicy === 'Foreground') finalizers.add(foregroundFinalizer);
  if (finalizers.size === 0 && lifecycle !== 'keep' && grace <= 0) return { action: 'delete' };
  if (finalizers.size > 0) meta.finalizers = [...finalizers];
  meta.deletionTimestamp = rfc3339(now + Math.max(0, grace) * 1000);
  meta.deletionGracePeriodSeconds = Math.max(0, grace);
  return { action: 'update', object };
}

export function deletedStatus(resource: Resource, view: ObjectView) {
  const meta = view.object.metadata;
  const details: Record<string, string> = { name: meta.name ?? '' };
  if (resource.type.group) details.group = resource.type.group;
  details.kind = resource.type.resource;
  if (meta.uid) details.uid = meta.uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
