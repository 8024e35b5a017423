// The ReplicationController controller: the ReplicaSet controller's core, seeing RCs as an older ReplicaSet.
import { everythingSelector, labelSelectorFromObject, nothingSelector } from '../../meta/label-selector.js';
import type { KubeObject } from '../../meta/types.js';
import { ReplicaController, type ReplicaControllerOptions } from './replicaset.js';
import { specOf, type ReplicaKind } from './replicaset-kind.js';

/**
 * As upstream's conversion adapter turns an RC's map selector into matchLabels: no selector selects nothing, and an
 * empty map selects everything (validation refuses both, so neither reaches a stored RC in practice).
 */
function rcSelector(owner: KubeObject) {
  const selector = specOf(owner).selector as Record<string, string> | null | undefined;
  if (selector == null) return nothingSelector();
  if (Object.keys(selector).length === 0) return everythingSelector();
  return labelSelectorFromObject({ matchLabels: selector });
}

export const replicationControllerKind: ReplicaKind = {
  name: 'replicationcontroller',
  component: 'replication-controller',
  apiVersion: 'v1',
  resource: 'replicationcontrollers',
  kind: 'ReplicationController',
  selectorOf: rcSelector,
  reportsTerminatingReplicas: false,
};

export function replicationControllerController(options: ReplicaControllerOptions = {}): ReplicaController {
  return new ReplicaController(replicationControllerKind, options);
}
