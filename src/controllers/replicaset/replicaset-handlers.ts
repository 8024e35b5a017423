// Informer handlers that wake the right ReplicaSet (or RC) and record observed creates and deletes.
import { deepEqual } from '../../meta/deep-equal.js';
import type { KubeObject } from '../../meta/types.js';
import { isPodReady } from '../shared/pod-util.js';
import { controllerOf } from '../runtime/controller.js';
import { keyOf } from '../runtime/informer.js';
import { podKeyOf, resolveControllerRef, selectorOrUndefined, type ReplicaContext } from './replicaset-context.js';
import { minReadySecondsOf } from './replicaset-kind.js';

export function watchOwnersAndPods(rc: ReplicaContext): void {
  rc.owners.addEventHandler({
    onAdd: (owner) => rc.ctx.enqueue(owner),
    onUpdate: (oldOwner, owner) => {
      // A delete and re-create seen as one update: the old object's expectations must not bind the new one.
      if (oldOwner.metadata.uid !== owner.metadata.uid) deleteOwner(rc, oldOwner);
      rc.ctx.enqueue(owner);
    },
    onDelete: (owner) => deleteOwner(rc, owner),
  });
  rc.pods.addEventHandler({
    onAdd: (pod) => addPod(rc, pod),
    onUpdate: (oldPod, pod) => updatePod(rc, oldPod, pod),
    onDelete: (pod) => deletePod(rc, pod),
  });
}

function deleteOwner(rc: ReplicaContext, owner: KubeObject): void {
  const key = keyOf(owner);
  rc.expectations.delete(key);
  rc.ctx.queue.add(key);
}

/** getPodReplicaSets: owners in the pod's namespace whose non-empty selector matches it (adoption candidates). */
function ownersSelecting(rc: ReplicaContext, pod: KubeObject): KubeObject[] {
  const labels = pod.metadata.labels;
  if (!labels || Object.keys(labels).length === 0) return [];
  return rc.owners.list().filter((owner) => {
    if (owner.metadata.namespace !== pod.metadata.namespace) return false;
    const selector = selectorOrUndefined(rc, owner);
    return selector !== undefined && !selector.empty && selector.matches(labels);
  });
}

function addPod(rc: ReplicaContext, pod: KubeObject): void {
  // After a controller restart a pod may first appear already being deleted: that is no creation to observe.
  if (pod.metadata.deletionTimestamp) return deletePod(rc, pod);
  const ref = controllerOf(pod);
  if (ref) {
    const owner = resolveControllerRef(rc, pod.metadata.namespace, ref);
    if (!owner) return;
    rc.expectations.creationObserved(keyOf(owner));
    rc.ctx.enqueue(owner);
    return;
  }
  // An orphan: every owner that might adopt it takes a look, but none was waiting for it.
  for (const owner of ownersSelecting(rc, pod)) rc.ctx.enqueue(owner);
}

function updatePod(rc: ReplicaContext, oldPod: KubeObject, pod: KubeObject): void {
  if (oldPod.metadata.resourceVersion === pod.metadata.resourceVersion) return;
  const labelsChanged = !deepEqual(oldPod.metadata.labels ?? {}, pod.metadata.labels ?? {});
  if (pod.metadata.deletionTimestamp) {
    // A graceful delete counts as the delete: the owner replaces the pod now rather than after the grace period.
    deletePod(rc, pod);
    if (labelsChanged) deletePod(rc, oldPod);
    return;
  }
  const ref = controllerOf(pod);
  const oldRef = controllerOf(oldPod);
  const refChanged = !deepEqual(ref ?? null, oldRef ?? null);
  if (refChanged && oldRef) {
    const previous = resolveControllerRef(rc, oldPod.metadata.namespace, oldRef);
    if (previous) rc.ctx.enqueue(previous);
  }
  if (ref) {
    const owner = resolveControllerRef(rc, pod.metadata.namespace, ref);
    if (!owner) return;
    rc.ctx.enqueue(owner);
    const minReadySeconds = minReadySecondsOf(owner);
    if (!isPodReady(oldPod) && isPodReady(pod) && minReadySeconds > 0) {
      // Upstream adds a second to stay clear of millisecond skew between the pod's timestamp and the queue's timer.
      rc.ctx.queue.addAfter(keyOf(owner), (minReadySeconds + 1) * 1000);
    }
    return;
  }
  if (labelsChanged || refChanged) for (const owner of ownersSelecting(rc, pod)) rc.ctx.enqueue(owner);
}

function deletePod(rc: ReplicaContext, pod: KubeObject): void {
  const ref = controllerOf(pod);
  if (!ref) return;
  const owner = resolveControllerRef(rc, pod.metadata.namespace, ref);
  if (!owner) return;
  const key = keyOf(owner);
  rc.expectations.deletionObserved(key, podKeyOf(pod));
  rc.ctx.queue.add(key);
}
