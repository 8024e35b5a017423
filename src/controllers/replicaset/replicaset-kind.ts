// What the shared replica controller needs to know about the kind it manages: ReplicaSet here, RC in its own file.
import type { KubeObject } from '../../meta/types.js';
import { labelSelectorFromObject, type LabelSelector, type LabelSelectorObject } from '../../meta/label-selector.js';

/**
 * Upstream runs one ReplicaSetController for both kinds, feeding it ReplicationControllers through a conversion
 * adapter; this descriptor plays the adapter's part.
 */
export interface ReplicaKind {
  /** The `--controllers` name. */
  name: string;
  /** The Events' `source.component`. */
  component: string;
  apiVersion: string;
  resource: string;
  kind: string;
  /** The pod selector as labels.Selector; throws (400) when the stored selector cannot be converted. */
  selectorOf(owner: KubeObject): LabelSelector;
  /** ReplicaSetControllerFeatures.EnableStatusTerminatingReplicas: RC status has no terminatingReplicas field. */
  reportsTerminatingReplicas: boolean;
}

export interface ReplicaSpec {
  replicas?: number;
  minReadySeconds?: number;
  selector?: unknown;
  template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] }; spec?: Record<string, unknown> };
}

export function specOf(owner: KubeObject): ReplicaSpec {
  return (owner.spec ?? {}) as ReplicaSpec;
}

/** spec.replicas is defaulted to 1 by the apiserver; the fallback only guards objects that skipped defaulting. */
export function desiredReplicas(owner: KubeObject): number {
  return specOf(owner).replicas ?? 1;
}

export function minReadySecondsOf(owner: KubeObject): number {
  return specOf(owner).minReadySeconds ?? 0;
}

export const replicaSetKind: ReplicaKind = {
  name: 'replicaset',
  component: 'replicaset-controller',
  apiVersion: 'apps/v1',
  resource: 'replicasets',
  kind: 'ReplicaSet',
  selectorOf: (owner) => labelSelectorFromObject(specOf(owner).selector as LabelSelectorObject | null | undefined),
  reportsTerminatingReplicas: true,
};
