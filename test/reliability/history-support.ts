// A recorded history of ConfigMap operations over HTTP (invocation/completion times and results) and the load that makes one.
import type { HttpClient, Json, Reply } from './http-support.js';
import { seededRandom } from '../../src/meta/seeded-random.js';

export interface Value {
  data: Record<string, string>;
  labels: Record<string, string>;
}

/** A merge patch of a Value: null removes the entry. */
export interface ValuePatch {
  data: Record<string, string | null>;
  labels: Record<string, string | null>;
}

/** One version of one object as the server showed it. `canonical` compares values without caring about key order. */
export interface Observed {
  uid: string;
  rv: string;
  value: Value;
  canonical: string;
}

export type OpKind = 'create' | 'get' | 'update' | 'patch' | 'delete' | 'list';

export interface Operation {
  id: number;
  client: number;
  kind: OpKind;
  /** The object's name; '' for a list, which reads every key at once. */
  key: string;
  invoke: bigint;
  complete: bigint;
  /** create and update: the whole value sent. */
  value?: Value;
  patch?: ValuePatch;
  /** update/patch: metadata.resourceVersion sent; delete: preconditions.resourceVersion. */
  expectedRv?: string;
  status: number;
  reason?: string;
  message?: string;
  object?: Observed;
  /** list: every item by name, and the list's resourceVersion. */
  items?: Map<string, Observed>;
  listRv?: string;
}

export function canonical(value: Value): string {
  const sorted = (r: Record<string, string>) => Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([sorted(value.data), sorted(value.labels)]);
}

export function observe(object: Json): Observed {
  const value: Value = { data: { ...(object.data ?? {}) }, labels: { ...(object.metadata?.labels ?? {}) } };
  return { uid: String(object.metadata?.uid), rv: String(object.metadata?.resourceVersion), value, canonical: canonical(value) };
}

export function applyPatch(value: Value, patch: ValuePatch): Value {
  const merge = (base: Record<string, string>, change: Record<string, string | null>) => {
    const out = { ...base };
    for (const [k, v] of Object.entries(change)) {
      if (v === null) delete out[k];
      else out[k] = v;
    }
    return out;
  };
  return { data: merge(value.data, patch.data), labels: merge(value.labels, patch.labels) };
}


export const configMaps = (namespace: string) => `/api/v1/namespaces/${namespace}/configmaps`;

/** Sends one request and records it; a 5xx or a broken connection fails the whole run, as no promise covers them. */
export async function record(
  history: Operation[],
  partial: Omit<Operation, 'id' | 'invoke' | 'complete' | 'status'>,
  send: () => Promise<Reply>,
): Promise<Operation> {
  const invoke = process.hrtime.bigint();
  const reply = await send();
  const complete = process.hrtime.bigint();
  if (reply.status >= 500) throw new Error(`${partial.kind} ${partial.key}: ${reply.status} ${reply.text.slice(0, 300)}`);
  const op: Operation = { ...partial, id: history.length, invoke, complete, status: reply.status };
  const body = reply.body;
  if (body.kind === 'Status' && body.status === 'Failure') {
    op.reason = body.reason;
    op.message = body.message;
  } else if (partial.kind === 'list') {
    op.items = new Map((body.items as Json[]).map((item) => [item.metadata.name as string, observe(item)]));
    op.listRv = body.metadata.resourceVersion;
  } else if (partial.kind !== 'delete') {
    op.object = observe(body);
  }
  history.push(op);
  return op;
}

export interface WorkloadOptions {
  http: HttpClient;
  namespace: string;
  clients: number;
  operations: number;
  keys: number;
  seed: number;
  /** Called after each completed operation with how many have completed (e.g. to disconnect watchers mid-run). */
  progress?: (completed: number) => Promise<void> | void;
}

export const colors = ['red', 'blue', 'green'];

/**
 * Runs the mixed load: each client picks an operation and a key at random; updates, patches and deletes carry the
 * last resourceVersion the client saw for the key about half the time, so both CAS wins and conflicts occur.
 */
export async function runWorkload(options: WorkloadOptions): Promise<Operation[]> {
  const { http, namespace, clients, operations, keys, seed } = options;
  const history: Operation[] = [];
  const base = configMaps(namespace);
  let issued = 0;
  let completed = 0;
  const client = async (c: number) => {
    const random = seededRandom(seed * 1000 + c);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    const known = new Map<string, string>();
    let seq = 0;
    const value = (): Value => {
      const labels: Record<string, string> = { tier: pick(['a', 'b']) };
      if (random() < 0.75) labels.color = pick(colors);
      return { data: { v: `c${c}-${seq++}` }, labels };
    };
    const learn = (key: string, op: Operation) => {
      if (op.object) known.set(key, op.object.rv);
      for (const [name, item] of op.items ?? []) known.set(name, item.rv);
    };
    while (issued < operations) {
      issued++;
      const key = `k${Math.floor(random() * keys)}`;
      const path = `${base}/${key}`;
      const roll = random();
      const pinned = random() < 0.5 ? known.get(key) : undefined;
      let op: Operation;
      if (roll < 0.15) {
        const v = value();
        const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: key, labels: v.labels }, data: v.data };
        op = await record(history, { client: c, kind: 'create', key, value: v }, () => http.request('POST', base, body));
      } else if (roll < 0.35) {
        op = await record(history, { client: c, kind: 'get', key }, () => http.request('GET', path));
      } else if (roll < 0.58) {
        const v = value();
        const metadata: Json = { name: key, labels: v.labels };
        if (pinned) metadata.resourceVersion = pinned;
        const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: v.data };
        op = await record(history, { client: c, kind: 'update', key, value: v, expectedRv: pinned }, () => http.request('PUT', path, body));
      } else if (roll < 0.78) {
        const patch: ValuePatch = { data: { p: `c${c}-${seq++}` }, labels: {} };
        if (random() < 0.5) patch.labels.color = random() < 0.25 ? null : pick(colors);
        const metadata: Json = { labels: patch.labels };
        if (pinned) metadata.resourceVersion = pinned;
        op = await record(history, { client: c, kind: 'patch', key, patch, expectedRv: pinned }, () =>
          http.request('PATCH', path, { metadata, data: patch.data }, 'application/merge-patch+json'),
        );
      } else if (roll < 0.92) {
        const body = pinned ? { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { resourceVersion: pinned } } : undefined;
        op = await record(history, { client: c, kind: 'delete', key, expectedRv: pinned }, () => http.request('DELETE', path, body));
      } else {
        op = await record(history, { client: c, kind: 'list', key: '' }, () => http.request('GET', base));
      }
      learn(key, op);
      completed++;
      await options.progress?.(completed);
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  return history;
}
