// kubefake/vitest: useCluster() and useNamespace() for vitest test files, with kubefake/vitest/global-setup's run-wide server.
import { clusterHelpers, type FrameworkHooks } from './cluster-hooks.js';
import type { ProvidedKubefake } from './vitest-global-setup.js';

/** The few vitest functions these helpers call, typed here so kubefake builds without vitest installed. */
interface VitestApi {
  beforeAll(fn: () => unknown, timeout?: number): void;
  afterAll(fn: () => unknown, timeout?: number): void;
  beforeEach(fn: (context: { task: { name: string } }) => unknown, timeout?: number): void;
  afterEach(fn: () => unknown, timeout?: number): void;
  inject(key: 'kubefake'): ProvidedKubefake | undefined;
}

// A specifier TypeScript does not resolve: vitest is an optional peer, absent from kubefake's own install (npm ci
// cannot lock rollup's platform packages from this registry), and only the user's project provides it.
const vitestModule: string = 'vitest';
const { afterAll, afterEach, beforeAll, beforeEach, inject } = (await import(vitestModule)) as VitestApi;

// vitest's hooks are imported, not read from globalThis: without `globals: true` there are none there.
const hooks: FrameworkHooks = {
  beforeAll: (fn, timeout) => beforeAll(() => fn(), timeout),
  afterAll: (fn, timeout) => afterAll(() => fn(), timeout),
  // Destructured: with test.extend fixtures, vitest reads the first parameter's pattern to know what a hook uses.
  beforeEach: (fn, timeout) => beforeEach(({ task }) => fn(task.name), timeout),
  afterEach: (fn, timeout) => afterEach(() => fn(), timeout),
  // The environment a worker got is usually the setup's, but what was provided is always there.
  sharedKubeconfig: () => inject('kubefake')?.kubeconfigPath,
};

export const { useCluster, useNamespace } = clusterHelpers(hooks);

export { globalCluster, optionsFromEnv, startGlobalCluster, stopGlobalCluster, type GlobalCluster } from './global-cluster.js';
export type { ClusterHandle, NamespaceHandle, NamespaceTarget, UseClusterOptions } from './cluster-hooks.js';
export type { GlobalSetupContext, ProvidedKubefake } from './vitest-global-setup.js';
