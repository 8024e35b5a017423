// Thousands of connections opened and abandoned mid-request: afterwards the server's fds and heap are back where they were.
import net from 'node:net';
import { eventually, heavy, isBuilt, mib, startServerProcess, type ServerProcess } from './abuse-server-support.js';

const describeBuilt = isBuilt ? describe : describe.skip;
const total = heavy ? 10_000 : 2_000;
const batch = 250;
const maxWatches = 200;
const watchPath = '/api/v1/namespaces/default/configmaps?watch=true';

/** One abandoned connection, of the kind `i` picks; resolves once the client side is done with it. */
function abandon(port: number, i: number, leftOpen: net.Socket[]): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    const done = () => resolve();
    socket.once('connect', () => {
      switch (i % 5) {
        case 0: // connects and goes away
          socket.destroy();
          return done();
        case 1: // half the headers, then gone
          socket.write('GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nAcc');
          socket.destroy();
          return done();
        case 2: // a whole request (a read, or a write with half its body), gone before the answer is read
          socket.write(
            i % 2
              ? 'GET /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n\r\n'
              : 'POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"metadata":',
          );
          socket.destroy();
          return done();
        case 3: // a watch, then a reset (RST) once it streams
          socket.write(`GET ${watchPath} HTTP/1.1\r\nHost: x\r\n\r\n`);
          socket.once('data', () => {
            socket.resetAndDestroy();
            done();
          });
          return;
        default: // half the headers, and the client never closes: only the server's header timeout frees it
          socket.write('GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\n');
          socket.resume(); // reads the server's 408 and its close
          leftOpen.push(socket);
          return done();
      }
    });
  });
}

async function round(server: ServerProcess, count: number, leftOpen: net.Socket[], offset: number): Promise<void> {
  for (let start = 0; start < count; start += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - start) }, (_, j) => abandon(server.port, offset + start + j, leftOpen)));
  }
}

describeBuilt(`${total} abandoned connections`, () => {
  let server: ServerProcess;
  afterAll(async () => server?.stop());

  test('leave no file descriptors, heap or watch places behind, and the server still answers', async () => {
    server = await startServerProcess({ maxWatches, httpTimeouts: { headersMs: 1000, requestMs: 2000 } });
    const leftOpen: net.Socket[] = [];
    // A first round warms the server up (compiled code, pools): the baseline is taken after it.
    await round(server, batch * 2, leftOpen, 0);
    expect(await eventually(() => leftOpen.every((s) => s.destroyed || s.readableEnded), 10_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    const baseFds = server.fds();
    const baseMemory = await server.memoryAfterGc();
    const baseRss = server.rss();

    const started = performance.now();
    await round(server, total, leftOpen, 0);
    const abandonMs = performance.now() - started;
    // The server closes what the clients left hanging: half-sent headers after headersMs.
    expect(await eventually(() => server.fds() <= baseFds + 2, 15_000)).toBe(true);
    const memory = await server.memoryAfterGc();
    const report = {
      abandonMs,
      fds: { base: baseFds, after: server.fds() },
      heapGrowthMiB: (memory.heapUsed - baseMemory.heapUsed) / mib,
      externalGrowthMiB: (memory.external - baseMemory.external) / mib,
      rssGrowthMiB: (server.rss() - baseRss) / mib,
    };
    console.log('abandoned connections:', JSON.stringify(report));
    expect(memory.heapUsed + memory.external - baseMemory.heapUsed - baseMemory.external).toBeLessThan(8 * mib);
    expect(leftOpen.every((s) => s.destroyed || s.readableEnded)).toBe(true);

    // Every reset watch gave its place back: maxWatches new ones are all served, one more is refused.
    const watchers = Array.from({ length: maxWatches + 1 }, () => {
      const socket = net.connect(server.port, '127.0.0.1');
      const state = { text: '' };
      socket.setEncoding('latin1');
      socket.on('data', (d: string) => (state.text += d));
      socket.on('error', () => {});
      socket.write(`GET ${watchPath} HTTP/1.1\r\nHost: x\r\n\r\n`);
      return { socket, state };
    });
    expect(await eventually(() => watchers.every((w) => /^HTTP\/1\.1 \d+/.test(w.state.text)), 10_000)).toBe(true);
    const statuses = watchers.map((w) => Number(w.state.text.slice(9, 12)));
    expect(statuses.filter((s) => s === 200).length).toBe(maxWatches);
    expect(statuses.filter((s) => s === 429).length).toBe(1);
    for (const w of watchers) w.socket.destroy();
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    for (const s of leftOpen) s.destroy();
  }, heavy ? 300_000 : 60_000);
});
