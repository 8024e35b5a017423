// Under a recorded mixed load from 50 clients: the history is linearizable and 50 watchers see every change exactly once.
import { startCluster, type Cluster } from '../../src/cluster.js';
import { realDelay } from '../../src/clock/real-delay.js';
import { buildEventLog, diffStates, everything, type EventLog, type Selection } from './event-log-support.js';
import { configMaps, observe, runWorkload, type Observed, type Operation } from './history-support.js';
import { HttpClient } from './http-support.js';
import { checkHistory, describeVerdict } from './linearizability-support.js';
import { fieldSelections, labelSelections } from './selections-support.js';
import { checkReflector, owed, Reflector, type ReflectorSpec } from './watch-checker-support.js';

const heavy = process.env.KUBEFAKE_HEAVY_TESTS === '1';
const operations = heavy ? 50_000 : 10_000;
const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
const seed = Number(process.env.KUBEFAKE_SEED ?? 0) || (process.hrtime()[1] % 100_000) + 1;
const ns = 'load';

let cluster: Cluster;
let http: HttpClient;
let history: Operation[];
let reference: Reflector;
let reflectors: Reflector[];
let log: EventLog;
let logProblems: string[];
let finalRv: number;
let finalList: Map<string, Observed>;

async function list(selection: Selection): Promise<{ rv: number; items: Map<string, Observed> }> {
  const q = new URLSearchParams();
  if (selection.labelSelector) q.set('labelSelector', selection.labelSelector);
  if (selection.fieldSelector) q.set('fieldSelector', selection.fieldSelector);
  const reply = await http.request('GET', `${configMaps(ns)}?${q}`);
  expect(reply.status).toBe(200);
  const items = new Map<string, Observed>((reply.body.items as any[]).map((i) => [i.metadata.name, observe(i)]));
  return { rv: Number(reply.body.metadata.resourceVersion), items };
}

const selections = [...labelSelections, ...fieldSelections];
const spec = (i: number, start: ReflectorSpec['start'], selection: Selection): ReflectorSpec => ({
  name: `watcher-${i}`,
  selection,
  start,
  bookmarks: i % 2 === 0,
});

beforeAll(async () => {
  // The virtual clock lets the test fire the 60 s bookmarks (and the 30–60 min watch timeouts) during the run.
  cluster = await startCluster({ controllers: '', nodes: 0, clock: 'virtual' });
  http = new HttpClient(cluster.url, { maxSockets: 50 });
  expect((await http.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).status).toBe(201);
  const make = (s: ReflectorSpec) => new Reflector(cluster.url, http, ns, s);
  reference = make({ name: 'reference', selection: everything, start: 'list' });
  const early: Reflector[] = [];
  for (let i = 0; i < 22; i++) early.push(make(spec(i, 'list', everything)));
  selections.forEach((s, i) => early.push(make(spec(22 + i, 'list', s)), make(spec(22 + selections.length + i, 'initial-events', s))));
  early.push(make(spec(40, 'initial-events', everything)), make(spec(41, 'initial-events', everything)));
  await reference.start();
  await Promise.all(early.map((r) => r.start()));
  const late: Reflector[] = [];
  let pastRv = 0;
  const removeCuts: (() => void)[] = [];
  const progress = async (done: number) => {
    if (done % 250 === 0) await cluster.advance(60_000);
    if (done === Math.floor(operations * 0.25)) pastRv = (await list(everything)).rv;
    if (done === Math.floor(operations * 0.3)) cluster.closeWatches();
    if (done === Math.floor(operations * 0.45)) {
      // Watchers that join late and read the past first: an Exact list at an earlier resourceVersion, then a watch from it.
      for (let i = 0; i < 8; i++) late.push(make(spec(42 + i, { exactRv: pastRv }, i < 3 ? everything : selections[i]!)));
      await Promise.all(late.map((r) => r.start()));
    }
    if (done === Math.floor(operations * 0.5)) {
      removeCuts.push(cluster.faults.add({ verbs: ['watch'], resource: 'configmaps', dropWatch: true, afterEvents: 3, times: 30 }));
      cluster.closeWatches();
    }
    if (done === Math.floor(operations * 0.7)) cluster.closeWatches();
  };
  const started = process.hrtime.bigint();
  history = await runWorkload({ http, namespace: ns, clients: 50, operations, keys: keys.length, seed, progress });
  console.log(`seed ${seed}: ${operations} operations in ${Number(process.hrtime.bigint() - started) / 1e6} ms`);
  for (const remove of removeCuts) remove();
  reflectors = [...early, ...late];
  const final = await list(everything);
  finalRv = final.rv;
  finalList = final.items;
  // One more bookmark round after the last write, then wait for every stream to deliver what it owes.
  await cluster.advance(60_000);
  for (let waited = 0; waited < 15_000; waited += 20) {
    const sofar = reference.lastRv >= finalRv ? log0() : undefined;
    if (sofar && reflectors.every((r) => owed(r, sofar, finalRv) <= 0)) break;
    await realDelay(20);
  }
  // Anything delivered twice or late would arrive now.
  await realDelay(100);
  await Promise.all([reference, ...reflectors].map((r) => r.stop()));
  const stream = reference.segments.flatMap((s) => s.events);
  ({ log, problems: logProblems } = buildEventLog(stream, history, reference.segments[0]!.start));
}, heavy ? 600_000 : 120_000);

