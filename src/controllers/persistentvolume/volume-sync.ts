// Upstream's syncVolume: a volume's phase follows its claim; a volume whose claim is gone is reclaimed by its policy.
import type { KubeObject } from '../../meta/types.js';
import { errorCode } from '../shared/api-errors.js';
import {
  ANN_DYNAMICALLY_PROVISIONED,
  ANN_MIGRATED_TO,
  claimKeyOf,
  claimRefKey,
  claimSpec,
  hasAnnotation,
  isPodTerminated,
  podVolumeClaimName,
  podVolumes,
  volumeSpec,
  volumeStatus,
  type ObjectReference,
} from '../shared/storage-helpers.js';
import type { BinderContext } from './binder-context.js';
import { unbindVolume, updateVolumePhase, updateVolumePhaseWithEvent } from './binding-writes.js';
import { deleteReleasedVolume, hasRecycler } from './volume-reclaimers.js';
import { volumeModeMismatch } from './volume-matching.js';

const isReleasedOrFailed = (pv: KubeObject) => ['Released', 'Failed'].includes(volumeStatus(pv).phase ?? '');

async function getClaim(ctx: BinderContext, ref: ObjectReference): Promise<KubeObject | undefined> {
  try {
    return await ctx.client.get('v1', 'persistentvolumeclaims', ref.namespace, ref.name ?? '');
  } catch (err) {
    if (errorCode(err) === 404) return undefined;
    throw err;
  }
}

/**
 * The claim a volume's claimRef points to, if it still exists with that uid. Before a volume is released the API
 * server is asked too, as upstream double-checks: a claim must never be taken for gone only because a cache lags.
 */
async function referencedClaim(ctx: BinderContext, volume: KubeObject, ref: ObjectReference): Promise<KubeObject | undefined> {
  let claim = ctx.claims.get(claimRefKey(ref));
  if (!claim && !isReleasedOrFailed(volume)) claim = await getClaim(ctx, ref);
  if (claim && claim.metadata.uid !== ref.uid) claim = await getClaim(ctx, ref);
  return claim && claim.metadata.uid === ref.uid ? claim : undefined;
}

