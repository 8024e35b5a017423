// PV/PVC facts the storage controllers share (upstream component-helpers/storage/volume): annotations, classes, shapes.
import type { LabelSelectorObject } from '../../meta/label-selector.js';
import type { KubeObject } from '../../meta/types.js';

/** On a PVC: the binding has been set up once; what the controller sees afterwards means something else. */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
/** On a PV or PVC: the controller made the binding (its absence means the user pre-bound it). */
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
/** On a PVC: the node the scheduler picked for a WaitForFirstConsumer claim; it starts provisioning. */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** On a PV: who provisioned it; that provisioner also deletes it. */
export const ANN_DYNAMICALLY_PROVISIONED = 'pv.kubernetes.io/provisioned-by';
/** On a PVC: which provisioner is asked to provision it. The beta key is still written and read. */
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
/** On a PV or PVC: CSI migration took the object over; in-tree code stands down. */
export const ANN_MIGRATED_TO = 'pv.kubernetes.io/migrated-to';
const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
const ANN_IS_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
const ANN_BETA_IS_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
}

export interface ClaimSpec {
  accessModes?: string[];
  selector?: LabelSelectorObject | null;
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  volumeName?: string;
  storageClassName?: string | null;
  volumeMode?: string;
  volumeAttributesClassName?: string | null;
  dataSource?: unknown;
}

export interface ClaimStatus {
  phase?: string;
  accessModes?: string[];
  capacity?: Record<string, string | number>;
  [key: string]: unknown;
}

export interface VolumeSpec {
  capacity?: Record<string, string | number>;
  accessModes?: string[];
  claimRef?: ObjectReference | null;
  persistentVolumeReclaimPolicy?: string;
  storageClassName?: string;
  volumeMode?: string;
  volumeAttributesClassName?: string | null;
  nodeAffinity?: unknown;
  hostPath?: { path?: string; type?: string };
  local?: { path?: string };
  nfs?: unknown;
  csi?: { driver?: string };
  [source: string]: unknown;
}

export interface VolumeStatus {
  phase?: string;
  message?: string;
  reason?: string;
  lastPhaseTransitionTime?: string;
}

export interface StorageClass extends KubeObject {
  provisioner?: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  mountOptions?: string[];
}

// Readers only: informer objects are shared, so these never create a missing part (writers work on clones).
export function claimSpec(pvc: KubeObject): ClaimSpec {
  return (pvc.spec ?? {}) as ClaimSpec;
}

export function claimStatus(pvc: KubeObject): ClaimStatus {
  return (pvc.status ?? {}) as ClaimStatus;
}

export function volumeSpec(pv: KubeObject): VolumeSpec {
  return (pv.spec ?? {}) as VolumeSpec;
}

export function volumeStatus(pv: KubeObject): VolumeStatus {
  return (pv.status ?? {}) as VolumeStatus;
}

export function hasAnnotation(obj: KubeObject, key: string): boolean {
  return obj.metadata.annotations !== undefined && Object.hasOwn(obj.metadata.annotations, key);
}

export function setAnnotation(obj: KubeObject, key: string, value: string): void {
  obj.metadata.annotations = { ...obj.metadata.annotations, [key]: value };
}

/** Upstream's PersistentVolumeClaimHasClass: the beta annotation, or a storageClassName that is not nil ("" counts). */
export function claimHasClass(pvc: KubeObject): boolean {
  const className = claimSpec(pvc).storageClassName;
  return hasAnnotation(pvc, ANN_BETA_STORAGE_CLASS) || (className !== undefined && className !== null);
}

/** Upstream's GetPersistentVolumeClaimClass: the beta annotation first, then spec.storageClassName, else "". */
export function claimClass(pvc: KubeObject): string {
  if (hasAnnotation(pvc, ANN_BETA_STORAGE_CLASS)) return pvc.metadata.annotations![ANN_BETA_STORAGE_CLASS];
  return claimSpec(pvc).storageClassName ?? '';
}

