// Scaling ReplicaSets for a deployment: single writes with their ScalingReplicaSet events, and proportional scaling.
import { cloneJson } from '../../meta/deep-equal.js';
import {
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  nonNegativeInt32Annotation,
  replicasAnnotationsNeedUpdate,
  setReplicasAnnotations,
} from './deployment-annotations.js';
import { updateReplicaSet, type DeploymentDeps } from './deployment-client.js';
import {
  byCreationTimestamp,
  bySizeNewer,
  bySizeOlder,
  filterActiveReplicaSets,
  getReplicaCountForReplicaSets,
  isRollingUpdate,
  maxSurge,
  specReplicas,
  type Deployment,
  type ReplicaSet,
} from './deployment-util.js';

export interface ScaleResult {
  scaled: boolean;
  rs: ReplicaSet;
}

/**
 * Writes the ReplicaSet's size together with the deployment's current desired and max replica counts (the annotations
 * proportional scaling reads later), and records ScalingReplicaSet when the size changed.
 */
export async function scaleReplicaSet(deps: DeploymentDeps, rs: ReplicaSet, newScale: number, d: Deployment): Promise<ScaleResult> {
  const oldScale = specReplicas(rs);
  const sizeNeedsUpdate = oldScale !== newScale;
  const desired = specReplicas(d);
  const max = desired + maxSurge(d);
  if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
  const copy = cloneJson(rs);
  copy.spec.replicas = newScale;
  setReplicasAnnotations(copy, desired, max);
  const updated = await updateReplicaSet(deps, copy);
  if (sizeNeedsUpdate) {
    const operation = oldScale < newScale ? 'up' : 'down';
    deps.ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${updated.metadata.name} from ${oldScale} to ${newScale}`);
  }
  return { scaled: sizeNeedsUpdate, rs: updated };
}

export async function scaleReplicaSetAndRecordEvent(deps: DeploymentDeps, rs: ReplicaSet, newScale: number, d: Deployment): Promise<ScaleResult> {
  if (specReplicas(rs) === newScale) return { scaled: false, rs };
  return scaleReplicaSet(deps, rs, newScale, d);
}

/** The only active ReplicaSet, or the newest when none is active; undefined when several share the pods. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreationTimestamp(b, a));
  const active = filterActiveReplicaSets(newRS ? [...newestFirst, newRS] : newestFirst);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** Both sides agree the new ReplicaSet owns every desired replica, and all of them are available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = rs.metadata.annotations?.[desiredReplicasAnnotation];
  if (desired === undefined || !/^[+-]?\d+$/.test(desired)) return false;
  return specReplicas(rs) === specReplicas(d) && Number(desired) === specReplicas(d) && (rs.status?.availableReplicas ?? 0) === specReplicas(d);
}

/** Go's math.Round: halves away from zero. */
function roundHalfAwayFromZero(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

/**
 * How many replicas this ReplicaSet gains (or loses) when the deployment's max size changes: its share of the new
 * max, measured against the max recorded in its annotation when it was last sized.
 */
function getReplicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (specReplicas(d) === 0) return -specReplicas(rs);
  const deploymentMaxReplicas = specReplicas(d) + maxSurge(d);
  let before = nonNegativeInt32Annotation(rs, maxReplicasAnnotation);
  if (before === undefined || before === 0) {
    // A tampered annotation falls back to the deployment's size; the min/max in the caller keeps the result in bounds.
    before = d.status?.replicas ?? 0;
    if (before === 0) return 0;
  }
  const scaleBase = specReplicas(rs);
  return roundHalfAwayFromZero((scaleBase * deploymentMaxReplicas) / before) - scaleBase;
}

export function getReplicaSetProportion(rs: ReplicaSet | undefined, d: Deployment, toAdd: number, added: number): number {
  if (!rs || specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = getReplicaSetFraction(rs, d);
  const allowed = toAdd - added;
  // Never hand out more than is left to add, nor take away more than is left to remove.
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * Scaling while paused or mid-rollout: one active ReplicaSet simply takes the new size; otherwise a rolling
 * deployment spreads the difference over its active ReplicaSets in proportion to their sizes, so that scaling does not
 * itself speed the rollout up or slow it down.
 */
export async function scale(deps: DeploymentDeps, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (specReplicas(activeOrLatest) === specReplicas(d)) return;
    await scaleReplicaSetAndRecordEvent(deps, activeOrLatest, specReplicas(d), d);
    return;
  }
  // A saturated new ReplicaSet (e.g. after adopting old ones) leaves nothing for the old ones.
  if (isSaturated(d, newRS)) {
    for (const old of filterActiveReplicaSets(oldRSs)) await scaleReplicaSetAndRecordEvent(deps, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const allRSs = filterActiveReplicaSets(newRS ? [...oldRSs, newRS] : oldRSs);
  const allRSsReplicas = getReplicaCountForReplicaSets(allRSs);
  const allowedSize = specReplicas(d) > 0 ? specReplicas(d) + maxSurge(d) : 0;
  const toAdd = allowedSize - allRSsReplicas;
  // Among equal sizes, growth goes to newer ReplicaSets first and shrinking hits older ones first.
  if (toAdd > 0) allRSs.sort(bySizeNewer);
  else if (toAdd < 0) allRSs.sort(bySizeOlder);
  let added = 0;
  const sizes = new Map<string, number>();
  for (const rs of allRSs) {
    if (toAdd !== 0) {
      const proportion = getReplicaSetProportion(rs, d, toAdd, added);
      sizes.set(rs.metadata.name!, specReplicas(rs) + proportion);
      added += proportion;
    } else {
      sizes.set(rs.metadata.name!, specReplicas(rs));
    }
  }
  for (let i = 0; i < allRSs.length; i++) {
    const rs = allRSs[i];
    // Rounding leftovers go to (or come from) the largest ReplicaSet.
    if (i === 0 && toAdd !== 0) sizes.set(rs.metadata.name!, Math.max(0, sizes.get(rs.metadata.name!)! + toAdd - added));
    await scaleReplicaSet(deps, rs, sizes.get(rs.metadata.name!)!, d);
  }
}
