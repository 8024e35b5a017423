// metadata.managedFields: entries <-> field sets, manager identity, the reset rule, the update-manager cap, and Update tracking.
import { cloneJson, deepEqual } from '../../meta/deep-equal.js';
import { errors, type ApiError } from '../../meta/errors.js';
import { forbiddenCause, requiredCause } from '../../meta/field-errors.js';
import { isPlainObject, type KubeObject, type StatusCause } from '../../meta/types.js';
import { validateFieldManager } from '../../meta/validation.js';
import type { SchemaNode } from '../schema-tree.js';
import { FieldSet } from './fieldpath.js';
import { compareStrings, fieldElement } from './path-element.js';
import {
  buildManagerIdentifier,
  decodeManagedFields,
  decodeStoredOrEmpty,
  emptyManaged,
  encodeManagedFields,
  formatTime,
  unixSeconds,
  type Managed,
  type ManagedFieldsEntry,
} from './managed-fields-codec.js';
import { fieldType, typeOf, type TypeRef } from './typed-schema.js';
import { updateSets, type ManagedSets } from './updater.js';

export {
  buildManagerIdentifier,
  cloneManaged,
  decodeManagedFields,
  decodeStoredManagedFields,
  emptyManaged,
  encodeManagedFields,
  formatTime,
  ManagedFieldsError,
  sortManagedFields,
  type Managed,
  type ManagedFieldsEntry,
} from './managed-fields-codec.js';

/** upstream buildManagerInfo: the identifier of a write by this manager (an empty name becomes `unknown`). */
export function managerIdentifier(manager: string, operation: 'Apply' | 'Update', apiVersion: string, subresource?: string): string {
  return buildManagerIdentifier({ manager: manager || 'unknown', operation, apiVersion, subresource });
}

/** upstream isResetManagedFields: `[]` or `[{}]` in a write clears the object's managed fields. */
export function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  if (entries.length !== 1 || !isPlainObject(entries[0])) return false;
  // Only the entry's own fields count: anything else is dropped when Go decodes the entry.
  const e = entries[0];
  return ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'subresource'].every((k) => !e[k]) && (e.fieldsV1 === undefined || e.fieldsV1 === null);
}

function decodeOrEmpty(entries: unknown): Managed {
  try {
    return decodeManagedFields(entries);
  } catch {
    return emptyManaged();
  }
}

/** upstream stripMetaManager: nobody owns apiVersion, kind or the server-set metadata fields. */
const STRIP = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map(
    (f) => [fieldElement('metadata'), fieldElement(f)],
  ),
);

export function stripMeta(sets: ManagedSets, manager: string): void {
  const vs = sets.get(manager);
  if (!vs) return;
  const set = vs.set.difference(STRIP);
  if (set.empty()) sets.delete(manager);
  else sets.set(manager, { ...vs, set });
}

export const DEFAULT_MAX_UPDATE_MANAGERS = 10;
const ANCIENT_CHANGES = 'ancient-changes';

/** upstream capManagersManager: beyond the cap, the oldest Update entries fold into `ancient-changes`, per apiVersion. */
export function capUpdateManagers(managed: Managed, max = DEFAULT_MAX_UPDATE_MANAGERS): void {
  const updaters = [...managed.sets].filter(([, vs]) => !vs.applied).map(([id]) => id);
  if (updaters.length <= max) return;
  updaters.sort((a, b) => unixSeconds(managed.times.get(a)) - unixSeconds(managed.times.get(b)) || compareStrings(a, b));
  const firstByVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i];
    const vs = managed.sets.get(id)!;
    const time = managed.times.get(id);
    const bucket = buildManagerIdentifier({ manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstByVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstByVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!managed.sets.has(bucket)) {
      managed.sets.set(bucket, managed.sets.get(first)!);
      managed.sets.delete(first);
    }
    managed.sets.set(bucket, { set: vs.set.union(managed.sets.get(bucket)!.set), apiVersion: vs.apiVersion, applied: vs.applied });
    managed.sets.delete(id);
    length--;
    managed.times.set(bucket, time);
  }
}

/**
 * The Update path below the cap (buildManagerInfo, managedFieldsUpdater, stripMeta, the structured update):
 * the write is recorded under a scratch identity, then merged into the manager's entry with a fresh time
 * only if it came to own something.
 */
export function trackUpdate(
  live: unknown,
  next: unknown,
  managed: Managed,
  manager: string,
  opts: { apiVersion: string; subresource?: string; time: string; schema: SchemaNode; ignoredFields?: FieldSet },
): void {
  const id = managerIdentifier(manager, 'Update', opts.apiVersion, opts.subresource);
  const self = 'current-operation';
  updateSets(live, next, opts.apiVersion, managed.sets, self, { type: typeOf(opts.schema), ignored: opts.ignoredFields });
  stripMeta(managed.sets, self);
  const vs = managed.sets.get(self);
  if (!vs) return;
  managed.sets.delete(self);
  const previous = managed.sets.get(id);
  // Union is symmetric: starting from the entry the manager had keeps that very set when the write added nothing to it.
  const set = previous ? previous.set.union(vs.set) : vs.set;
  const same = previous && set === previous.set && previous.apiVersion === vs.apiVersion && previous.applied === vs.applied;
  managed.sets.set(id, same ? previous : previous ? { ...vs, set } : vs);
  managed.times.set(id, formatTime(opts.time));
}

