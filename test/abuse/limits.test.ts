// Limits on abusive requests over HTTP: concurrent watches (429), body size (413), header size (431), slow senders.
import http from 'node:http';
import net from 'node:net';
import { startCluster, type Cluster } from '../../src/cluster.js';
import { eventually } from './abuse-server-support.js';

/** Sends raw bytes on a socket and collects everything the server answers until it has `until` or closes. */
class RawClient {
  readonly socket: net.Socket;
  received = '';
  closed = false;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setEncoding('latin1');
    this.socket.on('data', (d: string) => (this.received += d));
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('error', () => {});
  }

  async exchange(bytes: string | Buffer, until: (text: string) => boolean, ms = 5000): Promise<string> {
    const start = this.received.length;
    this.socket.write(bytes);
    await eventually(() => until(this.received.slice(start)) || this.closed, ms, 5);
    return this.received.slice(start);
  }
}

/** A complete HTTP/1.1 response (Content-Length or chunked) is in `text`. */
const answered = (text: string) => {
  const head = text.indexOf('\r\n\r\n');
  if (head < 0) return false;
  const length = /content-length: (\d+)/i.exec(text.slice(0, head));
  return length ? text.length >= head + 4 + Number(length[1]) : text.endsWith('0\r\n\r\n');
};
const statusOf = (text: string) => Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1]);
const bodyOf = (text: string) => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

describe('concurrent watch limit', () => {
  let cluster: Cluster;
  // The default controllers run: their informers' watches must not count against the HTTP limit.
  beforeAll(async () => (cluster = await startCluster({ maxWatches: 3, nodes: 1 })));
  afterAll(() => cluster.close());

  test('the watch over maxWatches gets 429 TooManyRequests with Retry-After; a closed watch frees its place', async () => {
    const watchPath = '/api/v1/namespaces/default/configmaps?watch=true';
    // Refused watches (a bad selector, an expired resourceVersion) must not hold a place either.
    for (const bad of ['labelSelector=%3D%3D', 'fieldSelector=spec.nope%3Dx', 'resourceVersion=abc']) {
      const client = new RawClient(cluster.port);
      const answer = await client.exchange(get(`${watchPath}&${bad}`), answered);
      expect([statusOf(answer), bad]).toEqual([400, bad]);
      client.socket.destroy();
    }
    const watchers = [0, 1, 2].map(() => new RawClient(cluster.port));
    for (const w of watchers) expect(statusOf(await w.exchange(get(watchPath), (t) => t.includes('\r\n\r\n')))).toBe(200);
    const over = new RawClient(cluster.port);
    const refused = await over.exchange(get(watchPath), answered);
    expect(statusOf(refused)).toBe(429);
    expect(refused).toMatch(/\r\nRetry-After: 1\r\n/i);
    expect(bodyOf(refused)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Too many requests, please try again later.',
      reason: 'TooManyRequests',
      code: 429,
      details: { retryAfterSeconds: 1 },
    });
    // Other requests are not limited, on the same connection.
    expect(statusOf(await over.exchange(get('/api/v1/namespaces/default/configmaps'), answered))).toBe(200);
    watchers[0]!.socket.destroy();
    expect(await eventually(() => watchers[0]!.closed, 2000)).toBe(true);
    // The server learns of the close a moment later; until then the place may still be taken.
    let again = 429;
    for (let attempt = 0; attempt < 20 && again === 429; attempt++) {
      const next = new RawClient(cluster.port);
      again = statusOf(await next.exchange(get(watchPath), (t) => t.includes('\r\n\r\n')));
      if (again === 429) {
        next.socket.destroy();
        await new Promise((r) => setTimeout(r, 50));
      } else watchers.push(next);
    }
    expect(again).toBe(200);
    for (const w of watchers) w.socket.destroy();
    over.socket.destroy();
  });
});

