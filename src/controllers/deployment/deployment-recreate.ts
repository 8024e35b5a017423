// The Recreate strategy: scale every old ReplicaSet to zero, wait until no old pod runs, then bring up the new one.
import type { KubeObject } from '../../meta/types.js';
import { podPhase } from '../shared/pod-util.js';
import type { DeploymentDeps } from './deployment-client.js';
import { deploymentComplete } from './deployment-conditions.js';
import { getAllReplicaSetsAndSyncRevision } from './deployment-new-rs.js';
import { syncRolloutStatus } from './deployment-progress.js';
import { scaleReplicaSetAndRecordEvent } from './deployment-scale.js';
import { allOf, cleanupDeployment } from './deployment-sync.js';
import { filterActiveReplicaSets, getActualReplicaCountForReplicaSets, specReplicas, type Deployment, type ReplicaSet } from './deployment-util.js';

/** Pods of the deployment grouped by the uid of the ReplicaSet controlling them, inactive pods included. */
export type PodMap = Map<string, KubeObject[]>;

export async function rolloutRecreate(deps: DeploymentDeps, d: Deployment, rsList: ReplicaSet[], podMap: PodMap): Promise<void> {
  // The new ReplicaSet is not created yet, so nothing can scale up before the old pods are gone.
  let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(deps, d, rsList, false);
  let allRSs = allOf(newRS, oldRSs);
  if (await scaleDownOldReplicaSetsForRecreate(deps, filterActiveReplicaSets(oldRSs), d)) return syncRolloutStatus(deps, allRSs, newRS, d);
  if (oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(deps, allRSs, newRS, d);
  if (!newRS) {
    ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(deps, d, rsList, true));
    allRSs = allOf(newRS, oldRSs);
  }
  await scaleReplicaSetAndRecordEvent(deps, newRS!, specReplicas(d), d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(deps, oldRSs, d);
  return syncRolloutStatus(deps, allRSs, newRS, d);
}

async function scaleDownOldReplicaSetsForRecreate(deps: DeploymentDeps, oldRSs: ReplicaSet[], d: Deployment): Promise<boolean> {
  let scaled = false;
  for (const rs of oldRSs) {
    if (specReplicas(rs) === 0) continue;
    if ((await scaleReplicaSetAndRecordEvent(deps, rs, 0, d)).scaled) scaled = true;
  }
  return scaled;
}

/**
 * Whether an old ReplicaSet still reports pods, or an old pod has not finished. A pod in the deprecated Unknown phase
 * counts as running: nothing proves it stopped.
 */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podMap: PodMap): boolean {
  if (getActualReplicaCountForReplicaSets(oldRSs) > 0) return true;
  for (const [rsUid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === rsUid) continue;
    if (pods.some((pod) => podPhase(pod) !== 'Failed' && podPhase(pod) !== 'Succeeded')) return true;
  }
  return false;
}
