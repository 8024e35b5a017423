// core/v1 defaulting for everything but pods: services, volumes and claims, namespaces, secrets, nodes and more.
import { Buffer } from 'node:buffer';
import type { KubeObject } from '../../meta/types.js';
import { isPlainObject } from '../../meta/types.js';
import { defaultPersistentVolumeClaimSpec, defaultPodTemplateSpec, defaultSharedVolumeSources } from './pod.js';
import {
  type Json,
  eachObject,
  ensureObject,
  hasEntries,
  isUnset,
  objectAt,
  setIfEmptyString,
  setIfUnset,
  specOf,
  statusOf,
} from './util.js';

/** Seconds of ClientIP session stickiness when sessionAffinityConfig leaves it out (3 hours). */
const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;

/**
 * Defaults a ReplicationController. Unlike apps/v1, core/v1 copies the template's labels into an empty selector
 * and into empty object labels (as copies: the RC strategy never edits them in place, so sharing is unobservable).
 */
export function defaultReplicationController(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!spec) return;
  const template = objectAt(spec, 'template');
  const templateMeta = template ? objectAt(template, 'metadata') : undefined;
  const labels = templateMeta?.labels;
  if (hasEntries(labels)) {
    if (isUnset(spec.selector) || (isPlainObject(spec.selector) && !hasEntries(spec.selector))) {
      spec.selector = { ...labels };
    }
    const metadata: unknown = obj.metadata;
    if (isPlainObject(metadata) && (isUnset(metadata.labels) || (isPlainObject(metadata.labels) && !hasEntries(metadata.labels)))) {
      metadata.labels = { ...labels };
    }
  }
  setIfUnset(spec, 'replicas', 1);
  // The template is a pointer here: an RC without one gets no pod spec defaults.
  if (template) defaultPodTemplateSpec(template);
}

/** Types whose traffic can come from outside the cluster (pkg/api/v1/service.ExternallyAccessible). */
function externallyAccessible(spec: Json): boolean {
  return (
    spec.type === 'LoadBalancer' ||
    spec.type === 'NodePort' ||
    (spec.type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0)
  );
}

/**
 * Defaults a Service. IP family fields and cluster IP / node port allocation are registry work, not defaulting
 * (see service-ip-families.ts for the former).
 */
export function defaultService(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!spec) return;
  setIfEmptyString(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const config = objectAt(spec, 'sessionAffinityConfig');
    const clientIP = config ? objectAt(config, 'clientIP') : undefined;
    if (!clientIP || isUnset(clientIP.timeoutSeconds)) {
      // Upstream replaces the whole config rather than filling the one field.
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT_SECONDS } };
    }
  }
  setIfEmptyString(spec, 'type', 'ClusterIP');
  eachObject(spec, 'ports', (port) => {
    setIfEmptyString(port, 'protocol', 'TCP');
    const target = port.targetPort;
    if ((isUnset(target) || target === 0 || target === '') && typeof port.port === 'number') {
      port.targetPort = port.port;
    }
  });
  if (externallyAccessible(spec)) setIfEmptyString(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') {
    setIfUnset(spec, 'internalTrafficPolicy', 'Cluster');
  }
  if (spec.type === 'LoadBalancer') {
    setIfUnset(spec, 'allocateLoadBalancerNodePorts', true);
    const status = objectAt(obj, 'status');
    const loadBalancer = status ? objectAt(status, 'loadBalancer') : undefined;
    if (loadBalancer) {
      eachObject(loadBalancer, 'ingress', (ingress) => {
        if (typeof ingress.ip === 'string' && ingress.ip !== '') setIfUnset(ingress, 'ipMode', 'VIP');
      });
    }
  }
}

export function defaultPersistentVolumeClaim(obj: KubeObject): void {
  const status = statusOf(obj);
  if (status) setIfEmptyString(status, 'phase', 'Pending');
  const spec = specOf(obj);
  if (spec) defaultPersistentVolumeClaimSpec(spec);
}

