// metadata.managedFields entries <-> decoded field sets, with per-version caches so a stored list is decoded at most once.
import { goJSON, goQuote } from '../../meta/field-errors.js';
import { isPlainObject } from '../../meta/types.js';
import { rfc3339 } from '../../clock/clock.js';
import { FieldSet } from './fieldpath.js';
import { compareStrings } from './path-element.js';
import type { ManagedSets, VersionedSet } from './updater.js';

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

/** The maps are copied; the versioned sets are immutable and shared. */
export function cloneManaged(m: Managed): Managed {
  return { sets: new Map(m.sets), times: new Map(m.times) };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * upstream BuildManagerIdentifier: the entry's JSON without fields, fieldsType and time, and without the
 * apiVersion for appliers (so an applier keeps one identity across versions).
 */
export function buildManagerIdentifier(e: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  // Every write names a handful of managers: remember their identifiers (lengths keep the joined key unambiguous).
  const m = e.manager || '';
  const o = e.operation || '';
  const a = e.apiVersion || '';
  const key = `${m.length}:${m}${o.length}:${o}${a.length}:${a}${e.subresource || ''}`;
  let id = identifiers.get(key);
  if (id === undefined) {
    id = identifierOf(e);
    if (identifiers.size >= 4096) identifiers.clear();
    identifiers.set(key, id);
  }
  return id;
}

const identifiers = new Map<string, string>();

function identifierOf(e: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const id: Record<string, string> = {};
  if (e.manager) id.manager = e.manager;
  if (e.operation) id.operation = e.operation;
  if (e.apiVersion && e.operation !== 'Apply') id.apiVersion = e.apiVersion;
  if (e.subresource) id.subresource = e.subresource;
  return goJSON(id);
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

export function unixSeconds(time: string | undefined): number {
  if (time === undefined) return 0;
  let seconds = secondsOf.get(time);
  if (seconds === undefined) {
    const ms = Date.parse(time);
    seconds = Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
    if (secondsOf.size >= 4096) secondsOf.clear();
    secondsOf.set(time, seconds);
  }
  return seconds;
}

const secondsOf = new Map<string, number>();

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

/**
 * A list decoded before (one this module encoded, or a stored one it decoded), with what its entries held then.
 * Stored objects are never changed in place, but the list is checked entry by entry anyway: one replaced or
 * edited at the top level (a new entry, another manager, time or fieldsV1 object) is decoded afresh.
 */
interface Decoded {
  readonly managed: Managed;
  readonly snapshot: readonly unknown[];
}

/**
 * The most recently written or read lists, oldest first. Bounded: a decoded list costs a few KiB of sets, too
 * much to keep for every stored object of a large cluster, while the write that needs it usually follows soon.
 */
const decodedLists = new Map<object, Decoded>();
const MAX_DECODED_LISTS = 1024;

function rememberDecoded(entries: object, decoded: Decoded): void {
  decodedLists.delete(entries);
  if (decodedLists.size >= MAX_DECODED_LISTS) decodedLists.delete(decodedLists.keys().next().value!);
  decodedLists.set(entries, decoded);
}
const ENTRY_KEYS = ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1', 'subresource'] as const;
const SNAPSHOT_WIDTH = ENTRY_KEYS.length + 2;

function snapshotOf(entries: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const e of entries) {
    out.push(e);
    if (!isPlainObject(e)) {
      for (let k = 0; k <= ENTRY_KEYS.length; k++) out.push(undefined);
      continue;
    }
    out.push(Object.keys(e).length);
    for (const k of ENTRY_KEYS) out.push(e[k]);
  }
  return out;
}

function unchanged(entries: readonly unknown[], snapshot: readonly unknown[]): boolean {
  if (entries.length * SNAPSHOT_WIDTH !== snapshot.length) return false;
  let at = 0;
  for (const e of entries) {
    if (snapshot[at++] !== e) return false;
    if (!isPlainObject(e)) {
      at += SNAPSHOT_WIDTH - 1;
      continue;
    }
    if (snapshot[at++] !== Object.keys(e).length) return false;
    for (const k of ENTRY_KEYS) if (snapshot[at++] !== e[k]) return false;
  }
  return true;
}

/**
 * decodeManagedFields for the managedFields of a stored object: a list seen before is not decoded again.
 * The result is the caller's to change (its maps are fresh; the sets in them are shared and immutable).
 */
export function decodeStoredManagedFields(entries: unknown): Managed {
  if (!Array.isArray(entries)) return decodeManagedFields(entries);
  const hit = decodedLists.get(entries);
  if (hit && unchanged(entries, hit.snapshot)) return cloneManaged(hit.managed);
  const managed = decodeManagedFields(entries);
  rememberDecoded(entries, { managed: cloneManaged(managed), snapshot: snapshotOf(entries) });
  return managed;
}

/** decodeStoredManagedFields, with a list it rejects read as none. */
export function decodeStoredOrEmpty(entries: unknown): Managed {
  try {
    return decodeStoredManagedFields(entries);
  } catch {
    return emptyManaged();
  }
}

/** The entry encoded for a versioned set last time, reused while its identity and time stay the same. */
interface EncodedEntry {
  readonly id: string;
  readonly time: string | undefined;
  readonly entry: ManagedFieldsEntry;
  /** What the entry was given, to notice an entry changed in place. */
  readonly fields: ManagedFieldsEntry;
  readonly size: number;
}

const encodedEntries = new WeakMap<VersionedSet, EncodedEntry>();
const identities = new Map<string, ManagedFieldsEntry>();

function identity(id: string): ManagedFieldsEntry {
  let who = identities.get(id);
  if (!who) {
    who = JSON.parse(id) as ManagedFieldsEntry;
    if (identities.size >= 4096) identities.clear();
    identities.set(id, who);
  }
  return who;
}

function encodeEntry(id: string, vs: VersionedSet, time: string | undefined): ManagedFieldsEntry {
  const cached = encodedEntries.get(vs);
  if (cached && cached.id === id && cached.time === time && intact(cached)) return cached.entry;
  const who = identity(id);
  // Field order follows the Go struct, which is how upstream serialises an entry.
  const entry: ManagedFieldsEntry = {};
  if (who.manager) entry.manager = who.manager;
  const operation = vs.applied ? 'Apply' : who.operation;
  if (operation) entry.operation = operation;
  if (vs.apiVersion) entry.apiVersion = vs.apiVersion;
  if (time) entry.time = time;
  entry.fieldsType = 'FieldsV1';
  // Sets are immutable and keep their FieldsV1: what did not change since the last write is not written again.
  entry.fieldsV1 = vs.set.toFieldsV1();
  if (who.subresource) entry.subresource = who.subresource;
  encodedEntries.set(vs, { id, time, entry, fields: { ...entry }, size: Object.keys(entry).length });
  return entry;
}

/** The entry still holds what was written into it (it is shared by stored objects, which nobody edits, but check). */
function intact(e: EncodedEntry): boolean {
  const entry = e.entry as Record<string, unknown>;
  if (Object.keys(entry).length !== e.size) return false;
  for (const k of ENTRY_KEYS) if (entry[k] !== (e.fields as Record<string, unknown>)[k]) return false;
  return true;
}

/**
 * upstream encodeManagedFields: one entry per manager, sorted (Apply first, then oldest, then by name).
 * Entries and their FieldsV1 objects may be shared with lists encoded before: treat them as immutable.
 */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] {
  const entries: ManagedFieldsEntry[] = [];
  const sets = new Map<ManagedFieldsEntry, VersionedSet>();
  for (const [id, vs] of managed.sets) {
    const entry = encodeEntry(id, vs, managed.times.get(id));
    entries.push(entry);
    sets.set(entry, vs);
  }
  sortManagedFields(entries);
  rememberEncoded(entries, sets);
  return entries;
}

