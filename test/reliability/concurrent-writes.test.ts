// Optimistic concurrency over real HTTP: of many racing writes pinned to one resourceVersion, exactly one wins.
import { startCluster, type Cluster } from '../../src/cluster.js';
import { HttpClient, type Reply } from './http-support.js';
import { configMaps } from './history-support.js';

let cluster: Cluster;
let http: HttpClient;
const ns = 'default';
const base = configMaps(ns);

beforeAll(async () => {
  cluster = await startCluster({ controllers: '', nodes: 0 });
  // Enough connections that every racing request is in the server at once, not queued in the client.
  http = new HttpClient(cluster.url, { maxSockets: 500 });
});
afterAll(async () => {
  http.close();
  await cluster.close();
});

const modified = (name: string) =>
  `Operation cannot be fulfilled on configmaps "${name}": the object has been modified; please apply your changes to the latest version and try again`;

async function createConfigMap(name: string): Promise<string> {
  const reply = await http.request('POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v: 'initial' } });
  expect(reply.status).toBe(201);
  return reply.body.metadata.resourceVersion as string;
}

function tally(replies: Reply[]): Map<number, Reply[]> {
  const by = new Map<number, Reply[]>();
  for (const r of replies) by.set(r.status, [...(by.get(r.status) ?? []), r]);
  return by;
}

function expectOneWinner(replies: Reply[], losers: number, message: string, reason = 'Conflict'): Reply {
  const by = tally(replies);
  for (const status of by.keys()) expect([200, 201, 409]).toContain(status);
  const winners = replies.filter((r) => r.status === 200 || r.status === 201);
  expect(winners).toHaveLength(1);
  const conflicts = by.get(409) ?? [];
  expect(conflicts).toHaveLength(losers);
  for (const r of conflicts) {
    expect(r.body).toMatchObject({ kind: 'Status', status: 'Failure', code: 409, reason, message });
  }
  return winners[0]!;
}

test('500 concurrent PUTs from the same resourceVersion: one 200, 499 Conflicts, and the winner is stored', async () => {
  const rv = await createConfigMap('race-put');
  const replies = await Promise.all(
    Array.from({ length: 500 }, (_, i) =>
      http.request('PUT', `${base}/race-put`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'race-put', resourceVersion: rv }, data: { v: `writer-${i}` } }),
    ),
  );
  const winner = expectOneWinner(replies, 499, modified('race-put'));
  const stored = await http.request('GET', `${base}/race-put`);
  expect(stored.body.data).toEqual(winner.body.data);
  expect(stored.body.metadata.resourceVersion).toBe(winner.body.metadata.resourceVersion);
  expect(BigInt(winner.body.metadata.resourceVersion)).toBeGreaterThan(BigInt(rv));
});

test('300 concurrent merge PATCHes pinned to one resourceVersion: one applies, the rest are Conflicts', async () => {
  const rv = await createConfigMap('race-patch');
  const replies = await Promise.all(
    Array.from({ length: 300 }, (_, i) =>
      http.request('PATCH', `${base}/race-patch`, { metadata: { resourceVersion: rv }, data: { [`w${i}`]: 'x' } }, 'application/merge-patch+json'),
    ),
  );
  const winner = expectOneWinner(replies, 299, modified('race-patch'));
  const stored = await http.request('GET', `${base}/race-patch`);
  // Only the winner's key joined the original data: no loser's patch leaked in.
  expect(Object.keys(stored.body.data).sort()).toEqual(Object.keys(winner.body.data).sort());
  expect(Object.keys(stored.body.data)).toHaveLength(2);
});

test('unpinned concurrent PATCHes all apply: none is lost and none gets a Conflict', async () => {
  await createConfigMap('merge-all');
  const replies = await Promise.all(
    Array.from({ length: 200 }, (_, i) => http.request('PATCH', `${base}/merge-all`, { data: { [`w${i}`]: 'x' } }, 'application/merge-patch+json')),
  );
  expect(tally(replies).get(200)).toHaveLength(200);
  const stored = await http.request('GET', `${base}/merge-all`);
  expect(Object.keys(stored.body.data)).toHaveLength(201);
  const rvs = new Set(replies.map((r) => r.body.metadata.resourceVersion));
  expect(rvs.size).toBe(200);
});

test('200 concurrent DELETEs with a resourceVersion precondition: one deletes; deletes pinned to a stale version all get Conflict', async () => {
  const rv = await createConfigMap('race-delete');
  const body = { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { resourceVersion: rv } };
  const replies = await Promise.all(Array.from({ length: 200 }, () => http.request('DELETE', `${base}/race-delete`, body)));
  // The first delete to run removes the object; the others find it gone (404) or, racing, fail the precondition.
  expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
  for (const r of replies.filter((r) => r.status !== 200)) {
    expect([404, 409]).toContain(r.status);
    if (r.status === 404) expect(r.body).toMatchObject({ reason: 'NotFound', message: 'configmaps "race-delete" not found' });
  }
  expect((await http.request('GET', `${base}/race-delete`)).status).toBe(404);

  // Once the object has moved on, every delete pinned to the old version is a Conflict with upstream's message.
  const old = await createConfigMap('stale-delete');
  const put = await http.request('PUT', `${base}/stale-delete`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stale-delete' }, data: { v: 'moved' } });
  const now = put.body.metadata.resourceVersion as string;
  const stale = { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { resourceVersion: old } };
  const losers = await Promise.all(Array.from({ length: 100 }, () => http.request('DELETE', `${base}/stale-delete`, stale)));
  for (const r of losers) {
    expect(r.body).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on configmaps "stale-delete": Precondition failed: ResourceVersion in precondition: ${old}, ResourceVersion in object meta: ${now}`,
    });
  }
  expect((await http.request('GET', `${base}/stale-delete`)).body.data).toEqual({ v: 'moved' });
});

test('200 concurrent creates of one name: one 201, the rest AlreadyExists, and the stored object is the winner', async () => {
  const replies = await Promise.all(
    Array.from({ length: 200 }, (_, i) => http.request('POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'race-create' }, data: { v: `creator-${i}` } })),
  );
  const winner = expectOneWinner(replies, 199, 'configmaps "race-create" already exists', 'AlreadyExists');
  expect(winner.status).toBe(201);
  const stored = await http.request('GET', `${base}/race-create`);
  expect(stored.body.metadata.uid).toBe(winner.body.metadata.uid);
  expect(stored.body.data).toEqual(winner.body.data);
});
