// One kubefake server for a whole test run (jest's and vitest's global setup): its kubeconfig in a file and in KUBECONFIG.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster } from '../cluster.js';
import type { Cluster, ClusterOptions } from '../cluster-types.js';

export interface GlobalCluster {
  cluster: Cluster;
  /** The kubeconfig file that KUBECONFIG names for the run. */
  kubeconfigPath: string;
  url: string;
}

interface GlobalState extends GlobalCluster {
  dir: string;
  previousEnv: Record<'KUBECONFIG' | 'KUBEFAKE_URL', string | undefined>;
}

// On globalThis rather than in this module: jest may load setup and teardown as separate module instances.
const stateKey = Symbol.for('kubefake.globalCluster');
const holder = globalThis as { [stateKey]?: GlobalState };

/**
 * The options in the `KUBEFAKE_OPTIONS` environment variable (JSON, e.g. `{"controllers":"","crds":["./crds"]}`),
 * for the ready-made global setup modules; relative paths resolve against the working directory.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): ClusterOptions {
  const raw = env.KUBEFAKE_OPTIONS;
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new Error(`KUBEFAKE_OPTIONS is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('KUBEFAKE_OPTIONS must be a JSON object of startCluster options');
  return parsed as ClusterOptions;
}

/**
 * Starts the run's server, writes its kubeconfig to a fresh temporary file and points `KUBECONFIG` (and
 * `KUBEFAKE_URL`) at it, so test workers started afterwards, kubectl and `kc.loadFromDefault()` all reach it.
 */
export async function startGlobalCluster(options: ClusterOptions = {}): Promise<GlobalCluster> {
  if (holder[stateKey]) throw new Error('kubefake: the global cluster is already running (global setup ran twice without teardown)');
  // Nothing in the setup process reads kubeConfig; the test files load client-node themselves if they use it.
  const cluster = await startCluster({ loadClientNode: false, ...options });
  const dir = mkdtempSync(join(tmpdir(), 'kubefake-'));
  const kubeconfigPath = cluster.writeKubeconfig(join(dir, 'kubeconfig'));
  const state: GlobalState = {
    cluster,
    kubeconfigPath,
    url: cluster.url,
    dir,
    previousEnv: { KUBECONFIG: process.env.KUBECONFIG, KUBEFAKE_URL: process.env.KUBEFAKE_URL },
  };
  holder[stateKey] = state;
  process.env.KUBECONFIG = kubeconfigPath;
  process.env.KUBEFAKE_URL = cluster.url;
  return { cluster, kubeconfigPath, url: cluster.url };
}

/** The running global cluster, in the process that started it. */
export function globalCluster(): GlobalCluster | undefined {
  const state = holder[stateKey];
  return state && { cluster: state.cluster, kubeconfigPath: state.kubeconfigPath, url: state.url };
}

/** Closes the run's server, removes its kubeconfig and restores the environment; does nothing if none runs. */
export async function stopGlobalCluster(): Promise<void> {
  const state = holder[stateKey];
  if (!state) return;
  holder[stateKey] = undefined;
  try {
    await state.cluster.close();
  } finally {
    rmSync(state.dir, { recursive: true, force: true });
    for (const [name, value] of Object.entries(state.previousEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
