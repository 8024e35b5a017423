// Upstream's syncClaim: find or wait for a volume for an unbound claim, keep a bound claim's binding healthy.
import type { KubeObject } from '../../meta/types.js';
import {
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_SELECTED_NODE,
  claimClass,
  claimKeyOf,
  claimRefKey,
  claimSpec,
  hasAnnotation,
  isPodTerminated,
  isVolumeBoundToClaim,
  podVolumeClaimName,
  podVolumes,
  volumeSpec,
} from '../shared/storage-helpers.js';
import { isDelayBindingMode, storageClassNamed, type BinderContext } from './binder-context.js';
import { assignDefaultStorageClass, bind, setClaimProvisioner, updateClaimStatus, updateClaimStatusWithEvent } from './binding-writes.js';
import { findBestMatchForClaim, volumeUnsuitableForClaim } from './volume-matching.js';

export async function syncClaim(ctx: BinderContext, claim: KubeObject): Promise<void> {
  if (!hasAnnotation(claim, ANN_BIND_COMPLETED)) await syncUnboundClaim(ctx, claim);
  else await syncBoundClaim(ctx, claim);
}

async function syncUnboundClaim(ctx: BinderContext, claim: KubeObject): Promise<void> {
  const volumeName = claimSpec(claim).volumeName ?? '';
  if (volumeName === '') {
    const delayBinding = isDelayBindingMode(ctx, claim);
    const volume = findBestMatchForClaim(claim, ctx.volumes.list(), delayBinding);
    if (volume) {
      await bind(ctx, volume, claim);
      return;
    }
    // The update brings the claim back through this sync with its new class.
    if (await assignDefaultStorageClass(ctx, claim)) return;
    if (delayBinding && !hasAnnotation(claim, ANN_SELECTED_NODE)) {
      emitEventForUnboundDelayBindingClaim(ctx, claim);
    } else if (claimClass(claim) !== '') {
      // Provisioning updates the claim, which syncs it again; the binding happens once the volume exists.
      await provisionClaim(ctx, claim);
      return;
    } else {
      ctx.recorder.event(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
    }
    await updateClaimStatus(ctx, claim, 'Pending');
    return;
  }
  // The user asked for a specific volume.
  const volume = ctx.volumes.get(volumeName);
  if (!volume) {
    await updateClaimStatus(ctx, claim, 'Pending');
    return;
  }
  if (!volumeSpec(volume).claimRef) {
    const unsuitable = volumeUnsuitableForClaim(volume, claim);
    if (unsuitable) {
      ctx.recorder.event(claim, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${volume.metadata.name}": ${unsuitable}`);
      await updateClaimStatus(ctx, claim, 'Pending');
      return;
    }
    await bind(ctx, volume, claim);
    return;
  }
  if (isVolumeBoundToClaim(volume, claim)) {
    // Pre-bound to this claim (or bound by an earlier, interrupted bind): finish it.
    await bind(ctx, volume, claim);
    return;
  }
  ctx.recorder.event(claim, 'Warning', 'FailedBinding', `volume "${volume.metadata.name}" already bound to a different claim.`);
  if (!hasAnnotation(claim, ANN_BOUND_BY_CONTROLLER)) {
    // The user asked for a volume someone else has; wait for it.
    await updateClaimStatus(ctx, claim, 'Pending');
    return;
  }
  const holder = claimRefKey(volumeSpec(volume).claimRef!);
  throw new Error(`invalid binding of claim "${claimKeyOf(claim)}" to volume "${volumeName}": volume already claimed by "${holder}"`);
}

/** Lost is terminal: the claim's data is gone or belongs to another claim; the Warning says which. */
async function markLost(ctx: BinderContext, claim: KubeObject, reason: string, message: string): Promise<void> {
  await updateClaimStatusWithEvent(ctx, claim, 'Lost', undefined, 'Warning', reason, message);
}

async function syncBoundClaim(ctx: BinderContext, claim: KubeObject): Promise<void> {
  const volumeName = claimSpec(claim).volumeName ?? '';
  if (volumeName === '') {
    await markLost(ctx, claim, 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
    return;
  }
  const volume = ctx.volumes.get(volumeName);
  if (!volume) {
    await markLost(ctx, claim, 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
    return;
  }
  const ref = volumeSpec(volume).claimRef;
  if (!ref || ref.uid === claim.metadata.uid) {
    // Unbound volume (or a volume update not seen yet), or all is well: bind() only writes what is missing.
    await bind(ctx, volume, claim);
    return;
  }
  await markLost(ctx, claim, 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
}

/**
 * Upstream's emitEventForUnboundDelayBindingClaim: WaitForFirstConsumer, or WaitForPodScheduled naming the pods that
 * use the claim but are not scheduled yet.
 */
function emitEventForUnboundDelayBindingClaim(ctx: BinderContext, claim: KubeObject): void {
  const waiting = ctx.pods
    .list()
    .filter((pod) => pod.metadata.namespace === claim.metadata.namespace && !isPodTerminated(pod))
    .filter((pod) => !(pod.spec as { nodeName?: string } | undefined)?.nodeName)
    .filter((pod) => podVolumes(pod).some((v) => podVolumeClaimName(pod, v) === claim.metadata.name))
    .map((pod) => pod.metadata.name ?? '');
  if (waiting.length === 0) {
    ctx.recorder.event(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
  } else if (waiting.length === 1) {
    ctx.recorder.event(claim, 'Normal', 'WaitForPodScheduled', `waiting for pod ${waiting[0]} to be scheduled`);
  } else {
    ctx.recorder.event(claim, 'Normal', 'WaitForPodScheduled', `waiting for pods ${waiting.join(',')} to be scheduled`);
  }
}

/**
 * Upstream's provisionClaim. kube-controller-manager has no in-tree provisioner a cluster like this one could use, so
 * every class is provisioned externally: the claim is annotated for its provisioner, which creates the volume.
 */
async function provisionClaim(ctx: BinderContext, claim: KubeObject): Promise<void> {
  const className = claimClass(claim);
  const storageClass = storageClassNamed(ctx, className);
  if (!storageClass) {
    ctx.recorder.event(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
    return;
  }
  const provisioner = storageClass.provisioner ?? '';
  if (provisioner.startsWith('kubernetes.io/')) {
    // An in-tree plugin name: none of them can provision here (kubernetes.io/no-provisioner says so on purpose).
    ctx.recorder.event(claim, 'Warning', 'ProvisioningFailed', `no volume plugin matched name: ${provisioner}`);
    return;
  }
  const annotated = await setClaimProvisioner(ctx, claim, provisioner);
  ctx.recorder.event(
    annotated,
    'Normal',
    'ExternalProvisioning',
    `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. ` +
      'If volume creation is delayed, please verify that the provisioner is running and correctly registered.',
  );
}
