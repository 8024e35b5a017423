// The watch verb's initial events: the bookmark that ends them carries the list's resourceVersion, not a later one.
import { startCluster, type Cluster } from '../../cluster.js';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ controllers: '', nodes: 0 });
});
afterAll(() => cluster.close());

interface WatchEvent {
  type: string;
  object: { metadata: { name?: string; resourceVersion: string; annotations?: Record<string, string> } };
}

/** Reads newline-delimited watch events from `url` until `until` says enough, then aborts the request. */
async function readEvents(url: string, until: (events: WatchEvent[]) => boolean): Promise<WatchEvent[]> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  const reader = response.body!.getReader();
  const events: WatchEvent[] = [];
  let buffered = '';
  try {
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += Buffer.from(value).toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buffered.slice(0, newline)) as WatchEvent);
        buffered = buffered.slice(newline + 1);
      }
    }
  } finally {
    abort.abort();
  }
  return events;
}

test('a write landing while the initial list is awaited comes after the initial-events-end bookmark, which has the list revision', async () => {
  await cluster.client.create('v1', 'configmaps', 'default', { metadata: { name: 'before' } });
  const store = cluster.store;
  const list = store.list.bind(store);
  let raced = false;
  // The store answers the list, then a write lands before the watch handler resumes.
  store.list = async (...args: Parameters<typeof store.list>) => {
    const result = await list(...args);
    if (!raced && args[0].includes('configmaps')) {
      raced = true;
      await cluster.client.create('v1', 'configmaps', 'default', { metadata: { name: 'during' } });
    }
    return result;
  };
  try {
    const url = `${cluster.url}/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`;
    const events = await readEvents(url, (seen) => seen.some((e) => e.object.metadata.name === 'during'));
    expect(raced).toBe(true);
    const names = events.map((e) => `${e.type}:${e.object.metadata.name ?? 'bookmark'}`);
    expect(names).toEqual(['ADDED:before', 'BOOKMARK:bookmark', 'ADDED:during']);
    const [first, bookmark, during] = events as [WatchEvent, WatchEvent, WatchEvent];
    expect(bookmark.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(Number(bookmark.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(first.object.metadata.resourceVersion));
    expect(Number(bookmark.object.metadata.resourceVersion)).toBeLessThan(Number(during.object.metadata.resourceVersion));
  } finally {
    store.list = list;
  }
});
