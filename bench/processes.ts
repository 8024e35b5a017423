// Child processes the HTTP rows talk to: a kubefake server (the CLI) and the bare node:http baseline.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (this file runs from .bench-out/). */
export const repoRoot = resolve(here, '..');
export const cliPath = join(repoRoot, 'dist', 'cli', 'main.js');
export const baselineServerPath = join(here, 'baseline-server.js');

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Resident set size now (bytes), from /proc. */
  rss(): number;
  /** Peak resident set size since the process started (bytes), from /proc. */
  peakRss(): number;
  /** CPU time (user + system) the process has used so far, in ms, from /proc (10 ms resolution). */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Starts the kubefake CLI on a free port and resolves once it prints its serving line. */
export function startKubefake(args: string[] = []): Promise<ServerProcess> {
  const kubeconfig = join(tmpdir(), `kubefake-bench-${process.pid}-${Math.random().toString(36).slice(2)}.yaml`);
  // KUBEFAKE_BENCH_NODE_ARGS profiles the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = process.env.KUBEFAKE_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, cliPath, '--port', '0', '--log-level', 'warn', '--kubeconfig', kubeconfig, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return waitForLine(child, /serving on (http\S+)/);
}

/** Starts the bare node:http server that answers whatever bytes it is told to (the ceiling for a Node server). */
export function startBaseline(): Promise<ServerProcess> {
  const child = spawn(process.execPath, [baselineServerPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  return waitForLine(child, /listening on (http\S+)/);
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<ServerProcess> {
  return new Promise((resolvePromise, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (!match) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      resolvePromise(serverProcess(child, match[1]!));
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before serving: ${seen}`)));
  });
}

function serverProcess(child: ChildProcess, url: string): ServerProcess {
  const pid = child.pid!;
  return {
    url,
    pid,
    child,
    rss: () => procStatusBytes(pid, 'VmRSS'),
    peakRss: () => procStatusBytes(pid, 'VmHWM'),
    cpuMs: () => procCpuMs(pid),
    stop: () =>
      new Promise<void>((resolvePromise) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolvePromise();
        child.once('exit', () => resolvePromise());
        child.kill('SIGTERM');
      }),
  };
}

/** A `VmRSS`/`VmHWM` line of /proc/<pid>/status in bytes (Linux; NaN elsewhere). */
export function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** utime + stime of /proc/<pid>/stat in ms (Linux; NaN elsewhere). */
export function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}
