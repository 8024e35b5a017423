// The Job controller (kube-controller-manager's `job`): runs a Job's pods to completion, tracking them by finalizer.
import type { KubeObject } from '../../meta/types.js';
import { labelSelectorFromObject } from '../../meta/label-selector.js';
import { deepEqual } from '../../meta/deep-equal.js';
import { BackoffStore } from './job-backoff.js';
import { removeTrackingFinalizer, isNotFound } from './job-pod-control.js';
import { FinalizerExpectations, type JobControllerState } from './job-state.js';
import { syncJob } from './job-sync.js';
import { hasJobTrackingFinalizer, isJobFinished, jobSpec, jobStatus, managedByExternalController } from './job-util.js';
import { type Controller, type ControllerContext, ControllerExpectations, controlledBy, controllerOf, keyOf, splitKey } from '../runtime/index.js';

export interface JobControllerOptions {
  /**
   * Upstream syncJobBatchPeriod: pod events and status updates re-sync a Job this long after, so a burst of pod
   * changes is handled in one sync. On a virtual clock, advance it to see their effect.
   */
  batchPeriodMs?: number;
}

/** Orphaned pods whose tracking finalizer must go share the queue, under this prefix (no namespace has a colon). */
const orphanPodPrefix = 'orphan-pod:';