describe('request size limits', () => {
  let cluster: Cluster;
  beforeAll(async () => (cluster = await startCluster({ controllers: '', nodes: 0 })));
  afterAll(() => cluster.close());

  const limit = 3 * 1024 * 1024;
  const configMapBody = (name: string, size: number) => {
    const json = JSON.stringify({ metadata: { name }, data: { a: 'b' } });
    return Buffer.from(json + ' '.repeat(size - json.length));
  };
  const post = (body: Buffer, chunked: boolean) => {
    const head = `POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n`;
    if (!chunked) return Buffer.concat([Buffer.from(`${head}Content-Length: ${body.length}\r\n\r\n`), body]);
    const chunks: Buffer[] = [Buffer.from(`${head}Transfer-Encoding: chunked\r\n\r\n`)];
    for (let i = 0; i < body.length; i += 64 * 1024) {
      const part = body.subarray(i, i + 64 * 1024);
      chunks.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from('0\r\n\r\n'));
    return Buffer.concat(chunks);
  };

  test.each([false, true])('a body of exactly 3 MiB is read, one byte more is 413 and the connection stays usable (chunked: %s)', async (chunked) => {
    const client = new RawClient(cluster.port);
    const atLimit = await client.exchange(post(configMapBody(`at-limit-${chunked}`, limit), chunked), answered);
    expect(statusOf(atLimit)).toBe(201);
    const over = await client.exchange(post(configMapBody(`over-${chunked}`, limit + 1), chunked), answered);
    expect(statusOf(over)).toBe(413);
    expect(bodyOf(over)).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413, message: 'Request entity too large: limit is 3145728' });
    // The rest of the refused body was read and dropped: the next request on the same connection is answered.
    expect(statusOf(await client.exchange(get('/api/v1/namespaces/default/configmaps/at-limit-' + chunked), answered))).toBe(200);
    expect(client.closed).toBe(false);
    client.socket.destroy();
    await expect(cluster.client.get('v1', 'configmaps', 'default', `over-${chunked}`)).rejects.toMatchObject({ code: 404 });
  });

  test('a declared Content-Length over the limit is refused before the body is sent', async () => {
    const client = new RawClient(cluster.port);
    const head = `POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${100 * limit}\r\n\r\n`;
    const answer = await client.exchange(head, answered);
    expect(statusOf(answer)).toBe(413);
    client.socket.destroy();
  });

  test('headers up to 1 MiB are accepted as upstream accepts them; more is 431 and the server goes on', async () => {
    const client = new RawClient(cluster.port);
    const longHeader = `GET /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(512 * 1024)}\r\n\r\n`;
    expect(statusOf(await client.exchange(longHeader, answered))).toBe(200);
    const tooLong = `GET /api/v1/namespaces/default/configmaps?labelSelector=${'a'.repeat(1100 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`;
    const refused = await client.exchange(tooLong, (t) => t.includes('\r\n\r\n'));
    expect(statusOf(refused)).toBe(431);
    expect((await fetch(`${cluster.url}/readyz`)).status).toBe(200);
    client.socket.destroy();
  });
});

describe('clients that send slowly', () => {
  let cluster: Cluster;
  beforeAll(async () => (cluster = await startCluster({ controllers: '', nodes: 0, httpTimeouts: { headersMs: 300, requestMs: 600, idleMs: 800 } })));
  afterAll(() => cluster.close());

  test('unfinished headers, an unfinished body and an idle connection are each closed by the server', async () => {
    const halfHeaders = new RawClient(cluster.port);
    halfHeaders.socket.write('GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\n');
    const halfBody = new RawClient(cluster.port);
    halfBody.socket.write('POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"meta');
    const idle = new RawClient(cluster.port);
    expect(statusOf(await idle.exchange(get('/api/v1/namespaces'), answered))).toBe(200);
    const started = performance.now();
    expect(await eventually(() => halfHeaders.closed && halfBody.closed && idle.closed, 5000)).toBe(true);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(halfHeaders.received).toMatch(/^HTTP\/1\.1 408/);
    expect(halfBody.received).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  test('a watch outlives the request timeout: it limits receiving the request, not streaming the answer', async () => {
    const events: string[] = [];
    let ended = false;
    const req = http.get(`${cluster.url}/api/v1/namespaces/default/configmaps?watch=true`, { agent: false }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (d: string) => events.push(d));
      res.on('close', () => (ended = true));
    });
    req.on('error', () => {});
    await new Promise((r) => setTimeout(r, 1500));
    await cluster.client.create('v1', 'configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } });
    expect(await eventually(() => events.join('').includes('"name":"late"'), 2000)).toBe(true);
    expect(ended).toBe(false);
    req.destroy();
  });
});
