// Creating and deleting a Job's pods to match parallelism, completions, suspension and backoff (upstream manageJob).
import type { KubeObject } from '../../meta/types.js';
import { remainingBackoffForIndexMs, remainingBackoffMs } from './job-backoff.js';
import { duplicatedIndexPodsForRemoval, firstPendingIndexes, newIndexFailureCounts } from './job-indexes.js';
import { createJobPod, deleteJobPod, isNotFound, jobControllerRef, removeTrackingFinalizer } from './job-pod-control.js';
import { compareActivePods } from './job-pod-ranking.js';
import { type JobControllerState, maxPodCreateDeletePerSync } from './job-state.js';
import type { SyncJobContext } from './job-sync-context.js';
import {
  completionsOf,
  hasBackoffLimitPerIndex,
  isIndexedJob,
  jobCompletionIndexKey,
  jobIndexFailureCountAnnotation,
  jobIndexIgnoredFailureCountAnnotation,
  type JobSpec,
  jobSpec,
  jobSuspended,
  jobTrackingFinalizer,
  onlyReplaceFailedPods,
} from './job-util.js';
import { isPodReady, podFromTemplate } from '../shared/pod-util.js';
import { keyOf } from '../runtime/index.js';

type PodTemplate = NonNullable<JobSpec['template']>;

/** Upstream names.MaxGeneratedNameLength: the room generateName leaves for the random suffix. */
const maxGeneratedNameLength = 58;
/** Upstream SlowStartInitialBatchSize: creations go out 1, 2, 4, … at a time and stop at the first failing batch. */
const slowStartInitialBatchSize = 1;

interface Removal {
  deleted: number;
  deletedReady: number;
  error?: unknown;
}

/** Pods to delete: for Indexed Jobs first those with a missing, out-of-range or repeated index, then the least advanced. */
function activePodsForRemoval(job: KubeObject, pods: KubeObject[], rmAtLeast: number): KubeObject[] {
  let rm: KubeObject[] = [];
  let left = pods;
  if (isIndexedJob(job)) ({ rm, left } = duplicatedIndexPodsForRemoval(pods, completionsOf(job)));
  if (rm.length < rmAtLeast) rm = [...rm, ...[...left].sort(compareActivePods).slice(0, rmAtLeast - rm.length)];
  return rm;
}

/** Deletes active pods of a finishing Job; their finalizers stay until the tracking step counts them. */
export async function deleteActivePods(state: JobControllerState, job: KubeObject, pods: KubeObject[]): Promise<Removal> {
  const result: Removal = { deleted: pods.length, deletedReady: 0 };
  await Promise.all(
    pods.map(async (pod) => {
      try {
        await deleteJobPod(state.ctx, job, pod);
      } catch (err) {
        if (!isNotFound(err)) {
          result.deleted--;
          result.error ??= err;
          state.ctx.logError(err);
        }
      }
      if (isPodReady(pod)) result.deletedReady++;
    }),
  );
  return result;
}

/** Removes pods the Job no longer wants: the finalizer goes first, so they are never counted as failures. */
async function deleteJobPods(state: JobControllerState, job: KubeObject, key: string, pods: KubeObject[]): Promise<Removal> {
  const result: Removal = { deleted: pods.length, deletedReady: 0 };
  const failDelete = (err: unknown) => {
    // The informer will not show this deletion, so stop expecting it.
    state.expectations.deletionObserved(key);
    if (isNotFound(err)) return;
    result.deleted--;
    result.error ??= err;
    state.ctx.logError(err);
  };
  await Promise.all(
    pods.map(async (pod) => {
      try {
        await removeTrackingFinalizer(state.ctx, pod);
      } catch (err) {
        failDelete(new Error(`removing completion finalizer: ${(err as Error).message ?? err}`, { cause: err }));
        return;
      }
      await deleteJobPod(state.ctx, job, pod).catch(failDelete);
      if (isPodReady(pod)) result.deletedReady++;
    }),
  );
  return result;
}

/** Upstream podGenerateNameWithIndex: `<job>-<index>-`, shortening the job part so the suffix still fits. */
function generateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length > maxGeneratedNameLength ? jobName.slice(0, maxGeneratedNameLength - suffix.length) + suffix : prefix;
}

