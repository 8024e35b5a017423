// useCluster() and useNamespace(), written once against a test framework's hooks (jest's and vitest's adapters).
import { delimiter } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { InProcessClient } from '../client/client.js';
import { startCluster } from '../cluster.js';
import type { Cluster, ClusterOptions } from '../cluster-types.js';
import { kubeRequest, kubeTarget, kubeTargetFromFile, type KubeTarget } from '../kubeconfig-request.js';
import { testNamespaceName } from './namespace-name.js';

/** The hooks a framework registers, adapted so each callback gets the running test's name (if any). */
export interface FrameworkHooks {
  beforeAll(fn: () => Promise<void>, timeout: number): void;
  afterAll(fn: () => Promise<void>, timeout: number): void;
  beforeEach(fn: (testName: string | undefined) => Promise<void>, timeout: number): void;
  afterEach(fn: () => Promise<void>, timeout: number): void;
  /** The kubeconfig file of the run's shared server (global setup), if there is one. */
  sharedKubeconfig(): string | undefined;
}

export interface UseClusterOptions extends ClusterOptions {
  /** reset() before each test, so every test starts from the objects right after start (about a millisecond). */
  resetBetweenTests?: boolean;
}

/** A cluster private to one test file, started in beforeAll and closed in afterAll; read its members inside tests. */
export interface ClusterHandle {
  readonly cluster: Cluster;
  /** `cluster.kubeConfig`: a @kubernetes/client-node KubeConfig for this cluster. */
  readonly kubeConfig: KubeConfig;
  readonly client: InProcessClient;
  readonly url: string;
}

/** The namespace of the running test: created before it, deleted after it. */
export interface NamespaceHandle {
  readonly name: string;
}

/** Where useNamespace() creates namespaces: a cluster, a useCluster() handle, a KubeConfig, or a kubeconfig file path. */
export type NamespaceTarget = Cluster | ClusterHandle | { exportConfig(): string } | string;

// Starting a cluster takes milliseconds, but a cold first import in a busy CI worker can take seconds.
const hookTimeout = 60_000;

export function clusterHelpers(hooks: FrameworkHooks) {
  function useCluster(options: UseClusterOptions = {}): ClusterHandle {
    const { resetBetweenTests, ...clusterOptions } = options;
    let cluster: Cluster | undefined;
    hooks.beforeAll(async () => {
      cluster = await startCluster(clusterOptions);
    }, hookTimeout);
    hooks.afterAll(async () => {
      await cluster?.close();
      cluster = undefined;
    }, hookTimeout);
    if (resetBetweenTests) {
      hooks.beforeEach(async () => {
        await cluster?.reset();
      }, hookTimeout);
    }
    const started = (): Cluster => {
      if (!cluster) throw new Error('useCluster(): the cluster runs from beforeAll to afterAll; use the handle inside tests and hooks');
      return cluster;
    };
    return {
      get cluster() {
        return started();
      },
      get kubeConfig() {
        return started().kubeConfig;
      },
      get client() {
        return started().client;
      },
      get url() {
        return started().url;
      },
    };
  }

  function useNamespace(target?: NamespaceTarget): NamespaceHandle {
    let current: { name: string; remove: () => Promise<void> } | undefined;
    hooks.beforeEach(async (testName) => {
      const name = testNamespaceName(testName);
      const namespaces = namespaceClient(target, hooks);
      await namespaces.create(name);
      current = { name, remove: () => namespaces.remove(name) };
    }, hookTimeout);
    hooks.afterEach(async () => {
      const done = current;
      current = undefined;
      await done?.remove();
    }, hookTimeout);
    return {
      get name() {
        if (!current) throw new Error('useNamespace(): the namespace exists from beforeEach to afterEach; read .name inside a test');
        return current.name;
      },
    };
  }

  return { useCluster, useNamespace };
}

interface NamespaceClient {
  create(name: string): Promise<void>;
  /** Starts deletion and does not wait for it: the name is unique, and the namespace controller finishes the job. */
  remove(name: string): Promise<void>;
}

const namespaceLabels = { 'kubefake.dev/test-namespace': 'true' };

function namespaceClient(target: NamespaceTarget | undefined, hooks: FrameworkHooks): NamespaceClient {
  const cluster = clusterOf(target);
  if (cluster) {
    // In-process: no HTTP round trip, the same admission and validation.
    return {
      create: async (name) => {
        await cluster.client.create('v1', 'namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: namespaceLabels } });
      },
      remove: async (name) => {
        await cluster.client.delete('v1', 'namespaces', undefined, name).catch((err: unknown) => {
          if ((err as { code?: unknown }).code !== 404) throw err;
        });
      },
    };
  }
  const http = httpTarget(target, hooks);
  return {
    create: async (name) => {
      const res = await kubeRequest(http, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: namespaceLabels } });
      if (res.status !== 201) throw new Error(`useNamespace(): creating namespace ${name} answered ${res.status}: ${res.body}`);
    },
    remove: async (name) => {
      const res = await kubeRequest(http, 'DELETE', `/api/v1/namespaces/${name}`);
      if (res.status >= 300 && res.status !== 404) throw new Error(`useNamespace(): deleting namespace ${name} answered ${res.status}: ${res.body}`);
    },
  };
}

function clusterOf(target: NamespaceTarget | undefined): Cluster | undefined {
  if (target === undefined || typeof target === 'string' || 'exportConfig' in target) return undefined;
  return isCluster(target) ? target : target.cluster;
}

function isCluster(target: Cluster | ClusterHandle): target is Cluster {
  return typeof (target as Partial<Cluster>).settle === 'function';
}

function httpTarget(target: NamespaceTarget | undefined, hooks: FrameworkHooks): KubeTarget {
  if (typeof target === 'string') return kubeTargetFromFile(target);
  if (target !== undefined && 'exportConfig' in target) return kubeTarget(target.exportConfig());
  const path = hooks.sharedKubeconfig() ?? process.env.KUBECONFIG?.split(delimiter).find((p) => p !== '');
  if (!path) {
    throw new Error(
      "useNamespace(): no cluster to create namespaces in: add kubefake's global setup (which sets KUBECONFIG), or pass useCluster()'s handle, a Cluster or a kubeconfig path",
    );
  }
  return kubeTargetFromFile(path);
}
