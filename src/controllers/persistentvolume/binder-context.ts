// What every part of the PV controller works with: the client, its caches, its recorder, and its two kinds of keys.
import type { InProcessClient } from '../../client/client.js';
import type { KubeObject } from '../../meta/types.js';
import type { EventRecorder, SharedInformer } from '../runtime/index.js';
import { claimClass, type StorageClass } from '../shared/storage-helpers.js';

export interface BinderContext {
  client: InProcessClient;
  recorder: EventRecorder;
  volumes: SharedInformer;
  claims: SharedInformer;
  classes: SharedInformer;
  pods: SharedInformer;
  /** Upstream's claimQueue.Add: syncs the claim `namespace/name` soon, in this controller's single worker. */
  enqueueClaim(claimKey: string): void;
  enqueueVolume(name: string): void;
}

/** Queue keys: upstream has a claim queue and a volume queue; one queue with tagged keys keeps one worker for both. */
export const CLAIM_KEY_PREFIX = 'claim:';
export const VOLUME_KEY_PREFIX = 'volume:';

export function storageClassNamed(ctx: BinderContext, name: string): StorageClass | undefined {
  return ctx.classes.get(name) as StorageClass | undefined;
}

/**
 * Upstream's IsDelayBindingMode: the claim's class binds WaitForFirstConsumer. A missing class is not delayed; a
 * class without a mode cannot exist here (the apiserver defaults it), but is refused as upstream refuses it.
 */
export function isDelayBindingMode(ctx: BinderContext, pvc: KubeObject): boolean {
  const className = claimClass(pvc);
  if (className === '') return false;
  const sc = storageClassNamed(ctx, className);
  if (!sc) return false;
  if (!sc.volumeBindingMode) throw new Error(`VolumeBindingMode not set for StorageClass "${className}"`);
  return sc.volumeBindingMode === 'WaitForFirstConsumer';
}
