// StatefulSet pod identity as upstream's stateful_set_utils.go defines it: ordinals, names, labels, storage, health.
import type { LabelSelectorObject } from '../../meta/label-selector.js';
import type { KubeObject } from '../../meta/types.js';
import { isPodAvailable, isPodReady, podFromTemplate, podPhase } from '../shared/pod-util.js';
import { scaledValueFromIntOrPercent } from '../shared/statefulset-daemonset-common.js';

export const podNameLabel = 'statefulset.kubernetes.io/pod-name';
export const podIndexLabel = 'apps.kubernetes.io/pod-index';
export const revisionLabel = 'controller-revision-hash';

export interface ClaimTemplate {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; labels?: Record<string, string>; [key: string]: unknown };
  spec?: unknown;
  [key: string]: unknown;
}

export interface StatefulSetSpec {
  replicas?: number;
  selector?: LabelSelectorObject;
  template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> };
  volumeClaimTemplates?: ClaimTemplate[];
  serviceName?: string;
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
  ordinals?: { start?: number };
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
}

export function setSpec(set: KubeObject): StatefulSetSpec {
  return (set.spec ?? {}) as StatefulSetSpec;
}

export function setStatus(set: KubeObject): StatefulSetStatus {
  return (set.status ?? {}) as StatefulSetStatus;
}

export function replicasOf(set: KubeObject): number {
  return setSpec(set).replicas ?? 1;
}

const statefulPodName = /^(.*)-([0-9]+)$/;

/** The parent set's name and the ordinal a pod's name carries; ordinal -1 when it carries none. */
export function parentNameAndOrdinal(pod: KubeObject): { parent: string; ordinal: number } {
  const match = statefulPodName.exec(pod.metadata.name ?? '');
  if (!match) return { parent: '', ordinal: -1 };
  const ordinal = Number(match[2]);
  // ParseInt(..., 32) refuses what overflows an int32.
  return { parent: match[1], ordinal: ordinal <= 2147483647 ? ordinal : -1 };
}

export function ordinalOf(pod: KubeObject): number {
  return parentNameAndOrdinal(pod).ordinal;
}

export function startOrdinal(set: KubeObject): number {
  return setSpec(set).ordinals?.start ?? 0;
}

export function endOrdinal(set: KubeObject): number {
  return startOrdinal(set) + replicasOf(set) - 1;
}

export function inOrdinalRange(pod: KubeObject, set: KubeObject): boolean {
  const ordinal = ordinalOf(pod);
  return ordinal >= startOrdinal(set) && ordinal <= endOrdinal(set);
}

export function podNameFor(set: KubeObject, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

/** `<template>-<set>-<ordinal>`: the name zone spreading heuristics upstream also rely on. */
export function claimNameFor(set: KubeObject, template: ClaimTemplate, ordinal: number): string {
  return `${template.metadata?.name ?? ''}-${set.metadata.name}-${ordinal}`;
}

export function isMemberOf(set: KubeObject, pod: KubeObject): boolean {
  return parentNameAndOrdinal(pod).parent === set.metadata.name;
}

export function identityMatches(set: KubeObject, pod: KubeObject): boolean {
  const { parent, ordinal } = parentNameAndOrdinal(pod);
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.name === podNameFor(set, ordinal) &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[podNameLabel] === pod.metadata.name
  );
}

type Volume = { name?: string; persistentVolumeClaim?: { claimName?: string; readOnly?: boolean } };

function podVolumes(pod: KubeObject): Volume[] {
  return (((pod.spec as Record<string, unknown> | undefined)?.volumes as Volume[] | undefined) ?? []);
}

export function storageMatches(set: KubeObject, pod: KubeObject): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map(podVolumes(pod).map((v) => [v.name, v]));
  return (setSpec(set).volumeClaimTemplates ?? []).every((template) => {
    const volume = volumes.get(template.metadata?.name);
    return volume?.persistentVolumeClaim?.claimName === claimNameFor(set, template, ordinal);
  });
}

/** The claims a pod needs, one a template: the template named for the pod, labelled with the set's selector labels too. */
export function claimsFor(set: KubeObject, pod: KubeObject): { templateName: string; claim: KubeObject }[] {
  const ordinal = ordinalOf(pod);
  const matchLabels = setSpec(set).selector?.matchLabels ?? {};
  return (setSpec(set).volumeClaimTemplates ?? []).map((template) => {
    const claim = structuredClone(template) as unknown as KubeObject;
    claim.metadata = { ...(claim.metadata ?? {}), name: claimNameFor(set, template, ordinal), namespace: set.metadata.namespace };
    claim.metadata.labels = { ...(claim.metadata.labels ?? {}), ...matchLabels };
    return { templateName: template.metadata?.name ?? '', claim };
  });
}

