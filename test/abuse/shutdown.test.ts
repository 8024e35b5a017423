// `kubefake serve` on SIGTERM under load: watches end cleanly, acknowledged writes reach --snapshot-on-exit, --restore brings them back.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { builtCli, eventually, heavy } from './abuse-server-support.js';

const describeBuilt = existsSync(builtCli) ? describe : describe.skip;
const watchCount = 1000;
const writers = 16;

interface Served {
  child: ChildProcess;
  url: string;
  port: number;
  exited: Promise<number | null>;
  output: () => string;
}

function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'kubefake-abuse-'));
  const child = spawn(process.execPath, [builtCli, '--port', '0', '--kubeconfig', join(dir, 'config'), '--controllers', '', '--nodes', '0', '--log-level', 'warn', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /serving on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]!, port: Number(new URL(match[1]!).port), exited, output: () => out });
    });
    void exited.then((code) => reject(new Error(`kubefake exited with ${code}: ${out}`)));
  });
}

/** A watch on a raw socket, so the test sees exactly how the stream ends: the chunked terminator, or a cut. */
function rawWatch(port: number, path: string) {
  const socket = net.connect(port, '127.0.0.1');
  const state = { text: '', ended: false, error: false };
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (state.text += d));
  socket.on('end', () => (state.ended = true));
  socket.on('error', () => (state.error = true));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  return { socket, state };
}

describeBuilt('kubefake serve shutdown', () => {
  test(`SIGTERM with ${watchCount} watches and writes in flight: clean ends, every acknowledged write in the snapshot, exit within 1 s`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubefake-abuse-snap-'));
    const snapshotFile = join(dir, 'state.yaml');
    const server = await serve(['--snapshot-on-exit', snapshotFile]);
    const watches = Array.from({ length: watchCount }, (_, i) => rawWatch(server.port, `/api/v1/namespaces/default/configmaps?watch=true${i % 2 ? '&labelSelector=w%3D1' : ''}`));
    expect(await eventually(() => watches.every((w) => w.state.text.includes('\r\n\r\n')), 20_000)).toBe(true);

    const acknowledged = new Map<string, { uid: string; data: Record<string, string> }>();
    const agent = new http.Agent({ keepAlive: true, maxSockets: writers });
    let stopping = false;
    const create = (name: string) =>
      new Promise<number>((resolve) => {
        const body = JSON.stringify({ metadata: { name, labels: { w: '1' } }, data: { name } });
        const req = http.request(`${server.url}/api/v1/namespaces/default/configmaps`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.on('end', () => {
            if (res.statusCode === 201) {
              const object = JSON.parse(text);
              acknowledged.set(name, { uid: object.metadata.uid, data: object.data });
            }
            resolve(res.statusCode!);
          });
          res.on('error', () => resolve(0));
        });
        req.on('error', () => resolve(0));
        req.end(body);
      });
    const loops = Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; ; i++) {
        const status = await create(`cm-${w}-${i}`);
        if (status !== 201 && stopping) return;
        if (status !== 201) throw new Error(`a write before shutdown got ${status}`);
      }
    });
    expect(await eventually(() => acknowledged.size >= 300, 20_000, 5)).toBe(true);

    const signalled = performance.now();
    stopping = true;
    server.child.kill('SIGTERM');
    const code = await server.exited;
    const exitMs = performance.now() - signalled;
    await Promise.all(loops);
    agent.destroy();
    expect(await eventually(() => watches.every((w) => w.state.ended || w.state.error), 5000)).toBe(true);
    console.log('shutdown:', JSON.stringify({ exitMs, acknowledged: acknowledged.size }));
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(1000);
    // Every watch saw its stream end: the chunked terminator, then the connection's end, never a reset.
    const unclean = watches.filter((w) => w.state.error || !w.state.ended || !w.state.text.endsWith('0\r\n\r\n'));
    expect(unclean.length).toBe(0);
    for (const w of watches) w.socket.destroy();

    const snapshot = parse(readFileSync(snapshotFile, 'utf8'));
    expect(snapshot).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    const saved = new Map<string, { metadata: { uid: string }; data: Record<string, string> }>(
      snapshot.items.filter((o: { kind: string }) => o.kind === 'ConfigMap').map((o: { metadata: { name: string } }) => [o.metadata.name, o]),
    );
    const missing = [...acknowledged.keys()].filter((name) => saved.get(name)?.metadata.uid !== acknowledged.get(name)!.uid);
    expect(missing).toEqual([]);

    // --restore brings back exactly the snapshot: every acknowledged object as it was acknowledged.
    const restored = await serve(['--restore', snapshotFile]);
    try {
      const list = await (await fetch(`${restored.url}/api/v1/namespaces/default/configmaps?labelSelector=w%3D1`)).json();
      const back = new Map<string, { uid: string; data: Record<string, string> }>(
        list.items.map((o: { metadata: { name: string; uid: string }; data: Record<string, string> }) => [o.metadata.name, { uid: o.metadata.uid, data: o.data }]),
      );
      for (const [name, object] of acknowledged) expect([name, back.get(name)]).toEqual([name, object]);
      expect(back.size).toBe([...saved.keys()].filter((name) => name.startsWith('cm-')).length);
    } finally {
      restored.child.kill('SIGTERM');
      await restored.exited;
    }
  }, heavy ? 180_000 : 60_000);

  test('--max-watches (and KUBEFAKE_MAX_WATCHES) refuses the watch over it with 429', async () => {
    for (const [args, env] of [[['--max-watches', '2'], {}], [[], { KUBEFAKE_MAX_WATCHES: '2' }]] as const) {
      const server = await serve([...args], env);
      try {
        const path = '/api/v1/namespaces/default/configmaps?watch=true';
        const open = [rawWatch(server.port, path), rawWatch(server.port, path)];
        expect(await eventually(() => open.every((w) => w.state.text.startsWith('HTTP/1.1 200')), 5000)).toBe(true);
        const over = rawWatch(server.port, path);
        expect(await eventually(() => over.state.text.includes('"code":429'), 5000)).toBe(true);
        expect(over.state.text).toMatch(/^HTTP\/1\.1 429/);
        for (const w of [...open, over]) w.socket.destroy();
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }
  });
});
