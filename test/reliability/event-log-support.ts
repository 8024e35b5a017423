// The write history as an ordered event log: checked against what clients were told, then replayed to any resourceVersion.
import type { Observed, Operation } from './history-support.js';

export interface LogEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  name: string;
  /** The version written; for DELETED the last state stamped with the deletion's resourceVersion. */
  object: Observed;
  /** The key's version before this event (undefined for ADDED). */
  prev?: Observed;
}

/** Which objects a watcher or list selects: its query parameters and an independent predicate for the checker. */
export interface Selection {
  description: string;
  labelSelector?: string;
  fieldSelector?: string;
  matches(name: string, object: Observed): boolean;
}

export const everything: Selection = { description: 'everything', matches: () => true };

export type ExpectedEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; name: string; object: Observed };

export class EventLog {
  private readonly rvs: number[];

  /** `events` are the changes after `startRv` (when the namespace was empty), in resourceVersion order. */
  constructor(readonly events: LogEvent[], readonly startRv: number) {
    this.rvs = events.map((e) => e.rv);
  }

  get lastRv(): number {
    return this.events.at(-1)?.rv ?? this.startRv;
  }

  /** Every object as it stood once the write at `rv` (and none after it) had happened. */
  stateAt(rv: number, selection: Selection = everything): Map<string, Observed> {
    const state = new Map<string, Observed>();
    for (const e of this.events) {
      if (e.rv > rv) break;
      if (e.type === 'DELETED') state.delete(e.name);
      else state.set(e.name, e.object);
    }
    for (const [name, object] of state) if (!selection.matches(name, object)) state.delete(name);
    return state;
  }

  /**
   * What a watcher of `selection` must see for the changes in (from, to]: as upstream's watch cache translates them,
   * an object entering the selection is ADDED, leaving it is DELETED (carrying the new version), staying is MODIFIED.
   */
  expected(selection: Selection, from: number, to: number): ExpectedEvent[] {
    const out: ExpectedEvent[] = [];
    for (let i = this.firstAfter(from); i < this.events.length && this.events[i]!.rv <= to; i++) {
      const e = this.events[i]!;
      const before = !!e.prev && selection.matches(e.name, e.prev);
      if (e.type === 'DELETED') {
        if (before) out.push({ type: 'DELETED', name: e.name, object: e.object });
        continue;
      }
      const now = selection.matches(e.name, e.object);
      if (now && before) out.push({ type: 'MODIFIED', name: e.name, object: e.object });
      else if (now) out.push({ type: 'ADDED', name: e.name, object: e.object });
      else if (before) out.push({ type: 'DELETED', name: e.name, object: e.object });
    }
    return out;
  }

  private firstAfter(rv: number): number {
    let lo = 0;
    let hi = this.rvs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.rvs[mid]! <= rv) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Builds the log from a watcher's stream and checks it against the client-side history, so the log is trusted only as
 * far as the writes' own acknowledgements confirm it: resourceVersions strictly increase; each key goes
 * ADDED → MODIFIED* → DELETED with one uid per life; every acknowledged create, update and patch appears at the
 * resourceVersion and with the content its response reported, and nothing else does; every key has as many
 * DELETED events as acknowledged deletes. Returns the problems found (none: the log is the history's write order).
 */
export function buildEventLog(
  stream: { type: string; name: string; object: Observed }[],
  history: Operation[],
  startRv: number,
): { log: EventLog; problems: string[] } {
  const problems: string[] = [];
  const events: LogEvent[] = [];
  const live = new Map<string, Observed>();
  let last = startRv;
  for (const s of stream) {
    const rv = Number(s.object.rv);
    if (!(rv > last)) problems.push(`${s.type} ${s.name} at rv ${rv} does not follow rv ${last}`);
    last = Math.max(last, rv);
    const prev = live.get(s.name);
    if (s.type === 'ADDED' && prev) problems.push(`ADDED ${s.name} at rv ${rv} while it exists (since rv ${prev.rv})`);
    if (s.type !== 'ADDED' && !prev) problems.push(`${s.type} ${s.name} at rv ${rv} while it does not exist`);
    if (s.type !== 'ADDED' && prev && prev.uid !== s.object.uid) problems.push(`${s.type} ${s.name} at rv ${rv} changed the uid`);
    if (s.type === 'DELETED' && prev && prev.canonical !== s.object.canonical) problems.push(`DELETED ${s.name} at rv ${rv} is not its last state`);
    if (s.type === 'DELETED') live.delete(s.name);
    else live.set(s.name, s.object);
    events.push({ rv, type: s.type as LogEvent['type'], name: s.name, object: s.object, prev });
  }
  const byRv = new Map(events.map((e) => [e.rv, e]));
  const acknowledged = new Set<number>();
  const deletes = new Map<string, number>();
  for (const op of history) {
    if (op.kind === 'delete' && op.status === 200) deletes.set(op.key, (deletes.get(op.key) ?? 0) + 1);
    if (!['create', 'update', 'patch'].includes(op.kind) || (op.status !== 200 && op.status !== 201)) continue;
    const rv = Number(op.object!.rv);
    const e = byRv.get(rv);
    const type = op.kind === 'create' ? 'ADDED' : 'MODIFIED';
    if (!e || e.type !== type || e.name !== op.key || e.object.uid !== op.object!.uid || e.object.canonical !== op.object!.canonical) {
      problems.push(`acknowledged ${op.kind} of ${op.key} at rv ${rv} is not in the log as ${type} (found ${e ? `${e.type} ${e.name}` : 'nothing'})`);
    }
    if (acknowledged.has(rv)) problems.push(`two acknowledged writes share rv ${rv}`);
    acknowledged.add(rv);
  }
  for (const e of events) {
    if (e.type !== 'DELETED' && !acknowledged.has(e.rv)) problems.push(`${e.type} ${e.name} at rv ${e.rv} matches no acknowledged write`);
  }
  const deleted = new Map<string, number>();
  for (const e of events) if (e.type === 'DELETED') deleted.set(e.name, (deleted.get(e.name) ?? 0) + 1);
  for (const name of new Set([...deletes.keys(), ...deleted.keys()])) {
    if ((deletes.get(name) ?? 0) !== (deleted.get(name) ?? 0)) {
      problems.push(`${name}: ${deletes.get(name) ?? 0} acknowledged deletes but ${deleted.get(name) ?? 0} DELETED events`);
    }
  }
  return { log: new EventLog(events, startRv), problems };
}

/** Differences between two name → version maps (a rebuilt state and a list, say), for assertion messages. */
export function diffStates(actual: Map<string, Observed>, expected: Map<string, Observed>): string[] {
  const out: string[] = [];
  for (const [name, e] of expected) {
    const a = actual.get(name);
    if (!a) out.push(`${name} missing (expected rv ${e.rv})`);
    else if (a.uid !== e.uid || a.rv !== e.rv || a.canonical !== e.canonical) out.push(`${name} at rv ${a.rv}, expected rv ${e.rv}`);
  }
  for (const [name, a] of actual) if (!expected.has(name)) out.push(`${name} (rv ${a.rv}) should not be there`);
  return out;
}
