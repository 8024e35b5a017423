// The kubefake command (built by `npm test` into dist/): flags, kubeconfig, /readyz, and clean shutdown on signals.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const cli = join(process.cwd(), 'dist', 'cli', 'main.js');

interface Started {
  child: ChildProcess;
  url: string;
  kubeconfig: string;
  output: () => string;
}

function startCli(args: string[]): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'kubefake-cli-'));
  const kubeconfig = join(dir, 'config');
  const child = spawn(process.execPath, [cli, '--port', '0', '--kubeconfig', kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /serving on (http:\/\/\S+)/.exec(out);
      if (match && out.includes('export KUBECONFIG=')) resolve({ child, url: match[1]!, kubeconfig, output: () => out });
    });
    child.on('exit', (code) => reject(new Error(`kubefake exited with ${code}: ${out}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

const describeBuilt = existsSync(cli) ? describe : describe.skip;

describeBuilt('kubefake CLI', () => {
  test('--port 0 picks a free port, writes a kubeconfig named kubefake, and answers /readyz', async () => {
    const server = await startCli([]);
    try {
      expect(server.output()).toContain(`export KUBECONFIG=${server.kubeconfig}`);
      const config = parse(readFileSync(server.kubeconfig, 'utf8'));
      expect(config['current-context']).toBe('kubefake');
      expect(config.clusters[0]).toEqual({ name: 'kubefake', cluster: { server: server.url, 'insecure-skip-tls-verify': true } });
      expect(config.users[0].name).toBe('kubefake');
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.text()).toBe('ok');
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
  });

  test.each(['SIGTERM', 'SIGINT'] as const)('%s ends open watches cleanly and exits within a second', async (signal) => {
    const server = await startCli([]);
    const watchEnded = new Promise<{ status: number; complete: boolean }>((resolve, reject) => {
      http.get(`${server.url}/api/v1/namespaces/default/configmaps?watch=true`, (res) => {
        res.on('data', () => {});
        res.on('end', () => resolve({ status: res.statusCode!, complete: res.complete }));
        res.on('error', reject);
      }).on('error', reject);
    });
    // The watch is open once the server has flushed its headers; give the request a moment to arrive.
    await fetch(`${server.url}/readyz`);
    await new Promise((r) => setTimeout(r, 100));
    const started = performance.now();
    server.child.kill(signal);
    const [code, watch] = await Promise.all([exited(server.child), watchEnded]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(code).toBe(0);
    expect(watch).toEqual({ status: 200, complete: true });
  });

  test('--clock=virtual serves a clock that only moves on clock:advance', async () => {
    const server = await startCli(['--clock', 'virtual']);
    try {
      const before = (await (await fetch(`${server.url}/kubefake/v1/clock`)).json()) as { mode: string; now: string };
      expect(before.mode).toBe('virtual');
      const after = await fetch(`${server.url}/kubefake/v1/clock:advance?by=1h`, { method: 'POST' });
      expect(after.status).toBe(200);
      const view = (await after.json()) as { now: string };
      expect(Date.parse(view.now) - Date.parse(before.now)).toBe(3_600_000);
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
  });

  test.each([
    [['--controllers', 'nope'], '"nope" is not in the list of known controllers'],
    [['--controllers', '-*'], 'invalid --controllers entry "-*"'],
    [['--clock', 'sundial'], "Allowed choices are real, virtual"],
  ])('refuses %j', async (args, message) => {
    const child = spawn(process.execPath, [cli, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => (err += String(d)));
    expect(await exited(child)).not.toBe(0);
    expect(err).toContain(message);
  });

  test('rejects a bad flag value with a clear message', async () => {
    const child = spawn(process.execPath, [cli, '--port', 'abc'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => (err += String(d)));
    expect(await exited(child)).not.toBe(0);
    expect(err).toContain('must be a port number');
  });
});