/** The log as the reference has seen it so far (for the catch-up wait only; the checks use the validated log). */
function log0(): EventLog {
  return buildEventLog(reference.segments.flatMap((s) => s.events), [], reference.segments[0]!.start).log;
}

afterAll(async () => {
  http?.close();
  await cluster?.close();
});

test(`the history of ${operations} operations from 50 clients is linearizable per key`, () => {
  expect(history).toHaveLength(operations);
  const verdicts = checkHistory(history, keys);
  const failed = verdicts.filter((v) => !v.linearizable).map(describeVerdict);
  expect(failed).toEqual([]);
  // The load must actually contend: CAS wins and losses, creates that race, deletes, lists.
  const count = (f: (op: Operation) => boolean) => history.filter(f).length;
  expect(count((op) => op.status === 409 && op.reason === 'Conflict')).toBeGreaterThan(operations / 100);
  expect(count((op) => (op.kind === 'update' || op.kind === 'patch') && op.status === 200 && op.expectedRv !== undefined)).toBeGreaterThan(operations / 500);
  expect(count((op) => op.kind === 'delete' && op.status === 200)).toBeGreaterThan(operations / 100);
  expect(count((op) => op.kind === 'list')).toBeGreaterThan(operations / 50);
});

test('the write order the watch reports is exactly the acknowledged writes, and replays to the final list', () => {
  expect(reference.segments.slice(1).filter((s) => s.initial)).toEqual([]);
  expect(reference.segments[0]!.initial!.size).toBe(0);
  expect(logProblems.slice(0, 20)).toEqual([]);
  expect(log.lastRv).toBe(finalRv);
  expect(log.events.length).toBeGreaterThan(operations / 5);
  expect(diffStates(log.stateAt(finalRv), finalList)).toEqual([]);
});

test('50 watchers (selectors, initial events, past resourceVersions, cut and resumed) each see every change exactly once, in order', async () => {
  expect(reflectors).toHaveLength(50);
  const problems: string[] = [];
  for (const r of reflectors) {
    const final = new Map([...finalList].filter(([name, o]) => r.spec.selection.matches(name, o)));
    problems.push(...checkReflector(r, log, finalRv, final));
  }
  expect(problems.slice(0, 20)).toEqual([]);
  // The disconnects happened: every early watcher resumed at least three times, and bookmarks came.
  for (const r of reflectors.slice(0, 42)) expect(r.segments.length).toBeGreaterThanOrEqual(4);
  expect(reflectors.some((r) => r.segments.some((s) => s.end === 'broken'))).toBe(true);
  expect(reflectors.filter((r) => r.spec.bookmarks).every((r) => r.segments.some((s) => s.bookmarks.length > 0))).toBe(true);
});

test('a LIST with each selector agrees with the log replayed through the selector', async () => {
  for (const selection of selections) {
    const { items } = await list(selection);
    expect({ selection: selection.description, diff: diffStates(items, log.stateAt(finalRv, selection)) }).toEqual({ selection: selection.description, diff: [] });
  }
});
