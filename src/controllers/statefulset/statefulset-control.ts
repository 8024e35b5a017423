// The StatefulSet control loop (stateful_set_control.go): ordered or parallel scaling, rolling updates, and status.
import type { InProcessClient } from '../../client/client.js';
import type { KubeObject } from '../../meta/types.js';
import { sortRevisions } from '../shared/controller-revision.js';
import { errorCode } from '../shared/api-errors.js';
import { aggregateError, fieldManager, slowStartBatch } from '../shared/statefulset-daemonset-common.js';
import type { StatefulPodControl } from './statefulset-pod-control.js';
import { applyRevision, statefulSetRevisions, truncateHistory } from './statefulset-revisions.js';
import {
  allowsBurst,
  byOrdinalDescending,
  endOrdinal,
  identityMatches,
  inOrdinalRange,
  isCreated,
  isFailed,
  isPending,
  isRunningAndAvailable,
  isRunningAndReady,
  isSucceeded,
  isTerminating,
  isUnavailable,
  maxUnavailableFor,
  newVersionedStatefulSetPod,
  ordinalOf,
  podRevision,
  replicasOf,
  setSpec,
  setStatus,
  startOrdinal,
  storageMatches,
  type StatefulSetStatus,
} from './statefulset-utils.js';

export interface ControlEnv {
  client: InProcessClient;
  podControl: StatefulPodControl;
  now(): number;
  /** The set as the cache has it now, for retrying a status write after a conflict. */
  latest(set: KubeObject): Promise<KubeObject>;
}

interface Outcome {
  status: StatefulSetStatus;
  error?: unknown;
}

/** UpdateStatefulSet: revisions, the pods' work, the status write, then history pruning; returns the status written. */
export async function syncStatefulSetState(env: ControlEnv, cached: KubeObject, pods: KubeObject[], revisions: KubeObject[]): Promise<StatefulSetStatus> {
  const set = structuredClone(cached);
  const sorted = sortRevisions(revisions);
  const errs: unknown[] = [];
  let current: KubeObject | undefined;
  let update: KubeObject | undefined;
  let status: StatefulSetStatus | undefined;
  try {
    const found = await statefulSetRevisions(env.client, set, sorted);
    current = found.current;
    update = found.update;
    const outcome = await updateStatefulSet(env, set, current, update, found.collisionCount, pods);
    status = outcome.status;
    if (outcome.error !== undefined) errs.push(outcome.error);
    await writeStatus(env, set, outcome.status);
  } catch (err) {
    errs.push(err);
  }
  try {
    await truncateHistory(env.client, set, pods, sorted, current, update);
  } catch (err) {
    errs.push(err);
  }
  if (errs.length > 0) throw aggregateError(errs);
  return status!;
}

function countPods(status: StatefulSetStatus, minReadySeconds: number, now: number, currentName: string, updateName: string, pods: KubeObject[]): void {
  status.replicas = 0;
  status.readyReplicas = 0;
  status.availableReplicas = 0;
  status.currentReplicas = 0;
  status.updatedReplicas = 0;
  for (const pod of pods) {
    if (isCreated(pod)) status.replicas++;
    if (isRunningAndReady(pod)) {
      status.readyReplicas++;
      if (isRunningAndAvailable(pod, minReadySeconds, now)) status.availableReplicas++;
    }
    if (isCreated(pod) && !isTerminating(pod)) {
      if (podRevision(pod) === currentName) status.currentReplicas++;
      if (podRevision(pod) === updateName) status.updatedReplicas++;
    }
  }
}

/** Runs `fn` over the pods: one at a time stopping at the first that blocks when ordered, in slow-start batches when not. */
async function runForAll(count: number, fn: (i: number) => Promise<boolean>, monotonic: boolean): Promise<{ exit: boolean; error?: unknown }> {
  try {
    if (!monotonic) {
      await slowStartBatch(count, 1, fn);
      return { exit: false };
    }
    for (let i = 0; i < count; i++) if (await fn(i)) return { exit: true };
    return { exit: false };
  } catch (error) {
    return { exit: true, error };
  }
}

