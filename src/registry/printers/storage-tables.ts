// Server-side printing of PersistentVolumes and PersistentVolumeClaims.
import type { KubeObject } from '../../meta/types.js';
import type { TablePrinter } from '../strategy.js';
import { docs } from './column-docs.js';
import { ageColumn, column } from './columns.js';
import { obj, optStr, path, present, str, strMap, strs } from './fields.js';
import { parseTimestamp, translateTimestampSince } from './human-duration.js';
import { formatQuantity } from './quantity.js';

/** The beta annotation still wins over spec.storageClassName, as in upstream's helpers. */
const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

const ACCESS_MODE_ABBREVIATIONS: [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** Abbreviated access modes in a fixed order (RWO,ROX,RWX,RWOP) whatever order they were listed in. */
export function accessModesString(modes: unknown): string {
  const present = new Set(strs(modes));
  return ACCESS_MODE_ABBREVIATIONS.filter(([mode]) => present.has(mode))
    .map(([, abbr]) => abbr)
    .join(',');
}

function storageClass(o: KubeObject, specClass: string | undefined): string {
  const annotations = strMap(o.metadata.annotations);
  if (BETA_STORAGE_CLASS_ANNOTATION in annotations) return annotations[BETA_STORAGE_CLASS_ANNOTATION];
  return specClass ?? '';
}

function phase(o: KubeObject): string {
  if (parseTimestamp(o.metadata.deletionTimestamp) !== undefined) return 'Terminating';
  return str(path(o.status).phase);
}

export const persistentVolumeTable: TablePrinter = {
  columns: [
    column('Capacity', 'string', docs.persistentVolumeSpecCapacity),
    column('Access Modes', 'string', docs.persistentVolumeSpecAccessModes),
    column('Reclaim Policy', 'string', docs.persistentVolumeSpecPersistentVolumeReclaimPolicy),
    column('Status', 'string', docs.persistentVolumeStatusPhase),
    column('Claim', 'string', docs.persistentVolumeSpecClaimRef),
    column('StorageClass', 'string', 'StorageClass of the pv'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    column('Reason', 'string', docs.persistentVolumeStatusReason),
    ageColumn,
    column('VolumeMode', 'string', docs.persistentVolumeSpecVolumeMode, 1),
  ],
  cells(pv, now) {
    const spec = obj(pv.spec);
    const claimRef = present(spec.claimRef);
    return [
      formatQuantity(obj(spec.capacity).storage),
      accessModesString(spec.accessModes),
      str(spec.persistentVolumeReclaimPolicy),
      phase(pv),
      claimRef ? `${str(claimRef.namespace)}/${str(claimRef.name)}` : '',
      storageClass(pv, str(spec.storageClassName)),
      optStr(spec.volumeAttributesClassName) ?? '<unset>',
      str(path(pv.status).reason),
      translateTimestampSince(pv.metadata.creationTimestamp, now),
      optStr(spec.volumeMode) ?? '<unset>',
    ];
  },
};

export const persistentVolumeClaimTable: TablePrinter = {
  columns: [
    column('Status', 'string', docs.persistentVolumeClaimStatusPhase),
    column('Volume', 'string', docs.persistentVolumeClaimSpecVolumeName),
    column('Capacity', 'string', docs.persistentVolumeClaimStatusCapacity),
    column('Access Modes', 'string', docs.persistentVolumeClaimStatusAccessModes),
    column('StorageClass', 'string', 'StorageClass of the pvc'),
    column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageColumn,
    column('VolumeMode', 'string', docs.persistentVolumeClaimSpecVolumeMode, 1),
  ],
  cells(pvc, now) {
    const spec = obj(pvc.spec);
    const status = obj(pvc.status);
    const volumeName = str(spec.volumeName);
    // Capacity and access modes describe the bound volume, so they stay blank until there is one.
    const bound = volumeName !== '';
    return [
      phase(pvc),
      volumeName,
      bound ? formatQuantity(obj(status.capacity).storage) : '',
      bound ? accessModesString(status.accessModes) : '',
      storageClass(pvc, optStr(spec.storageClassName)),
      optStr(spec.volumeAttributesClassName) ?? '<unset>',
      translateTimestampSince(pvc.metadata.creationTimestamp, now),
      optStr(spec.volumeMode) ?? '<unset>',
    ];
  },
};
