// ControllerRefManager for ReplicaSets: a deployment adopts matching orphans and releases owned ones that stopped matching.
import { ApiError } from '../../meta/errors.js';
import type { LabelSelector } from '../../meta/label-selector.js';
import { controllerOf } from '../runtime/index.js';
import { patchReplicaSet, type DeploymentDeps } from './deployment-client.js';
import type { Deployment, ReplicaSet } from './deployment-util.js';

export interface ReplicaSetClaim {
  deps: DeploymentDeps;
  d: Deployment;
  selector: LabelSelector;
  /** The deployment's own ReplicaSets and its namespace's orphans: owned ones that no longer match must be seen to be released. */
  candidates: ReplicaSet[];
}

function hasCode(err: unknown, code: number): boolean {
  return err instanceof ApiError && err.code === code;
}

/**
 * Adoption re-reads the deployment from the API server once per sync: a cached deployment may already be deleted,
 * and one that is going away must not take new ReplicaSets with it.
 */
function adoptionCheck(claim: ReplicaSetClaim): () => Promise<void> {
  let checked: Promise<void> | undefined;
  return () =>
    (checked ??= (async () => {
      const { d, deps } = claim;
      const fresh = await deps.ctx.client.get('apps/v1', 'deployments', d.metadata.namespace, d.metadata.name!);
      if (fresh.metadata.uid !== d.metadata.uid) {
        throw new Error(`original Deployment ${d.metadata.namespace}/${d.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${d.metadata.uid}`);
      }
      if (fresh.metadata.deletionTimestamp) {
        throw new Error(`${d.metadata.namespace}/${d.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
      }
    })());
}

/** Returns the adopted ReplicaSet as written, so later writes in this sync neither conflict nor drop the new owner. */
async function adopt(claim: ReplicaSetClaim, rs: ReplicaSet, canAdopt: () => Promise<void>): Promise<ReplicaSet> {
  await canAdopt();
  const { d } = claim;
  const ownerRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name!, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true };
  // The uid pins the patch to this very ReplicaSet, not a namesake created after it was deleted.
  return patchReplicaSet(claim.deps, rs, { metadata: { ownerReferences: [ownerRef], uid: rs.metadata.uid } });
}

async function release(claim: ReplicaSetClaim, rs: ReplicaSet): Promise<void> {
  const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: claim.d.metadata.uid }], uid: rs.metadata.uid } };
  try {
    await patchReplicaSet(claim.deps, rs, patch);
  } catch (err) {
    // Gone, or replaced by a namesake (the uid precondition fails as Invalid): nothing left to release.
    if (hasCode(err, 404) || hasCode(err, 422)) return;
    throw err;
  }
}

/** ClaimReplicaSets: the ReplicaSets this deployment controls after adopting and releasing as needed. */
export async function claimReplicaSets(claim: ReplicaSetClaim): Promise<ReplicaSet[]> {
  const { d, selector } = claim;
  const canAdopt = adoptionCheck(claim);
  const claimed: ReplicaSet[] = [];
  const errors: unknown[] = [];
  for (const rs of claim.candidates) {
    if (rs.metadata.namespace !== d.metadata.namespace) continue;
    const matches = selector.matches(rs.metadata.labels);
    const ref = controllerOf(rs);
    try {
      if (ref) {
        if (ref.uid !== d.metadata.uid) continue;
        // Keeping what we own takes no action, so it is allowed even while the deployment is being deleted.
        if (matches) claimed.push(rs);
        else if (!d.metadata.deletionTimestamp) await release(claim, rs);
        continue;
      }
      if (d.metadata.deletionTimestamp || !matches || rs.metadata.deletionTimestamp) continue;
      claimed.push(await adopt(claim, rs, canAdopt));
    } catch (err) {
      if (hasCode(err, 404)) continue;
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, errors.map((e) => (e instanceof Error ? e.message : String(e))).join(', '));
  return claimed;
}
