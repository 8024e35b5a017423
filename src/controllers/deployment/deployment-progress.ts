// Rollout status: the Progressing condition against the progress deadline, ReplicaSet failures, and deadline requeues.
import { deepEqual } from '../../meta/deep-equal.js';
import { keyOf } from '../runtime/index.js';
import { updateDeploymentStatus, type DeploymentDeps } from './deployment-client.js';
import {
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getDeploymentCondition,
  hasProgressDeadline,
  newDeploymentCondition,
  newRSAvailableReason,
  progressingCondition,
  removeDeploymentCondition,
  replicaFailureCondition,
  replicaSetUpdatedReason,
  setDeploymentCondition,
  timedOutReason,
} from './deployment-conditions.js';
import { calculateStatus } from './deployment-sync.js';
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from './deployment-util.js';

/** ReplicaFailure conditions of the ReplicaSets as deployment conditions, the new ReplicaSet's taking precedence. */
function getReplicaFailures(allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentCondition[] {
  const convert = (rs: ReplicaSet): DeploymentCondition[] =>
    (rs.status?.conditions ?? [])
      .filter((c) => c.type === replicaFailureCondition)
      .map((c) => ({
        type: c.type,
        status: c.status,
        lastUpdateTime: c.lastTransitionTime,
        lastTransitionTime: c.lastTransitionTime,
        reason: c.reason,
        message: c.message,
      }));
  const fromNew = newRS ? convert(newRS) : [];
  return fromNew.length > 0 ? fromNew : allRSs.flatMap(convert);
}

/**
 * Revisits a deployment that shows no progress right after its deadline would pass (plus a second of slack against
 * clock skew), so ProgressDeadlineExceeded is reported on time rather than at the next unrelated event.
 */
function requeueStuckDeployment(deps: DeploymentDeps, d: Deployment, newStatus: DeploymentStatus): void {
  const current = getDeploymentCondition(d.status, progressingCondition);
  if (!hasProgressDeadline(d) || !current) return;
  if (deploymentComplete(d, newStatus) || current.reason === timedOutReason) return;
  const lastUpdate = current.lastUpdateTime ? Date.parse(current.lastUpdateTime) : 0;
  const after = lastUpdate + d.spec.progressDeadlineSeconds! * 1000 - deps.ctx.clock.now();
  if (after < 1000) deps.ctx.queue.addRateLimited(keyOf(d));
  else deps.ctx.queue.addAfter(keyOf(d), after + 1000);
}

/**
 * Status during a rollout. Progress is only judged while a rollout is under way and a deadline is set: completion,
 * then any progress (which refreshes the condition's update time), then the deadline.
 */
export async function syncRolloutStatus(
  deps: DeploymentDeps,
  allRSs: ReplicaSet[],
  newRS: ReplicaSet | undefined,
  d: Deployment,
): Promise<void> {
  const now = deps.ctx.clock.now();
  const newStatus = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeDeploymentCondition(newStatus, progressingCondition);
  const currentCond = getDeploymentCondition(d.status, progressingCondition);
  const isCompleteDeployment = (newStatus.replicas ?? 0) === (newStatus.updatedReplicas ?? 0) && currentCond?.reason === newRSAvailableReason;
  if (hasProgressDeadline(d) && !isCompleteDeployment) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (deploymentComplete(d, newStatus)) {
      const message = `${subject} has successfully progressed.`;
      setDeploymentCondition(newStatus, newDeploymentCondition(progressingCondition, 'True', newRSAvailableReason, message, now));
    } else if (deploymentProgressing(d, newStatus)) {
      const condition = newDeploymentCondition(progressingCondition, 'True', replicaSetUpdatedReason, `${subject} is progressing.`, now);
      // Unlike other conditions, Progressing is rewritten with the same reason to move lastUpdateTime on every progress.
      if (currentCond) {
        if (currentCond.status === 'True') condition.lastTransitionTime = currentCond.lastTransitionTime;
        removeDeploymentCondition(newStatus, progressingCondition);
      }
      setDeploymentCondition(newStatus, condition);
    } else if (deploymentTimedOut(d, newStatus, now)) {
      const message = `${subject} has timed out progressing.`;
      setDeploymentCondition(newStatus, newDeploymentCondition(progressingCondition, 'False', timedOutReason, message, now));
    }
  }
  const failures = getReplicaFailures(allRSs, newRS);
  if (failures.length > 0) setDeploymentCondition(newStatus, failures[0]);
  else removeDeploymentCondition(newStatus, replicaFailureCondition);

  if (deepEqual(d.status ?? {}, newStatus)) {
    requeueStuckDeployment(deps, d, newStatus);
    return;
  }
  d.status = newStatus;
  await updateDeploymentStatus(deps, d);
}
