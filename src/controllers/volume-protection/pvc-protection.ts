// The PVC protection controller (`persistentvolumeclaim-protection`): a deleted claim goes once no scheduled pod uses it.
import type { KubeObject } from '../../meta/types.js';
import type { Controller, ControllerContext, ReconcileResult, SharedInformer } from '../runtime/index.js';
import { controllerOf } from '../runtime/index.js';
import { isPodTerminated, podVolumes, PVC_PROTECTION_FINALIZER } from '../shared/storage-helpers.js';
import { isDeletionCandidate, needToAddFinalizer, setFinalizer } from './protection-util.js';

/**
 * Upstream's podIsShutDown: deleted with a zero grace period (the kubelet is done with it, or it was force-deleted).
 * Such a pod no longer holds its generic ephemeral claims, which breaks a pod-finalizer / claim-finalizer cycle.
 */
function podIsShutDown(pod: KubeObject): boolean {
  return !!pod.metadata.deletionTimestamp && pod.metadata.deletionGracePeriodSeconds === 0;
}

/**
 * Upstream's podUsesPVC. Only scheduled pods count (the kubelet will not start a pod on a claim being deleted), and
 * a scheduled pod counts whatever its phase: a Completed pod still holds its claims until the pod itself is gone.
 */
export function podUsesClaim(pod: KubeObject, pvc: KubeObject): boolean {
  if (pod.metadata.namespace !== pvc.metadata.namespace) return false;
  if (!(pod.spec as { nodeName?: string } | undefined)?.nodeName) return false;
  return podVolumes(pod).some((volume) => {
    if (volume.persistentVolumeClaim) return volume.persistentVolumeClaim.claimName === pvc.metadata.name;
    if (!volume.ephemeral || podIsShutDown(pod)) return false;
    // A generic ephemeral volume's claim is `<pod>-<volume>`, and only when that pod owns it.
    return `${pod.metadata.name}-${volume.name}` === pvc.metadata.name && controllerOf(pvc)?.uid === pod.metadata.uid;
  });
}

/** The claims a pod's volumes name, as `namespace/name` keys. */
function claimKeysOf(pod: KubeObject): string[] {
  return podVolumes(pod).flatMap((volume) => {
    if (volume.persistentVolumeClaim?.claimName) return [`${pod.metadata.namespace}/${volume.persistentVolumeClaim.claimName}`];
    if (volume.ephemeral) return [`${pod.metadata.namespace}/${pod.metadata.name}-${volume.name}`];
    return [];
  });
}

export function pvcProtectionController(): Controller {
  let claims: SharedInformer;
  let pods: SharedInformer;
  let client: ControllerContext['client'];

  /** Upstream's isBeingUsed: the pod cache first, then a live list, so a pod the cache lacks cannot be missed. */
  async function isBeingUsed(pvc: KubeObject): Promise<boolean> {
    if (pods.list().some((pod) => podUsesClaim(pod, pvc))) return true;
    const live = await client.list('v1', 'pods', pvc.metadata.namespace);
    return live.items.some((pod) => podUsesClaim(pod, pvc));
  }

  return {
    name: 'persistentvolumeclaim-protection',
    component: 'persistentvolumeclaim-protection-controller',
    start(ctx: ControllerContext): void {
      client = ctx.client;
      claims = ctx.informers.informerFor('v1', 'persistentvolumeclaims');
      pods = ctx.informers.informerFor('v1', 'pods');
      const enqueueClaim = (pvc: KubeObject) => {
        if (needToAddFinalizer(pvc, PVC_PROTECTION_FINALIZER) || isDeletionCandidate(pvc, PVC_PROTECTION_FINALIZER)) ctx.enqueue(pvc);
      };
      // Only pods that may have stopped holding their claims matter: deleted, terminated or never scheduled.
      const enqueuePodClaims = (pod: KubeObject, deleted: boolean) => {
        const scheduled = !!(pod.spec as { nodeName?: string } | undefined)?.nodeName;
        if (!deleted && !isPodTerminated(pod) && scheduled) return;
        for (const key of claimKeysOf(pod)) ctx.queue.add(key);
      };
      claims.addEventHandler({ onAdd: enqueueClaim, onUpdate: (_old, pvc) => enqueueClaim(pvc) });
      pods.addEventHandler({
        onAdd: (pod) => enqueuePodClaims(pod, false),
        onUpdate: (old, pod) => {
          enqueuePodClaims(pod, false);
          // An update can hide a delete and re-create under the same name: the old pod's claims may be free now.
          if (old.metadata.uid !== pod.metadata.uid) enqueuePodClaims(old, true);
        },
        onDelete: (pod) => enqueuePodClaims(pod, true),
      });
    },
    async reconcile(key: string): Promise<ReconcileResult> {
      const pvc = claims.get(key);
      if (!pvc) return;
      if (isDeletionCandidate(pvc, PVC_PROTECTION_FINALIZER)) {
        if (!(await isBeingUsed(pvc))) await setFinalizer(client, 'persistentvolumeclaims', pvc, PVC_PROTECTION_FINALIZER, false);
        return;
      }
      // Admission adds it on create; this covers claims created before it did.
      if (needToAddFinalizer(pvc, PVC_PROTECTION_FINALIZER)) await setFinalizer(client, 'persistentvolumeclaims', pvc, PVC_PROTECTION_FINALIZER, true);
    },
  };
}
