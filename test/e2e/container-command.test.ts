// The container image's command, run as the Dockerfile says but outside Docker (no engine here): ENTRYPOINT, CMD, ENV
// and HEALTHCHECK are read from the Dockerfile and run from the repository root, whose dist/, openapi/, proto/ and
// node_modules/ the runtime stage's WORKDIR mirrors.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { kubectlBinaries, run } from '../helpers.js';

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions per stage, continuation lines joined and comments dropped. */
function readStages(text: string): Instruction[][] {
  const logical = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const stages: Instruction[][] = [];
  for (const line of logical) {
    const [, keyword, args] = /^(\S+)\s+(.*)$/.exec(line)!;
    if (keyword!.toUpperCase() === 'FROM') stages.push([]);
    stages[stages.length - 1]!.push({ keyword: keyword!.toUpperCase(), args: args!.trim() });
  }
  return stages;
}

const dockerfile = readStages(readFileSync(join(process.cwd(), 'Dockerfile'), 'utf8'));
const runtime = dockerfile[dockerfile.length - 1]!;
const all = (keyword: string) => runtime.filter((i) => i.keyword === keyword);
const last = (keyword: string) => all(keyword).at(-1)?.args;
const execForm = (args: string | undefined): string[] => JSON.parse(args ?? 'null') as string[];

/** ENV K=V K2=V2 (the forms this Dockerfile uses: unquoted values). */
function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of all('ENV')) for (const pair of args.split(/\s+/)) env[pair.slice(0, pair.indexOf('='))] = pair.slice(pair.indexOf('=') + 1);
  return env;
}

/** The HEALTHCHECK's CMD in exec form, its options dropped. */
function healthcheckCommand(): string[] {
  const args = last('HEALTHCHECK') ?? '';
  return execForm(args.slice(args.indexOf('CMD') + 'CMD'.length).trim());
}

/** `node` in the image is this test's node (the same major version, 20 or newer). */
const local = (argv: string[]) => (argv[0] === 'node' ? [process.execPath, ...argv.slice(1)] : argv);

