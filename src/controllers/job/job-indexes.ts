// Indexed Jobs: completion indexes of pods, succeeded/failed/pending indexes and per-index backoff (indexed_job_utils.go).
import type { KubeObject } from '../../meta/types.js';
import { indexAbsoluteFailureCount, indexFailureCount, indexIgnoredFailureCount, podFinishedTime } from './job-backoff.js';
import { type OrderedIntervals, hasIndex, mergeIntervals, parseIntervals, withOrderedIndexes } from './job-index-intervals.js';
import { matchPodFailurePolicy } from './job-pod-failure-policy.js';
import { compareActivePods } from './job-pod-ranking.js';
import type { SyncJobContext } from './job-sync-context.js';
import {
  completionsOf,
  hasJobTrackingFinalizer,
  isPodFailed,
  isTerminatingPod,
  jobCompletionIndexKey,
  jobSpec,
  jobStatus,
  onlyReplaceFailedPods,
} from './job-util.js';
import { podPhase } from '../shared/pod-util.js';

/** The pod's completion index from its annotation, or -1 when missing or not a non-negative integer. */
export function completionIndex(pod: KubeObject): number {
  const value = pod.metadata.annotations?.[jobCompletionIndexKey];
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return -1;
  const n = Number(value);
  return n < 0 ? -1 : n;
}

function sortedSet(values: Iterable<number>): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/** The indexes in status.completedIndexes, and those plus the indexes of succeeded pods not yet counted. */
export function calculateSucceededIndexes(job: KubeObject, pods: KubeObject[]): { previous: OrderedIntervals; current: OrderedIntervals } {
  const completions = completionsOf(job);
  const previous = parseIntervals(jobStatus(job).completedIndexes, completions);
  const fresh: number[] = [];
  for (const p of pods) {
    const ix = completionIndex(p);
    if (podPhase(p) === 'Succeeded' && ix >= 0 && ix < completions && hasJobTrackingFinalizer(p)) fresh.push(ix);
  }
  return { previous, current: withOrderedIndexes(previous, sortedSet(fresh)) };
}

/** An index fails when a FailIndex rule matches, or its counted failures reach backoffLimitPerIndex. */
function isIndexFailed(job: KubeObject, pod: KubeObject): boolean {
  if (!isPodFailed(pod, job)) return false;
  let counted = true;
  const policy = jobSpec(job).podFailurePolicy;
  if (policy) {
    const match = matchPodFailurePolicy(policy, pod);
    if (match.action === 'FailIndex') return true;
    counted = match.countFailed;
  }
  return counted && indexFailureCount(pod) >= (jobSpec(job).backoffLimitPerIndex ?? 0);
}

/** status.failedIndexes plus the indexes whose pods failed for good since the last sync. */
export function calculateFailedIndexes(job: KubeObject, pods: KubeObject[]): OrderedIntervals {
  const completions = completionsOf(job);
  const previous = parseIntervals(jobStatus(job).failedIndexes, completions);
  const fresh: number[] = [];
  for (const p of pods) {
    const ix = completionIndex(p);
    if (ix >= 0 && ix < completions && hasJobTrackingFinalizer(p) && isIndexFailed(job, p)) fresh.push(ix);
  }
  return withOrderedIndexes(previous, sortedSet(fresh));
}

function indexesOf(pods: KubeObject[]): number[] {
  return sortedSet(pods.map(completionIndex).filter((ix) => ix >= 0));
}

/** The `count` lowest indexes below `completions` that no active (or, if only failed pods are replaced, terminating) pod, success or failure covers. */
export function firstPendingIndexes(ctx: SyncJobContext, count: number, completions: number): number[] {
  if (count === 0) return [];
  let nonPending = withOrderedIndexes(ctx.succeededIndexes, indexesOf(ctx.activePods));
  if (onlyReplaceFailedPods(ctx.job)) nonPending = withOrderedIndexes(nonPending, indexesOf(ctx.pods.filter(isTerminatingPod)));
  if (ctx.failedIndexes) nonPending = mergeIntervals(nonPending, ctx.failedIndexes);
  const result: number[] = [];
  let candidate = 0;
  for (const iv of nonPending) {
    for (; candidate < completions && result.length < count && candidate < iv.first; candidate++) result.push(candidate);
    if (candidate < iv.last + 1) candidate = iv.last + 1;
  }
  for (; candidate < completions && result.length < count; candidate++) result.push(candidate);
  return result;
}

/**
 * Splits active pods of an Indexed Job: those without an index, with an index out of range, or repeating an index
 * (all but the most advanced of each) are to be removed; the rest stay.
 */
export function duplicatedIndexPodsForRemoval(pods: KubeObject[], completions: number): { rm: KubeObject[]; left: KubeObject[] } {
  const rm: KubeObject[] = [];
  const left: KubeObject[] = [];
  const byIndex = new Map<number, KubeObject[]>();
  for (const p of pods) {
    const ix = completionIndex(p);
    if (ix < 0 || ix >= completions) {
      rm.push(p);
      continue;
    }
    const group = byIndex.get(ix) ?? [];
    group.push(p);
    byIndex.set(ix, group);
  }
  for (const ix of [...byIndex.keys()].sort((a, b) => a - b)) {
    const group = byIndex.get(ix)!;
    if (group.length > 1) group.sort(compareActivePods);
    rm.push(...group.slice(0, group.length - 1));
    left.push(group[group.length - 1]);
  }
  return { rm, left };
}

/**
 * For each index with no active pod, success or failure yet, the latest failed pod: its finalizer is kept until
 * a replacement exists that carries its failure count on.
 */
export function podsWithDelayedDeletionPerIndex(ctx: SyncJobContext): Map<number, KubeObject> {
  const active = new Set(indexesOf(ctx.activePods));
  const completions = completionsOf(ctx.job);
  const result = new Map<number, KubeObject>();
  for (const p of ctx.pods) {
    const uid = p.metadata.uid ?? '';
    if (!hasJobTrackingFinalizer(p) || ctx.expectedRmFinalizers.has(uid) || !isPodFailed(p, ctx.job)) continue;
    const ix = completionIndex(p);
    if (ix < 0 || ix >= completions) continue;
    if (hasIndex(ctx.succeededIndexes, ix) || hasIndex(ctx.failedIndexes, ix) || active.has(ix)) continue;
    const previous = result.get(ix);
    if (
      !previous ||
      (indexAbsoluteFailureCount(previous) <= indexAbsoluteFailureCount(p) && !(podFinishedTime(p) < podFinishedTime(previous)))
    ) {
      result.set(ix, p);
    }
  }
  return result;
}

/** The failure counts a replacement pod inherits from the pod it replaces, this failure included. */
export function newIndexFailureCounts(job: KubeObject, replaced: KubeObject | undefined): { failed: number; ignored: number } {
  if (!replaced) return { failed: 0, ignored: 0 };
  let failed = indexFailureCount(replaced);
  let ignored = indexIgnoredFailureCount(replaced);
  const policy = jobSpec(job).podFailurePolicy;
  if (policy && !matchPodFailurePolicy(policy, replaced).countFailed) ignored++;
  else failed++;
  return { failed, ignored };
}
