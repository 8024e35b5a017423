// Which pods a scale-down deletes first: upstream's ActivePodsWithRanks ordering and getPodsToDelete.
import type { KubeObject } from '../../meta/types.js';
import { isPodActive, isPodReady, podCondition, podPhase } from '../shared/pod-util.js';

/** Scheduled pods in earlier phases of startup go first. */
const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

export const podDeletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';

interface ContainerStatus {
  name?: string;
  restartCount?: number;
}

interface PodParts {
  spec?: { nodeName?: string; initContainers?: { name?: string; restartPolicy?: string }[] };
  status?: { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
}

function nodeNameOf(pod: KubeObject): string {
  return (pod as PodParts).spec?.nodeName ?? '';
}

/**
 * helper.GetDeletionCostFromPodAnnotations: an int32 whose first character is '-', a non-zero digit, or a lone "0"
 * (so "+5" and "007" are refused); anything refused or out of range counts as 0.
 */
export function podDeletionCost(pod: KubeObject): number {
  const value = pod.metadata.annotations?.[podDeletionCostAnnotation];
  if (value === undefined || !/^(-[0-9]+|0|[1-9][0-9]*)$/.test(value)) return 0;
  const n = Number(value);
  return n >= -2147483648 && n <= 2147483647 ? n + 0 : 0;
}

/** The highest restart count among regular containers, then among restartable (sidecar) init containers. */
function maxContainerRestarts(pod: KubeObject): { regular: number; sidecar: number } {
  const parts = pod as PodParts;
  let regular = 0;
  for (const c of parts.status?.containerStatuses ?? []) regular = Math.max(regular, c.restartCount ?? 0);
  const sidecars = new Set((parts.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  let sidecar = 0;
  for (const c of parts.status?.initContainerStatuses ?? []) if (sidecars.has(c.name)) sidecar = Math.max(sidecar, c.restartCount ?? 0);
  return { regular, sidecar };
}

/** Ms since the epoch, or undefined for Go's zero time (a missing or unparsable timestamp). */
function timeOf(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function readySince(pod: KubeObject): number | undefined {
  return isPodReady(pod) ? timeOf(podCondition(pod, 'Ready')?.lastTransitionTime) : undefined;
}

/** afterOrZero: a zero time counts as later than any real one. */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

/** logarithmicRankDiff: ages compared by the integer part of log2 of nanoseconds (LogarithmicScaleDown, GA). */
function logarithmicRankDiff(t1: number, t2: number, now: number): number {
  const rank = (t: number) => {
    const nanos = (now - t) * 1e6;
    return nanos > 0 ? Math.floor(Math.log2(nanos)) : -1;
  };
  return rank(t1) - rank(t2);
}

/** Newer first on a logarithmic scale; pods in the same bucket are ordered by UID, pseudorandomly as upstream. */
function newerFirst(a: KubeObject, b: KubeObject, ta: number | undefined, tb: number | undefined, now: number): boolean {
  if (ta === undefined || tb === undefined) return afterOrZero(ta, tb);
  const diff = logarithmicRankDiff(ta, tb, now);
  if (diff === 0) return (a.metadata.uid ?? '') < (b.metadata.uid ?? '');
  return diff < 0;
}

export interface RankedPod {
  pod: KubeObject;
  /** How many active related pods share this pod's node. */
  rank: number;
}

/** ActivePodsWithRanks.Less: true when `a` should be deleted before `b`. */
export function deleteBefore(a: RankedPod, b: RankedPod, now: number): boolean {
  const [pa, pb] = [a.pod, b.pod];
  const [na, nb] = [nodeNameOf(pa), nodeNameOf(pb)];
  if (na !== nb && (na === '' || nb === '')) return na === '';
  const [oa, ob] = [phaseOrdinal[podPhase(pa)] ?? 0, phaseOrdinal[podPhase(pb)] ?? 0];
  if (oa !== ob) return oa < ob;
  const [ra, rb] = [isPodReady(pa), isPodReady(pb)];
  if (ra !== rb) return !ra;
  const [ca, cb] = [podDeletionCost(pa), podDeletionCost(pb)];
  if (ca !== cb) return ca < cb;
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (ra && rb) {
    const [sa, sb] = [readySince(pa), readySince(pb)];
    if (sa !== sb) return newerFirst(pa, pb, sa, sb, now);
  }
  const [xa, xb] = [maxContainerRestarts(pa), maxContainerRestarts(pb)];
  if (xa.regular !== xb.regular) return xa.regular > xb.regular;
  if (xa.sidecar !== xb.sidecar) return xa.sidecar > xb.sidecar;
  const [ta, tb] = [timeOf(pa.metadata.creationTimestamp), timeOf(pb.metadata.creationTimestamp)];
  if (ta !== tb) return newerFirst(pa, pb, ta, tb, now);
  return false;
}

/**
 * getPodsToDelete: the `count` pods to delete, ranking each by how many active pods related to this owner (those of
 * ReplicaSets sharing its controller) run on the same node, so doubled-up nodes shed pods first.
 */
export function podsToDelete(active: KubeObject[], related: KubeObject[], count: number, now: number): KubeObject[] {
  if (count >= active.length) return active.slice(0, count);
  const onNode = new Map<string, number>();
  for (const pod of related) if (isPodActive(pod)) onNode.set(nodeNameOf(pod), (onNode.get(nodeNameOf(pod)) ?? 0) + 1);
  const ranked: RankedPod[] = active.map((pod) => ({ pod, rank: onNode.get(nodeNameOf(pod)) ?? 0 }));
  ranked.sort((a, b) => (deleteBefore(a, b, now) ? -1 : deleteBefore(b, a, now) ? 1 : 0));
  return ranked.slice(0, count).map((r) => r.pod);
}
