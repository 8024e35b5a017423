// The RollingUpdate strategy: grow the new ReplicaSet within maxSurge, shrink old ones within maxUnavailable.
import { cleanupDeployment } from './deployment-sync.js';
import type { DeploymentDeps } from './deployment-client.js';
import { deploymentComplete } from './deployment-conditions.js';
import { getAllReplicaSetsAndSyncRevision } from './deployment-new-rs.js';
import { syncRolloutStatus } from './deployment-progress.js';
import { scaleReplicaSetAndRecordEvent } from './deployment-scale.js';
import {
  byCreationTimestamp,
  filterActiveReplicaSets,
  getAvailableReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
  maxUnavailable,
  newRSNewReplicas,
  specReplicas,
  type Deployment,
  type ReplicaSet,
} from './deployment-util.js';

/** One step of a rolling update per sync: scale up if possible, else scale down, then report status. */
export async function rolloutRolling(deps: DeploymentDeps, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(deps, d, rsList, true);
  const allRSs = [...oldRSs, newRS!];
  if (await reconcileNewReplicaSet(deps, allRSs, newRS!, d)) return syncRolloutStatus(deps, allRSs, newRS, d);
  if (await reconcileOldReplicaSets(deps, allRSs, filterActiveReplicaSets(oldRSs), newRS!, d)) return syncRolloutStatus(deps, allRSs, newRS, d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(deps, oldRSs, d);
  return syncRolloutStatus(deps, allRSs, newRS, d);
}

async function reconcileNewReplicaSet(deps: DeploymentDeps, allRSs: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  if (specReplicas(newRS) === specReplicas(d)) return false;
  if (specReplicas(newRS) > specReplicas(d)) return (await scaleReplicaSetAndRecordEvent(deps, newRS, specReplicas(d), d)).scaled;
  const newReplicasCount = newRSNewReplicas(d, allRSs, newRS);
  return (await scaleReplicaSetAndRecordEvent(deps, newRS, newReplicasCount, d)).scaled;
}

/**
 * How far old ReplicaSets may shrink: all pods, less the minimum that must stay available, less the new pods that
 * are not available yet (those must not let old ones go, or a crash-looping template would eat the capacity).
 */
async function reconcileOldReplicaSets(
  deps: DeploymentDeps,
  allRSs: ReplicaSet[],
  oldRSs: ReplicaSet[],
  newRS: ReplicaSet,
  d: Deployment,
): Promise<boolean> {
  if (getReplicaCountForReplicaSets(oldRSs) === 0) return false;
  const allPodsCount = getReplicaCountForReplicaSets(allRSs);
  const minAvailable = specReplicas(d) - maxUnavailable(d);
  const newRSUnavailablePodCount = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPodsCount - minAvailable - newRSUnavailablePodCount;
  if (maxScaledDown <= 0) return false;
  // Upstream drops a failed scale-down and waits for the next event or its informers' 12–24 h resync. Without a
  // resync here, a failure no event follows (a 500, a timeout) would stall the rollout: the error retries with backoff.
  const cleaned = await cleanupUnhealthyReplicas(deps, oldRSs, d, maxScaledDown);
  const scaledDownCount = await scaleDownOldReplicaSetsForRollingUpdate(deps, [...cleaned.oldRSs, newRS], cleaned.oldRSs, d);
  return cleaned.count + scaledDownCount > 0;
}

/**
 * Unavailable old pods go first, oldest ReplicaSet first: removing them costs no availability, and leaving them would
 * block the rollout (kubernetes#16737).
 */
async function cleanupUnhealthyReplicas(
  deps: DeploymentDeps,
  oldRSs: ReplicaSet[],
  d: Deployment,
  maxCleanupCount: number,
): Promise<{ oldRSs: ReplicaSet[]; count: number }> {
  const sorted = [...oldRSs].sort(byCreationTimestamp);
  let totalScaledDown = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (totalScaledDown >= maxCleanupCount) break;
    const target = sorted[i];
    const available = target.status?.availableReplicas ?? 0;
    if (specReplicas(target) === 0 || specReplicas(target) === available) continue;
    const scaledDownCount = Math.min(maxCleanupCount - totalScaledDown, specReplicas(target) - available);
    const newReplicasCount = specReplicas(target) - scaledDownCount;
    if (newReplicasCount > specReplicas(target)) {
      const id = `${target.metadata.namespace}/${target.metadata.name}`;
      throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${id} ${specReplicas(target)} -> ${newReplicasCount}`);
    }
    sorted[i] = (await scaleReplicaSetAndRecordEvent(deps, target, newReplicasCount, d)).rs;
    totalScaledDown += scaledDownCount;
  }
  return { oldRSs: sorted, count: totalScaledDown };
}

/** Scales old ReplicaSets down, oldest first, by as many pods as are available beyond the minimum. */
async function scaleDownOldReplicaSetsForRollingUpdate(
  deps: DeploymentDeps,
  allRSs: ReplicaSet[],
  oldRSs: ReplicaSet[],
  d: Deployment,
): Promise<number> {
  const minAvailable = specReplicas(d) - maxUnavailable(d);
  const availablePodCount = getAvailableReplicaCountForReplicaSets(allRSs);
  if (availablePodCount <= minAvailable) return 0;
  const totalScaleDownCount = availablePodCount - minAvailable;
  let totalScaledDown = 0;
  for (const target of [...oldRSs].sort(byCreationTimestamp)) {
    if (totalScaledDown >= totalScaleDownCount) break;
    if (specReplicas(target) === 0) continue;
    const scaleDownCount = Math.min(specReplicas(target), totalScaleDownCount - totalScaledDown);
    const newReplicasCount = specReplicas(target) - scaleDownCount;
    if (newReplicasCount > specReplicas(target)) {
      const id = `${target.metadata.namespace}/${target.metadata.name}`;
      throw new Error(`when scaling down old RS, got invalid request to scale down ${id} ${specReplicas(target)} -> ${newReplicasCount}`);
    }
    await scaleReplicaSetAndRecordEvent(deps, target, newReplicasCount, d);
    totalScaledDown += scaleDownCount;
  }
  return totalScaledDown;
}
