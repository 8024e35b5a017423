// Pod failure backoff: how long a Job waits before replacing failed pods (upstream backoff_utils.go).
import type { KubeObject } from '../../meta/types.js';
import { jobIndexFailureCountAnnotation, jobIndexIgnoredFailureCountAnnotation, podStatus } from './job-util.js';

/** Upstream DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff: 10 s doubling per failure, at most 10 minutes. */
export const defaultPodFailureBackoffMs = 10_000;
export const maxPodFailureBackoffMs = 10 * 60_000;

export interface BackoffRecord {
  key: string;
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * When a pod finished: the last container's finishedAt when every container terminated, else when Ready turned
 * False, else the moment of deletion (deletionTimestamp less the grace period), else its creation.
 */
export function podFinishedTime(pod: KubeObject): number {
  const status = podStatus(pod);
  let fromContainers: number | undefined;
  let allTerminated = (status.containerStatuses ?? []).length > 0;
  for (const c of status.containerStatuses ?? []) {
    const at = parseTime(c.state?.terminated?.finishedAt);
    if (at === undefined) {
      allTerminated = false;
      break;
    }
    if (fromContainers === undefined || fromContainers < at) fromContainers = at;
  }
  if (allTerminated && fromContainers !== undefined) return fromContainers;
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  const readyFalseAt = ready?.status === 'False' ? parseTime(ready.lastTransitionTime) : undefined;
  if (readyFalseAt !== undefined) return readyFalseAt;
  const deletedAt = parseTime(pod.metadata.deletionTimestamp);
  if (deletedAt !== undefined) return deletedAt - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  return parseTime(pod.metadata.creationTimestamp) ?? 0;
}

/** The in-memory record of consecutive failures per Job, lost on restart as upstream's is. */
export class BackoffStore {
  private readonly records = new Map<string, BackoffRecord>();

  remove(key: string): void {
    this.records.delete(key);
  }

  update(record: BackoffRecord): void {
    this.records.set(record.key, { ...record });
  }

  /** The record after this sync's newly finished pods: a success resets the count to the failures after it. */
  next(key: string, newSucceeded: KubeObject[], newFailed: KubeObject[]): BackoffRecord {
    const old = this.records.get(key);
    const record: BackoffRecord = { key, failuresAfterLastSuccess: old?.failuresAfterLastSuccess ?? 0, lastFailureTime: old?.lastFailureTime };
    const succeededTimes = newSucceeded.map(podFinishedTime).sort((a, b) => a - b);
    const failedTimes = newFailed.map(podFinishedTime).sort((a, b) => a - b);
    if (succeededTimes.length === 0) {
      if (failedTimes.length === 0) return record;
      record.failuresAfterLastSuccess += failedTimes.length;
      record.lastFailureTime = failedTimes[failedTimes.length - 1];
      return record;
    }
    record.failuresAfterLastSuccess = 0;
    record.lastFailureTime = undefined;
    const lastSuccess = succeededTimes[succeededTimes.length - 1];
    for (let i = failedTimes.length - 1; i >= 0 && failedTimes[i] > lastSuccess; i--) {
      record.lastFailureTime ??= failedTimes[i];
      record.failuresAfterLastSuccess++;
    }
    return record;
  }
}

/** How much of the backoff for `failures` consecutive failures is left at `now`; 0 when pods may be created. */
export function remainingBackoffMs(now: number, failures: number, lastFailureTime: number | undefined): number {
  if (failures === 0 || lastFailureTime === undefined) return 0;
  let backoff = defaultPodFailureBackoffMs;
  for (let i = 1; i < failures; i++) {
    backoff *= 2;
    if (backoff >= maxPodFailureBackoffMs) {
      backoff = maxPodFailureBackoffMs;
      break;
    }
  }
  const elapsed = now - lastFailureTime;
  return backoff < elapsed ? 0 : backoff - elapsed;
}

/** Upstream parseInt32 of the failure-count annotations: anything unparsable or out of range counts as 0. */
function annotationCount(pod: KubeObject, annotation: string): number {
  const value = pod.metadata.annotations?.[annotation];
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return 0;
  const n = Number(value);
  return n < 0 || n > 2147483647 ? 0 : n;
}

export function indexFailureCount(pod: KubeObject): number {
  return annotationCount(pod, jobIndexFailureCountAnnotation);
}

export function indexIgnoredFailureCount(pod: KubeObject): number {
  return annotationCount(pod, jobIndexIgnoredFailureCountAnnotation);
}

/** Every failure within the index, counted or ignored: what per-index backoff grows with. */
export function indexAbsoluteFailureCount(pod: KubeObject): number {
  return indexFailureCount(pod) + indexIgnoredFailureCount(pod);
}

/** The per-index backoff left before replacing `lastFailedPod` (the index's previous attempt). */
export function remainingBackoffForIndexMs(now: number, lastFailedPod: KubeObject | undefined): number {
  if (!lastFailedPod) return 0;
  return remainingBackoffMs(now, indexAbsoluteFailureCount(lastFailedPod) + 1, podFinishedTime(lastFailedPod));
}
