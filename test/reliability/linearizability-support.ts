// A per-key linearizability checker for recorded ConfigMap histories: Wing & Gong's search with Lowe's memoization.
//
// Why a search rather than trusting the resourceVersions the server returns: ordering writes by their returned
// resourceVersion assumes the very property under test (that the server's order is a real-time order). The search
// assumes nothing from the server: it looks for a total order of each key's operations that respects real time (an
// operation completed before another began comes first) and in which every result is what a single register with
// create/delete and compare-and-swap on resourceVersion would answer. resourceVersions are only data in that model
// (a write must move the key's resourceVersion forward; a read must show exactly the last write's). As in Knossos and
// porcupine, the history splits per key (linearizability is compositional) and (linearized-set, state) pairs already
// explored are memoized, which keeps the search near linear for histories like ours.
import { applyPatch, canonical, type Observed, type Operation } from './history-support.js';

/** A key's register: absent, or the version last written. */
export type RegisterState = null | { uid: string; rv: string; canonical: string; value: Observed['value'] };

const stateKey = (s: RegisterState) => (s === null ? '-' : `${s.uid}/${s.rv}/${s.canonical}`);
const newer = (a: string, b: string) => BigInt(a) > BigInt(b);

/** The model: the state after `op` from `state`, or undefined when the register could not have answered so. */
export function step(state: RegisterState, op: Operation): RegisterState | undefined {
  const { status, object: out } = op;
  switch (op.kind) {
    case 'create':
      if (status === 201 && state === null && out && out.canonical === canonical(op.value!)) {
        return { uid: out.uid, rv: out.rv, canonical: out.canonical, value: out.value };
      }
      if (status === 409 && op.reason === 'AlreadyExists' && state !== null) return state;
      return undefined;
    case 'get':
      if (status === 200 && state !== null && out && out.uid === state.uid && out.rv === state.rv && out.canonical === state.canonical) return state;
      if (status === 404 && state === null) return state;
      return undefined;
    case 'update':
    case 'patch': {
      if (status === 404) return state === null ? state : undefined;
      if (state === null) return undefined;
      const pinnedElsewhere = op.expectedRv !== undefined && op.expectedRv !== state.rv;
      if (status === 409) return op.reason === 'Conflict' && pinnedElsewhere ? state : undefined;
      if (status !== 200 || pinnedElsewhere || !out || out.uid !== state.uid) return undefined;
      const written = op.kind === 'update' ? op.value! : applyPatch(state.value, op.patch!);
      const writtenCanonical = canonical(written);
      if (out.canonical !== writtenCanonical) return undefined;
      // A write that changes nothing keeps the resourceVersion (upstream skips it); any other moves it forward.
      if (writtenCanonical === state.canonical) return out.rv === state.rv ? state : undefined;
      return newer(out.rv, state.rv) ? { uid: out.uid, rv: out.rv, canonical: out.canonical, value: out.value } : undefined;
    }
    case 'delete':
      if (status === 404) return state === null ? state : undefined;
      if (state === null) return undefined;
      if (status === 409) return op.reason === 'Conflict' && op.expectedRv !== undefined && op.expectedRv !== state.rv ? state : undefined;
      if (status === 200 && (op.expectedRv === undefined || op.expectedRv === state.rv)) return null;
      return undefined;
    default:
      return undefined;
  }
}

/** A list reads every key at once: for one key it is a get that found the item, or a 404 when the item was missing. */
export function projectOnto(key: string, ops: Operation[]): Operation[] {
  const out: Operation[] = [];
  for (const op of ops) {
    if (op.kind !== 'list') {
      if (op.key === key) out.push(op);
      continue;
    }
    if (op.status !== 200) continue;
    const item = op.items!.get(key);
    out.push({ ...op, kind: 'get', key, status: item ? 200 : 404, object: item, reason: item ? undefined : 'NotFound' });
  }
  return out;
}

export interface KeyVerdict {
  key: string;
  operations: number;
  linearizable: boolean;
  /** The search gave up (too many states): neither proven nor refuted. */
  exhausted?: boolean;
  /** On failure: the most operations any explored order managed to linearize, and the first one it could not place. */
  deepest?: number;
  stuckAt?: Operation;
}

