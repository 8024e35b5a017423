// The CLI's structured logs: one stderr line per request (JSON or apiserver-like text), none below info, stdout untouched.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlBinaries, run } from '../helpers.js';

const cli = join(process.cwd(), 'dist', 'cli', 'main.js');

interface Server {
  child: ChildProcess;
  url: string;
  kubeconfig: string;
  dir: string;
  stdout: () => string;
  stderrLines: () => string[];
  /** Resolves with the first stderr line (past or future) that matches. */
  line: (matches: (line: string) => boolean) => Promise<string>;
  /** SIGTERM, then every line the process wrote. */
  stop: () => Promise<{ code: number | null; stdout: string; stderr: string[] }>;
}

function startCli(args: string[]): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'kubefake-logs-'));
  const kubeconfig = join(dir, 'config');
  const child = spawn(process.execPath, [cli, '--port', '0', '--kubeconfig', kubeconfig, '--nodes', '0', '--controllers', '', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let out = '';
  let err = '';
  const lines: string[] = [];
  const waiters = new Set<{ matches: (line: string) => boolean; resolve: (line: string) => void }>();
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => {
    err += String(d);
    const complete = err.split('\n');
    err = complete.pop()!;
    for (const line of complete) {
      lines.push(line);
      for (const waiter of [...waiters]) if (waiter.matches(line)) (waiters.delete(waiter), waiter.resolve(line));
    }
  });
  const line = (matches: (line: string) => boolean) =>
    new Promise<string>((resolve) => {
      const seen = lines.find(matches);
      if (seen !== undefined) resolve(seen);
      else waiters.add({ matches, resolve });
    });
  const closed = new Promise<void>((resolve) => child.stderr!.on('end', resolve));
  const stop = async () => {
    child.kill('SIGTERM');
    const code = await exited;
    await closed;
    return { code, stdout: out, stderr: lines };
  };
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /^kubefake serving on (\S+)$/m.exec(out);
      if (match && out.includes('export KUBECONFIG=')) {
        resolve({ child, url: match[1]!, kubeconfig, dir, stdout: () => out, stderrLines: () => lines, line, stop });
      }
    });
    void exited.then((code) => reject(new Error(`kubefake exited with ${code}: ${out}${lines.join('\n')}`)));
  });
}

interface RequestLine {
  msg: string;
  verb: string;
  resource?: string;
  namespace?: string;
  name?: string;
  uri: string;
  code: number;
  latencyMs: number;
  userAgent?: string;
  srcIP?: string;
  user?: string;
}

function json(line: string): RequestLine | undefined {
  try {
    return JSON.parse(line) as RequestLine;
  } catch {
    return undefined;
  }
}

/** Waits for the JSON request line of `verb resource` with that code. */
async function requestLine(server: Server, verb: string, resource: string, code: number): Promise<RequestLine> {
  return json(await server.line((l) => {
    const record = json(l);
    return record?.msg === 'HTTP' && record.verb === verb && record.resource === resource && record.code === code;
  }))!;
}

const send = (url: string, init?: RequestInit) => fetch(url, init).then(async (r) => (await r.arrayBuffer(), r.status));
const createConfigMap = (server: Server, name: string) =>
  send(`${server.url}/api/v1/namespaces/default/configmaps`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ metadata: { name } }),
  });

const describeBuilt = existsSync(cli) ? describe : describe.skip;
const kubectl = kubectlBinaries().at(-1)?.path;

describeBuilt('kubefake request logs', () => {
  test('--log-level info (the default) logs each kubectl request to stderr as JSON; stdout keeps its plain lines', async () => {
    const server = await startCli(['--log-level', 'info']);
    try {
      const started = json(await server.line((l) => json(l)?.msg === 'kubefake started'));
      expect(started).toMatchObject({ url: server.url, kubeconfig: server.kubeconfig });
      if (kubectl) {
        const cache = join(server.dir, 'cache');
        expect(await run(kubectl, ['--kubeconfig', server.kubeconfig, '--cache-dir', cache, 'get', 'pods'])).toMatchObject({ code: 0 });
        expect(await run(kubectl, ['--kubeconfig', server.kubeconfig, '--cache-dir', cache, 'create', 'configmap', 'logged'])).toMatchObject({ code: 0 });
        const list = await requestLine(server, 'list', 'pods', 200);
        expect(list).toMatchObject({ namespace: 'default', uri: expect.stringMatching(/^\/api\/v1\/namespaces\/default\/pods\?limit=500/) });
        expect(list.userAgent).toMatch(/^kubectl\//);
        expect(list.srcIP).toMatch(/^127\.0\.0\.1:\d+$/);
        // Whoever the request authenticated as (kubectl sends no bearer token over plain http: system:anonymous).
        expect(list.user).toMatch(/^(kubefake-admin|system:anonymous)$/);
        expect(list.latencyMs).toBeGreaterThanOrEqual(0);
        expect(await requestLine(server, 'create', 'configmaps', 201)).toMatchObject({ namespace: 'default' });
      } else {
        expect(await createConfigMap(server, 'logged')).toBe(201);
        await requestLine(server, 'create', 'configmaps', 201);
      }
      // Failures show their codes.
      expect(await send(`${server.url}/api/v1/namespaces/default/configmaps/missing`)).toBe(404);
      expect(await requestLine(server, 'get', 'configmaps', 404)).toMatchObject({ name: 'missing' });
      expect(await createConfigMap(server, 'Not_A_Name')).toBe(422);
      await requestLine(server, 'create', 'configmaps', 422);
    } finally {
      const { code, stdout, stderr } = await server.stop();
      expect(code).toBe(0);
      expect(stdout.split('\n')).toEqual([`kubefake serving on ${server.url}`, `export KUBECONFIG=${server.kubeconfig}`, 'kubefake: SIGTERM, shutting down', '']);
      expect(stderr.map(json).find((l) => l?.msg === 'kubefake shutting down')).toMatchObject({ signal: 'SIGTERM' });
      // Every stderr line is one JSON object.
      expect(stderr.filter((l) => json(l) === undefined)).toEqual([]);
    }
  });

  test('--log-format text writes apiserver-like lines', async () => {
    const server = await startCli(['--log-format', 'text']);
    try {
      expect(await send(`${server.url}/api/v1/namespaces/default/pods`)).toBe(200);
      const line = await server.line((l) => l.includes('"HTTP"') && l.includes('verb="list"'));
      expect(line).toMatch(
        /^I\d{4} \d\d:\d\d:\d\d\.\d{6}\] "HTTP" verb="list" resource="pods" group="" namespace="default" uri="\/api\/v1\/namespaces\/default\/pods" code=200 latencyMs=[\d.]+ userAgent="[^"]*" srcIP="127\.0\.0\.1:\d+" user="system:anonymous"$/,
      );
      expect(await server.line((l) => l.includes('"kubefake started"'))).toContain(`url="${server.url}"`);
    } finally {
      await server.stop();
    }
  });

  test('--log-level warn logs no request lines', async () => {
    const server = await startCli(['--log-level', 'warn']);
    expect(await send(`${server.url}/api/v1/namespaces`)).toBe(200);
    expect(await send(`${server.url}/api/v1/namespaces/default/configmaps/missing`)).toBe(404);
    // Whatever the server wrote is in once it has exited.
    const { code, stderr } = await server.stop();
    expect(code).toBe(0);
    expect(stderr).toEqual([]);
  });
});
