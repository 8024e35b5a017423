// Deployment and ReplicaSet shapes plus upstream's deployment/util counting, ordering, template and fencepost helpers.
import type { KubeObject } from '../../meta/types.js';
import type { LabelSelectorObject } from '../../meta/label-selector.js';
import type { ReplicaStatus } from '../replicaset/replicaset-status.js';

export const podTemplateHashLabel = 'pod-template-hash';
export const maxInt32 = 2147483647;

export type IntOrString = number | string;

export interface PodTemplateSpec {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  spec?: Record<string, unknown>;
}

export interface DeploymentCondition {
  type: string;
  status: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  terminatingReplicas?: number;
  conditions?: DeploymentCondition[];
  collisionCount?: number;
}

export interface Deployment extends KubeObject {
  spec: {
    replicas?: number;
    selector?: LabelSelectorObject | null;
    template?: PodTemplateSpec;
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString } | null };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    paused?: boolean;
    progressDeadlineSeconds?: number;
  };
  status?: DeploymentStatus;
}

export interface ReplicaSet extends KubeObject {
  spec: {
    replicas?: number;
    minReadySeconds?: number;
    selector?: LabelSelectorObject | null;
    template?: PodTemplateSpec;
  };
  status?: ReplicaStatus;
}

/** `*spec.replicas`: the API server defaults a missing count to 1 for both kinds. */
export function specReplicas(obj: Deployment | ReplicaSet): number {
  return obj.spec.replicas ?? 1;
}

export function getReplicaCountForReplicaSets(replicaSets: ReplicaSet[]): number {
  return replicaSets.reduce((sum, rs) => sum + specReplicas(rs), 0);
}

export function getActualReplicaCountForReplicaSets(replicaSets: ReplicaSet[]): number {
  return replicaSets.reduce((sum, rs) => sum + (rs.status?.replicas ?? 0), 0);
}

export function getReadyReplicaCountForReplicaSets(replicaSets: ReplicaSet[]): number {
  return replicaSets.reduce((sum, rs) => sum + (rs.status?.readyReplicas ?? 0), 0);
}

export function getAvailableReplicaCountForReplicaSets(replicaSets: ReplicaSet[]): number {
  return replicaSets.reduce((sum, rs) => sum + (rs.status?.availableReplicas ?? 0), 0);
}

/**
 * Unknown (undefined) as soon as one observed ReplicaSet does not report terminating pods, since a partial sum would
 * understate them; a ReplicaSet its controller has never observed simply has none yet.
 */
export function getTerminatingReplicaCountForReplicaSets(replicaSets: ReplicaSet[]): number | undefined {
  let total = 0;
  for (const rs of replicaSets) {
    const terminating = rs.status?.terminatingReplicas;
    if ((rs.status?.observedGeneration ?? 0) === 0 && terminating === undefined) continue;
    if (terminating === undefined) return undefined;
    total += terminating;
  }
  return total;
}

export function filterActiveReplicaSets(replicaSets: ReplicaSet[]): ReplicaSet[] {
  return replicaSets.filter((rs) => specReplicas(rs) > 0);
}

function createdAt(obj: KubeObject): number {
  const parsed = obj.metadata.creationTimestamp ? Date.parse(obj.metadata.creationTimestamp) : NaN;
  return Number.isNaN(parsed) ? 0 : parsed;
}

/** controller.ReplicaSetsByCreationTimestamp: oldest first, names break the ties of one-second timestamps. */
export function byCreationTimestamp(a: ReplicaSet, b: ReplicaSet): number {
  const diff = createdAt(a) - createdAt(b);
  if (diff !== 0) return diff;
  const an = a.metadata.name ?? '';
  const bn = b.metadata.name ?? '';
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/** controller.ReplicaSetsBySizeOlder: largest first, older first among equals (scaling down hits old ones first). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  const diff = specReplicas(b) - specReplicas(a);
  return diff !== 0 ? diff : byCreationTimestamp(a, b);
}

/** controller.ReplicaSetsBySizeNewer: largest first, newer first among equals (scaling up favours new ones). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  const diff = specReplicas(b) - specReplicas(a);
  return diff !== 0 ? diff : byCreationTimestamp(b, a);
}

function isEmptyValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value as object).length === 0;
}

/** apiequality.Semantic.DeepEqual on JSON: nil and empty slices and maps are the same thing there. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isEmptyValue(a) && isEmptyValue(b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => semanticEqual(item, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const key of keys) if (!semanticEqual(ao[key], bo[key])) return false;
  return true;
}

/** The template with its labels minus pod-template-hash; shallow, as every sync compares templates and copies add up. */
function withoutHashLabel(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const t = template ?? {};
  const labels = t.metadata?.labels;
  if (!labels || !Object.hasOwn(labels, podTemplateHashLabel)) return t;
  const { [podTemplateHashLabel]: _hash, ...rest } = labels;
  return { ...t, metadata: { ...t.metadata, labels: rest } };
}

/**
 * Templates equal apart from the pod-template-hash label: the deployment's template never carries it, and the hash of
 * an unchanged template may differ across versions, so the label must not decide which ReplicaSet is new.
 */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return semanticEqual(withoutHashLabel(a), withoutHashLabel(b));
}

