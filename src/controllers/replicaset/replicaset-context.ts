// The state one replica controller instance shares between its informer handlers, its sync and its helpers.
import type { LabelSelector } from '../../meta/label-selector.js';
import type { KubeObject } from '../../meta/types.js';
import { controllerOf, type ControllerContext } from '../runtime/controller.js';
import type { UIDTrackingControllerExpectations } from '../runtime/expectations.js';
import type { SharedInformer } from '../runtime/informer.js';
import type { ReplicaKind } from './replicaset-kind.js';

export interface ReplicaContext {
  kind: ReplicaKind;
  ctx: ControllerContext;
  /** The ReplicaSets (or ReplicationControllers) cache. */
  owners: SharedInformer;
  pods: SharedInformer;
  expectations: UIDTrackingControllerExpectations;
  /** Creates or deletes at most this many pods per sync (upstream's BurstReplicas). */
  burstReplicas: number;
}

/** The owner with apiVersion and kind set, as Events and ownerReferences need them whatever the cache holds. */
export function withTypeMeta(rc: ReplicaContext, owner: KubeObject): KubeObject {
  return { ...owner, apiVersion: rc.kind.apiVersion, kind: rc.kind.kind };
}

/** The selector, or undefined when it cannot be converted (such an owner selects nothing). */
export function selectorOrUndefined(rc: ReplicaContext, owner: KubeObject): LabelSelector | undefined {
  try {
    return rc.kind.selectorOf(owner);
  } catch {
    return undefined;
  }
}

/** resolveControllerRef: the cached owner a controllerRef names, if it is of our kind and still the same object. */
export function resolveControllerRef(rc: ReplicaContext, namespace: string | undefined, ref: { kind: string; name: string; uid: string }): KubeObject | undefined {
  if (ref.kind !== rc.kind.kind) return undefined;
  const owner = rc.owners.get(namespace ? `${namespace}/${ref.name}` : ref.name);
  return owner && owner.metadata.uid === ref.uid ? owner : undefined;
}

/** metav1.IsControlledBy. */
export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  return controllerOf(obj)?.uid === owner.metadata.uid;
}

/** controller.PodKey. */
export function podKeyOf(pod: KubeObject): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
}
