// The default controller set, in kube-controller-manager's names; `--controllers` turns each on or off.
import { clusterCACertificatePem } from '../tls/cluster-ca.js';
import { cronJobController } from './cronjob-controller.js';
import { daemonSetController } from './daemonset.js';
import { deploymentController } from './deployment.js';
import { garbageCollectorController } from './garbage-collector.js';
import { jobController } from './job-controller.js';
import { ttlAfterFinishedController } from './job-ttl.js';
import { namespaceController } from './namespace.js';
import { replicaSetController } from './replicaset.js';
import { replicationControllerController } from './replicationcontroller.js';
import { rootCACertPublisherController } from './root-ca-cert-publisher.js';
import type { Controller } from './runtime/index.js';
import { serviceAccountController } from './serviceaccount.js';
import { statefulSetController } from './statefulset.js';

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
