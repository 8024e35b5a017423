// Job shapes, well-known names and the small predicates the job controller's files share (upstream job utils).
import { rfc3339 } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import type { LabelSelectorObject } from '../../meta/label-selector.js';
import { podPhase } from '../shared/pod-util.js';

export const jobTrackingFinalizer = 'batch.kubernetes.io/job-tracking';
export const jobCompletionIndexKey = 'batch.kubernetes.io/job-completion-index';
export const jobIndexFailureCountAnnotation = 'batch.kubernetes.io/job-index-failure-count';
export const jobIndexIgnoredFailureCountAnnotation = 'batch.kubernetes.io/job-index-ignored-failure-count';
/** What `spec.managedBy` names when the built-in controller is meant (upstream batch.JobControllerName). */
export const jobControllerName = 'kubernetes.io/job-controller';
/** The field manager kube-controller-manager's writes are recorded under (its user agent's command name). */
export const controllerFieldManager = { fieldManager: 'kube-controller-manager' };

export interface PodFailurePolicyRule {
  action: 'FailJob' | 'FailIndex' | 'Ignore' | 'Count' | string;
  onExitCodes?: { containerName?: string; operator: 'In' | 'NotIn' | string; values: number[] } | null;
  onPodConditions?: { type: string; status?: string }[] | null;
}

export interface JobSpec {
  parallelism?: number;
  completions?: number | null;
  activeDeadlineSeconds?: number | null;
  podFailurePolicy?: { rules: PodFailurePolicyRule[] } | null;
  successPolicy?: { rules: { succeededIndexes?: string; succeededCount?: number }[] } | null;
  backoffLimit?: number;
  backoffLimitPerIndex?: number | null;
  maxFailedIndexes?: number | null;
  selector?: LabelSelectorObject;
  template?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
    spec?: Record<string, unknown>;
  };
  ttlSecondsAfterFinished?: number | null;
  completionMode?: string;
  suspend?: boolean;
  podReplacementPolicy?: string;
  managedBy?: string | null;
}

export interface JobCondition {
  type: string;
  status: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface JobStatus {
  conditions?: JobCondition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  completedIndexes?: string;
  failedIndexes?: string;
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
  ready?: number;
}

export interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: { terminated?: { exitCode?: number; finishedAt?: string } };
}

export interface PodStatusFields {
  phase?: string;
  conditions?: { type: string; status: string; lastTransitionTime?: string }[];
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
}

export function jobSpec(job: KubeObject): JobSpec {
  return (job.spec ?? {}) as JobSpec;
}

export function jobStatus(job: KubeObject): JobStatus {
  if (!job.status) job.status = {};
  return job.status as JobStatus;
}

export function podStatus(pod: KubeObject): PodStatusFields {
  return (pod.status ?? {}) as PodStatusFields;
}

export function findCondition(conditions: JobCondition[] | undefined, type: string): JobCondition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Complete or Failed with status True: the job is done and nothing touches it again. */
export function finishedConditionType(job: KubeObject): 'Complete' | 'Failed' | undefined {
  for (const c of jobStatus(job).conditions ?? []) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  }
  return undefined;
}

export function isJobFinished(job: KubeObject): boolean {
  return finishedConditionType(job) !== undefined;
}

/** Go's JSON drops empty reason and message, so the condition omits them too. */
export function newCondition(type: string, status: string, reason: string, message: string, now: number): JobCondition {
  const at = rfc3339(now);
  const condition: JobCondition = { type, status, lastProbeTime: at, lastTransitionTime: at };
  if (reason) condition.reason = reason;
  if (message) condition.message = message;
  return condition;
}

/**
 * Sets the condition of `type` to the given status, reason and message, returning whether anything changed. A False
 * condition is never added where none existed: going from nothing to False says nothing.
 */
export function ensureJobConditionStatus(
  status: JobStatus,
  type: string,
  conditionStatus: string,
  reason: string,
  message: string,
  now: number,
): boolean {
  const conditions = status.conditions ?? [];
  const existing = conditions.findIndex((c) => c.type === type);
  if (existing >= 0) {
    const c = conditions[existing];
    if (c.status === conditionStatus && (c.reason ?? '') === reason && (c.message ?? '') === message) return false;
    conditions[existing] = newCondition(type, conditionStatus, reason, message, now);
    status.conditions = conditions;
    return true;
  }
  if (conditionStatus === 'False') return false;
  status.conditions = [...conditions, newCondition(type, conditionStatus, reason, message, now)];
  return true;
}

export function isIndexedJob(job: KubeObject): boolean {
  return jobSpec(job).completionMode === 'Indexed';
}

export function hasBackoffLimitPerIndex(job: KubeObject): boolean {
  const value = jobSpec(job).backoffLimitPerIndex;
  return value !== undefined && value !== null;
}

export function jobSuspended(job: KubeObject): boolean {
  return jobSpec(job).suspend === true;
}

/** The name of the other controller a Job is left to, when `spec.managedBy` names one. */
export function managedByExternalController(job: KubeObject): string | undefined {
  const managedBy = jobSpec(job).managedBy;
  return managedBy && managedBy !== jobControllerName ? managedBy : undefined;
}

/** With podReplacementPolicy Failed (the default under a podFailurePolicy), a terminating pod is not yet a failure. */
export function onlyReplaceFailedPods(job: KubeObject): boolean {
  const spec = jobSpec(job);
  return spec.podReplacementPolicy === 'Failed' || (spec.podFailurePolicy !== undefined && spec.podFailurePolicy !== null);
}

/** A pod counts as failed once Failed, or (unless only failed pods are replaced) once deleted before succeeding. */
export function isPodFailed(pod: KubeObject, job: KubeObject): boolean {
  const phase = podPhase(pod);
  if (phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!pod.metadata.deletionTimestamp && phase !== 'Succeeded';
}

export function hasJobTrackingFinalizer(pod: KubeObject): boolean {
  return (pod.metadata.finalizers ?? []).includes(jobTrackingFinalizer);
}

/** Upstream controller.CountTerminatingPods: deleted but not yet finished. */
export function isTerminatingPod(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return !!pod.metadata.deletionTimestamp && phase !== 'Failed' && phase !== 'Succeeded';
}

export function completionsOf(job: KubeObject): number {
  return jobSpec(job).completions ?? 0;
}
