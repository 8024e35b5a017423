// The scheduler's listers over shared informers: namespaces, services, controllers and storage, read by plugins.
import type { InformerFactory, SharedInformer } from '../controllers/runtime/index.js';
import type { KubeObject } from '../meta/types.js';
import type { ClusterListers } from './framework.js';

export interface ListerInformers {
  namespaces: SharedInformer;
  services: SharedInformer;
  replicationControllers: SharedInformer;
  replicaSets: SharedInformer;
  statefulSets: SharedInformer;
  persistentVolumeClaims: SharedInformer;
  persistentVolumes: SharedInformer;
  storageClasses: SharedInformer;
  podDisruptionBudgets: SharedInformer;
}

export function listerInformers(factory: InformerFactory): ListerInformers {
  return {
    namespaces: factory.informerFor('v1', 'namespaces'),
    services: factory.informerFor('v1', 'services'),
    replicationControllers: factory.informerFor('v1', 'replicationcontrollers'),
    replicaSets: factory.informerFor('apps/v1', 'replicasets'),
    statefulSets: factory.informerFor('apps/v1', 'statefulsets'),
    persistentVolumeClaims: factory.informerFor('v1', 'persistentvolumeclaims'),
    persistentVolumes: factory.informerFor('v1', 'persistentvolumes'),
    storageClasses: factory.informerFor('storage.k8s.io/v1', 'storageclasses'),
    podDisruptionBudgets: factory.informerFor('policy/v1', 'poddisruptionbudgets'),
  };
}

export function informerListers(inf: ListerInformers): ClusterListers {
  return {
    namespaceLabels: (namespace) => inf.namespaces.get(namespace)?.metadata.labels ?? (inf.namespaces.get(namespace) ? {} : undefined),
    allNamespaceLabels: () => new Map(inf.namespaces.list().map((ns) => [ns.metadata.name ?? '', ns.metadata.labels ?? {}])),
    services: (namespace) => inf.services.list().filter((s) => s.metadata.namespace === namespace),
    controllerOf(namespace, _apiVersion, kind, name) {
      const informer = kind === 'ReplicationController' ? inf.replicationControllers : kind === 'ReplicaSet' ? inf.replicaSets : kind === 'StatefulSet' ? inf.statefulSets : undefined;
      return informer?.get(`${namespace}/${name}`);
    },
    persistentVolumeClaim: (namespace, name) => inf.persistentVolumeClaims.get(`${namespace}/${name}`),
    persistentVolume: (name) => (name ? inf.persistentVolumes.get(name) : undefined),
    persistentVolumes: () => inf.persistentVolumes.list().sort(byName),
    storageClass: (name) => inf.storageClasses.get(name),
  };
}

function byName(a: KubeObject, b: KubeObject): number {
  const x = a.metadata.name ?? '';
  const y = b.metadata.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}
