// What the disruption controller computes for a PodDisruptionBudget: disrupted pods still awaited, healthy pods, the status.
import { rfc3339 } from '../../clock/clock.js';
import { deepEqual } from '../../meta/deep-equal.js';
import type { KubeObject } from '../../meta/types.js';
import { isPodReady } from '../shared/pod-util.js';

/**
 * Upstream's DeletionTimeout: an eviction records its pod in status.disruptedPods; if the pod shows no deletion within
 * this long, the controller assumes it never will and counts it again.
 */
export const deletionTimeoutMs = 2 * 60 * 1000;

export interface PdbCondition {
  type: string;
  status: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface PdbStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  conditions?: PdbCondition[];
}

export function pdbStatusOf(pdb: KubeObject): PdbStatus {
  return (pdb.status ?? {}) as PdbStatus;
}

const timeOf = (rfc: string | undefined): number => (rfc ? Date.parse(rfc) : NaN);

export interface DisruptedPodMap {
  /** The entries still awaiting their pod's deletion, by pod name. */
  disrupted: Record<string, string>;
  /** The first instant one of them expires, when the budget must be looked at again. */
  recheckAt?: number;
  /** Pods whose entry expired without a deletion (upstream records a NotDeleted event for each). */
  expired: KubeObject[];
}

/**
 * buildDisruptedPodMap: keeps the entries of pods that still exist, are not yet being deleted and whose deadline has not
 * passed; entries of pods gone or already terminating are dropped, as their deletion has been seen.
 */
export function buildDisruptedPodMap(pods: KubeObject[], pdb: KubeObject, now: number): DisruptedPodMap {
  const recorded = pdbStatusOf(pdb).disruptedPods;
  const result: DisruptedPodMap = { disrupted: {}, expired: [] };
  if (!recorded) return result;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const name = pod.metadata.name!;
    if (!Object.hasOwn(recorded, name)) continue;
    const expectedDeletion = timeOf(recorded[name]) + deletionTimeoutMs;
    if (expectedDeletion < now) {
      result.expired.push(pod);
      continue;
    }
    if (result.recheckAt === undefined || expectedDeletion < result.recheckAt) result.recheckAt = expectedDeletion;
    result.disrupted[name] = recorded[name]!;
  }
  return result;
}

/** countHealthyPods: Ready pods that are neither being deleted nor awaiting an approved eviction. */
export function countHealthyPods(pods: KubeObject[], disrupted: Record<string, string>, now: number): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const name = pod.metadata.name!;
    if (Object.hasOwn(disrupted, name) && timeOf(disrupted[name]) + deletionTimeoutMs > now) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}

/**
 * apimeta.SetStatusCondition: replaces the condition of the same type, keeping its lastTransitionTime unless the status
 * changes; a new condition gets `now`.
 */
export function setStatusCondition(conditions: PdbCondition[] | undefined, next: PdbCondition, now: number): PdbCondition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === next.type);
  const existing = list[index];
  const lastTransitionTime = existing && existing.status === next.status ? existing.lastTransitionTime : next.lastTransitionTime ?? rfc3339(now);
  const updated: PdbCondition = { type: next.type, status: next.status };
  if (next.observedGeneration) updated.observedGeneration = next.observedGeneration;
  Object.assign(updated, { lastTransitionTime, reason: next.reason, message: next.message });
  if (existing) list[index] = updated;
  else list.push(updated);
  return list;
}

/** pdbhelper.UpdateDisruptionAllowedCondition: True/SufficientPods while a disruption is allowed, else False/InsufficientPods. */
export function withDisruptionAllowedCondition(status: PdbStatus, now: number): PdbStatus {
  const allowed = (status.disruptionsAllowed ?? 0) > 0;
  const condition: PdbCondition = {
    type: 'DisruptionAllowed',
    status: allowed ? 'True' : 'False',
    reason: allowed ? 'SufficientPods' : 'InsufficientPods',
    message: '',
  };
  if (status.observedGeneration) condition.observedGeneration = status.observedGeneration;
  return { ...status, conditions: setStatusCondition(status.conditions, condition, now) };
}

/** pdbhelper.ConditionsAreUpToDate. */
function conditionsAreUpToDate(pdb: KubeObject): boolean {
  const status = pdbStatusOf(pdb);
  const condition = status.conditions?.find((c) => c.type === 'DisruptionAllowed');
  if (!condition || (status.observedGeneration ?? 0) !== (pdb.metadata.generation ?? 0)) return false;
  if ((status.disruptionsAllowed ?? 0) > 0) return condition.status === 'True' && condition.reason === 'SufficientPods';
  return condition.status === 'False' && condition.reason === 'InsufficientPods';
}

export interface Counts {
  currentHealthy: number;
  desiredHealthy: number;
  expectedCount: number;
  disrupted: Record<string, string>;
}

/**
 * updatePdbStatus: the status to write, or undefined when the stored one already says it all. A budget matching no
 * pods yet allows nothing, so pods that appear before the next sync are safe.
 */
export function nextPdbStatus(pdb: KubeObject, counts: Counts, now: number): PdbStatus | undefined {
  const { currentHealthy, desiredHealthy, expectedCount, disrupted } = counts;
  let disruptionsAllowed = currentHealthy - desiredHealthy;
  if (expectedCount <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
  const status = pdbStatusOf(pdb);
  const generation = pdb.metadata.generation ?? 0;
  const unchanged =
    (status.currentHealthy ?? 0) === currentHealthy &&
    (status.desiredHealthy ?? 0) === desiredHealthy &&
    (status.expectedPods ?? 0) === expectedCount &&
    (status.disruptionsAllowed ?? 0) === disruptionsAllowed &&
    // Semantic equality: an absent map and an empty one are the same.
    deepEqual(status.disruptedPods ?? {}, disrupted) &&
    (status.observedGeneration ?? 0) === generation &&
    conditionsAreUpToDate(pdb);
  if (unchanged) return undefined;
  const next: PdbStatus = {};
  if (generation) next.observedGeneration = generation;
  if (Object.keys(disrupted).length > 0) next.disruptedPods = disrupted;
  Object.assign(next, { disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods: expectedCount });
  if (status.conditions) next.conditions = status.conditions;
  return withDisruptionAllowedCondition(next, now);
}

/** failSafe: when a sync fails, at least stop evictions, saying why in a SyncFailed condition. */
export function failSafeStatus(pdb: KubeObject, err: unknown, now: number): PdbStatus {
  const status = pdbStatusOf(pdb);
  const condition: PdbCondition = { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: err instanceof Error ? err.message : String(err) };
  if (status.observedGeneration) condition.observedGeneration = status.observedGeneration;
  return { ...status, disruptionsAllowed: 0, conditions: setStatusCondition(status.conditions ?? [], condition, now) };
}