/**
 * Records what decoding the list would give, so the next write, whose stored object carries it, starts from
 * there: identifiers and times exactly as decodeManagedFields derives them from the entries, in list order,
 * and the sets themselves (a set and its FieldsV1 hold the same paths both ways). A list decoding would
 * reject (or read differently) is left to be decoded.
 */
function rememberEncoded(entries: readonly ManagedFieldsEntry[], sets: Map<ManagedFieldsEntry, VersionedSet>): void {
  const managed = emptyManaged();
  for (const e of entries) {
    const operation = str(e.operation);
    if ((operation !== 'Apply' && operation !== 'Update') || !str(e.apiVersion) || !sets.has(e)) return;
    const vs = sets.get(e)!;
    const id = buildManagerIdentifier({ manager: str(e.manager), operation, apiVersion: str(e.apiVersion), subresource: str(e.subresource) });
    if (managed.sets.has(id)) return;
    const applied = operation === 'Apply';
    managed.sets.set(id, vs.applied === applied && vs.apiVersion === e.apiVersion ? vs : { set: vs.set, apiVersion: str(e.apiVersion), applied });
    managed.times.set(id, e.time ? formatTime(e.time) : undefined);
  }
  rememberDecoded(entries, { managed, snapshot: snapshotOf(entries) });
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