export function defaultPersistentVolume(obj: KubeObject): void {
  const status = statusOf(obj);
  if (status) setIfEmptyString(status, 'phase', 'Pending');
  const spec = specOf(obj);
  if (!spec) return;
  setIfEmptyString(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setIfUnset(spec, 'volumeMode', 'Filesystem');
  defaultSharedVolumeSources(spec);
}

/**
 * Defaults a Namespace: the kubernetes.io/metadata.name label always mirrors the name (a nameless, generateName
 * namespace is labelled by the strategy once named), and status.phase starts Active.
 */
export function defaultNamespace(obj: KubeObject): void {
  if (!isPlainObject(obj)) return;
  const metadata: unknown = obj.metadata;
  if (isPlainObject(metadata) && typeof metadata.name === 'string' && metadata.name !== '') {
    const labels = ensureObject(metadata, 'labels');
    if (labels) labels['kubernetes.io/metadata.name'] = metadata.name;
  }
  const status = statusOf(obj);
  if (status) setIfEmptyString(status, 'phase', 'Active');
}

/**
 * The namespace strategy's create step (not defaulting, so not in the defaulter map): the "kubernetes" finalizer
 * is required on create, appended when the client listed others.
 */
export function addNamespaceFinalizer(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!spec) return;
  const finalizers = spec.finalizers;
  if (isUnset(finalizers)) {
    spec.finalizers = ['kubernetes'];
  } else if (Array.isArray(finalizers) && !finalizers.includes('kubernetes')) {
    finalizers.push('kubernetes');
  }
}

/**
 * Defaults a Secret's type to Opaque, and folds stringData into data the way the v1 conversion does: stringData
 * is write-only, its values win over data, and it never comes back.
 */
export function defaultSecret(obj: KubeObject): void {
  if (!isPlainObject(obj)) return;
  setIfEmptyString(obj, 'type', 'Opaque');
  const stringData = obj.stringData;
  if (!isPlainObject(stringData)) return;
  const entries = Object.entries(stringData);
  // A non-string value is a decoding error upstream; leave the field for validation to reject.
  if (entries.some(([, value]) => typeof value !== 'string')) return;
  const data = ensureObject(obj, 'data');
  if (!data) return;
  for (const [key, value] of entries) data[key] = Buffer.from(value as string, 'utf8').toString('base64');
  delete obj.stringData;
}

/** ConfigMaps have no visible defaults (upstream only turns a nil data map into an empty one, which is omitted). */
export function defaultConfigMap(_obj: KubeObject): void {}

/** ServiceAccounts have no defaults. */
export function defaultServiceAccount(_obj: KubeObject): void {}

/** ResourceQuotas only have their quantities rounded to milli-units upstream; nothing else is defaulted. */
export function defaultResourceQuota(_obj: KubeObject): void {}

export function defaultEndpoints(obj: KubeObject): void {
  eachObject(obj, 'subsets', (subset) => {
    eachObject(subset, 'ports', (port) => setIfEmptyString(port, 'protocol', 'TCP'));
  });
}

/** Defaults a Node: allocatable starts as a copy of capacity when only capacity is reported. */
export function defaultNode(obj: KubeObject): void {
  const status = objectAt(obj, 'status');
  if (!status) return;
  if (isUnset(status.allocatable) && isPlainObject(status.capacity)) status.allocatable = { ...status.capacity };
}

/**
 * Defaults a LimitRange: for Container items, default limits fall back to max, and default requests to the
 * default limits and then to min.
 */
export function defaultLimitRange(obj: KubeObject): void {
  const spec = objectAt(obj, 'spec');
  if (!spec) return;
  eachObject(spec, 'limits', (item) => {
    if (item.type !== 'Container') return;
    const defaults = ensureObject(item, 'default');
    const defaultRequest = ensureObject(item, 'defaultRequest');
    if (!defaults || !defaultRequest) return;
    const fill = (target: Json, source: unknown): void => {
      if (!isPlainObject(source)) return;
      for (const [name, quantity] of Object.entries(source)) {
        if (!(name in target)) target[name] = quantity;
      }
    };
    fill(defaults, item.max);
    fill(defaultRequest, defaults);
    fill(defaultRequest, item.min);
    // Empty maps are omitted on output upstream; drop the ones that stayed empty.
    if (Object.keys(defaults).length === 0) delete item.default;
    if (Object.keys(defaultRequest).length === 0) delete item.defaultRequest;
  });
}
