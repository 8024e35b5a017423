// Server-side apply of one configuration to one object, with upstream's field manager layers around the structured merge.
import { cloneJson, deepEqual } from '../../meta/deep-equal.js';
import { ApiError, errors } from '../../meta/errors.js';
import { goJSON } from '../../meta/field-errors.js';
import { isPlainObject, type KubeObject } from '../../meta/types.js';
import type { SchemaNode } from '../schema-tree.js';
import { compareValues } from './compare.js';
import { conflictError, ConflictsError } from './conflict.js';
import { FieldSet } from './fieldpath.js';
import {
  capUpdateManagers,
  decodeStoredManagedFields,
  encodeManagedFields,
  formatTime,
  managerIdentifier,
  stripMeta,
  trackUpdate,
  type Managed,
  type ManagedFieldsEntry,
} from './managed-fields.js';
import { MergeError } from './merge.js';
import { compareStrings } from './path-element.js';
import { toFieldSet } from './typed-fields.js';
import { typeOf, withZeros, type TypeRef } from './typed-schema.js';
import { applySets } from './updater.js';
import { validateTyped, validationMessage } from './validate.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export interface ApplyOptions {
  /** The stored object; undefined when the apply creates it. */
  live: KubeObject | undefined;
  /** The configuration as the client sent it (YAML or JSON, decoded). */
  applied: Record<string, unknown>;
  /** The fieldManager (required for apply: validatePatchOptions). */
  manager: string;
  force: boolean;
  /** The group/version the request addressed (`apps/v1`, `v1`). */
  apiVersion: string;
  kind: string;
  /** RFC 3339. */
  time: string;
  schema: SchemaNode;
  subresource?: string;
  /** Fields the endpoint resets (upstream resetFields): typically `.status` for the main resource. */
  ignoredFields?: FieldSet;
}

export interface ApplyResult {
  /** The object after the apply, its metadata.managedFields set (absent when nobody owns anything). */
  object: KubeObject;
  managedFields: ManagedFieldsEntry[];
  /** Whether the object (its managed fields included) differs from the live one. */
  changed: boolean;
}

/** An error upstream returns as a plain Go error: 500 with no reason. */
const unknownError = (message: string) => new ApiError(500, '', message);

/**
 * upstream FieldManager.Apply with its default layers: the version check, kubectl's last-applied
 * interplay, tracking a first apply's pre-existing fields as `before-first-apply`, the structured apply
 * and stripping server-owned metadata. Throws a 409 with upstream's conflict Status, 400 for a wrong
 * apiVersion/kind or a configuration carrying managedFields, 500 for one the schema rejects.
 */
export function applyObject(o: ApplyOptions): ApplyResult {
  checkVersion(o);
  const type = typeOf(o.schema);
  let outcome: Outcome;
  try {
    outcome = o.manager === 'kubectl' ? applyAsKubectl(o, type) : applyOnce(o, type, o.force);
  } catch (err) {
    if (err instanceof ConflictsError) throw conflictError(err.conflicts);
    throw err;
  }
  let object = outcome.object;
  const managedFields = encodeManagedFields(outcome.managed);
  if (managedFields.length) object.metadata.managedFields = managedFields;
  else delete object.metadata.managedFields;
  if (o.manager === 'kubectl' && lastApplied(object)) object = setLastApplied(object, buildLastApplied(o.applied));
  return { object, managedFields, changed: !o.live || !deepEqual(object, o.live) };
}

/** upstream versionCheckManager: the configuration must name the kind and version the request addressed. */
function checkVersion(o: ApplyOptions): void {
  const apiVersion = typeof o.applied.apiVersion === 'string' ? o.applied.apiVersion : '';
  const parts = apiVersion.split('/');
  // ParseGroupVersion: "v1" has no group; with more than one slash it fails and the whole GVK is empty.
  const [group, version] = parts.length === 1 ? ['', parts[0]] : parts.length === 2 ? parts : ['', ''];
  const kind = typeof o.applied.kind === 'string' && parts.length <= 2 ? o.applied.kind : '';
  const [wantGroup, wantVersion] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  if (group !== wantGroup || version !== wantVersion || kind !== o.kind) {
    throw errors.badRequest(`invalid object type: ${group}/${version}, Kind=${kind}`);
  }
}

interface Outcome {
  object: KubeObject;
  managed: Managed;
}

/**
 * upstream lastAppliedManager: when kubectl's server-side apply conflicts only on fields whose live values
 * still match its client-side last-applied annotation, it takes them over, so switching from client-side
 * to server-side apply does not conflict with itself.
 */
