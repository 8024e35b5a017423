// Helpers for the kubectl end-to-end suites: one kubectl version bound to a cluster, table parsing, watch processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { kubectl, type RunResult, type TestCluster } from '../helpers.js';

/** `kubectl <args>` of one version, with a discovery cache of its own (versions write the cache differently). */
export interface VersionedKubectl {
  version: string;
  minor: number;
  run(args: string[], input?: string): Promise<RunResult>;
  /** Starts a long-running kubectl (e.g. `get -w`) whose output can be polled. */
  start(args: string[]): Background;
}

export function kubectlOf(binary: { version: string; path: string }, cluster: () => TestCluster): VersionedKubectl {
  const minor = Number(binary.version.split('.')[1]);
  const bound = (): TestCluster => {
    const c = cluster();
    return Object.assign(Object.create(c) as TestCluster, { cacheDir: join(c.dir, `cache-${binary.version}`) });
  };
  return {
    version: binary.version,
    minor,
    run: (args, input) => kubectl(binary.path, bound(), args, input),
    start: (args) => {
      const c = bound();
      return new Background(spawn(binary.path, ['--kubeconfig', c.kubeconfigPath, '--cache-dir', c.cacheDir, ...args]));
    },
  };
}

/** A child process whose stdout and stderr accumulate; stop() ends it by its own pid. */
export class Background {
  stdout = '';
  stderr = '';
  exitCode: number | null | undefined;
  private readonly exited: Promise<void>;

  constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    // 'close', not 'exit': only then has all of the output arrived (a fast kubectl can exit before its stdout is read).
    this.exited = new Promise((resolve) => child.on('close', (code) => {
      this.exitCode = code;
      resolve();
    }));
  }

  /** Polls stdout until `test` holds; fails with the output seen so far after `ms`. */
  async waitFor(test: (stdout: string) => boolean, ms = 10_000): Promise<void> {
    const deadline = performance.now() + ms;
    while (!test(this.stdout)) {
      if (this.exitCode !== undefined) throw new Error(`kubectl exited (${this.exitCode}) early:\n${this.stdout}\n${this.stderr}`);
      if (performance.now() > deadline) throw new Error(`timed out waiting; stdout so far:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Resolves once the process has exited by itself (e.g. after --request-timeout). */
  async done(): Promise<void> {
    await this.exited;
  }

  async stop(): Promise<void> {
    if (this.exitCode === undefined) this.child.kill('SIGTERM');
    await this.exited;
  }
}

/** One printed table: header cells and the rows, cut at the header's column starts so empty cells stay in place. */
export interface Table {
  header: string[];
  rows: string[][];
}

/** Splits kubectl's tabular output into tables (several kinds print blank-line separated tables). */
export function parseTables(stdout: string): Table[] {
  const blocks = stdout.split(/\n\s*\n/).map((b) => b.split('\n').filter((l) => l.trim() !== '')).filter((b) => b.length > 0);
  return blocks.map((lines) => {
    const headerLine = lines[0] ?? '';
    const starts: number[] = [];
    const header: string[] = [];
    for (const m of headerLine.matchAll(/\S+(?: \S+)*/g)) {
      starts.push(m.index ?? 0);
      header.push(m[0]);
    }
    const rows = lines.slice(1).map((line) => starts.map((start, i) => line.slice(start, starts[i + 1] ?? line.length).trim()));
    return { header, rows };
  });
}

/** The single table kubectl printed. */
export function parseTable(stdout: string): Table {
  const tables = parseTables(stdout);
  if (tables.length !== 1) throw new Error(`expected one table, got ${tables.length}:\n${stdout}`);
  return tables[0] as Table;
}

/** An AGE cell of something created during the test run. */
export const AGE = /^\d+s$/;

/** Non-empty output lines. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** kubectl ≥ 1.34 names the namespace in `delete` output ("deleted from ns namespace"). */
export function deletedLine(minor: number, what: string, namespace?: string, suffix = ''): string {
  const where = minor >= 34 && namespace ? ` from ${namespace} namespace` : '';
  return `${what} deleted${where}${suffix}`;
}

/** The --kubeconfig/--cache-dir-free name for a per-version namespace ("v1-27"). */
export function versionNamespace(prefix: string, version: string): string {
  return `${prefix}-${version.replace('.', '-')}`;
}

/** Deployment, Service and ConfigMap in one multi-document manifest. */
export const appManifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
    tier: frontend
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    app: web
data:
  color: blue
  size: large
`;
