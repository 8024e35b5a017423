// DaemonSet RollingUpdate (daemon/update.go): old pods replaced within maxUnavailable, or surged within maxSurge.
import type { KubeObject } from '../../meta/types.js';
import { isPodAvailable } from '../shared/pod-util.js';
import { dsSpec } from './daemonset-history.js';
import { isPodUpdated, nodesToDaemonPods, surgeCount, syncNodes, templateGeneration, unavailableCount, type DaemonEnv } from './daemonset-pods.js';
import { nodeShouldRunDaemonPod } from './daemonset-scheduling.js';

/** findUpdatedPodsOnNode: the node's one new and one old pod; `ok` false when it has more (manage prunes those). */
function updatedPodsOnNode(pods: KubeObject[], hash: string, generation: string | undefined): { newPod?: KubeObject; oldPod?: KubeObject; ok: boolean } {
  let newPod: KubeObject | undefined;
  let oldPod: KubeObject | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { newPod, oldPod, ok: true };
}

/** updatedDesiredNodeCounts: maxSurge and maxUnavailable of the nodes wanting a pod (a node without one is listed too). */
function desiredCounts(ds: KubeObject, nodes: KubeObject[], byNode: Map<string, KubeObject[]>): { maxSurge: number; maxUnavailable: number; desired: number } {
  let desired = 0;
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    if (!byNode.has(node.metadata.name!)) byNode.set(node.metadata.name!, []);
  }
  let maxUnavailable: number;
  let maxSurge: number;
  try {
    maxUnavailable = unavailableCount(ds, desired);
  } catch (err) {
    throw new Error(`couldn't get unavailable numbers: invalid value for MaxUnavailable: ${(err as Error).message}`);
  }
  try {
    maxSurge = surgeCount(ds, desired);
  } catch (err) {
    throw new Error(`couldn't get unavailable numbers: invalid value for MaxSurge: ${(err as Error).message}`);
  }
  // Neither surge nor unavailability allowed could never progress: accept one unavailable pod, as upstream does.
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable, desired };
}

export async function rollingUpdate(env: DaemonEnv, ds: KubeObject, nodes: KubeObject[], hash: string): Promise<void> {
  const byNode = await nodesToDaemonPods(env, ds, false);
  const { maxSurge, maxUnavailable, desired } = desiredCounts(ds, nodes, byNode);
  const now = env.ctx.clock.now();
  const minReadySeconds = dsSpec(ds).minReadySeconds ?? 0;
  const available = (pod: KubeObject) => isPodAvailable(pod, minReadySeconds, now);
  const generation = templateGeneration(ds);
  // Go ranges over a map here; node-name order keeps runs reproducible.
  const entries = [...byNode.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  if (maxSurge === 0) {
    // Delete just enough old pods to stay within maxUnavailable; manage creates their replacements.
    let unavailable = 0;
    const replacements: string[] = [];
    const candidates: string[] = [];
    for (const [, pods] of entries) {
      const { newPod, oldPod, ok } = updatedPodsOnNode(pods, hash, generation);
      if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) {
        unavailable++;
      } else if (newPod) {
        if (!available(newPod)) unavailable++;
      } else if (!available(oldPod!)) {
        replacements.push(oldPod!.metadata.name!);
        unavailable++;
      } else if (unavailable < maxUnavailable) {
        candidates.push(oldPod!.metadata.name!);
      }
    }
    const allowed = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
    await syncNodes(env, ds, [...replacements, ...candidates.slice(0, allowed)], [], hash);
    return;
  }

  // Surge: a new pod next to each old one, up to maxSurge at once; an old pod goes once its replacement is available.
  const oldPodsToDelete: string[] = [];
  const shouldNotRunPodsToDelete: string[] = [];
  const candidateNodes: string[] = [];
  const allowedNodes: string[] = [];
  let surging = 0;
  let numAvailable = 0;
  const shouldRun = (nodeName: string) => {
    const node = env.nodes.get(nodeName);
    if (!node) throw new Error(`couldn't get node for nodeName "${nodeName}": node "${nodeName}" not found`);
    return nodeShouldRunDaemonPod(node, ds).shouldRun;
  };
  for (const [nodeName, pods] of entries) {
    const { newPod, oldPod, ok } = updatedPodsOnNode(pods, hash, generation);
    if (!ok) {
      surging++;
      continue;
    }
    if (oldPod ? available(oldPod) : newPod !== undefined && available(newPod)) numAvailable++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun(nodeName)) oldPodsToDelete.push(oldPod.metadata.name!);
        else allowedNodes.push(nodeName);
      } else if (!shouldRun(nodeName)) {
        shouldNotRunPodsToDelete.push(oldPod.metadata.name!);
      } else if (surging < maxSurge) {
        candidateNodes.push(nodeName);
      }
    } else if (!available(newPod)) {
      surging++;
    } else {
      oldPodsToDelete.push(oldPod.metadata.name!);
    }
  }
  // Pods on nodes no longer wanted go only as pods elsewhere become available, so availability never drops.
  const deletable = Math.min(Math.max(0, numAvailable - desired), shouldNotRunPodsToDelete.length);
  for (const name of shouldNotRunPodsToDelete.slice(0, deletable)) if (env.pods.get(`${ds.metadata.namespace}/${name}`)) oldPodsToDelete.push(name);
  const remainingSurge = Math.min(Math.max(0, maxSurge - surging), candidateNodes.length);
  await syncNodes(env, ds, oldPodsToDelete, [...allowedNodes, ...candidateNodes.slice(0, remainingSurge)], hash);
}

