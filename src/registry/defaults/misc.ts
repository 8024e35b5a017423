// Defaulting for the smaller groups: policy, discovery.k8s.io, storage.k8s.io and scheduling.k8s.io.
import type { KubeObject } from '../../meta/types.js';
import { eachObject, setIfUnset } from './util.js';

/** policy/v1 PodDisruptionBudgets have no defaults (unhealthyPodEvictionPolicy stays unset when omitted). */
export function defaultPodDisruptionBudget(_obj: KubeObject): void {}

/** Defaults an EndpointSlice: each port's name is "" and protocol TCP when unset. */
export function defaultEndpointSlice(obj: KubeObject): void {
  eachObject(obj, 'ports', (port) => {
    setIfUnset(port, 'name', '');
    setIfUnset(port, 'protocol', 'TCP');
  });
}

/** Defaults a StorageClass: volumes are deleted with their claims and bound immediately. */
export function defaultStorageClass(obj: KubeObject): void {
  setIfUnset(obj, 'reclaimPolicy', 'Delete');
  setIfUnset(obj, 'volumeBindingMode', 'Immediate');
}

/** Defaults a PriorityClass: pods of the class may preempt lower-priority pods. */
export function defaultPriorityClass(obj: KubeObject): void {
  setIfUnset(obj, 'preemptionPolicy', 'PreemptLowerPriority');
}
