// Unit tests of the in-memory store: revisions, compare-and-swap, range reads, past revisions, watch and compaction.
import { MemoryStore } from './memory-store.js';
import { StoreError, type StoreEvent } from './types.js';

const stamp = (object: Record<string, unknown>, revision: number) => ({ ...object, rv: revision });

function store(historySize = 100) {
  return new MemoryStore({ historySize, versioner: stamp });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    return err instanceof StoreError ? err.code : 'other';
  }
}

describe('MemoryStore', () => {
  test('one global revision; each write stamps its revision into the object', async () => {
    const s = store();
    const a = await s.create('/a', { v: 1 });
    const b = await s.create('/b', { v: 1 });
    const a2 = await s.update('/a', { v: 2 });
    expect([a.modRevision, b.modRevision, a2.modRevision]).toEqual([1, 2, 3]);
    expect(a2.createRevision).toBe(1);
    expect(a2.object).toEqual({ v: 2, rv: 3 });
    expect(s.currentRevision()).toBe(3);
  });

  test('bytes are encoded once per version and shared', async () => {
    const s = store();
    const rec = await s.create('/a', { v: 1 });
    expect(rec.bytes()).toBe(rec.bytes());
    expect(JSON.parse(rec.bytes().toString())).toEqual({ v: 1, rv: 1 });
    expect((await s.get('/a'))!.bytes()).toBe(rec.bytes());
  });

  test('create of an existing key fails with exists; update/delete of a missing key with notFound', async () => {
    const s = store();
    await s.create('/a', {});
    expect(await codeOf(s.create('/a', {}))).toBe('exists');
    expect(await codeOf(s.update('/x', {}))).toBe('notFound');
    expect(await codeOf(s.delete('/x'))).toBe('notFound');
    expect(s.currentRevision()).toBe(1);
  });

  test('compare-and-swap on the modification revision', async () => {
    const s = store();
    const a = await s.create('/a', { v: 1 });
    await s.update('/a', { v: 2 }, a.modRevision);
    expect(await codeOf(s.update('/a', { v: 3 }, a.modRevision))).toBe('conflict');
    expect(await codeOf(s.delete('/a', a.modRevision))).toBe('conflict');
    expect((await s.get('/a'))!.object).toEqual({ v: 2, rv: 2 });
  });

  test('delete returns the last state stamped with the deletion revision', async () => {
    const s = store();
    await s.create('/a', { v: 1 });
    const gone = await s.delete('/a');
    expect(gone.object).toEqual({ v: 1, rv: 2 });
    expect(gone.modRevision).toBe(2);
    expect(await s.get('/a')).toBeUndefined();
  });

  test('range reads by prefix in key order, with limit, continuation and remaining count', async () => {
    const s = store();
    for (const k of ['/p/c', '/p/a', '/q/a', '/p/b', '/p/d']) await s.create(k, { k });
    const first = await s.list('/p/', { limit: 2 });
    expect(first.records.map((r) => r.key)).toEqual(['/p/a', '/p/b']);
    expect(first.continueAfter).toBe('/p/b');
    expect(first.remaining).toBe(2);
    const second = await s.list('/p/', { limit: 2, after: first.continueAfter });
    expect(second.records.map((r) => r.key)).toEqual(['/p/c', '/p/d']);
    expect(second.continueAfter).toBeUndefined();
    expect(await s.count('/p/')).toBe(4);
  });

  test('the key order follows every create and delete: lists interleaved with writes page through the live keys', async () => {
    const s = store(10_000);
    const live = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const key = `/p/${(i * 7919) % 3000}`;
      await s.create(key, {});
      live.add(key);
      if (i % 3 === 0) {
        const victim = `/p/${(i * 7919) % 3000}`;
        await s.delete(victim);
        live.delete(victim);
      }
      if (i % 5 === 0) await s.create(`/q/${i}`, {});
      if (i % 400 === 0) expect((await s.list('/p/')).records.map((r) => r.key)).toEqual([...live].sort());
    }
    const paged: string[] = [];
    let after: string | undefined;
    do {
      const page = await s.list('/p/', { limit: 700, after });
      paged.push(...page.records.map((r) => r.key));
      if (page.continueAfter) expect(page.remaining).toBe(live.size - paged.length);
      after = page.continueAfter;
    } while (after);
    expect(paged).toEqual([...live].sort());
    expect(await s.count('/p/')).toBe(live.size);
  });

  test('a filter counts only matching records against the limit', async () => {
    const s = store();
    for (let i = 0; i < 10; i++) await s.create(`/k/${i}`, { even: i % 2 === 0 });
    const page = await s.list('/k/', { limit: 3, filter: (r) => r.object.even === true });
    expect(page.records.map((r) => r.key)).toEqual(['/k/0', '/k/2', '/k/4']);
    expect(page.remaining).toBeUndefined();
  });

  test('reads at a past revision see the state of that revision', async () => {
    const s = store();
    await s.create('/k/a', { v: 1 }); // 1
    await s.create('/k/b', { v: 1 }); // 2
    await s.update('/k/a', { v: 2 }); // 3
    await s.delete('/k/b'); // 4
    await s.create('/k/c', { v: 1 }); // 5
    const at2 = await s.list('/k/', { revision: 2 });
    expect(at2.revision).toBe(2);
    expect(at2.records.map((r) => [r.key, r.object.v])).toEqual([['/k/a', 1], ['/k/b', 1]]);
    const at4 = await s.list('/k/', { revision: 4 });
    expect(at4.records.map((r) => [r.key, r.object.v])).toEqual([['/k/a', 2]]);
  });

  test('reads and watches from before the retained history are expired', async () => {
    const s = store(3);
    for (let i = 0; i < 6; i++) await s.create(`/k/${i}`, {});
    expect(s.oldestRevision()).toBe(3);
    expect(await codeOf(s.list('/k/', { revision: 2 }))).toBe('expired');
    expect(() => s.watch('/k/', 2, () => {})).toThrow(StoreError);
    expect(() => s.watch('/k/', 3, () => {})).not.toThrow();
  });

  test('compaction drops history up to a revision', async () => {
    const s = store();
    for (let i = 0; i < 5; i++) await s.create(`/k/${i}`, {});
    s.compact(4);
    expect(s.oldestRevision()).toBe(4);
    expect(await codeOf(s.list('/k/', { revision: 3 }))).toBe('expired');
    expect((await s.list('/k/', { revision: 4 })).records).toHaveLength(4);
  });

  test('watch replays history after the revision, then delivers live events in order', async () => {
    const s = store();
    await s.create('/k/a', {}); // 1
    await s.create('/x/a', {}); // 2
    await s.update('/k/a', { v: 2 }); // 3
    const seen: string[] = [];
    const handle = s.watch('/k/', 1, (e) => seen.push(`${e.type}:${e.record.key}@${e.revision}`));
    await s.delete('/k/a'); // 4
    await s.create('/k/b', {}); // 5
    handle.stop();
    await s.create('/k/c', {});
    expect(seen).toEqual(['MODIFIED:/k/a@3', 'DELETED:/k/a@4', 'ADDED:/k/b@5']);
  });

  test('events carry the previous version', async () => {
    const s = store();
    const events: StoreEvent[] = [];
    s.watch('/', 0, (e) => events.push(e));
    await s.create('/a', { v: 1 });
    await s.update('/a', { v: 2 });
    expect(events[1]!.prev!.object).toEqual({ v: 1, rv: 1 });
    expect(events[0]!.prev).toBeUndefined();
  });

  test('a write made by a listener is delivered to every watcher after the current event', async () => {
    const s = store();
    const order1: number[] = [];
    const order2: number[] = [];
    s.watch('/', 0, (e) => {
      order1.push(e.revision);
      if (e.revision === 1) void s.create('/b', {});
    });
    s.watch('/', 0, (e) => order2.push(e.revision));
    await s.create('/a', {});
    expect(order1).toEqual([1, 2]);
    expect(order2).toEqual([1, 2]);
  });
});
