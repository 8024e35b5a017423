// Syncs outside a rollout (scaling events, paused deployments, deletion), status calculation, and old ReplicaSet cleanup.
import { ApiError } from '../../meta/errors.js';
import { deepEqual } from '../../meta/deep-equal.js';
import { desiredReplicasAnnotation, getRollbackTo, nonNegativeInt32Annotation, revisionOf } from './deployment-annotations.js';
import { deleteReplicaSet, updateDeploymentStatus, type DeploymentDeps } from './deployment-client.js';
import {
  availableCondition,
  getDeploymentCondition,
  hasProgressDeadline,
  hasRevisionHistoryLimit,
  minimumReplicasAvailable,
  minimumReplicasUnavailable,
  newDeploymentCondition,
  pausedDeployReason,
  progressingCondition,
  resumedDeployReason,
  setDeploymentCondition,
  timedOutReason,
} from './deployment-conditions.js';
import { getAllReplicaSetsAndSyncRevision } from './deployment-new-rs.js';
import { scale } from './deployment-scale.js';
import {
  byCreationTimestamp,
  filterActiveReplicaSets,
  getActualReplicaCountForReplicaSets,
  getAvailableReplicaCountForReplicaSets,
  getReadyReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
  getTerminatingReplicaCountForReplicaSets,
  maxUnavailable,
  specReplicas,
  type Deployment,
  type DeploymentStatus,
  type ReplicaSet,
} from './deployment-util.js';

export function allOf(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet[] {
  return newRS ? [...oldRSs, newRS] : [...oldRSs];
}

/** Status counts are omitempty int32s upstream: a zero is simply absent from the object. */
type CountField = 'observedGeneration' | 'replicas' | 'updatedReplicas' | 'readyReplicas' | 'availableReplicas' | 'unavailableReplicas';

function setCount(status: DeploymentStatus, field: CountField, value: number): void {
  if (value !== 0) status[field] = value;
}

/** The status the ReplicaSets imply, with Available set against the deployment's minimum availability. */
export function calculateStatus(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment, now: number): DeploymentStatus {
  const availableReplicas = getAvailableReplicaCountForReplicaSets(allRSs);
  const totalReplicas = getReplicaCountForReplicaSets(allRSs);
  // More available than desired happens while scaling down; that is no negative shortfall.
  const unavailableReplicas = Math.max(0, totalReplicas - availableReplicas);
  const status: DeploymentStatus = {};
  setCount(status, 'observedGeneration', d.metadata.generation ?? 0);
  setCount(status, 'replicas', getActualReplicaCountForReplicaSets(allRSs));
  setCount(status, 'updatedReplicas', getActualReplicaCountForReplicaSets(newRS ? [newRS] : []));
  setCount(status, 'readyReplicas', getReadyReplicaCountForReplicaSets(allRSs));
  setCount(status, 'availableReplicas', availableReplicas);
  setCount(status, 'unavailableReplicas', unavailableReplicas);
  const terminating = getTerminatingReplicaCountForReplicaSets(allRSs);
  if (terminating !== undefined) status.terminatingReplicas = terminating;
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (d.status?.conditions?.length) status.conditions = d.status.conditions.map((c) => ({ ...c }));
  const available =
    availableReplicas >= specReplicas(d) - maxUnavailable(d)
      ? newDeploymentCondition(availableCondition, 'True', minimumReplicasAvailable, 'Deployment has minimum availability.', now)
      : newDeploymentCondition(availableCondition, 'False', minimumReplicasUnavailable, 'Deployment does not have minimum availability.', now);
  setDeploymentCondition(status, available);
  return status;
}

export async function syncDeploymentStatus(deps: DeploymentDeps, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const newStatus = calculateStatus(allRSs, newRS, d, deps.ctx.clock.now());
  if (deepEqual(d.status ?? {}, newStatus)) return;
  d.status = newStatus;
  await updateDeploymentStatus(deps, d);
}

/** Status only, no writes to ReplicaSets: for a deployment that is being deleted. */
export async function syncStatusOnly(deps: DeploymentDeps, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(deps, d, rsList, false);
  await syncDeploymentStatus(deps, allOf(newRS, oldRSs), newRS, d);
}

/** Scaling events and paused deployments: resize without moving the rollout along. */
export async function sync(deps: DeploymentDeps, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(deps, d, rsList, false);
  await scale(deps, d, newRS, oldRSs);
  if (d.spec.paused && !getRollbackTo(d)) await cleanupDeployment(deps, oldRSs, d);
  await syncDeploymentStatus(deps, allOf(newRS, oldRSs), newRS, d);
}

/**
 * Pausing and resuming set Progressing to Unknown, so the time spent paused never counts against the progress
 * deadline; a deadline already exceeded is left on record.
 */
export async function checkPausedConditions(deps: DeploymentDeps, d: Deployment): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const cond = getDeploymentCondition(d.status, progressingCondition);
  if (cond?.reason === timedOutReason) return;
  const pausedCondExists = cond?.reason === pausedDeployReason;
  const now = deps.ctx.clock.now();
  if (d.spec.paused && !pausedCondExists) {
    setDeploymentCondition((d.status ??= {}), newDeploymentCondition(progressingCondition, 'Unknown', pausedDeployReason, 'Deployment is paused', now));
  } else if (!d.spec.paused && pausedCondExists) {
    setDeploymentCondition((d.status ??= {}), newDeploymentCondition(progressingCondition, 'Unknown', resumedDeployReason, 'Deployment is resumed', now));
  } else {
    return;
  }
  await updateDeploymentStatus(deps, d);
}

/** A scaling event: some active ReplicaSet was last sized for a different desired count than the deployment's now. */
export async function isScalingEvent(deps: DeploymentDeps, d: Deployment, rsList: ReplicaSet[]): Promise<boolean> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(deps, d, rsList, false);
  for (const rs of filterActiveReplicaSets(allOf(newRS, oldRSs))) {
    const desired = nonNegativeInt32Annotation(rs, desiredReplicasAnnotation);
    if (desired !== undefined && desired !== specReplicas(d)) return true;
  }
  return false;
}

/** ReplicaSetsByRevision: lowest revision first, creation time for ties and unreadable revisions. */
function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revisionOf(a);
  const rb = revisionOf(b);
  if (ra === undefined || rb === undefined || ra === rb) return byCreationTimestamp(a, b);
  return ra - rb;
}

/**
 * Keeps the newest revisionHistoryLimit old ReplicaSets for rollbacks and deletes older ones, but only those fully
 * scaled down and observed so by their controller: a ReplicaSet still shedding pods is left for a later sync.
 */
export async function cleanupDeployment(deps: DeploymentDeps, oldRSs: ReplicaSet[], d: Deployment): Promise<void> {
  if (!hasRevisionHistoryLimit(d)) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - d.spec.revisionHistoryLimit!;
  if (diff <= 0) return;
  cleanable.sort(byRevision);
  for (const rs of cleanable.slice(0, diff)) {
    const observed = (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0);
    if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 || !observed || rs.metadata.deletionTimestamp) continue;
    try {
      await deleteReplicaSet(deps, rs);
    } catch (err) {
      // Stop at the first failure rather than pile more deletes onto a struggling API server.
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
}
