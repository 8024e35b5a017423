// One sync of a ReplicaSet or ReplicationController: claim pods, create or delete the difference, write status.
import type { LabelSelector } from '../../meta/label-selector.js';
import type { KubeObject } from '../../meta/types.js';
import { messageOf, namespaceTerminating } from '../shared/api-errors.js';
import { isPodActive, podFromTemplate, podPhase } from '../shared/pod-util.js';
import type { ReconcileResult } from '../runtime/controller.js';
import { controllerOf } from '../runtime/controller.js';
import { keyOf } from '../runtime/informer.js';
import { controlledByOrOrphans, inNamespace } from '../runtime/indexes.js';
import { claimPods } from './replicaset-claim.js';
import { isControlledBy, podKeyOf, selectorOrUndefined, withTypeMeta, type ReplicaContext } from './replicaset-context.js';
import { desiredReplicas, specOf } from './replicaset-kind.js';
import { podsToDelete } from './replicaset-pod-ranking.js';
import { calculateStatus, nextAvailabilityCheck, updateStatus } from './replicaset-status.js';

/** controller.SlowStartInitialBatchSize. */
const slowStartInitialBatchSize = 1;

/** controller.IsPodTerminating: being deleted but not yet finished. */
function isTerminating(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return Boolean(pod.metadata.deletionTimestamp) && phase !== 'Succeeded' && phase !== 'Failed';
}

/**
 * syncReplicaSet. Pods are created or deleted only when the previous sync's writes have all been observed
 * (expectations) and the owner is not being deleted; status is written every time. A failed create or delete is
 * reported in status first, then thrown so the key is retried with backoff.
 */
export async function syncReplicas(rc: ReplicaContext, key: string): Promise<ReconcileResult> {
  const cached = rc.owners.get(key);
  if (!cached) {
    rc.expectations.delete(key);
    return;
  }
  const owner = withTypeMeta(rc, cached);
  const needsSync = rc.expectations.satisfied(key);
  let selector: LabelSelector;
  try {
    selector = rc.kind.selectorOf(owner);
  } catch (err) {
    // A selector that cannot be converted will not convert on a retry either: report it and wait for an edit.
    rc.ctx.logError(new Error(`error converting pod selector to selector for ${rc.kind.kind} ${key}: ${messageOf(err)}`));
    return;
  }
  const namespace = owner.metadata.namespace;
  // Ours or nobody's: pods another controller owns never count, whatever their labels.
  const candidates = controlledByOrOrphans(rc.pods, owner.metadata.uid ?? '', namespace);
  const active = await claimPods(rc, owner, selector, candidates.filter(isPodActive));
  const terminating = rc.kind.reportsTerminatingReplicas
    ? candidates.filter((pod) => isTerminating(pod) && isControlledBy(pod, owner) && selector.matches(pod.metadata.labels))
    : undefined;

  let manageError: unknown;
  if (needsSync && !owner.metadata.deletionTimestamp) {
    try {
      await manageReplicas(rc, owner, active);
    } catch (err) {
      manageError = err;
    }
  }
  const now = rc.ctx.clock.now();
  const status = calculateStatus(owner, active, terminating, manageError, now);
  await updateStatus(rc, owner, status);
  const recheckIn = nextAvailabilityCheck(owner, status, active, now);
  if (manageError === undefined) return recheckIn === undefined ? undefined : { requeueAfter: recheckIn };
  if (recheckIn !== undefined) rc.ctx.queue.addAfter(key, recheckIn);
  throw manageError;
}

/** manageReplicas: creates or deletes at most burstReplicas pods to close the gap to spec.replicas. */
async function manageReplicas(rc: ReplicaContext, owner: KubeObject, active: KubeObject[]): Promise<void> {
  const key = keyOf(owner);
  const diff = active.length - desiredReplicas(owner);
  if (diff < 0) {
    const wanted = Math.min(-diff, rc.burstReplicas);
    // Expected before the first create: the informer may deliver a new pod before create() returns.
    rc.expectations.expectCreations(key, wanted);
    const { successes, error } = await slowStartBatch(wanted, slowStartInitialBatchSize, () => createPod(rc, owner));
    // Pods never attempted after a failure will not be observed; the next sync starts a fresh slow start.
    for (let i = successes; i < wanted; i++) rc.expectations.creationObserved(key);
    if (error !== undefined) throw error;
  } else if (diff > 0) {
    const excess = Math.min(diff, rc.burstReplicas);
    const victims = podsToDelete(active, relatedPods(rc, owner), excess, rc.ctx.clock.now());
    rc.expectations.expectDeletions(key, victims.map(podKeyOf));
    const results = await Promise.allSettled(victims.map((pod) => deletePod(rc, owner, pod)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/**
 * slowStartBatch: calls `fn` `count` times in batches of 1, 2, 4, ... run concurrently; the first batch with a
 * failure ends it, so a quota that refuses every pod costs one request rather than hundreds.
 */
export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let size = Math.min(remaining, initialBatchSize); size > 0; size = Math.min(2 * size, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: size }, () => fn()));
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += size - failures.length;
    if (failures.length > 0) return { successes, error: failures[0].reason };
    remaining -= size;
  }
  return { successes };
}

/** Upstream ignores creates refused because the namespace is going away: every later one would fail the same way. */
/** RealPodControl.CreatePods with the owner's name as generateName prefix. */
async function createPod(rc: ReplicaContext, owner: KubeObject): Promise<void> {
  const pod = podFromTemplate(specOf(owner).template, owner, owner.metadata.name!);
  if (Object.keys(pod.metadata.labels ?? {}).length === 0) throw new Error('unable to create pods, no labels');
  let created: KubeObject;
  try {
    created = await rc.ctx.client.create('v1', 'pods', owner.metadata.namespace, pod);
  } catch (err) {
    if (namespaceTerminating(err)) return;
    rc.ctx.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${messageOf(err)}`);
    throw err;
  }
  rc.ctx.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
}

/** RealPodControl.DeletePod; a delete that did not happen is un-expected so the sync does not wait for it. */
async function deletePod(rc: ReplicaContext, owner: KubeObject, pod: KubeObject): Promise<void> {
  const name = pod.metadata.name!;
  try {
    await rc.ctx.client.delete('v1', 'pods', pod.metadata.namespace, name);
  } catch (err) {
    rc.expectations.deletionObserved(keyOf(owner), podKeyOf(pod));
    if ((err as { code?: number }).code === 404) return;
    rc.ctx.recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${messageOf(err)}`);
    throw new Error(`unable to delete pods: ${messageOf(err)}`);
  }
  rc.ctx.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
}

/**
 * getIndirectlyRelatedPods: pods selected by any ReplicaSet sharing this one's controller (a Deployment's old and new
 * ReplicaSets), so scale-down can prefer nodes where the whole Deployment is doubled up. None without a controller.
 */
function relatedPods(rc: ReplicaContext, owner: KubeObject): KubeObject[] {
  const ref = controllerOf(owner);
  if (!ref) return [];
  const seen = new Set<string>();
  const related: KubeObject[] = [];
  for (const sibling of rc.owners.list()) {
    if (controllerOf(sibling)?.uid !== ref.uid) continue;
    const selector = selectorOrUndefined(rc, sibling);
    if (!selector) continue;
    for (const pod of inNamespace(rc.pods, sibling.metadata.namespace)) {
      if (!selector.matches(pod.metadata.labels)) continue;
      if (seen.has(pod.metadata.uid!)) continue;
      seen.add(pod.metadata.uid!);
      related.push(pod);
    }
  }
  return related;
}