export async function syncVolume(ctx: BinderContext, volume: KubeObject): Promise<void> {
  const ref = volumeSpec(volume).claimRef;
  if (!ref || !ref.uid) {
    // Unused, or reserved for a claim not bound yet (that claim's sync binds it).
    await updateVolumePhase(ctx, volume, 'Available');
    return;
  }
  const claim = await referencedClaim(ctx, volume, ref);
  if (!claim) {
    // The claim was deleted: release the volume (a Failed one stays Failed, for the user to see) and reclaim it.
    const released = isReleasedOrFailed(volume) ? volume : await updateVolumePhase(ctx, volume, 'Released');
    await reclaimVolume(ctx, released);
    return;
  }
  if (!claimSpec(claim).volumeName) {
    if (volumeModeMismatch(claim, volume)) {
      const claimName = claim.metadata.name;
      const volumeName = volume.metadata.name;
      ctx.recorder.event(volume, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${claimName}" due to incompatible volumeMode.`);
      ctx.recorder.event(claim, 'Warning', 'VolumeMismatch', `Cannot bind PersistentVolume "${volumeName}" to requested PersistentVolumeClaim due to incompatible volumeMode.`);
      return;
    }
    // Bound on this side only (a provisioner's new volume, or an interrupted bind): the claim's sync finishes it.
    ctx.enqueueClaim(claimKeyOf(claim));
    return;
  }
  if (claimSpec(claim).volumeName === volume.metadata.name) {
    await updateVolumePhase(ctx, volume, 'Bound');
    return;
  }
  // The claim is bound to another volume.
  if (hasAnnotation(volume, ANN_DYNAMICALLY_PROVISIONED) && volumeSpec(volume).persistentVolumeReclaimPolicy === 'Delete') {
    // Provisioned for this claim, which got another volume: nobody needs this one.
    const released = isReleasedOrFailed(volume) ? volume : await updateVolumePhase(ctx, volume, 'Released');
    await reclaimVolume(ctx, released);
    return;
  }
  // Undo the controller's own binding; a user's pre-binding keeps its claimRef (without the uid).
  await unbindVolume(ctx, volume);
}

/** Upstream's reclaimVolume: what persistentVolumeReclaimPolicy asks for once the claim is gone. */
async function reclaimVolume(ctx: BinderContext, volume: KubeObject): Promise<void> {
  if (volume.metadata.annotations?.[ANN_MIGRATED_TO]) return;
  switch (volumeSpec(volume).persistentVolumeReclaimPolicy) {
    case 'Retain':
      return;
    case 'Recycle':
      await recycleVolume(ctx, volume);
      return;
    case 'Delete':
      await deleteVolume(ctx, volume);
      return;
    default:
      await updateVolumePhaseWithEvent(ctx, volume, 'Failed', 'Warning', 'VolumeUnknownReclaimPolicy',
        'Volume has unrecognized PersistentVolumeReclaimPolicy');
  }
}

/**
 * Upstream's isVolumeReleased: bound to a claim (uid known) that no longer exists with that uid, or that is now bound
 * to another volume.
 */
function isVolumeReleased(ctx: BinderContext, volume: KubeObject): boolean {
  const ref = volumeSpec(volume).claimRef;
  if (!ref?.uid) return false;
  const claim = ctx.claims.get(claimRefKey(ref));
  if (claim && claim.metadata.uid === ref.uid) {
    const boundTo = claimSpec(claim).volumeName ?? '';
    return boundTo !== '' && boundTo !== volume.metadata.name;
  }
  return true;
}

/** The volume as stored now, if it still exists (an operation re-reads it, as upstream's do). */
async function currentVolume(ctx: BinderContext, volume: KubeObject): Promise<KubeObject | undefined> {
  try {
    return await ctx.client.get('v1', 'persistentvolumes', undefined, volume.metadata.name ?? '');
  } catch (err) {
    if (errorCode(err) === 404) return undefined;
    throw err;
  }
}

/**
 * Upstream's deleteVolumeOperation: the deleting plugin removes the storage, then the PV object goes. A failure marks
 * the volume Failed with the reason, and every later sync tries again.
 */
async function deleteVolume(ctx: BinderContext, volume: KubeObject): Promise<void> {
  const fresh = await currentVolume(ctx, volume);
  if (!fresh || !isVolumeReleased(ctx, fresh)) return;
  const outcome = deleteReleasedVolume(fresh);
  if (outcome.kind === 'failed') {
    await updateVolumePhaseWithEvent(ctx, fresh, 'Failed', 'Warning', 'VolumeFailedDelete', outcome.message);
    return;
  }
  // An external deleter (the provisioner that created it) takes it from here.
  if (outcome.kind === 'external') return;
  try {
    await ctx.client.delete('v1', 'persistentvolumes', undefined, fresh.metadata.name ?? '');
  } catch (err) {
    if (errorCode(err) !== 404) throw err;
  }
}

/** Upstream's isVolumeUsed: `namespace/name` of every pod not yet terminated that uses the volume's claim. */
function podsUsingVolume(ctx: BinderContext, volume: KubeObject): string[] {
  const ref = volumeSpec(volume).claimRef;
  if (!ref) return [];
  return ctx.pods
    .list()
    .filter((pod) => pod.metadata.namespace === ref.namespace && !isPodTerminated(pod))
    .filter((pod) => podVolumes(pod).some((v) => podVolumeClaimName(pod, v) === ref.name))
    .map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`)
    .sort();
}

/**
 * Upstream's recycleVolumeOperation (the deprecated Recycle policy). The recycler pod that would scrub the volume is
 * not run: a volume with a recycler is taken as scrubbed at once and becomes Available again.
 */
async function recycleVolume(ctx: BinderContext, volume: KubeObject): Promise<void> {
  const fresh = await currentVolume(ctx, volume);
  if (!fresh || !isVolumeReleased(ctx, fresh)) return;
  const users = podsUsingVolume(ctx, fresh);
  const ref = volumeSpec(fresh).claimRef!;
  if (users.length > 0 && !ctx.claims.get(claimRefKey(ref))) {
    ctx.recorder.event(fresh, 'Normal', 'VolumeFailedRecycle', `Volume is used by pods: ${users.join(',')}`);
    return;
  }
  if (!hasRecycler(fresh)) {
    await updateVolumePhaseWithEvent(ctx, fresh, 'Failed', 'Warning', 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
    return;
  }
  ctx.recorder.event(fresh, 'Normal', 'VolumeRecycled', 'Volume recycled');
  await unbindVolume(ctx, fresh);
}
