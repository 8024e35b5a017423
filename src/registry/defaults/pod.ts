// Pod, pod spec, container and volume defaulting, as core/v1 SetDefaults_* and the generated covering defaulters.
import type { KubeObject } from '../../meta/types.js';
import { isPlainObject } from '../../meta/types.js';
import { defaultPullPolicy } from './image-pull-policy.js';
import {
  type Json,
  eachObject,
  ensureObject,
  isUnset,
  objectAt,
  setIfEmptyString,
  setIfUnset,
  setIfZero,
  specOf,
} from './util.js';

/** Secret, ConfigMap, DownwardAPI and Projected volumes all default their file mode to 0644. */
const DEFAULT_VOLUME_MODE = 0o644;

/** Every volume source key of core/v1 VolumeSource; a volume naming none of them becomes an emptyDir. */
const VOLUME_SOURCE_KEYS = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

function defaultFieldRef(holder: Json): void {
  const fieldRef = objectAt(holder, 'fieldRef');
  if (fieldRef) setIfEmptyString(fieldRef, 'apiVersion', 'v1');
}

/**
 * resourceFieldRef.divisor is a non-pointer Quantity, whose zero value the apiserver serialises as "0"; a real
 * server therefore always shows it, so it is filled here where the rest of the object's shape is settled.
 */
function defaultResourceFieldRef(holder: Json): void {
  const resourceFieldRef = objectAt(holder, 'resourceFieldRef');
  if (resourceFieldRef) setIfUnset(resourceFieldRef, 'divisor', '0');
}

function defaultHTTPGet(handler: Json): void {
  const httpGet = objectAt(handler, 'httpGet');
  if (!httpGet) return;
  setIfEmptyString(httpGet, 'path', '/');
  setIfEmptyString(httpGet, 'scheme', 'HTTP');
}

function defaultProbe(container: Json, key: string): void {
  const probe = objectAt(container, key);
  if (!probe) return;
  // These are non-pointer ints upstream, so an explicit 0 is indistinguishable from unset and is defaulted too.
  setIfZero(probe, 'timeoutSeconds', 1);
  setIfZero(probe, 'periodSeconds', 10);
  setIfZero(probe, 'successThreshold', 1);
  setIfZero(probe, 'failureThreshold', 3);
  defaultHTTPGet(probe);
  const grpc = objectAt(probe, 'grpc');
  if (grpc) setIfUnset(grpc, 'service', '');
}

/** Container defaults shared by containers, init containers and ephemeral containers. */
export function defaultContainer(container: Json): void {
  setIfEmptyString(container, 'imagePullPolicy', defaultPullPolicy(container.image));
  setIfEmptyString(container, 'terminationMessagePath', '/dev/termination-log');
  setIfEmptyString(container, 'terminationMessagePolicy', 'File');
  eachObject(container, 'ports', (port) => setIfEmptyString(port, 'protocol', 'TCP'));
  eachObject(container, 'env', (env) => {
    const valueFrom = objectAt(env, 'valueFrom');
    if (!valueFrom) return;
    defaultFieldRef(valueFrom);
    defaultResourceFieldRef(valueFrom);
  });
  // resources is a non-pointer struct upstream: the apiserver always serialises it, as {} when empty.
  ensureObject(container, 'resources');
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(container, probe);
  const lifecycle = objectAt(container, 'lifecycle');
  if (lifecycle) {
    for (const hook of ['postStart', 'preStop']) {
      const handler = objectAt(lifecycle, hook);
      if (handler) defaultHTTPGet(handler);
    }
  }
}

function defaultDownwardAPIItems(source: Json): void {
  eachObject(source, 'items', (item) => {
    defaultFieldRef(item);
    defaultResourceFieldRef(item);
  });
}

/** PersistentVolumeClaimSpec defaults, also applied to ephemeral volume and StatefulSet claim templates. */
export function defaultPersistentVolumeClaimSpec(spec: Json): void {
  setIfUnset(spec, 'volumeMode', 'Filesystem');
  // resources is a non-pointer struct (VolumeResourceRequirements), serialised even when empty.
  ensureObject(spec, 'resources');
}

