// kind's storage provisioner (`local-path-provisioner`): sig-storage-lib-external-provisioner running local-path.
import { randomUUID } from 'node:crypto';
import type { InProcessClient } from '../../client/client.js';
import type { KubeObject } from '../../meta/types.js';
import type { Controller, ControllerContext, EventRecorder, ReconcileResult, SharedInformer } from '../runtime/index.js';
import { errorCode, messageOf } from '../shared/api-errors.js';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_DYNAMICALLY_PROVISIONED,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  claimClass,
  claimKeyOf,
  claimReference,
  claimSpec,
  volumeSpec,
  volumeStatus,
  type StorageClass,
} from '../shared/storage-helpers.js';
import { LOCAL_PATH_PROVISIONER } from './default-storage-class.js';
import { localPathOf, provisionLocalPathVolume } from './local-path-volume.js';

// The library's defaults as local-path runs it: retries back off from 15 s to 1000 s and stop after 15 failures,
// until the informers' 15-minute resync brings the object back.
const RETRY_START_MS = 15_000;
const RETRY_MAX_MS = 1_000_000;
const FAILURE_THRESHOLD = 15;
const RESYNC_MS = 15 * 60_000;

const CLAIM_KEY_PREFIX = 'claim:';
const VOLUME_KEY_PREFIX = 'volume:';

interface Provisioner {
  client: InProcessClient;
  recorder: EventRecorder;
  claims: SharedInformer;
  volumes: SharedInformer;
  classes: SharedInformer;
}

/** The outcome of one sync: done, or failed and to be retried with backoff. */
type SyncOutcome = 'done' | 'retry';

export function localProvisionerController(): Controller {
  let p: Provisioner;
  const failures = new Map<string, number>();
  const retryLater = (key: string): ReconcileResult => {
    const count = (failures.get(key) ?? 0) + 1;
    if (count >= FAILURE_THRESHOLD) {
      failures.delete(key);
      return { requeueAfter: RESYNC_MS };
    }
    failures.set(key, count);
    return { requeueAfter: Math.min(RETRY_START_MS * 2 ** (count - 1), RETRY_MAX_MS) };
  };
  return {
    name: 'local-path-provisioner',
    // The library names its event source `<provisioner>_<hostname>_<uuid>`; the pod's name stands for the hostname.
    component: `${LOCAL_PATH_PROVISIONER}_local-path-provisioner_${randomUUID()}`,
    start(ctx: ControllerContext): void {
      p = {
        client: ctx.client,
        recorder: ctx.recorder,
        claims: ctx.informers.informerFor('v1', 'persistentvolumeclaims'),
        volumes: ctx.informers.informerFor('v1', 'persistentvolumes'),
        classes: ctx.informers.informerFor('storage.k8s.io/v1', 'storageclasses'),
      };
      const enqueueClaim = (pvc: KubeObject) => ctx.queue.add(CLAIM_KEY_PREFIX + claimKeyOf(pvc));
      const enqueueVolume = (pv: KubeObject) => ctx.queue.add(VOLUME_KEY_PREFIX + (pv.metadata.name ?? ''));
      p.claims.addEventHandler({ onAdd: enqueueClaim, onUpdate: (_old, pvc) => enqueueClaim(pvc) });
      p.volumes.addEventHandler({ onAdd: enqueueVolume, onUpdate: (_old, pv) => enqueueVolume(pv) });
    },
    async reconcile(key: string): Promise<ReconcileResult> {
      let outcome: SyncOutcome = 'done';
      try {
        if (key.startsWith(CLAIM_KEY_PREFIX)) {
          const claim = p.claims.get(key.slice(CLAIM_KEY_PREFIX.length));
          if (claim) outcome = await syncClaim(p, claim);
        } else {
          const volume = p.volumes.get(key.slice(VOLUME_KEY_PREFIX.length));
          if (volume) outcome = await syncVolume(p, volume);
        }
      } catch (err) {
        if (errorCode(err) !== 409 && errorCode(err) !== 404) throw err;
        outcome = 'retry';
      }
      if (outcome === 'retry') return retryLater(key);
      failures.delete(key);
    },
  };
}

/** The provisioner a claim asks for (set by the PV controller), under either annotation key. */
function askedProvisioner(claim: KubeObject): string | undefined {
  const annotations = claim.metadata.annotations ?? {};
  return annotations[ANN_STORAGE_PROVISIONER] ?? annotations[ANN_BETA_STORAGE_PROVISIONER];
}