async function updateStatefulSet(env: ControlEnv, set: KubeObject, current: KubeObject, update: KubeObject, collisionCount: number, pods: KubeObject[]): Promise<Outcome> {
  const { podControl } = env;
  const currentSet = applyRevision(set, current);
  const updateSet = applyRevision(set, update);
  const currentName = current.metadata.name!;
  const updateName = update.metadata.name!;
  const minReadySeconds = setSpec(set).minReadySeconds ?? 0;
  const now = env.now();
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata.generation,
    currentRevision: currentName,
    updateRevision: updateName,
    collisionCount,
  };
  countPods(status, minReadySeconds, now, currentName, updateName, pods);

  // Pods inside [start, end] take the slot of their ordinal; valid ordinals outside it are condemned.
  const start = startOrdinal(set);
  const replicas: KubeObject[] = new Array(replicasOf(set));
  const condemned: KubeObject[] = [];
  for (const pod of pods) {
    if (inOrdinalRange(pod, set)) replicas[ordinalOf(pod) - start] = pod;
    else if (ordinalOf(pod) >= 0) condemned.push(pod);
  }
  for (let ordinal = start; ordinal <= endOrdinal(set); ordinal++) {
    replicas[ordinal - start] ??= newVersionedStatefulSetPod(currentSet, updateSet, currentName, updateName, ordinal);
  }
  condemned.sort(byOrdinalDescending);
  const firstUnavailable =
    replicas.find((p) => isUnavailable(p, minReadySeconds, now)) ?? [...condemned].reverse().find((p) => isUnavailable(p, minReadySeconds, now));
  const recount = (outcome: Omit<Outcome, 'status'> = {}): Outcome => {
    countPods(status, minReadySeconds, now, currentName, updateName, [...replicas, ...condemned]);
    return { status, ...outcome };
  };

  // A set being deleted only gets its status refreshed.
  if (set.metadata.deletionTimestamp) return { status };
  const monotonic = !allowsBurst(set);

  const processReplica = async (i: number): Promise<boolean> => {
    const pod = replicas[i];
    // Succeeded counts as failed: the exit code of a killed container says nothing about why it stopped.
    if (isFailed(pod) || isSucceeded(pod)) {
      if (!isTerminating(pod)) await podControl.deleteStatefulPod(set, pod);
      return true;
    }
    if (!isCreated(pod)) {
      if (podControl.podClaimIsStale(set, pod)) return true;
      await podControl.createStatefulPod(set, pod);
      if (monotonic) return true;
    }
    if (isPending(pod)) await podControl.createMissingPersistentVolumeClaims(set, pod);
    if (monotonic && (isTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReadySeconds, now))) return true;
    if (identityMatches(set, pod) && storageMatches(set, pod) && podControl.claimsMatchRetentionPolicy(updateSet, pod)) return false;
    await podControl.updateStatefulPod(updateSet, pod);
    return false;
  };
  let run = await runForAll(replicas.length, processReplica, monotonic);
  if (run.exit || run.error !== undefined) return recount({ error: run.error });

  const fixPodClaim = async (i: number): Promise<boolean> => {
    if (!podControl.claimsMatchRetentionPolicy(updateSet, condemned[i])) await podControl.updatePodClaimForRetentionPolicy(updateSet, condemned[i]);
    return false;
  };
  run = await runForAll(condemned.length, fixPodClaim, monotonic);
  if (run.exit || run.error !== undefined) return recount({ error: run.error });

  // Scaling down takes precedence over updates, highest ordinal first, never past an unavailable pod when ordered.
  const processCondemned = async (i: number): Promise<boolean> => {
    const pod = condemned[i];
    if (isTerminating(pod)) return monotonic;
    if (monotonic && pod !== firstUnavailable && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReadySeconds, now))) return true;
    await podControl.deleteStatefulPod(set, pod);
    return true;
  };
  run = await runForAll(condemned.length, processCondemned, monotonic);
  if (run.exit || run.error !== undefined) return recount({ error: run.error });
  recount();

  // OnDelete leaves updates to whoever deletes the pods.
  if (setSpec(set).updateStrategy?.type === 'OnDelete') return { status };
  return rollingUpdate(env, set, replicas, updateName, status, minReadySeconds, now);
}

