// The default controller set, in kube-controller-manager's names; `--controllers` turns each on or off.
import { replicaSetController } from './replicaset.js';
import { replicationControllerController } from './replicationcontroller.js';
import type { Controller } from './runtime/index.js';

export interface DefaultControllerOptions {
  /** PEM of the cluster CA the root-ca-cert-publisher puts in every namespace's kube-root-ca.crt. */
  caCertificate?: () => Promise<string>;
}

export function defaultControllers(_options: DefaultControllerOptions = {}): Controller[] {
  return [replicaSetController(), replicationControllerController()];
}