/** Every container learns its index from the pod's index label through JOB_COMPLETION_INDEX. */
function addCompletionIndexEnv(template: PodTemplate): void {
  const spec = (template.spec ??= {}) as { containers?: { env?: { name: string }[] }[]; initContainers?: { env?: { name: string }[] }[] };
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if ((container.env ?? []).some((e) => e.name === 'JOB_COMPLETION_INDEX')) continue;
    container.env = [
      ...(container.env ?? []),
      { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.labels['${jobCompletionIndexKey}']` } } } as { name: string },
    ];
  }
}

/** The pod for one creation: from the template, with the index annotation, label, hostname and failure counts. */
function buildPod(job: KubeObject, template: PodTemplate, ctx: SyncJobContext, index: number): KubeObject {
  const name = job.metadata.name!;
  const podTemplate = index < 0 ? template : structuredClone(template);
  let generateName = `${name}-`;
  if (index >= 0) {
    const meta = (podTemplate.metadata ??= {});
    meta.annotations = { ...(meta.annotations ?? {}), [jobCompletionIndexKey]: String(index) };
    meta.labels = { ...(meta.labels ?? {}), [jobCompletionIndexKey]: String(index) };
    (podTemplate.spec ??= {}).hostname = `${name}-${index}`;
    generateName = generateNameWithIndex(name, index);
    if (hasBackoffLimitPerIndex(job)) {
      const counts = newIndexFailureCounts(job, ctx.podsWithDelayedDeletionPerIndex.get(index));
      meta.annotations[jobIndexFailureCountAnnotation] = String(counts.failed);
      if (counts.ignored > 0) meta.annotations[jobIndexIgnoredFailureCountAnnotation] = String(counts.ignored);
    }
  }
  const pod = podFromTemplate(podTemplate, job, name);
  pod.metadata.generateName = generateName;
  pod.metadata.ownerReferences = [jobControllerRef(job)];
  return pod;
}

/** Of the indexes to start, those whose per-index backoff has passed; else the least time any still has to wait. */
function indexesReadyToStart(now: number, indexes: number[], delayed: Map<number, KubeObject>): { ready: number[]; remainingMs: number } {
  const ready: number[] = [];
  let minRemaining: number | undefined;
  for (const ix of indexes) {
    const remaining = remainingBackoffForIndexMs(now, delayed.get(ix));
    if (remaining === 0) ready.push(ix);
    else if (minRemaining === undefined || remaining < minRemaining) minRemaining = remaining;
  }
  return ready.length > 0 ? { ready, remainingMs: 0 } : { ready, remainingMs: minRemaining ?? 0 };
}

/** Creates or deletes pods towards the number the Job wants running now; returns the resulting active count. */
export async function manageJob(state: JobControllerState, job: KubeObject, ctx: SyncJobContext): Promise<{ active: number; error?: unknown }> {
  const key = keyOf(job);
  const spec = jobSpec(job);
  let active = ctx.activePods.length;
  const parallelism = spec.parallelism ?? 1;
  if (jobSuspended(job)) {
    const podsToDelete = activePodsForRemoval(job, ctx.activePods, active);
    state.expectations.expectDeletions(key, podsToDelete.length);
    const removed = await deleteJobPods(state, job, key, podsToDelete);
    ctx.terminating += removed.deleted;
    ctx.ready -= removed.deletedReady;
    return { active: active - removed.deleted, error: removed.error };
  }
  let wantActive: number;
  if (spec.completions === undefined || spec.completions === null) {
    // Once any pod succeeded, whatever still runs may finish, but nothing new starts.
    wantActive = ctx.succeeded > 0 ? active : parallelism;
  } else {
    wantActive = Math.max(0, Math.min(spec.completions - ctx.succeeded, parallelism));
  }
  const podsToDelete = activePodsForRemoval(job, ctx.activePods, Math.max(0, active - wantActive)).slice(0, maxPodCreateDeletePerSync);
  if (podsToDelete.length > 0) {
    // A sync either deletes or creates; deletion (e.g. of repeated indexes) goes first.
    state.expectations.expectDeletions(key, podsToDelete.length);
    const removed = await deleteJobPods(state, job, key, podsToDelete);
    ctx.terminating += removed.deleted;
    ctx.ready -= removed.deletedReady;
    return { active: active - removed.deleted, error: removed.error };
  }
  const terminating = onlyReplaceFailedPods(job) ? ctx.terminating : 0;
  let diff = wantActive - terminating - active;
  if (diff <= 0) return { active };
  const now = state.ctx.clock.now();
  if (!hasBackoffLimitPerIndex(job)) {
    const record = ctx.newBackoffRecord;
    const remaining = remainingBackoffMs(now, record.failuresAfterLastSuccess, record.lastFailureTime);
    if (remaining > 0) {
      state.enqueueAfter(job, remaining);
      return { active };
    }
  }
  diff = Math.min(diff, maxPodCreateDeletePerSync);
  let indexesToAdd: number[] = [];
  if (isIndexedJob(job)) {
    indexesToAdd = firstPendingIndexes(ctx, diff, completionsOf(job));
    if (hasBackoffLimitPerIndex(job)) {
      const start = indexesReadyToStart(now, indexesToAdd, ctx.podsWithDelayedDeletionPerIndex);
      indexesToAdd = start.ready;
      if (start.remainingMs > 0) {
        state.enqueueAfter(job, start.remainingMs);
        return { active };
      }
    }
    diff = indexesToAdd.length;
  }
  state.expectations.expectCreations(key, diff);
  active += diff;
  const template = structuredClone(spec.template ?? {});
  if (isIndexedJob(job)) addCompletionIndexEnv(template);
  const meta = (template.metadata ??= {});
  if (!(meta.finalizers ?? []).includes(jobTrackingFinalizer)) meta.finalizers = [...(meta.finalizers ?? []), jobTrackingFinalizer];
  const errors: unknown[] = [];
  for (let batch = Math.min(diff, slowStartInitialBatchSize); diff > 0; batch = Math.min(2 * batch, diff)) {
    const errorsBefore = errors.length;
    const creations: Promise<void>[] = [];
    for (let i = 0; i < batch; i++) {
      const index = indexesToAdd.length > 0 ? indexesToAdd.shift()! : -1;
      const pod = buildPod(job, template, ctx, index);
      creations.push(
        createJobPod(state.ctx, job, pod).then(
          () => undefined,
          (err) => {
            if ((err as { details?: { causes?: { reason?: string }[] } }).details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return;
            state.expectations.creationObserved(key);
            active--;
            errors.push(err);
            state.ctx.logError(err);
          },
        ),
      );
    }
    await Promise.all(creations);
    const skipped = diff - batch;
    if (errors.length > errorsBefore && skipped > 0) {
      // The rest would likely fail the same way; the next sync retries the slow start.
      active -= skipped;
      for (let i = 0; i < skipped; i++) state.expectations.creationObserved(key);
      break;
    }
    diff -= batch;
  }
  return { active, error: errors[0] };
}
