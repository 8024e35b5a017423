// The PV controller's writes (upstream pv_controller.go): binding both sides, phases, and claim annotations.
import { deepEqual } from '../../meta/deep-equal.js';
import type { KubeObject } from '../../meta/types.js';
import type { EventType } from '../runtime/index.js';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_STORAGE_PROVISIONER,
  claimHasClass,
  claimReference,
  claimStatus,
  defaultClassOf,
  hasAnnotation,
  isVolumeBoundToClaim,
  setAnnotation,
  volumeSpec,
  volumeStatus,
} from '../shared/storage-helpers.js';
import type { BinderContext } from './binder-context.js';
import { compareQuantities } from './quantity-value.js';

/** A PV whose filesystem still has its size from before an expansion: the claim reports that size. */
const ANN_PRE_RESIZE_CAPACITY = 'volume.alpha.kubernetes.io/pre-resize-capacity';

const claimsResource = ['v1', 'persistentvolumeclaims'] as const;
const volumesResource = ['v1', 'persistentvolumes'] as const;

function updateClaim(ctx: BinderContext, claim: KubeObject, status = false): Promise<KubeObject> {
  return ctx.client.update(...claimsResource, claim.metadata.namespace, claim, status ? { subresource: 'status' } : undefined);
}

function updateVolume(ctx: BinderContext, volume: KubeObject, status = false): Promise<KubeObject> {
  return ctx.client.update(...volumesResource, undefined, volume, status ? { subresource: 'status' } : undefined);
}

/**
 * Upstream's updateClaimStatus: the phase, and the volume's access modes and capacity (none without a volume).
 * Capacity is copied only as the claim enters the phase: a later difference may be an expansion in progress.
 */
export async function updateClaimStatus(ctx: BinderContext, claim: KubeObject, phase: string, volume?: KubeObject): Promise<KubeObject> {
  const clone = structuredClone(claim);
  const status = (clone.status ??= {}) as Record<string, unknown>;
  const before = claimStatus(claim);
  let dirty = false;
  if (before.phase !== phase) {
    status.phase = phase;
    dirty = true;
  }
  if (!volume) {
    for (const field of ['accessModes', 'capacity']) {
      if (status[field] === undefined) continue;
      delete status[field];
      dirty = true;
    }
  } else {
    const modes = volumeSpec(volume).accessModes;
    if (!deepEqual(before.accessModes, modes)) {
      if (modes === undefined) delete status.accessModes;
      else status.accessModes = structuredClone(modes);
      dirty = true;
    }
    if (before.phase !== phase) {
      const capacity = volumeSpec(volume).capacity;
      if (capacity?.storage === undefined) throw new Error(`PersistentVolume "${volume.metadata.name}" is without a storage capacity`);
      const preResize = volume.metadata.annotations?.[ANN_PRE_RESIZE_CAPACITY];
      if (preResize !== undefined) {
        status.capacity = { ...(before.capacity ?? {}), storage: preResize };
        dirty = true;
      } else if (before.capacity?.storage === undefined || compareQuantities(capacity.storage, before.capacity.storage) !== 0) {
        status.capacity = structuredClone(capacity);
        dirty = true;
      }
    }
  }
  return dirty ? updateClaim(ctx, clone, true) : claim;
}

/** Upstream's updateClaimStatusWithEvent: the Event is recorded only when the phase actually changes. */
export async function updateClaimStatusWithEvent(
  ctx: BinderContext,
  claim: KubeObject,
  phase: string,
  volume: KubeObject | undefined,
  type: EventType,
  reason: string,
  message: string,
): Promise<KubeObject> {
  if (claimStatus(claim).phase === phase) return claim;
  const updated = await updateClaimStatus(ctx, claim, phase, volume);
  ctx.recorder.event(updated, type, reason, message);
  return updated;
}

/** Upstream's updateVolumePhase; the message is replaced too (an empty one is dropped, as omitempty does). */
export async function updateVolumePhase(ctx: BinderContext, volume: KubeObject, phase: string, message = ''): Promise<KubeObject> {
  if (volumeStatus(volume).phase === phase) return volume;
  const clone = structuredClone(volume);
  const status = (clone.status ??= {}) as Record<string, unknown>;
  status.phase = phase;
  if (message === '') delete status.message;
  else status.message = message;
  return updateVolume(ctx, clone, true);
}

export async function updateVolumePhaseWithEvent(
  ctx: BinderContext,
  volume: KubeObject,
  phase: string,
  type: EventType,
  reason: string,
  message: string,
): Promise<KubeObject> {
  if (volumeStatus(volume).phase === phase) return volume;
  const updated = await updateVolumePhase(ctx, volume, phase, message);
  ctx.recorder.event(updated, type, reason, message);
  return updated;
}