/** Upstream's GetPersistentVolumeClass. */
export function volumeClass(pv: KubeObject): string {
  if (hasAnnotation(pv, ANN_BETA_STORAGE_CLASS)) return pv.metadata.annotations![ANN_BETA_STORAGE_CLASS];
  return volumeSpec(pv).storageClassName ?? '';
}

/** `namespace/name` of a claim, as upstream's claimToClaimKey (also the informer key). */
export function claimKeyOf(pvc: KubeObject): string {
  return `${pvc.metadata.namespace ?? ''}/${pvc.metadata.name ?? ''}`;
}

export function claimRefKey(ref: ObjectReference): string {
  return `${ref.namespace ?? ''}/${ref.name ?? ''}`;
}

/** Upstream's ref.GetReference of a claim: what a PV's claimRef holds. */
export function claimReference(pvc: KubeObject): ObjectReference {
  return {
    kind: 'PersistentVolumeClaim',
    namespace: pvc.metadata.namespace ?? '',
    name: pvc.metadata.name ?? '',
    uid: pvc.metadata.uid ?? '',
    apiVersion: 'v1',
    resourceVersion: pvc.metadata.resourceVersion ?? '',
  };
}

/** Upstream's IsVolumeBoundToClaim: same namespace and name, and the same uid when the reference has one. */
export function isVolumeBoundToClaim(pv: KubeObject, pvc: KubeObject): boolean {
  const ref = volumeSpec(pv).claimRef;
  if (!ref) return false;
  if (ref.name !== pvc.metadata.name || ref.namespace !== pvc.metadata.namespace) return false;
  return !ref.uid || ref.uid === pvc.metadata.uid;
}

function isDefaultClass(sc: KubeObject): boolean {
  const annotations = sc.metadata.annotations ?? {};
  return annotations[ANN_IS_DEFAULT_CLASS] === 'true' || annotations[ANN_BETA_IS_DEFAULT_CLASS] === 'true';
}

/** Upstream's GetDefaultClass: the newest class annotated as default, ties broken by name. */
export function defaultClassOf(classes: readonly KubeObject[]): StorageClass | undefined {
  const created = (sc: KubeObject) => Date.parse(sc.metadata.creationTimestamp ?? '') || 0;
  const defaults = classes.filter(isDefaultClass);
  defaults.sort((a, b) => created(b) - created(a) || ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  return defaults[0] as StorageClass | undefined;
}

type ContainerStatus = { state?: { terminated?: unknown; waiting?: unknown } };
type PodStatus = {
  phase?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  ephemeralContainerStatuses?: ContainerStatus[];
};

/** Upstream's volume util IsPodTerminated: finished, or being deleted with no container left running. */
export function isPodTerminated(pod: KubeObject): boolean {
  const status = (pod.status ?? {}) as PodStatus;
  if (status.phase === 'Failed' || status.phase === 'Succeeded') return true;
  const notRunning = (statuses: ContainerStatus[] | undefined) => (statuses ?? []).every((s) => s.state?.terminated || s.state?.waiting);
  if (!pod.metadata.deletionTimestamp) return false;
  return notRunning(status.initContainerStatuses) && notRunning(status.containerStatuses) && notRunning(status.ephemeralContainerStatuses);
}

type PodVolume = { name?: string; persistentVolumeClaim?: { claimName?: string }; ephemeral?: unknown };

export function podVolumes(pod: KubeObject): PodVolume[] {
  const volumes = (pod.spec as { volumes?: PodVolume[] } | undefined)?.volumes;
  return Array.isArray(volumes) ? volumes : [];
}

/** The claim a pod volume refers to: its persistentVolumeClaim, or `<pod>-<volume>` for a generic ephemeral volume. */
export function podVolumeClaimName(pod: KubeObject, volume: PodVolume): string | undefined {
  if (volume.persistentVolumeClaim) return volume.persistentVolumeClaim.claimName;
  if (volume.ephemeral) return `${pod.metadata.name}-${volume.name}`;
  return undefined;
}
