// A watch resumed from a compacted resourceVersion gets 410 Expired as an ERROR event; relist and rewatch recover.
import { startCluster, type Cluster } from '../../src/cluster.js';
import { realDelay } from '../../src/clock/real-delay.js';
import { diffStates, everything } from './event-log-support.js';
import { configMaps, observe, type Observed } from './history-support.js';
import { HttpClient, openWatch, type WatchEvent } from './http-support.js';
import { Reflector } from './watch-checker-support.js';

let cluster: Cluster;
let http: HttpClient;
const base = configMaps('default');

beforeAll(async () => {
  cluster = await startCluster({ controllers: '', nodes: 0, historySize: 20 });
  http = new HttpClient(cluster.url);
});
afterAll(async () => {
  http?.close();
  await cluster?.close();
});

const put = (name: string, v: string) =>
  http.request('PUT', `${base}/${name}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v } });

test('a watch from a resourceVersion older than the history is one ERROR event: 410 Expired, as upstream words it', async () => {
  const created = await http.request('POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old' }, data: { v: '0' } });
  const oldRv = Number(created.body.metadata.resourceVersion);
  for (let i = 1; i <= 40; i++) await put('old', String(i));
  const events: WatchEvent[] = [];
  const end = await openWatch(cluster.url, `${base}?watch=1&resourceVersion=${oldRv}`, (e) => events.push(e)).done;
  expect(end).toBe('clean');
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired' } });
  expect(events[0]!.object.message).toMatch(new RegExp(`^too old resource version: ${oldRv} \\(\\d+\\)$`));
});

test('a reflector cut off while the history moves past it relists after the 410 and rebuilds the right state', async () => {
  for (let i = 0; i < 10; i++) {
    await http.request('POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `r${i}` }, data: { v: 'a' } });
  }
  const reflector = new Reflector(cluster.url, http, 'default', { name: 'r', selection: everything, start: 'list' });
  await reflector.start();
  // A write the reflector sees proves its first watch is open before the test cuts it.
  await put('r0', 'seen');
  for (let waited = 0; reflector.state.get('r0')?.value.data.v !== 'seen' && waited < 5000; waited += 5) await realDelay(5);
  // The resumed watch is held back in the server while 60 writes push its resourceVersion out of the 20-event history.
  const hold = cluster.faults.add({ verbs: ['watch'], resource: 'configmaps', delayMs: 500, times: 1 });
  cluster.closeWatches();
  for (let i = 0; i < 60; i++) await put(`r${i % 10}`, `b${i}`);
  await http.request('DELETE', `${base}/r3`);
  for (let waited = 0; reflector.expiredCount === 0 && waited < 5000; waited += 10) await realDelay(10);
  hold();
  // After the relist the new watch follows ordinary writes again.
  await put('r4', 'after-relist');
  const final = await http.request('GET', base);
  const finalList = new Map<string, Observed>((final.body.items as any[]).map((i) => [i.metadata.name, observe(i)]));
  for (let waited = 0; diffStates(reflector.state, finalList).length > 0 && waited < 5000; waited += 10) await realDelay(10);
  await reflector.stop();
  expect(reflector.expiredCount).toBe(1);
  expect(reflector.segments.map((s) => s.end)).toEqual(['clean', 'clean', 'expired', 'clean', 'stopped']);
  expect(reflector.problems).toEqual([]);
  expect(diffStates(reflector.state, finalList)).toEqual([]);
  expect(reflector.state.has('r3')).toBe(false);
  expect(reflector.state.get('r4')!.value.data).toEqual({ v: 'after-relist' });
});