/** The library's shouldProvision: asked to by the PV controller, not bound yet, and for WaitForFirstConsumer placed. */
function shouldProvision(claim: KubeObject, storageClass: StorageClass): boolean {
  if (claimSpec(claim).volumeName || askedProvisioner(claim) !== LOCAL_PATH_PROVISIONER) return false;
  if (storageClass.volumeBindingMode === 'WaitForFirstConsumer') return !!claim.metadata.annotations?.[ANN_SELECTED_NODE];
  return true;
}

/** The library's rescheduleProvisioning: dropping the selected node asks the scheduler to pick another. */
async function reschedule(p: Provisioner, claim: KubeObject): Promise<void> {
  const clone = structuredClone(claim);
  const annotations = { ...clone.metadata.annotations };
  delete annotations[ANN_SELECTED_NODE];
  clone.metadata.annotations = annotations;
  await p.client.update('v1', 'persistentvolumeclaims', clone.metadata.namespace, clone);
}

/** The library's provisionClaimOperation around local-path's Provision. */
async function syncClaim(p: Provisioner, claim: KubeObject): Promise<SyncOutcome> {
  const className = claimClass(claim);
  const storageClass = p.classes.get(className) as StorageClass | undefined;
  // A claim meant for this provisioner whose class is missing is retried: the class may be created later.
  if (!storageClass) return askedProvisioner(claim) === LOCAL_PATH_PROVISIONER && !claimSpec(claim).volumeName ? 'retry' : 'done';
  if (!shouldProvision(claim, storageClass)) return 'done';
  const pvName = `pvc-${claim.metadata.uid}`;
  if (p.volumes.get(pvName)) return 'done';
  if (claimSpec(claim).volumeMode === 'Block') {
    p.recorder.event(claim, 'Warning', 'ProvisioningFailed', `${LOCAL_PATH_PROVISIONER} does not support block volume provisioning`);
    return 'done';
  }
  if (storageClass.provisioner !== LOCAL_PATH_PROVISIONER) return 'done';
  let node: KubeObject | undefined;
  const nodeName = claim.metadata.annotations?.[ANN_SELECTED_NODE];
  if (nodeName) {
    try {
      node = await p.client.get('v1', 'nodes', undefined, nodeName);
    } catch (err) {
      p.recorder.event(claim, 'Warning', 'ProvisioningFailed', messageOf(err));
      if (errorCode(err) !== 404) return 'retry';
      await reschedule(p, claim);
      return 'done';
    }
  }
  p.recorder.event(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${claimKeyOf(claim)}"`);
  const result = provisionLocalPathVolume(claim, storageClass, pvName, node);
  if ('error' in result) {
    p.recorder.event(claim, 'Warning', 'ProvisioningFailed', result.error);
    return 'retry';
  }
  const volume = result.volume;
  // The claimRef (with the uid) makes the PV controller bind this volume to the claim and nothing else.
  volume.spec = { ...volume.spec!, claimRef: claimReference(claim), storageClassName: className };
  volume.metadata.annotations = { ...volume.metadata.annotations, [ANN_DYNAMICALLY_PROVISIONED]: storageClass.provisioner };
  try {
    await p.client.create('v1', 'persistentvolumes', undefined, volume);
  } catch (err) {
    if (errorCode(err) !== 409) throw err;
  }
  p.recorder.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
  return 'done';
}

/** The library's shouldDelete and deleteVolumeOperation: a released volume it provisioned goes with Delete. */
async function syncVolume(p: Provisioner, volume: KubeObject): Promise<SyncOutcome> {
  if (volume.metadata.annotations?.[ANN_DYNAMICALLY_PROVISIONED] !== LOCAL_PATH_PROVISIONER) return 'done';
  if (volume.metadata.deletionTimestamp) return 'done';
  if (volumeStatus(volume).phase !== 'Released' || volumeSpec(volume).persistentVolumeReclaimPolicy !== 'Delete') return 'done';
  const location = localPathOf(volume);
  if ('error' in location) {
    p.recorder.event(volume, 'Warning', 'VolumeFailedDelete', location.error);
    return 'retry';
  }
  // The helper pod that would remove the directory is not run (local-path skips it too when the node is gone).
  try {
    await p.client.delete('v1', 'persistentvolumes', undefined, volume.metadata.name ?? '');
  } catch (err) {
    if (errorCode(err) !== 404) throw err;
  }
  return 'done';
}