/** Checks one key's operations (all of them on that key), starting from `initial`. */
export function checkKey(key: string, ops: Operation[], initial: RegisterState = null, maxSteps = 5_000_000): KeyVerdict {
  const n = ops.length;
  // Entries 1..2n are calls and returns ordered by time (a call before a return at the same instant, which only
  // makes the two concurrent); entry 0 is the list's head.
  const events: { at: bigint; call: boolean; op: number }[] = [];
  ops.forEach((op, i) => {
    events.push({ at: op.invoke, call: true, op: i });
    events.push({ at: op.complete, call: false, op: i });
  });
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.call === b.call ? 0 : a.call ? -1 : 1));
  const size = events.length + 1;
  const next = new Int32Array(size);
  const prev = new Int32Array(size);
  const isCall = new Uint8Array(size);
  const opOf = new Int32Array(size);
  const match = new Int32Array(size);
  const returnOf = new Int32Array(n);
  events.forEach((e, i) => {
    const at = i + 1;
    isCall[at] = e.call ? 1 : 0;
    opOf[at] = e.op;
    if (!e.call) returnOf[e.op] = at;
  });
  for (let i = 1; i < size; i++) if (isCall[i]) match[i] = returnOf[opOf[i]!]!;
  for (let i = 0; i < size; i++) {
    next[i] = i + 1 < size ? i + 1 : -1;
    prev[i] = i - 1;
  }
  const unlink = (e: number) => {
    next[prev[e]!] = next[e]!;
    if (next[e]! >= 0) prev[next[e]!] = prev[e]!;
  };
  const relink = (e: number) => {
    next[prev[e]!] = e;
    if (next[e]! >= 0) prev[next[e]!] = e;
  };
  const lift = (e: number) => {
    unlink(e);
    unlink(match[e]!);
  };
  const unlift = (e: number) => {
    relink(match[e]!);
    relink(e);
  };
  const words = new Uint32Array(Math.ceil(n / 32) || 1);
  const flip = (op: number) => (words[op >>> 5]! ^= 1 << (op & 31));
  const seen = new Set<string>();
  const calls: { entry: number; state: RegisterState }[] = [];
  let state = initial;
  let entry = next[0]!;
  let deepest = 0;
  let stuckAt: Operation | undefined;
  for (let steps = 0; next[0]! >= 0; steps++) {
    if (steps > maxSteps) return { key, operations: n, linearizable: false, exhausted: true };
    if (isCall[entry]) {
      const after = step(state, ops[opOf[entry]!]!);
      if (after !== undefined) {
        flip(opOf[entry]!);
        const memo = `${words.join(',')}|${stateKey(after)}`;
        if (!seen.has(memo)) {
          seen.add(memo);
          calls.push({ entry, state });
          state = after;
          lift(entry);
          entry = next[0]!;
          if (calls.length > deepest) {
            deepest = calls.length;
            stuckAt = undefined;
          }
          continue;
        }
        flip(opOf[entry]!);
      }
      entry = next[entry]!;
    } else {
      // A return before every pending call could be placed: this order fails, back up to the last choice.
      if (calls.length === deepest && !stuckAt) stuckAt = ops[opOf[entry]!];
      const top = calls.pop();
      if (!top) return { key, operations: n, linearizable: false, deepest, stuckAt };
      state = top.state;
      flip(opOf[top.entry]!);
      unlift(top.entry);
      entry = next[top.entry]!;
    }
  }
  return { key, operations: n, linearizable: true };
}

/** Checks every key a history touched (lists included as reads of each key); every key starts absent. */
export function checkHistory(history: Operation[], keys: string[]): KeyVerdict[] {
  return keys.map((key) => checkKey(key, projectOnto(key, history)));
}

/** A readable account of a failed verdict, for the assertion message. */
export function describeVerdict(v: KeyVerdict): string {
  if (v.linearizable) return `${v.key}: linearizable (${v.operations} operations)`;
  if (v.exhausted) return `${v.key}: search exhausted its budget over ${v.operations} operations`;
  const op = v.stuckAt;
  const shown = op
    ? `${op.kind} by client ${op.client} (status ${op.status}${op.reason ? ` ${op.reason}` : ''}, rv ${op.object?.rv ?? '-'}, expected ${op.expectedRv ?? '-'})`
    : 'unknown';
  return `${v.key}: NOT linearizable; at most ${v.deepest} of ${v.operations} operations ordered, stuck at ${shown}`;
}
