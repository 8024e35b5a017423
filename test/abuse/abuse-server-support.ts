// Runs kubefake in a child process (the built package) and measures it from outside: RSS, heap after a GC, open fds.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The built package the child runs: dist/ as `npm test` builds it, or KUBEFAKE_ABUSE_DIST (a directory built with
 * `npx tsc -p tsconfig.build.json --outDir <dir>`) while working on the server.
 */
export const builtDir = process.env.KUBEFAKE_ABUSE_DIST ? join(process.cwd(), process.env.KUBEFAKE_ABUSE_DIST) : join(process.cwd(), 'dist');
export const builtCli = join(builtDir, 'cli', 'main.js');
export const isBuilt = existsSync(join(builtDir, 'index.js')) && existsSync(builtCli);

export const heavy = process.env.KUBEFAKE_HEAVY_TESTS === '1';

/** What the child reports when asked: its own view of memory, after two full GCs. */
export interface ChildMemory {
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rss: number;
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  port: number;
  /** Memory after a forced GC, as the child's process.memoryUsage() reads it. */
  memoryAfterGc(): Promise<ChildMemory>;
  /** VmRSS from /proc, in bytes (no GC: what the machine pays right now). */
  rss(): number;
  /** Open file descriptors of the child (its sockets included). */
  fds(): number;
  stop(): Promise<void>;
}

/**
 * The child: starts a cluster with the options in KUBEFAKE_ABUSE_OPTIONS, prints its URL, and answers each `gc` line on
 * stdin with its memory after two collections (one more lets objects freed by finalizers go too).
 */
const childScript = `
const { startCluster } = await import(process.env.KUBEFAKE_ABUSE_INDEX);
const cluster = await startCluster({ loadClientNode: false, ...JSON.parse(process.env.KUBEFAKE_ABUSE_OPTIONS) });
process.stdout.write('url ' + cluster.url + '\\n');
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  pending += text;
  let newline;
  while ((newline = pending.indexOf('\\n')) >= 0) {
    const command = pending.slice(0, newline);
    pending = pending.slice(newline + 1);
    if (command === 'gc') {
      globalThis.gc();
      globalThis.gc();
      const m = process.memoryUsage();
      process.stdout.write('memory ' + JSON.stringify({ heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss }) + '\\n');
    } else if (command === 'stop') {
      cluster.close().then(() => process.exit(0));
    }
  }
});
`;

export async function startServerProcess(options: Record<string, unknown>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', childScript], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, KUBEFAKE_ABUSE_INDEX: join(builtDir, 'index.js'), KUBEFAKE_ABUSE_OPTIONS: JSON.stringify({ controllers: '', nodes: 0, ...options }) },
  });
  let out = '';
  let err = '';
  const lineWaiters: ((line: string) => boolean)[] = [];
  child.stderr!.on('data', (d) => (err += String(d)));
  child.stdout!.on('data', (d) => {
    out += String(d);
    let newline;
    while ((newline = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, newline);
      out = out.slice(newline + 1);
      const i = lineWaiters.findIndex((w) => w(line));
      if (i >= 0) lineWaiters.splice(i, 1);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const nextLine = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const onExit = () => reject(new Error(`the server child exited: ${err}`));
      child.once('exit', onExit);
      lineWaiters.push((line) => {
        if (!line.startsWith(prefix)) return false;
        child.off('exit', onExit);
        resolve(line.slice(prefix.length));
        return true;
      });
    });
  const url = await nextLine('url ');
  const pid = child.pid!;
  return {
    child,
    pid,
    url,
    port: Number(new URL(url).port),
    memoryAfterGc: async () => {
      const answer = nextLine('memory ');
      child.stdin!.write('gc\n');
      return JSON.parse(await answer) as ChildMemory;
    },
    rss: () => {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return Number(match![1]) * 1024;
    },
    fds: () => readdirSync(`/proc/${pid}/fd`).length,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.stdin!.write('stop\n');
      await exited;
    },
  };
}

/** Bytes the kernel holds for a TCP connection (send queue, receive queue) by local and remote port, from /proc/net/tcp. */
export function kernelQueues(localPort: number, remotePort: number): { tx: number; rx: number } | undefined {
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 5) continue;
      const local = parseInt(fields[1]!.split(':')[1]!, 16);
      const remote = parseInt(fields[2]!.split(':')[1]!, 16);
      if (local !== localPort || remote !== remotePort) continue;
      const [tx, rx] = fields[4]!.split(':').map((hex) => parseInt(hex, 16));
      return { tx: tx!, rx: rx! };
    }
  }
  return undefined;
}

/** Polls `probe` until it holds, for at most `ms` of real time; answers whether it did. */
export async function eventually(probe: () => boolean, ms: number, stepMs = 50): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    if (probe()) return true;
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export const mib = 1024 * 1024;
