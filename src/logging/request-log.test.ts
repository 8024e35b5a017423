// Request lines through a real cluster: fields per verb, codes, watches logged when they end, silence when info is off.
import http from 'node:http';
import { jest } from '@jest/globals';
import { pino, type Logger as PinoLogger } from 'pino';
import { startCluster, type Cluster } from '../cluster.js';
import { createLogger, type LogLevel } from './logger.js';

interface Line {
  level: number;
  msg: string;
  [field: string]: unknown;
}

function capture(level: LogLevel): { logger: PinoLogger; lines: Line[] } {
  const lines: Line[] = [];
  const logger = pino({ level }, { write: (chunk: string) => void lines.push(JSON.parse(chunk) as Line) });
  return { logger, lines };
}

const requestLines = (lines: Line[]) => lines.filter((l) => l.msg === 'HTTP');

describe('request logs', () => {
  let cluster: Cluster;
  let log: ReturnType<typeof capture>;

  beforeAll(async () => {
    log = capture('info');
    cluster = await startCluster({ port: 0, controllers: '', nodes: 0, logger: log.logger });
  });
  afterAll(() => cluster.close());
  beforeEach(() => {
    log.lines.length = 0;
    log.logger.level = 'info';
  });

  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${cluster.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'request-log-test/1.0' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(async (res) => {
      await res.arrayBuffer();
      return res.status;
    });

  test('one info line per request with the Kubernetes verb, resource, code and latency', async () => {
    expect(await send('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'one' } })).toBe(201);
    expect(await send('GET', '/api/v1/namespaces/default/configmaps?limit=5')).toBe(200);
    expect(await send('GET', '/apis/apps/v1/namespaces/default/deployments/missing')).toBe(404);
    expect(await send('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'Not_Valid' } })).toBe(422);
    expect(await send('GET', '/readyz')).toBe(200);
    const lines = requestLines(log.lines);
    expect(lines.map((l) => [l.verb, l.resource, l.code])).toEqual([
      ['create', 'configmaps', 201],
      ['list', 'configmaps', 200],
      ['get', 'deployments', 404],
      ['create', 'configmaps', 422],
      ['get', undefined, 200],
    ]);
    expect(lines[1]).toMatchObject({
      level: 30,
      group: '',
      namespace: 'default',
      uri: '/api/v1/namespaces/default/configmaps?limit=5',
      userAgent: 'request-log-test/1.0',
      srcIP: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      user: 'system:anonymous',
    });
    expect(lines[2]).toMatchObject({ group: 'apps', name: 'missing' });
    for (const line of lines) expect(typeof line.latencyMs).toBe('number');
    const keys = Object.keys(lines[0]!);
    expect(keys.slice(keys.indexOf('verb'), keys.indexOf('verb') + 4)).toEqual(['verb', 'resource', 'group', 'namespace']);
  });

  test('subresources, deletecollection and patch are named as RBAC names them', async () => {
    await send('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'two' } });
    await fetch(`${cluster.url}/api/v1/namespaces/default/configmaps/two`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: JSON.stringify({ data: { a: 'b' } }),
    }).then((r) => r.arrayBuffer());
    await send('GET', '/api/v1/namespaces/default/pods/nope/status');
    await send('DELETE', '/api/v1/namespaces/default/configmaps');
    expect(requestLines(log.lines).map((l) => `${l.verb} ${l.resource} ${l.name ?? '-'}`)).toEqual([
      'create configmaps -',
      'patch configmaps two',
      'get pods/status nope',
      'deletecollection configmaps -',
    ]);
  });

  test('a watch is logged once, when it ends, with how long it was open', async () => {
    const ended = new Promise<void>((resolve, reject) => {
      http
        .get(`${cluster.url}/api/v1/namespaces/default/configmaps?watch=true`, (res) => {
          res.on('data', () => {});
          res.on('end', resolve);
          // The stream is open once its headers arrived: end it as a watch timeout would.
          expect(requestLines(log.lines)).toEqual([]);
          expect(cluster.closeWatches()).toBe(1);
        })
        .on('error', reject);
    });
    await ended;
    await new Promise<void>((resolve) => setImmediate(resolve));
    const lines = requestLines(log.lines);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ verb: 'watch', resource: 'configmaps', code: 200 });
  });

  test('at warn, requests are not logged', async () => {
    log.logger.level = 'warn';
    await send('GET', '/api/v1/namespaces');
    expect(log.lines).toEqual([]);
  });
});

describe('without a logger', () => {
  test('requests log nothing (the in-process default)', async () => {
    const writes: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      const quiet = await startCluster({ port: 0, controllers: '', nodes: 0 });
      await fetch(`${quiet.url}/api/v1/namespaces`).then((r) => r.arrayBuffer());
      await quiet.close();
      expect(writes).toEqual([]);
    } finally {
      write.mockRestore();
    }
  });
});

describe('errors', () => {
  test('controller errors go to the logger at error when no logError is given', async () => {
    const log = capture('error');
    let failed!: () => void;
    const reported = new Promise<void>((resolve) => (failed = resolve));
    const cluster = await startCluster({
      port: 0,
      nodes: 0,
      controllers: '',
      logger: log.logger,
      customControllers: [
        {
          name: 'broken',
          start: (ctx) => ctx.informers.informerFor('v1', 'configmaps').addEventHandler({ onAdd: (obj) => ctx.enqueue(obj) }),
          reconcile: async (key) => {
            if (key !== 'default/boom') return {};
            failed();
            throw new Error('reconcile exploded');
          },
        },
      ],
    });
    try {
      await cluster.client.create('v1', 'configmaps', 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'boom' } });
      await reported;
      await new Promise<void>((resolve) => setImmediate(resolve));
      const errors = log.lines.filter((l) => l.level === 50);
      expect(errors[0]).toMatchObject({ msg: 'controller error', err: { message: expect.stringContaining('reconcile exploded') } });
    } finally {
      await cluster.close();
    }
  });

  test('createLogger writes JSON lines at the level asked for', () => {
    const chunks: string[] = [];
    const logger = createLogger({ level: 'warn', stream: { write: (c: string) => chunks.push(c) } });
    logger.info({ a: 1 }, 'hidden');
    logger.warn({ a: 2 }, 'shown');
    expect(chunks.map((c) => JSON.parse(c) as Line).map((l) => [l.msg, l.a])).toEqual([['shown', 2]]);
  });
});
