// Storage admission plugins on create: DefaultStorageClass, and StorageObjectInUseProtection's finalizers.
import { isPlainObject, type KubeObject } from '../../meta/types.js';
import { isUnset } from './util.js';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
const IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

/**
 * Upstream's PersistentVolumeClaimHasClass: the beta annotation or a non-nil storageClassName. An explicit empty
 * string counts as a class (it asks for no class at all), so only an absent or null field is defaulted.
 */
export function claimHasStorageClass(pvc: KubeObject): boolean {
  if (pvc.metadata.annotations && Object.hasOwn(pvc.metadata.annotations, BETA_STORAGE_CLASS_ANNOTATION)) return true;
  return isPlainObject(pvc.spec) && !isUnset(pvc.spec.storageClassName);
}

function isDefaultClass(sc: KubeObject): boolean {
  const annotations = sc.metadata.annotations ?? {};
  return annotations[IS_DEFAULT_CLASS_ANNOTATION] === 'true' || annotations[BETA_IS_DEFAULT_CLASS_ANNOTATION] === 'true';
}

/**
 * Upstream's GetDefaultClass: of the classes annotated as default, the newest, ties broken by name, so adding a
 * second default class while migrating away from the first does not make claims fail. The PV controller has its own
 * copy (controllers/shared/storage-helpers.ts): the registry and the controllers do not import each other.
 */
export function pickDefaultStorageClass(classes: readonly KubeObject[]): KubeObject | undefined {
  const created = (sc: KubeObject) => Date.parse(sc.metadata.creationTimestamp ?? '') || 0;
  const defaults = classes.filter(isDefaultClass);
  defaults.sort((a, b) => created(b) - created(a) || ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  return defaults[0];
}

/** The DefaultStorageClass plugin: a claim that names no class gets the default one, when there is one. */
export function applyDefaultStorageClass(pvc: KubeObject, classes: readonly KubeObject[]): void {
  if (claimHasStorageClass(pvc) || !isPlainObject(pvc.spec)) return;
  const chosen = pickDefaultStorageClass(classes);
  if (chosen?.metadata.name) pvc.spec.storageClassName = chosen.metadata.name;
}

/** StorageObjectInUseProtection: the finalizer its protection controller removes once nothing uses the object. */
export function addProtectionFinalizer(obj: KubeObject, finalizer: string): void {
  const finalizers = obj.metadata.finalizers ?? [];
  if (!finalizers.includes(finalizer)) obj.metadata.finalizers = [...finalizers, finalizer];
}
