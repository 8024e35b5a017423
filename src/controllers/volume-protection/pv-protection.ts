// The PV protection controller (`persistentvolume-protection`): a deleted PV goes only once it is no longer Bound.
import type { KubeObject } from '../../meta/types.js';
import type { Controller, ControllerContext, ReconcileResult, SharedInformer } from '../runtime/index.js';
import { PV_PROTECTION_FINALIZER, volumeStatus } from '../shared/storage-helpers.js';
import { isDeletionCandidate, needToAddFinalizer, setFinalizer } from './protection-util.js';

export function pvProtectionController(): Controller {
  let volumes: SharedInformer;
  let client: ControllerContext['client'];
  return {
    name: 'persistentvolume-protection',
    component: 'persistentvolume-protection-controller',
    start(ctx: ControllerContext): void {
      client = ctx.client;
      volumes = ctx.informers.informerFor('v1', 'persistentvolumes');
      const enqueue = (pv: KubeObject) => {
        if (needToAddFinalizer(pv, PV_PROTECTION_FINALIZER) || isDeletionCandidate(pv, PV_PROTECTION_FINALIZER)) ctx.enqueue(pv);
      };
      volumes.addEventHandler({ onAdd: enqueue, onUpdate: (_old, pv) => enqueue(pv) });
    },
    async reconcile(key: string): Promise<ReconcileResult> {
      const pv = volumes.get(key);
      if (!pv) return;
      // Upstream's isBeingUsed: the PV controller's phase says whether a claim holds it.
      if (isDeletionCandidate(pv, PV_PROTECTION_FINALIZER) && volumeStatus(pv).phase !== 'Bound') {
        await setFinalizer(client, 'persistentvolumes', pv, PV_PROTECTION_FINALIZER, false);
      } else if (needToAddFinalizer(pv, PV_PROTECTION_FINALIZER)) {
        await setFinalizer(client, 'persistentvolumes', pv, PV_PROTECTION_FINALIZER, true);
      }
    },
  };
}