export function jobController(options: JobControllerOptions = {}): Controller {
  const batchPeriodMs = options.batchPeriodMs ?? 1000;
  let state: JobControllerState | undefined;

  const enqueueNow = (job: KubeObject) => state!.ctx.queue.add(keyOf(job));
  const enqueueBatched = (job: KubeObject) => state!.ctx.queue.addAfter(keyOf(job), batchPeriodMs);
  const enqueueOrphanPod = (pod: KubeObject) => state!.ctx.queue.add(orphanPodPrefix + keyOf(pod));

  /** The Job a controller reference points to, if it is a Job in the cache with that uid. */
  const resolveJob = (namespace: string | undefined, ref: { kind: string; name: string; uid: string } | undefined) => {
    if (!ref || ref.kind !== 'Job') return undefined;
    const job = state!.jobs.get(`${namespace}/${ref.name}`);
    return job && job.metadata.uid === ref.uid ? job : undefined;
  };

  /** Jobs whose selector matches an orphan pod: one of them may adopt it. */
  const jobsSelecting = (pod: KubeObject): KubeObject[] => {
    if (Object.keys(pod.metadata.labels ?? {}).length === 0) return [];
    return state!.jobs.list().filter((job) => {
      if (job.metadata.namespace !== pod.metadata.namespace) return false;
      try {
        const selector = labelSelectorFromObject(jobSpec(job).selector);
        return !selector.empty && selector.matches(pod.metadata.labels);
      } catch {
        return false;
      }
    });
  };

  /** Enqueues the pods a finished or deleted Job still holds with a finalizer, for the orphan cleanup. */
  const cleanupPodFinalizers = (job: KubeObject) => {
    for (const pod of controlledBy(state!.pods, job.metadata.uid ?? '')) {
      if (pod.metadata.namespace === job.metadata.namespace && hasJobTrackingFinalizer(pod)) enqueueOrphanPod(pod);
    }
  };

  const deletePod = (pod: KubeObject, final: boolean) => {
    const ref = controllerOf(pod);
    const hasFinalizer = hasJobTrackingFinalizer(pod);
    if (!ref) {
      // Perhaps a Job's pod whose reference the garbage collector removed.
      if (hasFinalizer) enqueueOrphanPod(pod);
      return;
    }
    const job = resolveJob(pod.metadata.namespace, ref);
    if (!job || isJobFinished(job)) {
      // The Job's sync will not remove this finalizer any more.
      if (hasFinalizer) enqueueOrphanPod(pod);
      return;
    }
    const key = keyOf(job);
    state!.expectations.deletionObserved(key);
    // The final delete, or a deletion timestamp on a pod whose finalizer is already gone, ends the wait for it.
    if (final || !hasFinalizer) state!.finalizerExpectations.removalObserved(key, pod.metadata.uid ?? '');
    enqueueBatched(job);
  };

  const addPod = (pod: KubeObject) => {
    if (pod.metadata.deletionTimestamp) {
      deletePod(pod, false);
      return;
    }
    const ref = controllerOf(pod);
    if (ref) {
      const job = resolveJob(pod.metadata.namespace, ref);
      if (!job) return;
      state!.expectations.creationObserved(keyOf(job));
      enqueueBatched(job);
      return;
    }
    if (hasJobTrackingFinalizer(pod)) enqueueOrphanPod(pod);
    for (const job of jobsSelecting(pod)) enqueueBatched(job);
  };

  const updatePod = (oldPod: KubeObject, pod: KubeObject) => {
    if (pod.metadata.resourceVersion === oldPod.metadata.resourceVersion) return;
    if (pod.metadata.deletionTimestamp) {
      // React to the deletion timestamp rather than wait for the kubelet to finish the pod off.
      deletePod(pod, false);
      return;
    }
    const finalizerRemoved = !hasJobTrackingFinalizer(pod);
    const ref = controllerOf(pod);
    const oldRef = controllerOf(oldPod);
    const refChanged = !deepEqual(ref, oldRef);
    const wake = (job: KubeObject | undefined) => {
      if (!job) return;
      if (finalizerRemoved) state!.finalizerExpectations.removalObserved(keyOf(job), pod.metadata.uid ?? '');
      enqueueBatched(job);
    };
    if (refChanged && oldRef) wake(resolveJob(oldPod.metadata.namespace, oldRef));
    if (ref) {
      wake(resolveJob(pod.metadata.namespace, ref));
      return;
    }
    if (hasJobTrackingFinalizer(pod)) enqueueOrphanPod(pod);
    if (refChanged || !deepEqual(pod.metadata.labels, oldPod.metadata.labels)) for (const job of jobsSelecting(pod)) enqueueBatched(job);
  };

  const updateJob = (oldJob: KubeObject, job: KubeObject) => {
    // A spec change (new generation) is acted on at once; status updates and the like are batched.
    if (job.metadata.generation === oldJob.metadata.generation) enqueueBatched(job);
    else enqueueNow(job);
    // Normally the Job is only finished once its pods' finalizers are gone: this is a safety net.
    if (isJobFinished(job)) cleanupPodFinalizers(job);
    const start = jobStatus(job).startTime;
    const deadline = jobSpec(job).activeDeadlineSeconds;
    if (!start || deadline === undefined || deadline === null) return;
    if (jobSpec(oldJob).activeDeadlineSeconds !== deadline) {
      state!.ctx.queue.addAfter(keyOf(job), deadline * 1000 - (state!.ctx.clock.now() - Date.parse(start)));
    }
  };

  /** Removes the tracking finalizer of a pod no unfinished Job (that this controller manages) claims any more. */
  const syncOrphanPod = async (key: string) => {
    const pod = state!.pods.get(key);
    if (!pod) return;
    const ref = controllerOf(pod);
    if (ref) {
      // A pod controlled by something other than a batch/v1 Job is none of our business.
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return;
      const job = resolveJob(pod.metadata.namespace, ref);
      if (job && managedByExternalController(job)) return;
      // Adopted again by a running Job: its sync decides.
      if (job && !isJobFinished(job)) return;
    }
    await removeTrackingFinalizer(state!.ctx, pod).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  };

  return {
    name: 'job',
    component: 'job-controller',
    start(ctx: ControllerContext) {
      const jobs = ctx.informers.informerFor('batch/v1', 'jobs');
      const pods = ctx.informers.informerFor('v1', 'pods');
      state = {
        ctx,
        jobs,
        pods,
        expectations: new ControllerExpectations(ctx.clock),
        finalizerExpectations: new FinalizerExpectations(),
        backoff: new BackoffStore(),
        enqueueAfter: (job, ms) => ctx.queue.addAfter(keyOf(job), Math.max(ms, batchPeriodMs)),
      };
      jobs.addEventHandler({
        onAdd: enqueueNow,
        onUpdate: updateJob,
        onDelete: (job) => {
          enqueueNow(job);
          cleanupPodFinalizers(job);
        },
      });
      pods.addEventHandler({ onAdd: addPod, onUpdate: updatePod, onDelete: (pod) => deletePod(pod, true) });
    },
    async reconcile(key: string) {
      if (key.startsWith(orphanPodPrefix)) return syncOrphanPod(key.slice(orphanPodPrefix.length));
      if (!splitKey(key).namespace) return;
      await syncJob(state!, key);
    },
  };
}
