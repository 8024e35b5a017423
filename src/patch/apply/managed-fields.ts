// metadata.managedFields: entries <-> field sets, manager identity, the reset rule, the update-manager cap, and Update tracking.
import { rfc3339 } from '../../clock/clock.js';
import { cloneJson, deepEqual } from '../../meta/deep-equal.js';
import { errors, type ApiError } from '../../meta/errors.js';
import { forbiddenCause, goJSON, goQuote, requiredCause } from '../../meta/field-errors.js';
import { isPlainObject, type KubeObject, type StatusCause } from '../../meta/types.js';
import { validateFieldManager } from '../../meta/validation.js';
import type { SchemaNode } from '../schema-tree.js';
import { FieldSet } from './fieldpath.js';
import { compareStrings, fieldElement } from './path-element.js';
import { typeOf } from './typed-schema.js';
import { updateSets, type ManagedSets } from './updater.js';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

/** Decoded managed fields: sets and times by manager identifier. */
export interface Managed {
  sets: ManagedSets;
  times: Map<string, string | undefined>;
}

export const emptyManaged = (): Managed => ({ sets: new Map(), times: new Map() });

export function cloneManaged(m: Managed): Managed {
  return { sets: new Map(m.sets), times: new Map(m.times) };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * upstream BuildManagerIdentifier: the entry's JSON without fields, fieldsType and time, and without the
 * apiVersion for appliers (so an applier keeps one identity across versions).
 */
export function buildManagerIdentifier(e: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const id: Record<string, string> = {};
  if (e.manager) id.manager = e.manager;
  if (e.operation) id.operation = e.operation;
  if (e.apiVersion && e.operation !== 'Apply') id.apiVersion = e.apiVersion;
  if (e.subresource) id.subresource = e.subresource;
  return goJSON(id);
}

/** upstream buildManagerInfo: the identifier of a write by this manager (an empty name becomes `unknown`). */
export function managerIdentifier(manager: string, operation: 'Apply' | 'Update', apiVersion: string, subresource?: string): string {
  return buildManagerIdentifier({ manager: manager || 'unknown', operation, apiVersion, subresource });
}

export class ManagedFieldsError extends Error {}

/** metav1.Time on the wire: RFC 3339 in UTC, whole seconds. Unparseable text is kept as it came. */
export function formatTime(time: string): string {
  // Every write formats a handful of distinct times (whole seconds): remember the recent ones.
  let formatted = formattedTimes.get(time);
  if (formatted === undefined) {
    const ms = Date.parse(time);
    formatted = Number.isNaN(ms) ? time : rfc3339(ms);
    if (formattedTimes.size >= 4096) formattedTimes.clear();
    formattedTimes.set(time, formatted);
  }
  return formatted;
}

const formattedTimes = new Map<string, string>();

const unixSeconds = (time: string | undefined): number => {
  const ms = time === undefined ? NaN : Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
};

/** upstream DecodeManagedFields; throws ManagedFieldsError with upstream's text for an entry it rejects. */
export function decodeManagedFields(entries: unknown): Managed {
  const managed = emptyManaged();
  if (entries === undefined || entries === null) return managed;
  if (!Array.isArray(entries)) throw new ManagedFieldsError('managedFields must be a list');
  entries.forEach((raw, i) => {
    const e = isPlainObject(raw) ? raw : {};
    const operation = str(e.operation);
    if (operation !== 'Apply' && operation !== 'Update') throw new ManagedFieldsError('operation must be `Apply` or `Update`');
    if (!str(e.apiVersion)) throw new ManagedFieldsError('apiVersion must not be empty');
    const fieldsType = str(e.fieldsType);
    if (fieldsType === '') throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`);
    if (fieldsType !== 'FieldsV1') throw new ManagedFieldsError(`invalid fieldsType ${goQuote(fieldsType)} in managed fields entry ${i}`);
    const id = buildManagerIdentifier({ manager: str(e.manager), operation, apiVersion: str(e.apiVersion), subresource: str(e.subresource) });
    let set: FieldSet;
    try {
      set = FieldSet.fromFieldsV1(e.fieldsV1 ?? {});
    } catch (err) {
      throw new ManagedFieldsError(`error decoding versioned set from entry ${i}: error decoding set: ${(err as Error).message}`);
    }
    managed.sets.set(id, { set, apiVersion: str(e.apiVersion), applied: operation === 'Apply' });
    managed.times.set(id, typeof e.time === 'string' && e.time ? formatTime(e.time) : undefined);
  });
  return managed;
}

/** upstream encodeManagedFields: one entry per manager, sorted (Apply first, then oldest, then by name). */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] {
  const entries: ManagedFieldsEntry[] = [];
  for (const [id, vs] of managed.sets) {
    const who = JSON.parse(id) as ManagedFieldsEntry;
    // Field order follows the Go struct, which is how upstream serialises an entry.
    const entry: ManagedFieldsEntry = {};
    if (who.manager) entry.manager = who.manager;
    const operation = vs.applied ? 'Apply' : who.operation;
    if (operation) entry.operation = operation;
    if (vs.apiVersion) entry.apiVersion = vs.apiVersion;
    const time = managed.times.get(id);
    if (time) entry.time = time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = vs.set.toFieldsV1();
    if (who.subresource) entry.subresource = who.subresource;
    entries.push(entry);
  }
  return sortManagedFields(entries);
}

/** upstream sortEncodedManagedFields. */
export function sortManagedFields(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  return entries.sort(
    (p, q) =>
      compareStrings(str(p.operation), str(q.operation)) ||
      unixSeconds(p.time) - unixSeconds(q.time) ||
      compareStrings(str(p.manager), str(q.manager)) ||
      compareStrings(str(p.apiVersion), str(q.apiVersion)) ||
      compareStrings(str(p.subresource), str(q.subresource)),
  );
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
  managed.sets.set(id, previous ? { ...vs, set: vs.set.union(previous.set) } : vs);
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
  const liveManaged = () => (live ??= decodeOrEmpty(stored));
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
  trackUpdate(o.old ?? {}, next, managed, o.manager, o);
  capUpdateManagers(managed, o.maxUpdateManagers);
  return encodeManagedFields(managed);
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