function applyAsKubectl(o: ApplyOptions, type: TypeRef): Outcome {
  try {
    return applyOnce(o, type, o.force);
  } catch (err) {
    if (!(err instanceof ConflictsError)) throw err;
    const allowed = allowedConflicts(o, type);
    if (!allowed) throw err;
    const remaining = err.conflicts.filter((c) => !allowed.has(c.path));
    if (remaining.length) throw new ConflictsError(remaining);
    return applyOnce(o, type, true);
  }
}

/** The last-applied fields whose live values are unchanged; undefined when the annotation is unusable. */
function allowedConflicts(o: ApplyOptions, type: TypeRef): FieldSet | undefined {
  const text = o.live?.metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
  if (typeof text !== 'string' || !text) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(last) || !last.kind || last.apiVersion !== o.apiVersion) return undefined;
  if (validateTyped(last, type).length || validateTyped(o.live, type).length) return undefined;
  const cmp = compareValues(last, withZeros(o.live, type), type);
  return toFieldSet(last, type).difference(cmp.modified).difference(cmp.added).difference(cmp.removed);
}

/** FieldManager.Apply below the last-applied layers. */
function applyOnce(o: ApplyOptions, type: TypeRef, force: boolean): Outcome {
  let managed: Managed;
  try {
    managed = decodeStoredManagedFields(o.live?.metadata?.managedFields);
  } catch (err) {
    throw unknownError(`failed to decode managed fields: ${(err as Error).message}`);
  }
  const live: Record<string, unknown> = o.live ? o.live : {};
  const track = { apiVersion: o.apiVersion, subresource: o.subresource, time: o.time, schema: o.schema, ignoredFields: o.ignoredFields };
  if (managed.sets.size === 0) {
    // upstream skipNonAppliedManager: what the object already had belongs to `before-first-apply`.
    trackUpdate({}, live, managed, 'before-first-apply', track);
    capUpdateManagers(managed);
  }

  if (isPlainObject(o.applied.metadata) && Array.isArray(o.applied.metadata.managedFields) && o.applied.metadata.managedFields.every(isPlainObject)) {
    throw errors.badRequest('metadata.managedFields must be nil');
  }
  const problems = validateTyped(o.applied, type);
  if (problems.length) {
    throw unknownError(`failed to create typed patch object (${objectName(o.applied)}; ${gvk(o)}): ${validationMessage(problems)}`);
  }

  const id = managerIdentifier(o.manager, 'Apply', o.apiVersion, o.subresource);
  let merged: unknown;
  try {
    merged = applySets(live, o.applied, o.apiVersion, managed.sets, id, force, { type, ignored: o.ignoredFields }).object;
  } catch (err) {
    if (err instanceof MergeError) throw unknownError(`failed to merge config: ${err.message}`);
    throw err;
  }
  stripMeta(managed.sets, id);

  let object: KubeObject;
  if (merged !== undefined) {
    object = cloneJson(merged) as KubeObject;
    managed.times.set(id, formatTime(o.time));
  } else {
    object = cloneJson(live) as KubeObject;
  }
  object.metadata ??= {};
  delete object.metadata.managedFields;
  return { object, managed };
}

function objectName(obj: Record<string, unknown>): string {
  const meta = isPlainObject(obj.metadata) ? obj.metadata : {};
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  return `${s(meta.namespace)}/${s(meta.name)}`;
}

function gvk(o: ApplyOptions): string {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return `${group}/${version}, Kind=${o.kind}`;
}

function lastApplied(obj: KubeObject): boolean {
  const a = obj.metadata?.annotations;
  return isPlainObject(a) && typeof a[LAST_APPLIED_ANNOTATION] === 'string' && a[LAST_APPLIED_ANNOTATION] !== '';
}

/** upstream buildLastApplied: the configuration without its own last-applied annotation, encoded as Go's JSON encoder does. */
function buildLastApplied(applied: Record<string, unknown>): string {
  const obj = cloneJson(applied);
  const meta = isPlainObject(obj.metadata) ? obj.metadata : undefined;
  if (meta && 'annotations' in meta) {
    const a = meta.annotations;
    if (isPlainObject(a) && Object.values(a).every((v) => typeof v === 'string')) delete a[LAST_APPLIED_ANNOTATION];
    else delete meta.annotations;
  }
  return goJSON(sortKeys(obj)) + '\n';
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort(compareStrings)) out[k] = sortKeys(v[k]);
  return out;
}

/** upstream SetLastApplied: dropped rather than set when it would take the annotations past their size limit. */
function setLastApplied(obj: KubeObject, value: string): KubeObject {
  const annotations: Record<string, string> = { ...(obj.metadata.annotations ?? {}) };
  annotations[LAST_APPLIED_ANNOTATION] = value;
  const size = Object.entries(annotations).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) delete annotations[LAST_APPLIED_ANNOTATION];
  obj.metadata.annotations = annotations;
  return obj;
}
