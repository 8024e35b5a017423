// Paginated LISTs under concurrent writes are snapshots: every page at the first page's resourceVersion, nothing twice or missing.
import { startCluster, type Cluster } from '../../src/cluster.js';
import { realDelay } from '../../src/clock/real-delay.js';
import { buildEventLog, diffStates, everything } from './event-log-support.js';
import { configMaps, observe, record, runWorkload, type Observed, type Operation } from './history-support.js';
import { HttpClient, type Json } from './http-support.js';
import { Reflector } from './watch-checker-support.js';

const heavy = process.env.KUBEFAKE_HEAVY_TESTS === '1';
const ns = 'pages';
const keys = 400;
let cluster: Cluster;
let http: HttpClient;

beforeAll(async () => {
  cluster = await startCluster({ controllers: '', nodes: 0 });
  http = new HttpClient(cluster.url, { maxSockets: 40 });
  expect((await http.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).status).toBe(201);
});
afterAll(async () => {
  http?.close();
  await cluster?.close();
});

interface PagedList {
  pages: { rv: string; items: Json[]; continue?: string }[];
}

async function paginate(limit: number): Promise<PagedList> {
  const pages: PagedList['pages'] = [];
  let token: string | undefined;
  do {
    const q = new URLSearchParams({ limit: String(limit) });
    if (token) q.set('continue', token);
    const reply = await http.request('GET', `${configMaps(ns)}?${q}`);
    expect(reply.status).toBe(200);
    token = reply.body.metadata.continue || undefined;
    pages.push({ rv: reply.body.metadata.resourceVersion, items: reply.body.items, continue: token });
    await realDelay(1); // let writers in between pages
  } while (token);
  return { pages };
}

test('paginated LISTs racing creates, updates and deletes each return the store as it was at the first page', async () => {
  const reference = new Reflector(cluster.url, http, ns, { name: 'reference', selection: everything, start: 'list' });
  await reference.start();
  const history: Operation[] = [];
  for (let i = 0; i < keys; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) => {
        const key = `k${i + j}`;
        const value = { data: { v: 'seed' }, labels: {} };
        return record(history, { client: -1, kind: 'create', key, value }, () =>
          http.request('POST', configMaps(ns), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: key }, data: value.data }),
        );
      }),
    );
  }
  let writing = true;
  const writers = runWorkload({ http, namespace: ns, clients: 20, operations: heavy ? 20_000 : 4_000, keys, seed: 7 }).finally(() => (writing = false));
  const lists: PagedList[] = [];
  const readers = Array.from({ length: 6 }, async (_, r) => {
    while (writing) lists.push(await paginate([7, 13, 50, 101, 3, 29][r]!));
  });
  history.push(...(await writers));
  await Promise.all(readers);
  const finalRv = Number((await http.request('GET', configMaps(ns))).body.metadata.resourceVersion);
  for (let waited = 0; reference.lastRv < finalRv && waited < 10_000; waited += 10) await realDelay(10);
  await reference.stop();
  const { log, problems } = buildEventLog(reference.segments.flatMap((s) => s.events), history, reference.segments[0]!.start);
  expect(problems.slice(0, 10)).toEqual([]);

  expect(lists.length).toBeGreaterThan(6);
  let multiPage = 0;
  for (const { pages } of lists) {
    const rv = pages[0]!.rv;
    expect(pages.map((p) => p.rv)).toEqual(pages.map(() => rv));
    const names = pages.flatMap((p) => p.items.map((i) => i.metadata.name as string));
    // Keys come in order across pages (hence no duplicates): each page continues after the last key of the one before.
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    const union = new Map<string, Observed>(pages.flatMap((p) => p.items.map((i) => [i.metadata.name as string, observe(i)] as const)));
    expect({ rv, diff: diffStates(union, log.stateAt(Number(rv))) }).toEqual({ rv, diff: [] });
    if (pages.length > 1 && log.events.some((e) => e.rv > Number(rv) && e.rv <= Number(rv) + 20)) multiPage++;
  }
  // The lists really raced the writers: many spanned several pages while writes landed after their snapshot.
  expect(multiPage).toBeGreaterThan(3);
}, heavy ? 300_000 : 60_000);

test('a continue token whose resourceVersion was compacted gets 410 Expired with upstream message; a fresh list works', async () => {
  const small = await startCluster({ controllers: '', nodes: 0, historySize: 20 });
  const client = new HttpClient(small.url);
  try {
    const base = configMaps('default');
    for (let i = 0; i < 30; i++) {
      expect((await client.request('POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}` } })).status).toBe(201);
    }
    const first = await client.request('GET', `${base}?limit=5`);
    const token = first.body.metadata.continue as string;
    expect(token).toBeTruthy();
    for (let i = 0; i < 30; i++) await client.request('PATCH', `${base}/c${i}`, { data: { n: String(i) } }, 'application/merge-patch+json');
    const expired = await client.request('GET', `${base}?limit=5&continue=${encodeURIComponent(token)}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      code: 410,
      reason: 'Expired',
      message:
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    });
    // Relisting from scratch (no resourceVersion, as a client recovering does) pages through the current state.
    const names: string[] = [];
    let next: string | undefined;
    do {
      const page = await client.request('GET', `${base}?limit=7${next ? `&continue=${encodeURIComponent(next)}` : ''}`);
      expect(page.status).toBe(200);
      for (const item of page.body.items) {
        expect(item.data).toEqual({ n: item.metadata.name.slice(1) });
        names.push(item.metadata.name);
      }
      next = page.body.metadata.continue || undefined;
    } while (next);
    expect(names).toHaveLength(30);
  } finally {
    client.close();
    await small.close();
  }
});
