// Which owner references a StatefulSet's claims carry under persistentVolumeClaimRetentionPolicy (set, pod, or none).
import type { KubeObject, OwnerReference } from '../../meta/types.js';
import { inOrdinalRange, setSpec } from './statefulset-utils.js';

const setKind = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
const podKind = { apiVersion: 'v1', kind: 'Pod' };

export interface RetentionPolicy {
  whenDeleted: string;
  whenScaled: string;
}

export function retentionPolicy(set: KubeObject): RetentionPolicy {
  const policy = setSpec(set).persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: policy?.whenDeleted || 'Retain', whenScaled: policy?.whenScaled || 'Retain' };
}

function refsOf(obj: KubeObject): OwnerReference[] {
  return obj.metadata.ownerReferences ?? [];
}

function matchesRef(ref: OwnerReference, obj: KubeObject, kind: { apiVersion: string; kind: string }): boolean {
  return ref.apiVersion === kind.apiVersion && ref.kind === kind.kind && ref.name === obj.metadata.name;
}

/** Whether `target` names `owner` (by uid) among its owners, controller or not. */
export function hasOwnerRef(target: KubeObject, owner: KubeObject): boolean {
  const uid = owner.metadata.uid ?? '';
  return refsOf(target).some((ref) => ref.uid === uid);
}

/** A reference to an object of this name and kind, but another uid: left by an earlier incarnation. */
export function hasStaleOwnerRef(target: KubeObject, obj: KubeObject, kind: { apiVersion: string; kind: string }): boolean {
  const ref = refsOf(target).find((r) => matchesRef(r, obj, kind));
  return ref !== undefined && ref.uid !== (obj.metadata.uid ?? '');
}

export function hasPodStaleOwnerRef(claim: KubeObject, pod: KubeObject): boolean {
  return hasStaleOwnerRef(claim, pod, podKind);
}

/** Under a Delete policy, another controller (or a stale us) managing the claim: we keep our hands off. */
export function hasUnexpectedController(claim: KubeObject, set: KubeObject, pod: KubeObject): boolean {
  const policy = retentionPolicy(set);
  if (policy.whenScaled === 'Retain' && policy.whenDeleted === 'Retain') return false;
  for (const ref of refsOf(claim)) {
    if (matchesRef(ref, set, setKind)) {
      if (ref.uid !== set.metadata.uid) return true;
      continue;
    }
    if (matchesRef(ref, pod, podKind)) {
      if (ref.uid !== (pod.metadata.uid ?? '')) return true;
      continue;
    }
    if (ref.controller === true) return true;
  }
  return false;
}

function hasNonControllerOwner(claim: KubeObject, set: KubeObject, pod: KubeObject): boolean {
  return refsOf(claim).some((ref) => (ref.uid === set.metadata.uid || ref.uid === (pod.metadata.uid ?? '')) && ref.controller !== true);
}

/**
 * Whether the claim's references already agree with the policy: none for Retain/Retain, the set for whenDeleted
 * Delete, the pod once it is scaled down for whenScaled Delete. Claims in an unknown state count as up to date.
 */
export function isClaimOwnerUpToDate(claim: KubeObject, set: KubeObject, pod: KubeObject): boolean {
  if (hasStaleOwnerRef(claim, set, setKind) || hasStaleOwnerRef(claim, pod, podKind)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const policy = retentionPolicy(set);
  const setRef = hasOwnerRef(claim, set);
  const podRef = hasOwnerRef(claim, pod);
  const scaledDown = !inOrdinalRange(pod, set);
  if (policy.whenScaled === 'Delete' && policy.whenDeleted === 'Delete') return scaledDown !== setRef && scaledDown === podRef;
  if (policy.whenScaled === 'Delete') return !setRef && scaledDown === podRef;
  if (policy.whenDeleted === 'Delete') return setRef && !podRef;
  return !setRef && !podRef;
}

function controllerRef(owner: KubeObject, kind: { apiVersion: string; kind: string }): OwnerReference {
  return { apiVersion: kind.apiVersion, kind: kind.kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

function withControllerRef(refs: OwnerReference[], owner: KubeObject, kind: { apiVersion: string; kind: string }): OwnerReference[] {
  return refs.some((ref) => ref.uid === owner.metadata.uid) ? refs : [...refs, controllerRef(owner, kind)];
}

/** Rewrites the claim's references to the set and pod as the policy wants them (mutates `claim`). */
export function updateClaimOwnerRefs(claim: KubeObject, set: KubeObject, pod: KubeObject): void {
  const unexpected = hasUnexpectedController(claim, set, pod);
  let refs = refsOf(claim).filter((ref) => !matchesRef(ref, set, setKind) && !matchesRef(ref, pod, podKind));
  if (!unexpected) {
    const policy = retentionPolicy(set);
    const scaledDown = !inOrdinalRange(pod, set);
    if (policy.whenScaled === 'Delete' && scaledDown) refs = withControllerRef(refs, pod, podKind);
    if (policy.whenDeleted === 'Delete' && !(policy.whenScaled === 'Delete' && scaledDown)) refs = withControllerRef(refs, set, setKind);
  }
  claim.metadata.ownerReferences = refs;
}
