// The default controller set, in kube-controller-manager's names; `--controllers` turns each on or off.
import { kubeletController } from '../kubelet/kubelet.js';
import { nodeHeartbeat } from '../kubelet/node-heartbeat.js';
import { schedulerController } from '../scheduler/index.js';
import { clusterCACertificatePem } from '../tls/cluster-ca.js';
import { clusterRoleAggregationController } from './clusterrole-aggregation/clusterrole-aggregation.js';
import { cronJobController } from './cronjob/cronjob-controller.js';
import { daemonSetController } from './daemonset/daemonset.js';
import { deploymentController } from './deployment/deployment.js';
import { disruptionController } from './disruption/disruption.js';
import { endpointsController } from './endpoints/endpoints.js';
import { endpointSliceMirroringController } from './endpointslice/endpointslice-mirroring.js';
import { endpointSliceController } from './endpointslice/endpointslice.js';
import { garbageCollectorController } from './garbage-collector/garbage-collector.js';
import { ingressStatusController } from './ingress-status/ingress-status.js';
import { jobController } from './job/job-controller.js';
import { ttlAfterFinishedController } from './job/job-ttl.js';
import { localProvisionerController } from './local-provisioner/local-path-provisioner.js';
import { namespaceController } from './namespace/namespace.js';
import { nodeLifecycleController } from './node-lifecycle/node-lifecycle.js';
import { taintEvictionController } from './node-lifecycle/taint-eviction.js';
import { persistentVolumeBinderController } from './persistentvolume/persistentvolume-binder.js';
import { podGCController } from './podgc/podgc.js';
import { replicaSetController } from './replicaset/replicaset.js';
import { replicationControllerController } from './replicaset/replicationcontroller.js';
import { rootCACertPublisherController } from './namespace/root-ca-cert-publisher.js';
import type { Controller } from './runtime/index.js';
import { serviceLBController } from './service-lb/service-lb.js';
import { serviceAccountController } from './namespace/serviceaccount.js';
import { statefulSetController } from './statefulset/statefulset.js';
import { pvProtectionController } from './volume-protection/pv-protection.js';
import { pvcProtectionController } from './volume-protection/pvc-protection.js';

export interface DefaultControllerOptions {
  /** PEM of the cluster CA the root-ca-cert-publisher puts in every namespace's kube-root-ca.crt. */
  caCertificate?: () => Promise<string>;
}

export function defaultControllers(options: DefaultControllerOptions = {}): Controller[] {
  return [
    garbageCollectorController(),
    namespaceController(),
    serviceAccountController(),
    rootCACertPublisherController({ caCertificate: options.caCertificate ?? clusterCACertificatePem }),
    clusterRoleAggregationController(),
    deploymentController(),
    replicaSetController(),
    replicationControllerController(),
    statefulSetController(),
    daemonSetController(),
    jobController(),
    cronJobController(),
    ttlAfterFinishedController(),
    disruptionController(),
    endpointsController(),
    endpointSliceController(),
    endpointSliceMirroringController(),
    serviceLBController(),
    ingressStatusController(),
    schedulerController(),
    kubeletController(),
    nodeHeartbeat(),
    nodeLifecycleController(),
    taintEvictionController(),
    podGCController(),
    persistentVolumeBinderController(),
    pvcProtectionController(),
    pvProtectionController(),
    localProvisionerController(),
  ];
}
