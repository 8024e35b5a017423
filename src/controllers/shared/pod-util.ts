// Pod facts the workload controllers share: activeness, readiness and availability, and pods built from templates.
import type { KubeObject, OwnerReference } from '../../meta/types.js';

export interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

type PodStatus = { phase?: string; conditions?: PodCondition[] };

export function podPhase(pod: KubeObject): string {
  return (pod.status as PodStatus | undefined)?.phase ?? 'Pending';
}

/** Upstream's IsPodActive: not finished and not being deleted. */
export function isPodActive(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function isPodTerminating(pod: KubeObject): boolean {
  return pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
}

export function podCondition(pod: KubeObject, type: string): PodCondition | undefined {
  return (pod.status as PodStatus | undefined)?.conditions?.find((c) => c.type === type);
}

export function isPodReady(pod: KubeObject): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** Upstream's IsPodAvailable: Ready for at least minReadySeconds by `now` (ms since the epoch). */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  const ready = podCondition(pod, 'Ready');
  if (ready?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= now;
}

/** When a Ready pod becomes available, for requeueing at that time; undefined if it is not Ready. */
export function podAvailableAt(pod: KubeObject, minReadySeconds: number): number | undefined {
  const ready = podCondition(pod, 'Ready');
  if (ready?.status !== 'True') return undefined;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
  return Number.isNaN(since) ? undefined : since + minReadySeconds * 1000;
}

/** The controller ownerReference a workload puts on what it creates (blockOwnerDeletion, as upstream). */
export function controllerRefTo(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion!,
    kind: owner.kind!,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  } as OwnerReference;
}

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
  spec?: Record<string, unknown>;
}

/**
 * A pod from a template as upstream's GetPodFromTemplate builds it: the template's labels, annotations, finalizers
 * and spec, `generateName` of `<prefix>-`, and a controller ownerReference to `owner`.
 */
export function podFromTemplate(template: PodTemplate | undefined, owner: KubeObject, generateNamePrefix: string): KubeObject {
  const meta = template?.metadata ?? {};
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${generateNamePrefix}-`,
      namespace: owner.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ownerReferences: [controllerRefTo(owner)],
    },
    spec: structuredClone(template?.spec ?? {}),
  };
  if (meta.annotations && Object.keys(meta.annotations).length > 0) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers && meta.finalizers.length > 0) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}

/** The same cluster-unique short hash upstream puts in names (fnv32a, then encoded without vowels). */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** Upstream's rand.SafeEncodeString: maps each character of the decimal hash onto letters that spell no words. */
export function safeEncode(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) out += safeAlphabet[value.charCodeAt(i) % safeAlphabet.length];
  return out;
}

/** The stable short hash of a template, as pod-template-hash and controller-revision-hash carry it. */
export function templateHash(template: unknown, collisionCount = 0): string {
  const text = stableStringify(template) + (collisionCount > 0 ? String(collisionCount) : '');
  return safeEncode(String(fnv32a(text)));
}

/** JSON with sorted keys, so equal templates hash equally whatever order their fields were written in. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
