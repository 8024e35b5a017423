// Counting finished pods through status.uncountedTerminatedPods and the tracking finalizer, and finishing the Job.
import type { KubeObject } from '../../meta/types.js';
import { formatIntervals, hasIndex, totalIndexes, withOrderedIndexes } from './job-index-intervals.js';
import { completionIndex } from './job-indexes.js';
import { isNotFound, removeTrackingFinalizer } from './job-pod-control.js';
import { matchPodFailurePolicy } from './job-pod-failure-policy.js';
import { type JobControllerState, maxUncountedPods, updateJobStatus } from './job-state.js';
import type { SyncJobContext } from './job-sync-context.js';
import {
  completionsOf,
  ensureJobConditionStatus,
  findCondition,
  hasBackoffLimitPerIndex,
  hasJobTrackingFinalizer,
  isIndexedJob,
  isPodFailed,
  type JobCondition,
  type JobStatus,
  jobSpec,
  jobStatus,
  newCondition,
} from './job-util.js';
import { podPhase } from '../shared/pod-util.js';
import { keyOf } from '../runtime/index.js';

export function isSuccessCriteriaMet(condition: JobCondition | undefined): boolean {
  return condition?.type === 'SuccessCriteriaMet' && condition.status === 'True';
}

export function successCriteriaMetCondition(job: KubeObject): JobCondition | undefined {
  const c = findCondition(jobStatus(job).conditions, 'SuccessCriteriaMet');
  return c?.status === 'True' ? c : undefined;
}

/** Moves uncounted pods whose finalizer is gone into the counters; reports whether anything moved. */
function countPodsWithoutFinalizers(status: JobStatus, uidsWithFinalizer: Set<string>): boolean {
  const uncounted = (status.uncountedTerminatedPods ??= {});
  let updated = false;
  for (const field of ['succeeded', 'failed'] as const) {
    const before = uncounted[field] ?? [];
    const still = before.filter((uid) => uidsWithFinalizer.has(uid));
    if (still.length === before.length) continue;
    updated = true;
    status[field] = (status[field] ?? 0) + before.length - still.length;
    uncounted[field] = still;
  }
  return updated;
}

/**
 * A finalizer may go once the Job is being deleted or is finishing, once the pod succeeded, or once it failed —
 * unless, under backoffLimitPerIndex, it is the failed pod its index's replacement must inherit a count from.
 */
function canRemoveFinalizer(ctx: SyncJobContext, pod: KubeObject, considerFailed: boolean): boolean {
  if (ctx.job.metadata.deletionTimestamp || ctx.finishedCondition || podPhase(pod) === 'Succeeded') return true;
  if (!considerFailed) return false;
  if (hasBackoffLimitPerIndex(ctx.job)) {
    const delayed = ctx.podsWithDelayedDeletionPerIndex.get(completionIndex(pod));
    if (delayed && delayed.metadata.uid === pod.metadata.uid) return false;
  }
  return true;
}

/**
 * Upstream trackJobStatusAndRemoveFinalizers: records newly finished pods in uncountedTerminatedPods (or, for Indexed
 * Jobs, completedIndexes), writes that down before removing their finalizers, then folds them into the counters and,
 * when nothing is left uncounted or terminating, adds the Complete or Failed condition.
 */
export async function trackJobStatusAndRemoveFinalizers(state: JobControllerState, ctx: SyncJobContext, needsFlush: boolean): Promise<void> {
  const now = state.ctx.clock.now();
  const job = ctx.job;
  const status = jobStatus(job);
  const indexed = isIndexedJob(job);
  const completions = completionsOf(job);
  const pods = indexed ? [...ctx.pods].sort((a, b) => completionIndex(a) - completionIndex(b)) : ctx.pods;
  const uid = (p: KubeObject) => p.metadata.uid ?? '';
  const uidsWithFinalizer = new Set(pods.filter((p) => hasJobTrackingFinalizer(p) && !ctx.expectedRmFinalizers.has(uid(p))).map(uid));
  if (countPodsWithoutFinalizers(status, uidsWithFinalizer)) needsFlush = true;
  const uncounted = status.uncountedTerminatedPods!;
  uncounted.succeeded ??= [];
  uncounted.failed ??= [];
  const policy = jobSpec(job).podFailurePolicy;
  const podsToRemoveFinalizer: KubeObject[] = [];
  const newSucceededIndexes: number[] = [];
  let reachedMaxUncountedPods = false;
  for (const pod of pods) {
    if (!hasJobTrackingFinalizer(pod) || ctx.expectedRmFinalizers.has(uid(pod))) continue;
    const considerFailed = isPodFailed(pod, job);
    if (!canRemoveFinalizer(ctx, pod, considerFailed)) continue;
    podsToRemoveFinalizer.push(pod);
    const ix = completionIndex(pod);
    if (podPhase(pod) === 'Succeeded' && !ctx.uncounted.failed.has(uid(pod))) {
      if (indexed) {
        if (ix >= 0 && ix < completions && !hasIndex(ctx.prevSucceededIndexes, ix)) {
          newSucceededIndexes.push(ix);
          needsFlush = true;
        }
      } else if (!ctx.uncounted.succeeded.has(uid(pod))) {
        needsFlush = true;
        uncounted.succeeded.push(uid(pod));
      }
    } else if (considerFailed || (ctx.finishedCondition && !isSuccessCriteriaMet(ctx.finishedCondition))) {
      // When the Job is finishing as failed, every pod not yet terminated counts as failed.
      const validIndex = !indexed || (ix >= 0 && ix < completions);
      if (!ctx.uncounted.failed.has(uid(pod)) && validIndex && (!policy || matchPodFailurePolicy(policy, pod).countFailed)) {
        needsFlush = true;
        uncounted.failed.push(uid(pod));
      }
    }
    if (newSucceededIndexes.length + uncounted.succeeded.length + uncounted.failed.length >= maxUncountedPods) {
      // Keeps the status small and one big Job from starving the others; the status write brings it back.
      reachedMaxUncountedPods = true;
      break;
    }
  }
  if (indexed) {
    ctx.succeededIndexes = withOrderedIndexes(ctx.succeededIndexes, [...newSucceededIndexes].sort((a, b) => a - b));
    const completed = formatIntervals(ctx.succeededIndexes);
    if (completed !== (status.completedIndexes ?? '')) needsFlush = true;
    status.succeeded = totalIndexes(ctx.succeededIndexes);
    status.completedIndexes = completed;
    const failedIndexes = ctx.failedIndexes ? formatIntervals(ctx.failedIndexes) : undefined;
    if (status.failedIndexes !== failedIndexes) {
      status.failedIndexes = failedIndexes;
      needsFlush = true;
    }
  }
  const finishing = ctx.finishedCondition;
  if (finishing?.type === 'FailureTarget') {
    // The interim condition records why before the finalizers go; Failed itself waits for the pods.
    status.conditions = [...(status.conditions ?? []), finishing];
    needsFlush = true;
    ctx.finishedCondition = newCondition('Failed', 'True', finishing.reason ?? '', finishing.message ?? '', now);
  }
  if (isSuccessCriteriaMet(finishing)) {
    if (!successCriteriaMetCondition(job)) {
      status.conditions = [...(status.conditions ?? []), finishing!];
      needsFlush = true;
    }
    ctx.finishedCondition = newCondition('Complete', 'True', finishing!.reason ?? '', finishing!.message ?? '', now);
  }
  needsFlush = await flushUncountedAndRemoveFinalizers(state, ctx, podsToRemoveFinalizer, uidsWithFinalizer, needsFlush);
  const finished = !reachedMaxUncountedPods && enactJobFinished(ctx, now);
  if (finished) needsFlush = true;
  if (!needsFlush) return;
  ctx.job = await updateJobStatus(state, ctx.job);
  if (finished) recordJobFinished(state, ctx.job, ctx.finishedCondition!);
}