/** Defaults for volume sources that also appear in PersistentVolumes (hostPath, iscsi, rbd, azureDisk, scaleIO). */
export function defaultSharedVolumeSources(source: Json): void {
  const hostPath = objectAt(source, 'hostPath');
  if (hostPath) setIfUnset(hostPath, 'type', '');
  const iscsi = objectAt(source, 'iscsi');
  if (iscsi) setIfEmptyString(iscsi, 'iscsiInterface', 'default');
  const rbd = objectAt(source, 'rbd');
  if (rbd) {
    setIfEmptyString(rbd, 'pool', 'rbd');
    setIfEmptyString(rbd, 'user', 'admin');
    setIfEmptyString(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const azureDisk = objectAt(source, 'azureDisk');
  if (azureDisk) {
    setIfUnset(azureDisk, 'cachingMode', 'ReadWrite');
    setIfUnset(azureDisk, 'kind', 'Shared');
    setIfUnset(azureDisk, 'fsType', 'ext4');
    setIfUnset(azureDisk, 'readOnly', false);
  }
  const scaleIO = objectAt(source, 'scaleIO');
  if (scaleIO) {
    setIfEmptyString(scaleIO, 'storageMode', 'ThinProvisioned');
    setIfEmptyString(scaleIO, 'fsType', 'xfs');
  }
}

/** Volume defaults: an empty source becomes emptyDir, and each source gets its own defaults. */
export function defaultVolume(volume: Json): void {
  if (VOLUME_SOURCE_KEYS.every((key) => isUnset(volume[key]))) volume.emptyDir = {};
  defaultSharedVolumeSources(volume);
  const image = objectAt(volume, 'image');
  if (image) setIfEmptyString(image, 'pullPolicy', defaultPullPolicy(image.reference));
  for (const key of ['secret', 'configMap']) {
    const source = objectAt(volume, key);
    if (source) setIfUnset(source, 'defaultMode', DEFAULT_VOLUME_MODE);
  }
  const downwardAPI = objectAt(volume, 'downwardAPI');
  if (downwardAPI) {
    setIfUnset(downwardAPI, 'defaultMode', DEFAULT_VOLUME_MODE);
    defaultDownwardAPIItems(downwardAPI);
  }
  const projected = objectAt(volume, 'projected');
  if (projected) {
    setIfUnset(projected, 'defaultMode', DEFAULT_VOLUME_MODE);
    eachObject(projected, 'sources', (source) => {
      const downward = objectAt(source, 'downwardAPI');
      if (downward) defaultDownwardAPIItems(downward);
      const token = objectAt(source, 'serviceAccountToken');
      if (token) setIfUnset(token, 'expirationSeconds', 3600);
    });
  }
  const ephemeral = objectAt(volume, 'ephemeral');
  const claimTemplate = ephemeral ? objectAt(ephemeral, 'volumeClaimTemplate') : undefined;
  if (claimTemplate) {
    const claimSpec = ensureObject(claimTemplate, 'spec');
    if (claimSpec) defaultPersistentVolumeClaimSpec(claimSpec);
  }
}

/**
 * The defaults every PodSpec gets, wherever it appears (pods, pod templates, workloads' templates): the
 * SetDefaults_PodSpec fields plus the nested volume and container defaulters the generated code runs.
 */
export function defaultPodSpec(spec: unknown): void {
  if (!isPlainObject(spec)) return;
  setIfEmptyString(spec, 'dnsPolicy', 'ClusterFirst');
  setIfEmptyString(spec, 'restartPolicy', 'Always');
  setIfUnset(spec, 'securityContext', {});
  setIfUnset(spec, 'terminationGracePeriodSeconds', 30);
  setIfEmptyString(spec, 'schedulerName', 'default-scheduler');
  // The v1 conversion copies the deprecated serviceAccount alias both ways, so a real server always shows both.
  const alias = spec.serviceAccount;
  if ((isUnset(spec.serviceAccountName) || spec.serviceAccountName === '') && typeof alias === 'string' && alias !== '') {
    spec.serviceAccountName = alias;
  }
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '') {
    spec.serviceAccount = spec.serviceAccountName;
  }
  eachObject(spec, 'volumes', defaultVolume);
  eachObject(spec, 'initContainers', defaultContainer);
  eachObject(spec, 'containers', defaultContainer);
  eachObject(spec, 'ephemeralContainers', defaultContainer);
}

/** Defaults a PodTemplateSpec; its spec is a struct upstream, so spec defaults appear even when it was omitted. */
export function defaultPodTemplateSpec(template: unknown): void {
  if (!isPlainObject(template)) return;
  const spec = ensureObject(template, 'spec');
  if (spec) defaultPodSpec(spec);
}

/** Requests default to limits for each resource named only in limits (pods only, not templates). */
function defaultRequestsFromLimits(container: Json): void {
  const resources = objectAt(container, 'resources');
  const limits = resources ? objectAt(resources, 'limits') : undefined;
  // An empty requests map would be dropped on output (omitempty), so only materialise it when it gains entries.
  if (!resources || !limits || Object.keys(limits).length === 0) return;
  const requests = ensureObject(resources, 'requests');
  if (!requests) return;
  for (const [name, quantity] of Object.entries(limits)) {
    if (!(name in requests)) requests[name] = quantity;
  }
}

/** With host networking, container ports without a hostPort take their containerPort (pods only). */
function defaultHostNetworkPorts(container: Json): void {
  eachObject(container, 'ports', (port) => {
    if ((isUnset(port.hostPort) || port.hostPort === 0) && typeof port.containerPort === 'number') {
      port.hostPort = port.containerPort;
    }
  });
}

/**
 * Defaults a Pod: the pod-only SetDefaults_Pod rules (requests from limits, enableServiceLinks, host-network
 * ports) and then everything a PodSpec gets. Pod-level resources (spec.resources) are not aggregated here.
 */
export function defaultPod(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!spec) return;
  eachObject(spec, 'containers', defaultRequestsFromLimits);
  eachObject(spec, 'initContainers', defaultRequestsFromLimits);
  setIfUnset(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true) {
    eachObject(spec, 'containers', defaultHostNetworkPorts);
    eachObject(spec, 'initContainers', defaultHostNetworkPorts);
  }
  defaultPodSpec(spec);
}

/** Defaults a PodTemplate object (core/v1 PodTemplate): only its template's spec is defaulted. */
export function defaultPodTemplate(obj: KubeObject): void {
  const template = ensureObject(obj, 'template');
  if (template) defaultPodTemplateSpec(template);
}
