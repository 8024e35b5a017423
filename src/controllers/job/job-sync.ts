// One sync of a Job (upstream syncJob): counts its pods, decides whether it has succeeded or failed, and writes status.
import { rfc3339 } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import { totalIndexes } from './job-index-intervals.js';
import { calculateFailedIndexes, calculateSucceededIndexes, completionIndex, podsWithDelayedDeletionPerIndex } from './job-indexes.js';
import { deleteActivePods, manageJob } from './job-manage.js';
import { claimJobPods } from './job-pod-control.js';
import { matchPodFailurePolicy } from './job-pod-failure-policy.js';
import type { JobControllerState } from './job-state.js';
import { matchSuccessPolicy } from './job-success-policy.js';
import type { SyncJobContext } from './job-sync-context.js';
import { successCriteriaMetCondition, trackJobStatusAndRemoveFinalizers } from './job-tracking.js';
import {
  completionsOf,
  ensureJobConditionStatus,
  findCondition,
  hasBackoffLimitPerIndex,
  hasJobTrackingFinalizer,
  isIndexedJob,
  isJobFinished,
  isPodFailed,
  isTerminatingPod,
  jobSpec,
  jobStatus,
  jobSuspended,
  managedByExternalController,
  newCondition,
  podStatus,
} from './job-util.js';
import { isPodActive, isPodReady, podPhase } from '../shared/pod-util.js';
import { inNamespace, splitKey } from '../runtime/index.js';

/** Pods that finished since the last count: they still carry the finalizer and are not in uncountedTerminatedPods. */
function newFinishedPods(ctx: SyncJobContext): { succeeded: KubeObject[]; failed: KubeObject[] } {
  const completions = completionsOf(ctx.job);
  const valid = (p: KubeObject, uncounted: Set<string>) => {
    const uid = p.metadata.uid ?? '';
    if (!hasJobTrackingFinalizer(p) || uncounted.has(uid) || ctx.expectedRmFinalizers.has(uid)) return false;
    if (!isIndexedJob(ctx.job)) return true;
    const ix = completionIndex(p);
    return ix >= 0 && ix < completions;
  };
  return {
    succeeded: ctx.pods.filter((p) => valid(p, ctx.uncounted.succeeded) && podPhase(p) === 'Succeeded'),
    failed: ctx.pods.filter((p) => valid(p, ctx.uncounted.failed) && isPodFailed(p, ctx.job)),
  };
}

/** Failures a podFailurePolicy Ignore rule does not exclude. */
function countedFailures(job: KubeObject, failed: KubeObject[]): number {
  const policy = jobSpec(job).podFailurePolicy;
  if (!policy) return failed.length;
  return failed.filter((p) => matchPodFailurePolicy(policy, p).countFailed).length;
}

/** The first FailJob rule a failed pod matches names why the whole Job fails. */
function failJobMessage(job: KubeObject, pods: KubeObject[]): string | undefined {
  const policy = jobSpec(job).podFailurePolicy;
  if (!policy) return undefined;
  for (const p of pods) {
    if (!isPodFailed(p, job)) continue;
    const message = matchPodFailurePolicy(policy, p).failJobMessage;
    if (message !== undefined) return message;
  }
  return undefined;
}

