// The apiextensions-apiserver's own controllers, which run whatever `--controllers` says (they are not kube-controller-manager's).
import type { Controller } from '../runtime/index.js';
import { crdAPIApprovalController, crdEstablishingController } from './crd-establishing.js';
import { crdFinalizerController } from './crd-finalizer.js';
import { crdNamingController } from './crd-naming.js';

export { crdAPIApprovalController, crdEstablishingController, crdFinalizerController, crdNamingController };

/** Naming, establishing, API approval and finalizer controllers, fresh for one cluster. */
export function apiExtensionsControllers(): Controller[] {
  return [crdNamingController(), crdEstablishingController(), crdAPIApprovalController(), crdFinalizerController()];
}
