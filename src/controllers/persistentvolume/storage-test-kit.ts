// Test kit for the storage controllers: a testbed per test, claim/volume/class/node builders, the scheduler's part.
import { afterEach, beforeEach, expect } from '@jest/globals';
import type { KubeObject } from '../../meta/types.js';
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import { defaultStorageClass } from '../local-provisioner/default-storage-class.js';
import { localProvisionerController } from '../local-provisioner/local-path-provisioner.js';
import type { Controller } from '../runtime/index.js';
import { pvProtectionController } from '../volume-protection/pv-protection.js';
import { pvcProtectionController } from '../volume-protection/pvc-protection.js';
import { persistentVolumeBinderController } from './persistentvolume-binder.js';

/** The storage controllers kind runs: the PV controller, both protection controllers and the local-path provisioner. */
export function storageControllers(): Controller[] {
  return [persistentVolumeBinderController(), pvcProtectionController(), pvProtectionController(), localProvisionerController()];
}

/**
 * A fresh testbed per test with `controllers`, kind's default `standard` class and a node `kind-worker`, checked at
 * the end to have logged no controller errors. The returned object stands for the current one.
 */
export function useStorageTestbed(controllers: () => Controller[] = storageControllers): ControllerTestbed {
  let current: ControllerTestbed | undefined;
  beforeEach(async () => {
    current = await startControllerTestbed(controllers());
    try {
      await current.client.create('storage.k8s.io/v1', 'storageclasses', undefined, defaultStorageClass());
    } catch (err) {
      // The cluster may seed the class itself.
      if ((err as { code?: number }).code !== 409) throw err;
    }
    await current.client.create('v1', 'nodes', undefined, node('kind-worker'));
    await current.settle();
  });
  afterEach(async () => {
    expect(current!.errors).toEqual([]);
    await current!.close();
  });
  return new Proxy({} as ControllerTestbed, { get: (_target, property) => current![property as keyof ControllerTestbed] });
}

export function node(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } };
}

export interface ClaimOptions {
  storage?: string;
  accessModes?: string[];
  storageClassName?: string | null;
  volumeName?: string;
  selector?: Record<string, unknown>;
  volumeMode?: string;
}

export function claim(name: string, options: ClaimOptions = {}): KubeObject {
  const spec: Record<string, unknown> = {
    accessModes: options.accessModes ?? ['ReadWriteOnce'],
    resources: { requests: { storage: options.storage ?? '1Gi' } },
  };
  if (options.storageClassName !== undefined) spec.storageClassName = options.storageClassName;
  if (options.volumeName) spec.volumeName = options.volumeName;
  if (options.selector) spec.selector = options.selector;
  if (options.volumeMode) spec.volumeMode = options.volumeMode;
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec };
}

export interface VolumeOptions {
  storage?: string;
  accessModes?: string[];
  storageClassName?: string;
  reclaimPolicy?: string;
  labels?: Record<string, string>;
  claimRef?: Record<string, string>;
  path?: string;
  volumeMode?: string;
}

/** A static hostPath PV (under /tmp unless `path` says otherwise). */
export function volume(name: string, options: VolumeOptions = {}): KubeObject {
  const spec: Record<string, unknown> = {
    capacity: { storage: options.storage ?? '1Gi' },
    accessModes: options.accessModes ?? ['ReadWriteOnce'],
    persistentVolumeReclaimPolicy: options.reclaimPolicy ?? 'Retain',
    hostPath: { path: options.path ?? `/tmp/${name}` },
  };
  if (options.storageClassName !== undefined) spec.storageClassName = options.storageClassName;
  if (options.claimRef) spec.claimRef = options.claimRef;
  if (options.volumeMode) spec.volumeMode = options.volumeMode;
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, labels: options.labels }, spec };
}

export function storageClass(name: string, fields: Record<string, unknown>): KubeObject {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, ...fields };
}

export function pod(name: string, claimName: string, nodeName?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      containers: [{ name: 'app', image: 'busybox' }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
    },
  };
}

export const getClaim = (tb: ControllerTestbed, name: string, namespace = 'default') => tb.client.get('v1', 'persistentvolumeclaims', namespace, name);
export const getVolume = (tb: ControllerTestbed, name: string) => tb.client.get('v1', 'persistentvolumes', undefined, name);

export async function volumeExists(tb: ControllerTestbed, name: string): Promise<boolean> {
  return (await tb.client.list('v1', 'persistentvolumes')).items.some((pv) => pv.metadata.name === name);
}

export async function claimExists(tb: ControllerTestbed, name: string, namespace = 'default'): Promise<boolean> {
  return (await tb.client.list('v1', 'persistentvolumeclaims', namespace)).items.some((pvc) => pvc.metadata.name === name);
}

export const phaseOf = (obj: KubeObject) => (obj.status as { phase?: string } | undefined)?.phase;

/** What the scheduler's volumebinding plugin does for a WaitForFirstConsumer claim once it picks a node. */
export async function selectNode(tb: ControllerTestbed, claimName: string, nodeName: string, namespace = 'default'): Promise<void> {
  await tb.client.patch('v1', 'persistentvolumeclaims', namespace, claimName, 'merge', {
    metadata: { annotations: { 'volume.kubernetes.io/selected-node': nodeName } },
  });
}

/** `Reason: message` of the Events about one object, oldest first, each with its count when above one. */
export async function eventsAbout(tb: ControllerTestbed, kind: string, name: string, namespace = 'default'): Promise<string[]> {
  const events = (await tb.client.list('v1', 'events', namespace)).items as (KubeObject & {
    involvedObject: { kind: string; name: string };
    reason: string;
    message: string;
    count?: number;
  })[];
  return events
    .filter((e) => e.involvedObject.kind === kind && e.involvedObject.name === name)
    .map((e) => `${e.reason}: ${e.message}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`);
}

/** The components that recorded Events about one object. */
export async function eventSources(tb: ControllerTestbed, kind: string, name: string, namespace = 'default'): Promise<string[]> {
  const events = (await tb.client.list('v1', 'events', namespace)).items as (KubeObject & { involvedObject: { kind: string; name: string }; source: { component: string } })[];
  return [...new Set(events.filter((e) => e.involvedObject.kind === kind && e.involvedObject.name === name).map((e) => e.source.component))];
}
