// The CustomResourceDefinition strategy: status on create and update, validation, `kubectl get crd` columns, delete.
import { rfc3339 } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import { column } from '../printers/columns.js';
import { docs } from '../printers/column-docs.js';
import type { Strategy, TablePrinter } from '../strategy.js';
import { crdCleanupFinalizer, type CustomResourceDefinition, type CustomResourceDefinitionCondition } from './crd-types.js';
import { defaultCustomResourceDefinition } from './crd-defaults.js';
import {
  validateCustomResourceDefinition,
  validateCustomResourceDefinitionStatusUpdate,
  validateCustomResourceDefinitionUpdate,
} from './crd-validation.js';

/**
 * upstream apihelpers.SetCRDCondition: replaces the condition of the same type, moving lastTransitionTime only when
 * the status changes (or was never set).
 */
export function setCustomResourceDefinitionCondition(crd: CustomResourceDefinition, condition: CustomResourceDefinitionCondition, now: number): void {
  const status = (crd.status ??= {});
  const conditions = (status.conditions ??= []);
  const existing = conditions.find((c) => c.type === condition.type);
  const time = rfc3339(now);
  if (!existing) {
    conditions.push({ type: condition.type, status: condition.status, lastTransitionTime: time, reason: condition.reason, message: condition.message });
    return;
  }
  if (existing.status !== condition.status || !existing.lastTransitionTime) existing.lastTransitionTime = time;
  existing.status = condition.status;
  existing.reason = condition.reason;
  existing.message = condition.message;
}

/** The first version marked `storage: true` (upstream stops at the first). */
function storageVersion(crd: CustomResourceDefinition): string | undefined {
  const versions = Array.isArray(crd.spec?.versions) ? crd.spec.versions : [];
  return versions.find((v) => v?.storage)?.name;
}

/** 1.36 serves CRDs with the default table convertor: NAME and CREATED AT (the timestamp itself, not an age). */
export const customResourceDefinitionTable: TablePrinter = {
  columns: [column('Created At', 'date', docs.objectMetaCreationTimestamp)],
  cells: (o) => [o.metadata.creationTimestamp ?? '0001-01-01T00:00:00Z'],
};

function prepareForCreate(object: KubeObject): void {
  const crd = object as CustomResourceDefinition;
  const storage = storageVersion(crd);
  // The v1 status serialises conditions without omitempty (null when none) and acceptedNames' plural and kind always.
  crd.status = {
    conditions: null as unknown as CustomResourceDefinitionCondition[],
    acceptedNames: { plural: '', kind: '' },
    storedVersions: storage !== undefined ? [storage] : [],
  };
}

function prepareForUpdate(object: KubeObject): void {
  const crd = object as CustomResourceDefinition;
  // The generic update already kept the stored status (or took the /status body); a new storage version is recorded.
  const storage = storageVersion(crd);
  if (storage === undefined) return;
  const status = (crd.status ??= {});
  const stored = Array.isArray(status.storedVersions) ? status.storedVersions : [];
  if (!stored.includes(storage)) status.storedVersions = [...stored, storage];
}

/**
 * upstream's CRD REST Delete: the first delete marks the CRD (deletionTimestamp, the cleanup finalizer, Terminating)
 * and keeps it for the finalizer controller to empty; once that finalizer is gone, the CRD goes.
 */
function onDelete(object: KubeObject, ctx: { now: number }): 'keep' | 'delete' {
  const crd = object as CustomResourceDefinition;
  if (crd.metadata.deletionTimestamp) return 'delete';
  const finalizers = crd.metadata.finalizers ?? [];
  if (!finalizers.includes(crdCleanupFinalizer)) crd.metadata.finalizers = [...finalizers, crdCleanupFinalizer];
  if (crd.status && !Array.isArray(crd.status.conditions)) crd.status.conditions = [];
  setCustomResourceDefinitionCondition(
    crd,
    {
      type: 'Terminating',
      status: 'True',
      reason: 'InstanceDeletionPending',
      message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
    },
    ctx.now,
  );
  return 'keep';
}

export function customResourceDefinitionStrategy(): Strategy {
  return {
    tracksGeneration: true,
    // upstream's status strategy resets nothing of metadata (ResetObjectMetaForStatus on itself), so the finalizer
    // controller removes its finalizer through /status; labels are the one part kubefake still keeps.
    statusKeepsMetadataExceptLabels: true,
    applyDefaults: defaultCustomResourceDefinition,
    prepareForCreate,
    prepareForUpdate,
    validate(object, old, subresource) {
      const crd = object as CustomResourceDefinition;
      if (subresource === 'status') return validateCustomResourceDefinitionStatusUpdate(crd);
      if (old) return validateCustomResourceDefinitionUpdate(crd, old as CustomResourceDefinition);
      return validateCustomResourceDefinition(crd);
    },
    onDelete,
    table: customResourceDefinitionTable,
  };
}