/**
 * Upstream's GetBindVolumeToClaim and its save: points claimRef at the claim (uid included) and marks the binding as
 * the controller's unless the volume was already pre-bound to this claim by its creator.
 */
async function bindVolumeToClaim(ctx: BinderContext, volume: KubeObject, claim: KubeObject): Promise<KubeObject> {
  const boundByUser = isVolumeBoundToClaim(volume, claim);
  const clone = structuredClone(volume);
  let dirty = false;
  const ref = volumeSpec(volume).claimRef;
  if (!ref || ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace || ref.uid !== claim.metadata.uid) {
    clone.spec = { ...volumeSpec(clone), claimRef: claimReference(claim) };
    dirty = true;
  }
  if (!boundByUser && !hasAnnotation(clone, ANN_BOUND_BY_CONTROLLER)) {
    setAnnotation(clone, ANN_BOUND_BY_CONTROLLER, 'yes');
    dirty = true;
  }
  return dirty ? updateVolume(ctx, clone) : volume;
}

/** Upstream's bindClaimToVolume: spec.volumeName and the bound-by-controller / bind-completed annotations. */
async function bindClaimToVolume(ctx: BinderContext, claim: KubeObject, volume: KubeObject): Promise<KubeObject> {
  const clone = structuredClone(claim);
  let dirty = false;
  if ((clone.spec as { volumeName?: string } | undefined)?.volumeName !== volume.metadata.name) {
    clone.spec = { ...(clone.spec ?? {}), volumeName: volume.metadata.name };
    if (!hasAnnotation(clone, ANN_BOUND_BY_CONTROLLER)) setAnnotation(clone, ANN_BOUND_BY_CONTROLLER, 'yes');
    dirty = true;
  }
  if (!hasAnnotation(clone, ANN_BIND_COMPLETED)) {
    setAnnotation(clone, ANN_BIND_COMPLETED, 'yes');
    dirty = true;
  }
  return dirty ? updateClaim(ctx, clone) : claim;
}

/**
 * Upstream's bind: the volume first (claimRef, then phase Bound), then the claim (volumeName, then phase Bound).
 * Any step may fail on a conflict; the next sync of either side finishes what is left.
 */
export async function bind(ctx: BinderContext, volume: KubeObject, claim: KubeObject): Promise<void> {
  let boundVolume = await bindVolumeToClaim(ctx, volume, claim);
  boundVolume = await updateVolumePhase(ctx, boundVolume, 'Bound');
  const boundClaim = await bindClaimToVolume(ctx, claim, boundVolume);
  await updateClaimStatus(ctx, boundClaim, 'Bound', boundVolume);
}

/**
 * Upstream's unbindVolume: a binding the controller made is undone entirely; one the user made keeps its claimRef
 * without the uid, so the volume stays reserved for a claim of that name. The volume is Available again.
 */
export async function unbindVolume(ctx: BinderContext, volume: KubeObject): Promise<void> {
  const clone = structuredClone(volume);
  const spec = (clone.spec ??= {}) as Record<string, unknown>;
  if (hasAnnotation(volume, ANN_BOUND_BY_CONTROLLER)) {
    delete spec.claimRef;
    const annotations = { ...clone.metadata.annotations };
    delete annotations[ANN_BOUND_BY_CONTROLLER];
    if (Object.keys(annotations).length === 0) delete clone.metadata.annotations;
    else clone.metadata.annotations = annotations;
  } else {
    spec.claimRef = { ...(spec.claimRef as object), uid: '' };
  }
  const updated = await updateVolume(ctx, clone);
  await updateVolumePhase(ctx, updated, 'Available');
}

/** Upstream's setClaimProvisioner: tells the external provisioner (both keys, the beta one for older ones) to act. */
export async function setClaimProvisioner(ctx: BinderContext, claim: KubeObject, provisioner: string): Promise<KubeObject> {
  if (claim.metadata.annotations?.[ANN_STORAGE_PROVISIONER] === provisioner) return claim;
  const clone = structuredClone(claim);
  setAnnotation(clone, ANN_BETA_STORAGE_PROVISIONER, provisioner);
  setAnnotation(clone, ANN_STORAGE_PROVISIONER, provisioner);
  return updateClaim(ctx, clone);
}

/**
 * Upstream's assignDefaultStorageClass (retroactive default class): a claim created before any default class
 * existed, and still unbound, gets today's default. Returns whether the claim was updated.
 */
export async function assignDefaultStorageClass(ctx: BinderContext, claim: KubeObject): Promise<boolean> {
  if (claimHasClass(claim)) return false;
  const defaultClass = defaultClassOf(ctx.classes.list());
  if (!defaultClass?.metadata.name) return false;
  const clone = structuredClone(claim);
  clone.spec = { ...(clone.spec ?? {}), storageClassName: defaultClass.metadata.name };
  await updateClaim(ctx, clone);
  return true;
}