/**
 * updateStatefulSetAfterInvariantEstablished (MaxUnavailableStatefulSet, beta and on by default since 1.35): deletes
 * up to maxUnavailable minus the unavailable count of outdated pods, highest ordinal first, none below the partition.
 */
async function rollingUpdate(env: ControlEnv, set: KubeObject, replicas: KubeObject[], updateName: string, status: StatefulSetStatus, minReadySeconds: number, now: number): Promise<Outcome> {
  const rollingUpdate = setSpec(set).updateStrategy?.rollingUpdate;
  let updateMin = 0;
  let maxUnavailable = 1;
  if (rollingUpdate) {
    updateMin = rollingUpdate.partition ?? 0;
    try {
      maxUnavailable = maxUnavailableFor(set, replicasOf(set));
    } catch (error) {
      return { status, error };
    }
  }
  const unavailable = replicas.filter((p) => isUnavailable(p, minReadySeconds, now)).length;
  if (unavailable > maxUnavailable) return { status };
  let toDelete = maxUnavailable - unavailable;
  for (let target = replicas.length - 1; target >= updateMin && toDelete > 0; target--) {
    const pod = replicas[target];
    if (podRevision(pod) === updateName || isTerminating(pod)) continue;
    try {
      await env.podControl.deleteStatefulPod(set, pod);
    } catch (error) {
      if (errorCode(error) !== 404) return { status, error };
    }
    toDelete--;
    status.currentReplicas = (status.currentReplicas ?? 0) - 1;
  }
  return { status };
}

/** The status as Go serializes it: zero counts other than replicas and availableReplicas are left out. */
function wireStatus(status: StatefulSetStatus): Record<string, unknown> {
  const wire: Record<string, unknown> = {};
  if (status.observedGeneration) wire.observedGeneration = status.observedGeneration;
  wire.replicas = status.replicas ?? 0;
  if (status.readyReplicas) wire.readyReplicas = status.readyReplicas;
  if (status.currentReplicas) wire.currentReplicas = status.currentReplicas;
  if (status.updatedReplicas) wire.updatedReplicas = status.updatedReplicas;
  if (status.currentRevision) wire.currentRevision = status.currentRevision;
  if (status.updateRevision) wire.updateRevision = status.updateRevision;
  if (status.collisionCount !== undefined) wire.collisionCount = status.collisionCount;
  wire.availableReplicas = status.availableReplicas ?? 0;
  return wire;
}

/** updateStatefulSetStatus: completes a finished rolling update, then writes the status if it changed. */
async function writeStatus(env: ControlEnv, set: KubeObject, status: StatefulSetStatus): Promise<void> {
  const replicas = replicasOf(set);
  if (setSpec(set).updateStrategy?.type === 'RollingUpdate' && status.updatedReplicas === replicas && status.readyReplicas === replicas && status.replicas === replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
  const old = setStatus(set);
  const changed =
    (status.observedGeneration ?? 0) > (old.observedGeneration ?? 0) ||
    status.replicas !== (old.replicas ?? 0) ||
    status.currentReplicas !== (old.currentReplicas ?? 0) ||
    status.readyReplicas !== (old.readyReplicas ?? 0) ||
    status.updatedReplicas !== (old.updatedReplicas ?? 0) ||
    status.currentRevision !== (old.currentRevision ?? '') ||
    status.availableReplicas !== (old.availableReplicas ?? 0) ||
    status.updateRevision !== (old.updateRevision ?? '');
  if (!changed) return;
  let target = set;
  for (let attempt = 0; ; attempt++) {
    try {
      await env.client.update('apps/v1', 'statefulsets', target.metadata.namespace, { ...target, status: wireStatus(status) }, { subresource: 'status', fieldManager });
      return;
    } catch (err) {
      if (errorCode(err) !== 409 || attempt >= 4) throw err;
      target = await env.latest(target);
    }
  }
}
