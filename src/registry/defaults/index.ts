// The defaulter for each built-in resource, keyed "<group>/<resource>" (core group ""), plus the re-exports.
import type { KubeObject } from '../../meta/types.js';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from './apps.js';
import { defaultHorizontalPodAutoscaler } from './autoscaling.js';
import { defaultCronJob, defaultJob } from './batch.js';
import {
  defaultConfigMap,
  defaultEndpoints,
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultReplicationController,
  defaultResourceQuota,
  defaultSecret,
  defaultService,
  defaultServiceAccount,
} from './core.js';
import { defaultEndpointSlice, defaultPodDisruptionBudget, defaultPriorityClass, defaultStorageClass } from './misc.js';
import { defaultIngress, defaultIngressClass, defaultNetworkPolicy } from './networking.js';
import { defaultPod, defaultPodTemplate } from './pod.js';
import { defaultRole, defaultRoleBinding } from './rbac.js';

export type Defaulter = (obj: KubeObject) => void;

/**
 * What the apiserver's defaulting does to each resource on create and update (and on every read from etcd, so
 * running a defaulter again on a stored object is safe: they are all idempotent). Resources whose upstream
 * defaulting has no visible effect map to a no-op so callers can wire every resource the same way.
 */
export const defaulters: Readonly<Record<string, Defaulter>> = {
  '/pods': defaultPod,
  '/podtemplates': defaultPodTemplate,
  '/replicationcontrollers': defaultReplicationController,
  '/services': defaultService,
  '/endpoints': defaultEndpoints,
  '/persistentvolumeclaims': defaultPersistentVolumeClaim,
  '/persistentvolumes': defaultPersistentVolume,
  '/namespaces': defaultNamespace,
  '/secrets': defaultSecret,
  '/configmaps': defaultConfigMap,
  '/nodes': defaultNode,
  '/serviceaccounts': defaultServiceAccount,
  '/limitranges': defaultLimitRange,
  '/resourcequotas': defaultResourceQuota,
  'apps/deployments': defaultDeployment,
  'apps/replicasets': defaultReplicaSet,
  'apps/statefulsets': defaultStatefulSet,
  'apps/daemonsets': defaultDaemonSet,
  'batch/jobs': defaultJob,
  'batch/cronjobs': defaultCronJob,
  'autoscaling/horizontalpodautoscalers': defaultHorizontalPodAutoscaler,
  'networking.k8s.io/networkpolicies': defaultNetworkPolicy,
  'networking.k8s.io/ingresses': defaultIngress,
  'networking.k8s.io/ingressclasses': defaultIngressClass,
  'policy/poddisruptionbudgets': defaultPodDisruptionBudget,
  'rbac.authorization.k8s.io/roles': defaultRole,
  'rbac.authorization.k8s.io/clusterroles': defaultRole,
  'rbac.authorization.k8s.io/rolebindings': defaultRoleBinding,
  'rbac.authorization.k8s.io/clusterrolebindings': defaultRoleBinding,
  'discovery.k8s.io/endpointslices': defaultEndpointSlice,
  'storage.k8s.io/storageclasses': defaultStorageClass,
  'scheduling.k8s.io/priorityclasses': defaultPriorityClass,
};

/** The defaulter for a resource, or undefined when it has none registered (e.g. custom resources). */
export function defaulterFor(group: string, resource: string): Defaulter | undefined {
  return Object.hasOwn(defaulters, `${group}/${resource}`) ? defaulters[`${group}/${resource}`] : undefined;
}

export * from './apps.js';
export * from './autoscaling.js';
export * from './batch.js';
export * from './core.js';
export * from './image-pull-policy.js';
export * from './misc.js';
export * from './networking.js';
export * from './pod.js';
export * from './pod-admission.js';
export * from './rbac.js';
export * from './service-ip-families.js';
