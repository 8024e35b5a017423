// kubefake/jest: useCluster() and useNamespace() for jest test files, and globalSetup() for a run-wide server.
import type { ClusterOptions } from '../cluster-types.js';
import { clusterHelpers, type FrameworkHooks } from './cluster-hooks.js';
import { startGlobalCluster } from './global-cluster.js';

type Hook = (fn: () => Promise<void>, timeout?: number) => void;
interface JestGlobals {
  beforeAll: Hook;
  afterAll: Hook;
  beforeEach: Hook;
  afterEach: Hook;
  expect?: { getState(): { currentTestName?: string } };
}

/**
 * jest's globals, read when a helper is called (inside a test file) rather than imported: this module must load in
 * projects without jest's packages, and @jest/globals resolves only inside jest.
 */
function jest(): JestGlobals {
  const globals = globalThis as Partial<JestGlobals>;
  if (typeof globals.beforeAll !== 'function' || typeof globals.beforeEach !== 'function') {
    throw new Error("kubefake/jest: jest's globals (beforeAll, beforeEach…) are missing: call useCluster()/useNamespace() in a jest test file with injectGlobals on");
  }
  return globals as JestGlobals;
}

// Callbacks take no parameters: jest would read a declared parameter as a done callback to wait for.
const hooks: FrameworkHooks = {
  beforeAll: (fn, timeout) => jest().beforeAll(() => fn(), timeout),
  afterAll: (fn, timeout) => jest().afterAll(() => fn(), timeout),
  beforeEach: (fn, timeout) => jest().beforeEach(() => fn(jest().expect?.getState().currentTestName), timeout),
  afterEach: (fn, timeout) => jest().afterEach(() => fn(), timeout),
  sharedKubeconfig: () => undefined,
};

export const { useCluster, useNamespace } = clusterHelpers(hooks);

/**
 * A jest `globalSetup` starting the run's server with these options; pair it with `kubefake/jest/global-teardown`:
 * `export default globalSetup({ crds: ['./config/crd'] })` in a setup file of your own.
 */
export function globalSetup(options: ClusterOptions = {}): () => Promise<void> {
  return async () => {
    await startGlobalCluster(options);
  };
}

export { globalCluster, optionsFromEnv, startGlobalCluster, stopGlobalCluster, type GlobalCluster } from './global-cluster.js';
export type { ClusterHandle, NamespaceHandle, NamespaceTarget, UseClusterOptions } from './cluster-hooks.js';
