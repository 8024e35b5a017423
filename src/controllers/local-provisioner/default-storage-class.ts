// The cluster's default StorageClass, as kind installs it: `standard`, served by the local-path provisioner.
import type { KubeObject } from '../../meta/types.js';

/**
 * kind's provisioner name. Keeping it (rather than a kubefake name) means manifests, charts and assertions written
 * against kind see the same class, the same PV annotations and the same Event texts here.
 */
export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';

/**
 * kind's default class (pkg/build/nodeimage/const_storage.go): WaitForFirstConsumer, so a claim is provisioned on
 * the node its first pod is scheduled to, and Delete, so the volume goes with its claim.
 */
export function defaultStorageClass(): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: LOCAL_PATH_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}
