// The default controller set, in kube-controller-manager's names; `--controllers` turns each on or off.
import { clusterCACertificatePem } from '../tls/cluster-ca.js';
import { cronJobController } from './cronjob/cronjob-controller.js';
import { daemonSetController } from './daemonset/daemonset.js';
import { deploymentController } from './deployment/deployment.js';
import { garbageCollectorController } from './garbage-collector/garbage-collector.js';
import { jobController } from './job/job-controller.js';
import { ttlAfterFinishedController } from './job/job-ttl.js';
import { namespaceController } from './namespace/namespace.js';
import { replicaSetController } from './replicaset/replicaset.js';
import { replicationControllerController } from './replicaset/replicationcontroller.js';
import { rootCACertPublisherController } from './namespace/root-ca-cert-publisher.js';
import type { Controller } from './runtime/index.js';
import { serviceAccountController } from './namespace/serviceaccount.js';
import { statefulSetController } from './statefulset/statefulset.js';

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
    deploymentController(),
    replicaSetController(),
    replicationControllerController(),
    statefulSetController(),
    daemonSetController(),
    jobController(),
    cronJobController(),
    ttlAfterFinishedController(),
  ];
}