export interface UpdateManagedFieldsOptions {
  /** The stored object; undefined when the write creates it. */
  old: KubeObject | undefined;
  /** The object being written, with whatever metadata.managedFields the client sent. */
  next: KubeObject;
  /** The manager name (managerFromRequest). */
  manager: string;
  operation?: 'Update';
  /** The group/version the request addressed (`apps/v1`, `v1`). */
  apiVersion: string;
  subresource?: string;
  /** RFC 3339. */
  time: string;
  /** The kind's schema root. */
  schema: SchemaNode;
  /** Fields the endpoint resets (upstream resetFields): typically `.status` for the main resource. */
  ignoredFields?: FieldSet;
  maxUpdateManagers?: number;
}

/**
 * The managedFields a create, update or non-apply patch leaves on the object (upstream FieldManager.Update):
 * the client's entries when it sent valid ones (`[]` or `[{}]` clears them; subresource writes always start
 * from the stored ones), then the manager takes the fields the write changed. Objects that exist without
 * managed fields stay untracked until the next apply. An empty result means the field is to be left out.
 */
export function updateManagedFields(o: UpdateManagedFieldsOptions): ManagedFieldsEntry[] {
  const stored = o.old?.metadata?.managedFields;
  let live: Managed | undefined;
  const liveManaged = () => (live ??= decodeStoredOrEmpty(stored));
  const sent = o.next.metadata?.managedFields;
  let managed: Managed;
  if (o.subresource) managed = liveManaged();
  else if (isResetManagedFields(sent)) managed = emptyManaged();
  else {
    // A client usually sends back the entries it read: decode them once (decoding is a pure function of the JSON).
    managed = sent !== undefined && deepEqual(sent, stored) ? liveManaged() : decodeOrEmpty(sent);
    if (managed.sets.size === 0) managed = liveManaged();
  }
  // The comparison only reads `next`: a shallow copy is enough to leave the client's managedFields out of it.
  const next: KubeObject = { ...o.next };
  if (next.metadata) {
    next.metadata = { ...next.metadata };
    delete next.metadata.managedFields;
  }
  // upstream skipNonAppliedManager: an existing object without managed fields is not tracked by updates.
  if (managed.sets.size === 0 && o.old?.metadata?.uid) return [];
  // A create compares against a new (zero) object, as upstream's does.
  trackUpdate(o.old ? withoutStoredEntries(o.old, typeOf(o.schema)) : {}, next, managed, o.manager, o);
  capUpdateManagers(managed, o.maxUpdateManagers);
  return encodeManagedFields(managed);
}

/**
 * The live object as the comparison needs it. `next` never carries managedFields, so a non-empty stored list
 * is only ever compared as removed; where the schema makes that list atomic, any non-empty list gives the
 * same single removed leaf as an empty one, so `[]` stands in for it and its entries are neither typed nor walked.
 */
function withoutStoredEntries(old: KubeObject, type: TypeRef): KubeObject {
  const entries = old.metadata?.managedFields;
  if (!Array.isArray(entries) || entries.length === 0 || !isPlainObject(old.metadata) || !atomicManagedFields(type)) return old;
  return { ...old, metadata: { ...old.metadata, managedFields: [] } };
}

function atomicManagedFields(type: TypeRef): boolean {
  const metadata = type.map ? fieldType(type.map, 'metadata') : undefined;
  const list = metadata?.map ? fieldType(metadata.map, 'managedFields').list : undefined;
  return list !== undefined && !list.associative;
}

/** A copy of the object carrying these entries (none: the field is removed, as upstream leaves it nil). */
export function withManagedFields<T extends KubeObject>(object: T, entries: readonly ManagedFieldsEntry[]): T {
  const out = cloneJson(object);
  out.metadata ??= {};
  if (entries.length) out.metadata.managedFields = cloneJson([...entries]);
  else delete out.metadata.managedFields;
  return out;
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const FIELD_MANAGER_MAX_LENGTH = 128;

/** upstream prefixFromUserAgent: the User-Agent before the first `/`, unprintable runes dropped, at most 128 bytes. */
export function prefixFromUserAgent(userAgent: string): string {
  let out = '';
  let bytes = 0;
  for (const ch of userAgent.split('/')[0]) {
    if (!printable.test(ch)) continue;
    const n = Buffer.byteLength(ch);
    if (bytes + n > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** upstream managerOrUserAgent, with buildManagerInfo's `unknown` for a request that names nobody. */
export function managerFromRequest(fieldManager: string | undefined, userAgent: string | undefined): string {
  return fieldManager || prefixFromUserAgent(userAgent ?? '') || 'unknown';
}

/** upstream ValidatePatchOptions' fieldManager/force rules, as the 422 the patch handler returns. */
export function validatePatchOptions(o: { apply: boolean; fieldManager: string | undefined; force?: boolean }): ApiError | undefined {
  const causes: StatusCause[] = [];
  if (o.apply) {
    if (!o.fieldManager) causes.push(requiredCause('fieldManager', 'is required for apply patch'));
  } else if (o.force !== undefined) {
    causes.push(forbiddenCause('force', 'may not be specified for non-apply patch'));
  }
  causes.push(...validateFieldManager(o.fieldManager ?? '', 'fieldManager'));
  return causes.length ? errors.invalid('PatchOptions', 'meta.k8s.io', '', causes) : undefined;
}

/** upstream ValidateCreateOptions / ValidateUpdateOptions' fieldManager rule. */
export function validateWriteOptions(kind: 'CreateOptions' | 'UpdateOptions', fieldManager: string | undefined): ApiError | undefined {
  const causes = validateFieldManager(fieldManager ?? '', 'fieldManager');
  return causes.length ? errors.invalid(kind, 'meta.k8s.io', '', causes) : undefined;
}
