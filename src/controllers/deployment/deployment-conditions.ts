// Deployment conditions (Available, Progressing, ReplicaFailure) and the rollout predicates built on the status.
import { rfc3339 } from '../../clock/clock.js';
import { maxInt32, specReplicas, type Deployment, type DeploymentCondition, type DeploymentStatus } from './deployment-util.js';

export const availableCondition = 'Available';
export const progressingCondition = 'Progressing';
export const replicaFailureCondition = 'ReplicaFailure';

// Progressing reasons.
export const replicaSetUpdatedReason = 'ReplicaSetUpdated';
export const failedRSCreateReason = 'ReplicaSetCreateError';
export const newReplicaSetReason = 'NewReplicaSetCreated';
export const foundNewRSReason = 'FoundNewReplicaSet';
export const newRSAvailableReason = 'NewReplicaSetAvailable';
export const timedOutReason = 'ProgressDeadlineExceeded';
export const pausedDeployReason = 'DeploymentPaused';
export const resumedDeployReason = 'DeploymentResumed';
// Available reasons.
export const minimumReplicasAvailable = 'MinimumReplicasAvailable';
export const minimumReplicasUnavailable = 'MinimumReplicasUnavailable';

export function newDeploymentCondition(type: string, status: string, reason: string, message: string, now: number): DeploymentCondition {
  const time = rfc3339(now);
  return { type, status, lastUpdateTime: time, lastTransitionTime: time, reason, message };
}

export function getDeploymentCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * Replaces the condition of that type unless status and reason are unchanged (then the old one, with its times,
 * stays); the transition time only moves when the status does.
 */
export function setDeploymentCondition(status: DeploymentStatus, condition: DeploymentCondition): void {
  const current = getDeploymentCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = { ...condition };
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeDeploymentCondition(status: DeploymentStatus, type: string): void {
  const kept = (status.conditions ?? []).filter((c) => c.type !== type);
  if (kept.length > 0) status.conditions = kept;
  else delete status.conditions;
}

/** A deadline of MaxInt32 seconds is upstream's way of saying "never". */
export function hasProgressDeadline(d: Deployment): boolean {
  const deadline = d.spec.progressDeadlineSeconds;
  return deadline !== undefined && deadline !== null && deadline !== maxInt32;
}

export function hasRevisionHistoryLimit(d: Deployment): boolean {
  const limit = d.spec.revisionHistoryLimit;
  return limit !== undefined && limit !== null && limit !== maxInt32;
}

/** Every desired replica is updated and available, nothing else runs, and the controller has seen the latest spec. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const desired = specReplicas(d);
  return (
    (status.updatedReplicas ?? 0) === desired &&
    (status.replicas ?? 0) === desired &&
    (status.availableReplicas ?? 0) === desired &&
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** Progress: more new pods, fewer old ones, or more ready or available pods than the stored status reports. */
export function deploymentProgressing(d: Deployment, newStatus: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldStatusOldReplicas = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newStatusOldReplicas = (newStatus.replicas ?? 0) - (newStatus.updatedReplicas ?? 0);
  return (
    (newStatus.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newStatusOldReplicas < oldStatusOldReplicas ||
    (newStatus.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (newStatus.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/**
 * Timed out once the Progressing condition's last update is more than progressDeadlineSeconds in the past. A completed
 * rollout never times out: the resync that follows a new ReplicaSet can still see the old, complete condition.
 */
export function deploymentTimedOut(d: Deployment, newStatus: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const condition = getDeploymentCondition(newStatus, progressingCondition);
  if (!condition) return false;
  if (condition.reason === newRSAvailableReason) return false;
  if (condition.reason === timedOutReason) return true;
  const from = condition.lastUpdateTime ? Date.parse(condition.lastUpdateTime) : 0;
  return from + d.spec.progressDeadlineSeconds! * 1000 < now;
}
