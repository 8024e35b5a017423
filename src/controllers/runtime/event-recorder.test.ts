// The event recorder: upstream's Event shape, repeats counted on one Event, similar ones combined, spam dropped.
import { startCluster, type Cluster } from '../../cluster.js';
import { VirtualClock } from '../../clock/virtual-clock.js';
import type { KubeObject } from '../../meta/types.js';
import { ClientEventRecorder } from './event-recorder.js';

let cluster: Cluster;
let recorder: ClientEventRecorder;
const work: Promise<unknown>[] = [];
const clock = new VirtualClock(Date.UTC(2026, 4, 1, 12, 0, 0));

beforeAll(async () => {
  cluster = await startCluster({ clock, controllers: '' });
  recorder = new ClientEventRecorder(cluster.client, clock, 'test-controller', (w) => work.push(w), (err) => {
    throw err;
  });
});
afterAll(() => cluster.close());

async function flush(): Promise<void> {
  while (work.length > 0) await Promise.all(work.splice(0));
}

test('a burst of the same event becomes one Event whose count grows', async () => {
  const cm = await cluster.client.create('v1', 'configmaps', 'default', { metadata: { name: 'subject' } } as KubeObject);
  for (let i = 0; i < 5; i++) recorder.event(cm, 'Normal', 'Poked', 'poked the map');
  recorder.event(cm, 'Warning', 'Poked', 'poked too hard');
  await flush();
  const events = (await cluster.client.list('v1', 'events', 'default')).items as unknown as Record<string, unknown>[];
  const poked = events.filter((e) => e.reason === 'Poked');
  expect(poked).toHaveLength(2);
  const normal = poked.find((e) => e.type === 'Normal')!;
  expect(normal).toMatchObject({
    count: 5,
    message: 'poked the map',
    source: { component: 'test-controller' },
    reportingComponent: 'test-controller',
    firstTimestamp: '2026-05-01T12:00:00Z',
    lastTimestamp: '2026-05-01T12:00:00Z',
    involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'subject', namespace: 'default', uid: cm.metadata.uid },
  });
  expect((normal.metadata as { name: string }).name).toMatch(/^subject\.[0-9a-f]+$/);
  // events.k8s.io/v1 reads the same objects.
  const v1 = await cluster.client.list('events.k8s.io/v1', 'events', 'default');
  expect(v1.items.filter((e) => (e as unknown as { reason: string }).reason === 'Poked')).toHaveLength(2);
});

test('a repeat later moves lastTimestamp; a cluster-scoped object records in default', async () => {
  const ns = await cluster.client.get('v1', 'namespaces', undefined, 'kube-public');
  recorder.event(ns, 'Normal', 'Looked', 'looked at it');
  await flush();
  clock.advance(90_000);
  recorder.event(ns, 'Normal', 'Looked', 'looked at it');
  await flush();
  const looked = (await cluster.client.list('v1', 'events', 'default')).items.filter((e) => (e as unknown as { reason: string }).reason === 'Looked');
  expect(looked).toHaveLength(1);
  expect(looked[0]).toMatchObject({ count: 2, firstTimestamp: '2026-05-01T12:00:00Z', lastTimestamp: '2026-05-01T12:01:30Z' });
});

async function eventsAbout(name: string): Promise<Record<string, unknown>[]> {
  const events = (await cluster.client.list('v1', 'events', 'default')).items as unknown as Record<string, unknown>[];
  return events.filter((e) => (e.involvedObject as { name: string }).name === name);
}

test('from the 10th distinct message of one reason on, similar events share one combined Event', async () => {
  const cm = await cluster.client.create('v1', 'configmaps', 'default', { metadata: { name: 'many' } } as KubeObject);
  for (let i = 1; i <= 12; i++) recorder.event(cm, 'Normal', 'Made', `made thing ${i}`);
  // A message already among the last nine is no new message: it is recorded as an Event of its own, as upstream does.
  recorder.event(cm, 'Normal', 'Made', 'made thing 12');
  await flush();
  const events = await eventsAbout('many');
  expect(events.filter((e) => !String(e.message).startsWith('(combined')).map((e) => `${e.message} x${e.count}`)).toEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 12].map((i) => `made thing ${i} x1`),
  );
  const combined = events.filter((e) => String(e.message).startsWith('(combined'));
  expect(combined).toHaveLength(1);
  expect(combined[0]).toMatchObject({ count: 3, message: '(combined from similar events): made thing 12', reason: 'Made' });
});

test('past a burst of 25 Events about one object the rest are dropped, and one more gets through every 5 minutes', async () => {
  const cm = await cluster.client.create('v1', 'configmaps', 'default', { metadata: { name: 'noisy' } } as KubeObject);
  for (let i = 1; i <= 30; i++) recorder.event(cm, 'Normal', 'Tick', 'tick');
  await flush();
  let events = await eventsAbout('noisy');
  expect(events).toHaveLength(1);
  // 25 writes (one create, 24 patches); the 5 dropped repeats are not lost from the count, only not written yet.
  expect(events[0]!.count).toBe(25);
  recorder.event(cm, 'Normal', 'Tick', 'tick');
  await flush();
  expect((await eventsAbout('noisy'))[0]!.count).toBe(25);
  clock.advance(300_000);
  recorder.event(cm, 'Normal', 'Tick', 'tick');
  recorder.event(cm, 'Normal', 'Tick', 'tick');
  await flush();
  events = await eventsAbout('noisy');
  expect(events[0]!.count).toBe(32);
  // Another object has a bucket of its own.
  const other = await cluster.client.create('v1', 'configmaps', 'default', { metadata: { name: 'quiet' } } as KubeObject);
  recorder.event(other, 'Normal', 'Tick', 'tick');
  await flush();
  expect((await eventsAbout('quiet'))[0]).toMatchObject({ count: 1 });
});
