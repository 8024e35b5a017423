// cluster.kubeConfig, kubeconfigYaml and writeKubeconfig(): the cluster's kubeconfig as a client-node KubeConfig or a file.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Cluster } from '../cluster-types.js';

type ClientNode = typeof import('@kubernetes/client-node');

/** How loading @kubernetes/client-node went; never a rejected promise, so a failed start-up leaves nothing unhandled. */
export type ClientNodeLoad = { module: ClientNode } | { error: unknown } | { skipped: true };

/** The members this module adds; startCluster builds the rest. */
export type ClusterWithoutKubeConfig = Omit<Cluster, 'kubeConfig' | 'kubeconfigYaml' | 'writeKubeconfig'>;

let loading: Promise<ClientNodeLoad> | undefined;


/**
 * Starts importing the optional peer dependency. Importing it takes about half a second the first time in a process,
 * so startCluster begins it first and awaits it last; later clusters find it loaded. (A synchronous require on first
 * read of kubeConfig would avoid the cost for clusters that never read it, but jest's ESM runtime refuses to require
 * an ES module.)
 */
export function loadClientNode(wanted: boolean): Promise<ClientNodeLoad> {
  if (!wanted) return Promise.resolve({ skipped: true });
  loading ??= import('@kubernetes/client-node').then(
    (module): ClientNodeLoad => ({ module }),
    (error: unknown): ClientNodeLoad => ({ error }),
  );
  return loading;
}

export function addKubeConfigAccess(load: ClientNodeLoad, cluster: ClusterWithoutKubeConfig): Cluster {
  let built: { yaml: string; kubeConfig: KubeConfig } | undefined;
  const kubeConfig = (): KubeConfig => {
    if ('skipped' in load) throw new Error('cluster.kubeConfig: this cluster was started with loadClientNode: false');
    if ('error' in load) throw clientNodeMissing(load.error);
    // Read at each access: the kubeconfig's content (TLS, credentials) is whatever the cluster serves with.
    const yaml = cluster.kubeconfig;
    if (built?.yaml !== yaml) {
      const kc = new load.module.KubeConfig();
      kc.loadFromString(yaml);
      built = { yaml, kubeConfig: kc };
    }
    return built.kubeConfig;
  };
  const writeKubeconfig = (path: string): string => {
    const target = resolve(path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, cluster.kubeconfig, { mode: 0o600 });
    // The mode only applies to a new file; an existing one may have been readable by others.
    chmodSync(target, 0o600);
    return target;
  };
  // kubeConfig is not enumerable: printing or spreading a cluster must not throw when client-node is not installed.
  return Object.defineProperties(cluster, {
    kubeConfig: { get: kubeConfig, enumerable: false, configurable: true },
    kubeconfigYaml: { get: () => cluster.kubeconfig, enumerable: true, configurable: true },
    writeKubeconfig: { value: writeKubeconfig, enumerable: true, configurable: true, writable: true },
  }) as Cluster;
}

function clientNodeMissing(cause: unknown): Error {
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    return new Error('cluster.kubeConfig needs @kubernetes/client-node: npm install --save-dev @kubernetes/client-node', { cause });
  }
  return new Error(`cluster.kubeConfig: @kubernetes/client-node did not load: ${String(cause)}`, { cause });
}