/** With restartPolicy OnFailure failures are container restarts: their sum over running pods meets the limit. */
function pastBackoffLimitOnFailure(job: KubeObject, pods: KubeObject[]): boolean {
  const spec = jobSpec(job);
  if (spec.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    const phase = podPhase(p);
    if (phase !== 'Running' && phase !== 'Pending') continue;
    const status = podStatus(p);
    for (const c of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) restarts += c.restartCount ?? 0;
  }
  const limit = spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

function startTimeOf(job: KubeObject): number | undefined {
  const start = jobStatus(job).startTime;
  return start ? Date.parse(start) : undefined;
}

/** Whether the Job has been active (not suspended) longer than activeDeadlineSeconds. */
function pastActiveDeadline(job: KubeObject, now: number): boolean {
  const deadline = jobSpec(job).activeDeadlineSeconds;
  const start = startTimeOf(job);
  if (deadline === undefined || deadline === null || start === undefined || jobSuspended(job)) return false;
  return now - start >= deadline * 1000;
}

/** Brings the Job with this key one step closer to its spec; throws to be retried with backoff. */
export async function syncJob(state: JobControllerState, key: string): Promise<void> {
  const { namespace, name } = splitKey(key);
  if (!namespace || !name) throw new Error(`invalid job key "${key}": either namespace or name is missing`);
  const shared = state.jobs.get(key);
  if (!shared) {
    state.expectations.delete(key);
    state.finalizerExpectations.forget(key);
    state.backoff.remove(key);
    return;
  }
  // Checked here and not only when enqueueing: the Job may have been replaced by one another controller manages.
  if (managedByExternalController(shared)) return;
  const job = structuredClone(shared);
  if (isJobFinished(job)) {
    state.backoff.remove(key);
    return;
  }
  const mode = jobSpec(job).completionMode;
  if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') {
    state.ctx.recorder.event(job, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
    return;
  }
  const now = state.ctx.clock.now();
  const spec = jobSpec(job);
  const status = jobStatus(job);
  status.uncountedTerminatedPods ??= {};
  // Checked before reading pods, so a pod created after the check defers the sync instead of being double-counted.
  const satisfiedExpectations = state.expectations.satisfied(key);
  const pods = await claimJobPods(
    state.ctx,
    job,
    inNamespace(state.pods, namespace),
  );
  const activePods = pods.filter(isPodActive);
  const ctx: SyncJobContext = {
    job,
    pods,
    activePods,
    succeeded: 0,
    failed: 0,
    prevSucceededIndexes: [],
    succeededIndexes: [],
    newBackoffRecord: { key, failuresAfterLastSuccess: 0 },
    expectedRmFinalizers: state.finalizerExpectations.expectedUids(key),
    uncounted: { succeeded: new Set(status.uncountedTerminatedPods.succeeded ?? []), failed: new Set(status.uncountedTerminatedPods.failed ?? []) },
    podsWithDelayedDeletionPerIndex: new Map(),
    terminating: pods.filter(isTerminatingPod).length,
    ready: activePods.filter(isPodReady).length,
  };
  let active = activePods.length;
  const fresh = newFinishedPods(ctx);
  ctx.succeeded = (status.succeeded ?? 0) + fresh.succeeded.length + ctx.uncounted.succeeded.size;
  ctx.failed = (status.failed ?? 0) + countedFailures(job, fresh.failed) + ctx.uncounted.failed.size;
  if (!status.startTime && !jobSuspended(job)) status.startTime = rfc3339(now);
  ctx.newBackoffRecord = state.backoff.next(key, fresh.succeeded, fresh.failed);
  decideFailure(state, ctx, key, now);
  if (isIndexedJob(job)) decideIndexedOutcome(ctx, now);

  let suspendConditionChanged = false;
  let manageError: unknown;
  if (ctx.finishedCondition) {
    const removed = await deleteActivePods(state, job, ctx.activePods);
    // Not finished yet while pods may remain or the cache may still miss some.
    if (removed.deleted !== active || !satisfiedExpectations) ctx.finishedCondition = undefined;
    active -= removed.deleted;
    ctx.terminating += removed.deleted;
    ctx.ready -= removed.deletedReady;
    manageError = removed.error;
  } else {
    let manageJobCalled = false;
    if (satisfiedExpectations && !job.metadata.deletionTimestamp) {
      const managed = await manageJob(state, job, ctx);
      active = managed.active;
      manageError = managed.error;
      manageJobCalled = true;
    }
    const completions = spec.completions;
    // Without completions, the first success completes the Job once nothing else runs.
    const complete = completions === undefined || completions === null ? ctx.succeeded > 0 && active === 0 : ctx.succeeded >= completions && active === 0;
    if (complete) {
      ctx.finishedCondition = newCondition('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
    } else if (manageJobCalled) {
      suspendConditionChanged = updateSuspendedCondition(state, job, now);
    }
  }
  const needsStatusUpdate =
    suspendConditionChanged || active !== (status.active ?? 0) || ctx.ready !== status.ready || ctx.terminating !== status.terminating;
  status.active = active;
  status.ready = ctx.ready;
  status.terminating = ctx.terminating;
  try {
    await trackJobStatusAndRemoveFinalizers(state, ctx, needsStatusUpdate);
  } catch (err) {
    throw new Error(`tracking status: ${(err as Error).message ?? err}`, { cause: err });
  }
  if (manageError !== undefined) throw manageError;
}

/** Sets the FailureTarget (or, when already decided, Failed) condition this sync works towards, if any. */
function decideFailure(state: JobControllerState, ctx: SyncJobContext, key: string, now: number): void {
  const job = ctx.job;
  const spec = jobSpec(job);
  // A Job that met its success criteria already is not re-judged by the podFailurePolicy.
  ctx.finishedCondition = successCriteriaMetCondition(job);
  if (!ctx.finishedCondition) {
    const target = findCondition(jobStatus(job).conditions, 'FailureTarget');
    if (target?.status === 'True') {
      ctx.finishedCondition = newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', now);
    } else {
      const message = failJobMessage(job, ctx.pods);
      if (message !== undefined) ctx.finishedCondition = newCondition('FailureTarget', 'True', 'PodFailurePolicy', message, now);
    }
  }
  if (ctx.finishedCondition) return;
  if (ctx.failed > (spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, ctx.pods)) {
    ctx.finishedCondition = newCondition('FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now);
  } else if (pastActiveDeadline(job, now)) {
    ctx.finishedCondition = newCondition('FailureTarget', 'True', 'DeadlineExceeded', 'Job was active longer than specified deadline', now);
  } else if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null && !jobSuspended(job)) {
    // Come back exactly at the deadline: that is what turns the clock's advance into DeadlineExceeded.
    state.ctx.queue.addAfter(key, spec.activeDeadlineSeconds * 1000 - (now - (startTimeOf(job) ?? now)));
  }
}

/** Indexed Jobs: succeeded and failed indexes, maxFailedIndexes, and the successPolicy. */
function decideIndexedOutcome(ctx: SyncJobContext, now: number): void {
  const job = ctx.job;
  const spec = jobSpec(job);
  const completions = completionsOf(job);
  const { previous, current } = calculateSucceededIndexes(job, ctx.pods);
  ctx.prevSucceededIndexes = previous;
  ctx.succeededIndexes = current;
  ctx.succeeded = totalIndexes(current);
  if (hasBackoffLimitPerIndex(job)) {
    ctx.failedIndexes = calculateFailedIndexes(job, ctx.pods);
    const failedCount = totalIndexes(ctx.failedIndexes);
    if (!ctx.finishedCondition) {
      if (spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes !== null && failedCount > spec.maxFailedIndexes) {
        ctx.finishedCondition = newCondition(
          'FailureTarget',
          'True',
          'MaxFailedIndexesExceeded',
          'Job has exceeded the specified maximal number of failed indexes',
          now,
        );
      } else if (failedCount > 0 && failedCount + totalIndexes(ctx.succeededIndexes) >= completions) {
        ctx.finishedCondition = newCondition('FailureTarget', 'True', 'FailedIndexes', 'Job has failed indexes', now);
      }
    }
    ctx.podsWithDelayedDeletionPerIndex = podsWithDelayedDeletionPerIndex(ctx);
  }
  if (!ctx.finishedCondition) {
    const message = matchSuccessPolicy(spec.successPolicy, completions, ctx.succeededIndexes);
    if (message !== undefined) ctx.finishedCondition = newCondition('SuccessCriteriaMet', 'True', 'SuccessPolicy', message, now);
  }
}

/** The Suspended condition follows spec.suspend; resuming restarts the activeDeadlineSeconds clock. */
function updateSuspendedCondition(state: JobControllerState, job: KubeObject, now: number): boolean {
  const status = jobStatus(job);
  if (jobSuspended(job)) {
    if (!ensureJobConditionStatus(status, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now)) return false;
    state.ctx.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
    return true;
  }
  if (!ensureJobConditionStatus(status, 'Suspended', 'False', 'JobResumed', 'Job resumed', now)) return false;
  state.ctx.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
  status.startTime = rfc3339(now);
  return true;
}