/** The oldest ReplicaSet whose template matches the deployment's: after some upgrades there can be several. */
export function findNewReplicaSet(d: Deployment, rsList: ReplicaSet[]): ReplicaSet | undefined {
  return [...rsList].sort(byCreationTimestamp).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** Every ReplicaSet but the new one, oldest first; `required` keeps only those that still want pods. */
export function findOldReplicaSets(d: Deployment, rsList: ReplicaSet[]): { required: ReplicaSet[]; all: ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, rsList);
  const all = [...rsList].sort(byCreationTimestamp).filter((rs) => !newRS || rs.metadata.uid !== newRS.metadata.uid);
  return { required: all.filter((rs) => specReplicas(rs) !== 0), all };
}

/** intstr.GetScaledValueFromIntOrPercent: percents of `total` round up or down; other strings are errors. */
export function scaledValueFromIntOrPercent(value: IntOrString | undefined | null, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) throw new Error('nil value for IntOrString');
  if (typeof value === 'number') return value;
  if (!value.endsWith('%')) throw new Error('invalid value for IntOrString: invalid type: string is not a percentage');
  const digits = value.slice(0, -1);
  if (!/^[+-]?\d+$/.test(digits)) {
    throw new Error(`invalid value for IntOrString: invalid value "${value}": strconv.Atoi: parsing "${digits}": invalid syntax`);
  }
  const scaled = (Number(digits) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * Surge rounds up and unavailability down; when both come to zero, one pod may be unavailable, as surge alone could
 * be blocked by quota and the rollout would never move.
 */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): [number, number] {
  const surge = scaledValueFromIntOrPercent(maxSurge ?? 0, desired, true);
  let unavailable = scaledValueFromIntOrPercent(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export function isRollingUpdate(d: Deployment): boolean {
  return d.spec.strategy?.type === 'RollingUpdate';
}

/** Validation keeps the fenceposts well-formed upstream; here a malformed one counts as zero, as upstream's ignored error does. */
function fenceposts(d: Deployment): [number, number] {
  const rolling = d.spec.strategy?.rollingUpdate ?? {};
  try {
    return resolveFenceposts(rolling.maxSurge, rolling.maxUnavailable, specReplicas(d));
  } catch {
    return [0, 0];
  }
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? fenceposts(d)[0] : 0;
}

export function maxUnavailable(d: Deployment): number {
  if (!isRollingUpdate(d) || specReplicas(d) === 0) return 0;
  return Math.min(fenceposts(d)[1], specReplicas(d));
}

/**
 * The size the new ReplicaSet may grow to now: up to the surge ceiling for a rolling update, straight to the
 * desired count for Recreate (whose old pods are already gone).
 */
export function newRSNewReplicas(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  switch (d.spec.strategy?.type) {
    case 'RollingUpdate': {
      const surge = scaledValueFromIntOrPercent(d.spec.strategy.rollingUpdate?.maxSurge, specReplicas(d), true);
      const currentPodCount = getReplicaCountForReplicaSets(allRSs);
      const maxTotalPods = specReplicas(d) + surge;
      if (currentPodCount >= maxTotalPods) return specReplicas(newRS);
      const scaleUpCount = Math.min(maxTotalPods - currentPodCount, specReplicas(d) - specReplicas(newRS));
      return specReplicas(newRS) + scaleUpCount;
    }
    case 'Recreate':
      return specReplicas(d);
    default:
      throw new Error(`deployment type ${String(d.spec.strategy?.type)} isn't supported`);
  }
}
