// Upstream's PodControllerRefManager: adopt matching orphans, release owned pods that stopped matching.
import type { LabelSelector } from '../../meta/label-selector.js';
import type { KubeObject } from '../../meta/types.js';
import { messageOf } from '../shared/api-errors.js';
import { controllerOf } from '../runtime/controller.js';
import type { ReplicaContext } from './replicaset-context.js';

/** How Go prints a time with %v: `2026-01-01 00:00:30 +0000 UTC`. */
function goTime(rfc3339: string): string {
  const ms = Date.parse(rfc3339);
  if (Number.isNaN(ms)) return rfc3339;
  return `${new Date(ms).toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '')} +0000 UTC`;
}

/** utilerrors.NewAggregate's message: one error as is, several as `[a, b]`. */
function aggregate(errors: unknown[]): Error {
  if (errors.length === 1) return errors[0] instanceof Error ? errors[0] : new Error(String(errors[0]));
  return new Error(`[${errors.map(messageOf).join(', ')}]`);
}

function isStatus(err: unknown, code: number): boolean {
  return (err as { code?: number } | null)?.code === code;
}

/**
 * ClaimPods: the pods `owner` may count as its own. Orphans matching the selector are adopted by a strategic-merge
 * patch of ownerReferences (carrying the pod's uid, so a re-created pod of the same name is not adopted by mistake),
 * but only after an uncached read confirms the owner is still there and not being deleted. Owned pods that no longer
 * match are released, unless the owner is being deleted. Pods another controller owns are left alone.
 * Every pod is tried; errors are returned together afterwards, as upstream aggregates them.
 */
export async function claimPods(rc: ReplicaContext, owner: KubeObject, selector: LabelSelector, pods: KubeObject[]): Promise<KubeObject[]> {
  let canAdopt: Promise<void> | undefined;
  // Upstream's RecheckDeletionTimestamp runs at most once per claim, and only when an adoption is attempted.
  const recheckOwner = () => (canAdopt ??= recheckDeletionTimestamp(rc, owner));
  const claimed: KubeObject[] = [];
  const errors: unknown[] = [];
  for (const pod of pods) {
    // Already ours and still selected, the usual case: no write to make, so no await either (syncs walk every pod).
    const ref = controllerOf(pod);
    if (ref && ref.uid === owner.metadata.uid && selector.matches(pod.metadata.labels)) {
      claimed.push(pod);
      continue;
    }
    try {
      if (await claimPod(rc, owner, selector, pod, recheckOwner)) claimed.push(pod);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw aggregate(errors);
  return claimed;
}

async function claimPod(rc: ReplicaContext, owner: KubeObject, selector: LabelSelector, pod: KubeObject, recheckOwner: () => Promise<void>): Promise<boolean> {
  const ref = controllerOf(pod);
  const ownerDeleting = Boolean(owner.metadata.deletionTimestamp);
  if (ref) {
    if (ref.uid !== owner.metadata.uid) return false;
    // Keeping what we already own needs no write, so it is allowed even while the owner is being deleted.
    if (selector.matches(pod.metadata.labels)) return true;
    if (ownerDeleting) return false;
    await releasePod(rc, owner, pod);
    return false;
  }
  if (ownerDeleting || !selector.matches(pod.metadata.labels)) return false;
  if (pod.metadata.deletionTimestamp) return false;
  if (owner.metadata.namespace && owner.metadata.namespace !== pod.metadata.namespace) return false;
  try {
    await adoptPod(rc, owner, pod, recheckOwner);
  } catch (err) {
    if (isStatus(err, 404)) return false;
    throw err;
  }
  return true;
}

async function recheckDeletionTimestamp(rc: ReplicaContext, owner: KubeObject): Promise<void> {
  const { namespace, name, uid } = owner.metadata;
  let fresh: KubeObject;
  try {
    fresh = await rc.ctx.client.get(rc.kind.apiVersion, rc.kind.resource, namespace, name!);
  } catch (err) {
    throw new Error(`can't recheck DeletionTimestamp: ${messageOf(err)}`);
  }
  if (fresh.metadata.uid !== uid) {
    throw new Error(
      `can't recheck DeletionTimestamp: original ${rc.kind.kind} ${namespace}/${name} is gone: got uid ${fresh.metadata.uid}, wanted ${uid}`,
    );
  }
  if (fresh.metadata.deletionTimestamp) throw new Error(`${namespace}/${name} has just been deleted at ${goTime(fresh.metadata.deletionTimestamp)}`);
}

async function adoptPod(rc: ReplicaContext, owner: KubeObject, pod: KubeObject, recheckOwner: () => Promise<void>): Promise<void> {
  const { namespace, name, uid } = pod.metadata;
  try {
    await recheckOwner();
  } catch (err) {
    throw new Error(`can't adopt Pod ${namespace}/${name} (${uid}): ${messageOf(err)}`);
  }
  // Validation refuses the patch if another controller reference appeared meanwhile, so two owners never both win.
  const patch = {
    metadata: {
      ownerReferences: [
        {
          apiVersion: rc.kind.apiVersion,
          kind: rc.kind.kind,
          name: owner.metadata.name,
          uid: owner.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      uid,
    },
  };
  await rc.ctx.client.patch('v1', 'pods', namespace, name!, 'strategic', patch);
}

async function releasePod(rc: ReplicaContext, owner: KubeObject, pod: KubeObject): Promise<void> {
  const { namespace, name, uid } = pod.metadata;
  const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: owner.metadata.uid }], uid } };
  try {
    await rc.ctx.client.patch('v1', 'pods', namespace, name!, 'strategic', patch);
  } catch (err) {
    // Gone, or re-created under the same name (the uid no longer matches): either way there is nothing to release.
    if (isStatus(err, 404) || isStatus(err, 422)) return;
    throw err;
  }
}