interface Started {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

function startImageCommand(args: string[], env: Record<string, string>): Promise<Started> {
  const [command, ...rest] = local([...execForm(last('ENTRYPOINT')), ...args]);
  const child = spawn(command!, rest, { cwd: process.cwd(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += String(d);
      const match = /^kubefake serving on (\S+)$/m.exec(out);
      if (match && /^export KUBECONFIG=/m.test(out)) resolve({ child, url: match[1]!, exited });
    });
    void exited.then((code) => reject(new Error(`the image's command exited with ${code}: ${out}${err}`)));
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer().once('error', () => resolve(false));
    probe.listen(port, '0.0.0.0', () => probe.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The container's environment: the Dockerfile's ENV, except two things `docker run` users change the same way.
 * KUBEFAKE_KUBECONFIG points into a temporary directory (in the image, /kubeconfig is a volume the node user owns; it
 * does not exist here), as `-e KUBEFAKE_KUBECONFIG=…` would. Port 6443 is used as in the image unless this machine
 * already serves something there; then KUBEFAKE_LISTEN_PORT moves both the server and the health check, as
 * `-e KUBEFAKE_LISTEN_PORT=…` would in a container.
 */
async function containerEnv(): Promise<{ env: Record<string, string>; kubeconfig: string; port: number }> {
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kubefake-container-')), 'config');
  const env = { ...imageEnv(), KUBEFAKE_KUBECONFIG: kubeconfig };
  let port = 6443;
  if (!(await portIsFree(port))) {
    port = await freePort();
    Object.assign(env, { KUBEFAKE_LISTEN_PORT: String(port) });
  }
  return { env, kubeconfig, port };
}

function healthcheck(env: Record<string, string>): Promise<number> {
  const [command, ...args] = local(healthcheckCommand());
  return run(command!, args, env).then((r) => r.code);
}

async function stop(server: Started): Promise<void> {
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
}

const cli = join(process.cwd(), 'dist', 'cli', 'main.js');
const describeBuilt = existsSync(cli) ? describe : describe.skip;
const kubectl = kubectlBinaries().at(-1)?.path;

describe('the Dockerfile', () => {
  test('builds in one stage and runs production dependencies, as node, on 0.0.0.0, with a health check', () => {
    expect(dockerfile.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile[0]![0]!.args).toMatch(/^node:20-slim AS build$/);
    expect(runtime[0]!.args).toBe('node:20-slim');
    const runs = all('RUN').map((i) => i.args);
    expect(runs.some((r) => /npm ci .*--omit=dev/.test(r) && r.includes('--ignore-scripts'))).toBe(true);
    expect(runs.some((r) => r.includes('tsc') || r.includes('npm run build'))).toBe(false);
    expect(all('COPY').map((i) => i.args)).toEqual(expect.arrayContaining(['--from=build /app/dist ./dist', 'openapi ./openapi', 'proto ./proto']));
    expect(last('USER')).toBe('node');
    expect(last('WORKDIR')).toBe('/app');
    expect(last('EXPOSE')).toBe('6443');
    expect(imageEnv()).toMatchObject({ NODE_ENV: 'production', KUBEFAKE_HOST: '0.0.0.0', KUBEFAKE_KUBECONFIG: '/kubeconfig/config' });
    expect(last('VOLUME')).toBe('/kubeconfig');
    expect(execForm(last('ENTRYPOINT'))).toEqual(['node', 'dist/cli/main.js']);
    expect(healthcheckCommand()[0]).toBe('node');
    expect(healthcheckCommand().join(' ')).toContain('/readyz');
  });
});

describeBuilt('the image command, run as the Dockerfile says', () => {
  test('serves on all interfaces, passes its HEALTHCHECK, writes a kubeconfig kubectl uses; the check fails once stopped', async () => {
    const { env, kubeconfig, port } = await containerEnv();
    const server = await startImageCommand(execForm(last('CMD')), env);
    try {
      expect(server.url).toBe(`http://127.0.0.1:${port}`);
      // Bound to 0.0.0.0: another loopback address answers too, which a 127.0.0.1-only listener would refuse.
      expect((await fetch(`http://127.0.0.2:${port}/readyz`)).status).toBe(200);
      expect(await healthcheck(env)).toBe(0);
      const config = parse(readFileSync(kubeconfig, 'utf8'));
      expect(config.clusters[0].cluster.server).toBe(`http://127.0.0.1:${port}`);
      if (kubectl) {
        const got = await run(kubectl, ['--kubeconfig', kubeconfig, 'get', 'namespaces', '-o', 'name']);
        expect(got).toMatchObject({ code: 0 });
        expect(got.stdout).toContain('namespace/default');
      }
    } finally {
      await stop(server);
    }
    expect(await healthcheck(env)).toBe(1);
  });

  test('`docker run image --nodes 1 --advertise-address …` replaces CMD and keeps the image settings', async () => {
    const { env, kubeconfig, port } = await containerEnv();
    const server = await startImageCommand(['--nodes', '1', '--advertise-address', 'kubefake.test:16443'], env);
    try {
      expect(await healthcheck(env)).toBe(0);
      expect((await fetch(`http://127.0.0.2:${port}/readyz`)).status).toBe(200);
      const config = parse(readFileSync(kubeconfig, 'utf8'));
      expect(config.clusters[0].cluster.server).toBe('http://kubefake.test:16443');
      const nodes = (await (await fetch(`${server.url}/api/v1/nodes`)).json()) as { items: unknown[] };
      expect(nodes.items).toHaveLength(1);
    } finally {
      await stop(server);
    }
  });

  test('with `--tls` the HEALTHCHECK still passes (it asks over https and http)', async () => {
    const { env, kubeconfig, port } = await containerEnv();
    const server = await startImageCommand(['--tls'], env);
    try {
      expect(server.url).toBe(`https://127.0.0.1:${port}`);
      expect(await healthcheck(env)).toBe(0);
      expect(parse(readFileSync(kubeconfig, 'utf8')).clusters[0].cluster.server).toBe(server.url);
    } finally {
      await stop(server);
    }
  });
});
