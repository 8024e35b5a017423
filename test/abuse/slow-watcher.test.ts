// A watcher that stops reading: dropped once it is maxWatchBufferBytes behind, without slowing the others or growing memory.
import http from 'node:http';
import net from 'node:net';
import { eventually, isBuilt, kernelQueues, mib, startServerProcess, type ServerProcess } from './abuse-server-support.js';

const describeBuilt = isBuilt ? describe : describe.skip;
const payload = 'x'.repeat(100 * 1024);
/** Each update sends ~100 KiB to every watcher: 1,500 of them put ~150 MiB behind a watcher that never reads. */
const updates = 1500;
const cap = 16 * mib;

function request(agent: http.Agent, url: string, method: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** A watcher that reads: records when each update (data.seq) arrives. */
function readingWatcher(url: string, arrived: Map<number, number>[]): http.ClientRequest {
  const seen = new Map<number, number>();
  arrived.push(seen);
  const req = http.get(url, { agent: false }, (res) => {
    let pending = '';
    res.setEncoding('utf8');
    res.on('data', (text: string) => {
      pending += text;
      let newline;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        const seq = /"seq":"(\d+)"/.exec(line);
        if (seq) seen.set(Number(seq[1]), performance.now());
      }
    });
  });
  req.on('error', () => {});
  return req;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

describeBuilt('a watcher that stops reading', () => {
  let server: ServerProcess;
  afterAll(async () => server?.stop());

  test('is dropped at maxWatchBufferBytes while the others keep their latency, and memory stays bounded', async () => {
    // A short history: the store must not keep 150 MiB of past versions, which would hide what the watchers cost.
    server = await startServerProcess({ historySize: 5 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const base = `${server.url}/api/v1/namespaces/default/configmaps`;
    const created = await request(agent, base, 'POST', { metadata: { name: 'big' }, data: { seq: '0' } });
    expect(created.status).toBe(201);
    const watchUrl = `${base}?watch=true&fieldSelector=metadata.name%3Dbig`;
    const arrived: Map<number, number>[] = [];
    const readers = [0, 1, 2].map(() => readingWatcher(watchUrl, arrived));

    // The stuck client sends its watch and never reads a byte.
    const stuck = net.connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => stuck.once('connect', () => resolve()));
    stuck.pause();
    stuck.write(`GET ${new URL(watchUrl).pathname}${new URL(watchUrl).search} HTTP/1.1\r\nHost: x\r\n\r\n`);
    let stuckClosed = false;
    stuck.on('close', () => (stuckClosed = true));
    stuck.on('error', () => {});
    const stuckPort = stuck.localPort!;
    // Every watch starts with the object's ADDED event (seq 0): then the readers are registered.
    expect(await eventually(() => arrived.every((m) => m.has(0)), 5000)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));

    const baselineHeap = await server.memoryAfterGc();
    const baselineRss = server.rss();
    const baselineFds = server.fds();
    const live = (m: { heapUsed: number; external: number }) => m.heapUsed + m.external - baselineHeap.heapUsed - baselineHeap.external;
    let peakRss = baselineRss;
    let peakLive = 0;
    let peakKernel = 0;
    let droppedAt: number | undefined;
    const latencies: number[] = [];
    for (let seq = 1; seq <= updates; seq++) {
      const started = performance.now();
      const answer = await request(agent, `${base}/big`, 'PUT', { metadata: { name: 'big' }, data: { seq: String(seq), payload } });
      expect(answer.status).toBe(200);
      expect(await eventually(() => arrived.every((m) => m.has(seq)), 10_000, 1)).toBe(true);
      latencies.push(Math.max(...arrived.map((m) => m.get(seq)!)) - started);
      if (droppedAt === undefined && server.fds() < baselineFds) droppedAt = seq;
      // Between updates, never inside a measured one: what the server holds once garbage is gone.
      if (seq % 50 === 0) peakLive = Math.max(peakLive, live(await server.memoryAfterGc()));
      if (seq % 10 === 0) {
        peakRss = Math.max(peakRss, server.rss());
        if (droppedAt === undefined) {
          const serverSide = kernelQueues(server.port, stuckPort);
          const clientSide = kernelQueues(stuckPort, server.port);
          peakKernel = Math.max(peakKernel, (serverSide?.tx ?? 0) + (clientSide?.rx ?? 0));
        }
      }
    }
    const afterGc = await server.memoryAfterGc();
    const early = latencies.slice(0, 50);
    // From the point the stuck watcher's backlog is well past what the kernel buffers, until it was dropped.
    const whileStuck = latencies.slice(100, droppedAt ?? updates);
    const report = {
      droppedAt,
      peakRssGrowthMiB: (peakRss - baselineRss) / mib,
      peakLiveGrowthAfterGcMiB: peakLive / mib,
      peakKernelQueuedMiB: peakKernel / mib,
      finalLiveGrowthAfterGcMiB: live(afterGc) / mib,
      latencyMs: { earlyMedian: median(early), earlyP95: p95(early), stuckMedian: median(whileStuck), stuckP95: p95(whileStuck) },
    };
    console.log('slow watcher:', JSON.stringify(report));

    // Dropped, and well before the 150 MiB a watcher that is never dropped would have queued.
    expect(droppedAt).toBeDefined();
    expect(droppedAt!).toBeLessThan(updates / 3);
    expect(whileStuck.length).toBeGreaterThan(20);
    // The readers' latency does not grow with the stuck one's backlog.
    expect(median(whileStuck)).toBeLessThan(3 * median(early) + 10);
    expect(p95(whileStuck)).toBeLessThan(3 * p95(early) + 25);
    // Bounded for real: what the server holds (after GC) never passes the JS-side cap by more than a few versions of
    // the object, and the kernel's queues stay within its own buffer limits; without the cap ~150 MiB would pile up.
    expect(peakLive).toBeLessThan(cap + 8 * mib);
    expect(peakKernel).toBeLessThan(cap);
    // RSS also counts garbage V8 has not collected yet, so only a runaway shows here.
    expect(peakRss - baselineRss).toBeLessThan(200 * mib);
    // Once dropped, its backlog is freed: what is left is the few versions the history keeps.
    expect(live(afterGc)).toBeLessThan(8 * mib);

    // The stuck client, reading at last, gets what the kernel held and then the connection's end: not a clean end
    // of the chunked stream (the watch was cut), and nowhere near every event.
    let received = 0;
    let tail = Buffer.alloc(0);
    stuck.on('data', (chunk: Buffer) => {
      received += chunk.length;
      tail = Buffer.concat([tail, chunk]).subarray(-16);
    });
    stuck.resume();
    expect(await eventually(() => stuckClosed, 10_000)).toBe(true);
    expect(received).toBeLessThan(updates * payload.length);
    expect(tail.toString('latin1').endsWith('0\r\n\r\n')).toBe(false);

    for (const r of readers) r.destroy();
    agent.destroy();
  }, 120_000);
});