/**
 * Writes the status holding the new uncounted pods (and interim conditions) first, so a crash cannot lose a count,
 * then removes the finalizers and moves the pods whose finalizer went into the counters. Returns whether the status
 * still has changes to write.
 */
async function flushUncountedAndRemoveFinalizers(
  state: JobControllerState,
  ctx: SyncJobContext,
  podsToRemoveFinalizer: KubeObject[],
  uidsWithFinalizer: Set<string>,
  needsFlush: boolean,
): Promise<boolean> {
  if (needsFlush) {
    ctx.job = await updateJobStatus(state, ctx.job);
    state.backoff.update(ctx.newBackoffRecord);
    needsFlush = false;
  }
  let removalError: unknown;
  if (podsToRemoveFinalizer.length > 0) {
    const key = keyOf(ctx.job);
    const outcome = await removeTrackingFinalizerFromPods(state, key, podsToRemoveFinalizer);
    podsToRemoveFinalizer.forEach((p, i) => outcome.removed[i] && uidsWithFinalizer.delete(p.metadata.uid ?? ''));
    removalError = outcome.error;
  }
  if (countPodsWithoutFinalizers(jobStatus(ctx.job), uidsWithFinalizer)) needsFlush = true;
  if (removalError !== undefined && needsFlush) await updateJobStatus(state, ctx.job);
  if (removalError !== undefined) throw removalError;
  return needsFlush;
}

async function removeTrackingFinalizerFromPods(
  state: JobControllerState,
  key: string,
  pods: KubeObject[],
): Promise<{ removed: boolean[]; error: unknown }> {
  state.finalizerExpectations.expectRemoved(
    key,
    pods.map((p) => p.metadata.uid ?? ''),
  );
  let error: unknown;
  const removed = await Promise.all(
    pods.map(async (pod) => {
      try {
        await removeTrackingFinalizer(state.ctx, pod);
        return true;
      } catch (err) {
        // No update will show the finalizer gone, so stop waiting for one.
        state.finalizerExpectations.removalObserved(key, pod.metadata.uid ?? '');
        if (isNotFound(err)) return true;
        error ??= err;
        state.ctx.logError(new Error(`removing tracking finalizer: ${(err as Error).message ?? err}`));
        return false;
      }
    }),
  );
  return { removed, error };
}

/** Adds the terminal condition once no pod is left uncounted or terminating; returns whether it did. */
function enactJobFinished(ctx: SyncJobContext, now: number): boolean {
  const finishing = ctx.finishedCondition;
  if (!finishing) return false;
  const status = jobStatus(ctx.job);
  const uncounted = status.uncountedTerminatedPods ?? {};
  if ((uncounted.succeeded?.length ?? 0) + (uncounted.failed?.length ?? 0) > 0) return false;
  if (ctx.terminating > 0) return false;
  ensureJobConditionStatus(status, finishing.type, finishing.status, finishing.reason ?? '', finishing.message ?? '', now);
  if (finishing.type === 'Complete') status.completionTime = finishing.lastTransitionTime;
  return true;
}

function recordJobFinished(state: JobControllerState, job: KubeObject, finished: JobCondition): void {
  if (finished.type === 'Complete') {
    const completions = jobSpec(job).completions;
    if (completions !== undefined && completions !== null && (jobStatus(job).succeeded ?? 0) > completions) {
      state.ctx.recorder.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
    }
    state.ctx.recorder.event(job, 'Normal', 'Completed', 'Job completed');
    return;
  }
  state.ctx.recorder.event(job, 'Warning', finished.reason ?? '', finished.message ?? '');
}
