// The PersistentVolume controller (`persistentvolume-binder`): binds claims to volumes, asks provisioners, reclaims.
import type { KubeObject } from '../../meta/types.js';
import type { Controller, ControllerContext, ReconcileResult } from '../runtime/index.js';
import { errorCode } from '../shared/api-errors.js';
import { claimKeyOf, claimRefKey, claimSpec, volumeSpec } from '../shared/storage-helpers.js';
import { CLAIM_KEY_PREFIX, VOLUME_KEY_PREFIX, type BinderContext } from './binder-context.js';
import { syncClaim } from './claim-sync.js';
import { syncVolume } from './volume-sync.js';

/**
 * kube-controller-manager's --pvclaimbinder-sync-period: every claim and volume is synced again this often, which
 * is how a claim notices a matching volume created after it (volume events do not wake unbound claims upstream).
 */
export const PV_SYNC_PERIOD_MS = 15_000;

export function persistentVolumeBinderController(): Controller {
  let binder: BinderContext;
  return {
    name: 'persistentvolume-binder',
    component: 'persistentvolume-controller',
    start(ctx: ControllerContext): void {
      const enqueueClaim = (claimKey: string) => ctx.queue.add(CLAIM_KEY_PREFIX + claimKey);
      const enqueueVolume = (name: string) => ctx.queue.add(VOLUME_KEY_PREFIX + name);
      binder = {
        client: ctx.client,
        recorder: ctx.recorder,
        volumes: ctx.informers.informerFor('v1', 'persistentvolumes'),
        claims: ctx.informers.informerFor('v1', 'persistentvolumeclaims'),
        classes: ctx.informers.informerFor('storage.k8s.io/v1', 'storageclasses'),
        pods: ctx.informers.informerFor('v1', 'pods'),
        enqueueClaim,
        enqueueVolume,
      };
      const volumeName = (pv: KubeObject) => pv.metadata.name ?? '';
      binder.volumes.addEventHandler({
        onAdd: (pv) => enqueueVolume(volumeName(pv)),
        onUpdate: (_old, pv) => enqueueVolume(volumeName(pv)),
        // Upstream's deleteVolume: the claim learns at once that its volume is gone (it becomes Lost).
        onDelete: (pv) => {
          const ref = volumeSpec(pv).claimRef;
          if (ref) enqueueClaim(claimRefKey(ref));
        },
      });
      // Upstream's resync: one timer for all keys (per-key timers would make advance() stop at every one of them).
      const resync = ctx.clock.every(PV_SYNC_PERIOD_MS, () => {
        if (ctx.queue.isShuttingDown()) {
          resync.cancel();
          return;
        }
        for (const pvc of binder.claims.list()) enqueueClaim(claimKeyOf(pvc));
        for (const pv of binder.volumes.list()) enqueueVolume(volumeName(pv));
      });
      binder.claims.addEventHandler({
        onAdd: (pvc) => enqueueClaim(claimKeyOf(pvc)),
        onUpdate: (_old, pvc) => enqueueClaim(claimKeyOf(pvc)),
        // Upstream's deleteClaim: the volume is released without waiting for the next periodic sync.
        onDelete: (pvc) => {
          const bound = claimSpec(pvc).volumeName;
          if (bound) enqueueVolume(bound);
        },
      });
    },
    async reconcile(key: string): Promise<ReconcileResult> {
      try {
        if (key.startsWith(CLAIM_KEY_PREFIX)) {
          const claim = binder.claims.get(key.slice(CLAIM_KEY_PREFIX.length));
          if (!claim) return;
          await syncClaim(binder, structuredClone(claim));
        } else if (key.startsWith(VOLUME_KEY_PREFIX)) {
          const volume = binder.volumes.get(key.slice(VOLUME_KEY_PREFIX.length));
          if (!volume) return;
          await syncVolume(binder, structuredClone(volume));
        }
      } catch (err) {
        // Upstream logs these and leaves the retry to the periodic sync: a conflict means someone else wrote, and
        // that write's event brings the object back here anyway; a 404 means it is gone.
        if (errorCode(err) !== 409 && errorCode(err) !== 404) throw err;
      }
    },
  };
}