/** Points the pod's template-named volumes at its claims, keeping its other volumes. */
export function updateStorage(set: KubeObject, pod: KubeObject): void {
  const claims = claimsFor(set, pod);
  const names = new Set(claims.map((c) => c.templateName));
  const volumes: Volume[] = claims.map((c) => ({ name: c.templateName, persistentVolumeClaim: { claimName: c.claim.metadata.name } }));
  for (const volume of podVolumes(pod)) if (!names.has(volume.name ?? '')) volumes.push(volume);
  const spec = (pod.spec ??= {}) as Record<string, unknown>;
  spec.volumes = volumes;
}

export function updateIdentity(set: KubeObject, pod: KubeObject): void {
  const ordinal = ordinalOf(pod);
  pod.metadata.name = podNameFor(set, ordinal);
  pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [podNameLabel]: pod.metadata.name, [podIndexLabel]: String(ordinal) };
}

/** A new pod for `ordinal`: template, identity (hostname and subdomain only at creation, being immutable) and storage. */
export function newStatefulSetPod(set: KubeObject, ordinal: number): KubeObject {
  const pod = podFromTemplate(setSpec(set).template, set, set.metadata.name!);
  pod.metadata.name = podNameFor(set, ordinal);
  updateIdentity(set, pod);
  const spec = pod.spec as Record<string, unknown>;
  spec.hostname = pod.metadata.name;
  if (setSpec(set).serviceName) spec.subdomain = setSpec(set).serviceName;
  updateStorage(set, pod);
  return pod;
}

/**
 * A new pod at the revision its ordinal belongs to: below the partition it keeps the current revision. The condition
 * keeps upstream's operator precedence, so a partition applies whatever the strategy type.
 */
export function newVersionedStatefulSetPod(currentSet: KubeObject, updateSet: KubeObject, currentRevision: string, updateRevision: string, ordinal: number): KubeObject {
  const strategy = setSpec(currentSet).updateStrategy ?? {};
  const start = startOrdinal(currentSet);
  const keepCurrent =
    (strategy.type === 'RollingUpdate' && strategy.rollingUpdate == null && ordinal < start + (setStatus(currentSet).currentReplicas ?? 0)) ||
    (strategy.rollingUpdate != null && ordinal < start + (strategy.rollingUpdate.partition ?? 0));
  const pod = newStatefulSetPod(keepCurrent ? currentSet : updateSet, ordinal);
  setPodRevision(pod, keepCurrent ? currentRevision : updateRevision);
  return pod;
}

export function podRevision(pod: KubeObject): string {
  return pod.metadata.labels?.[revisionLabel] ?? '';
}

export function setPodRevision(pod: KubeObject, revision: string): void {
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [revisionLabel]: revision };
}

/** Whether the API server has the pod (a pod built locally has no phase yet). */
export function isCreated(pod: KubeObject): boolean {
  return ((pod.status as { phase?: string } | undefined)?.phase ?? '') !== '';
}

export function isPending(pod: KubeObject): boolean {
  return isCreated(pod) && podPhase(pod) === 'Pending';
}

export function isFailed(pod: KubeObject): boolean {
  return isCreated(pod) && podPhase(pod) === 'Failed';
}

export function isSucceeded(pod: KubeObject): boolean {
  return isCreated(pod) && podPhase(pod) === 'Succeeded';
}

export function isTerminating(pod: KubeObject): boolean {
  return Boolean(pod.metadata.deletionTimestamp);
}

export function isRunningAndReady(pod: KubeObject): boolean {
  return isCreated(pod) && podPhase(pod) === 'Running' && isPodReady(pod);
}

export function isRunningAndAvailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  return isPodAvailable(pod, minReadySeconds, now);
}

/** Not counted towards availability: not running, ready and available, or on its way out. */
export function isUnavailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  return !isRunningAndReady(pod) || isTerminating(pod) || !isRunningAndAvailable(pod, minReadySeconds, now);
}

export function allowsBurst(set: KubeObject): boolean {
  return setSpec(set).podManagementPolicy === 'Parallel';
}

export function byOrdinalDescending(a: KubeObject, b: KubeObject): number {
  return ordinalOf(b) - ordinalOf(a);
}

/** maxUnavailable of the replicas (1 when unset), rounded down but never below 1. */
export function maxUnavailableFor(set: KubeObject, replicaCount: number): number {
  const value = setSpec(set).updateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
  return Math.max(1, scaledValueFromIntOrPercent(value, replicaCount, false));
}
