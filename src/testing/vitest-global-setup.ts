// kubefake/vitest/global-setup: vitest's globalSetup starting one server for the run (options from KUBEFAKE_OPTIONS JSON).
// It must not import 'vitest': global setup runs in vitest's main process, where the test API has no state.
import type { ClusterOptions } from '../cluster-types.js';
import { optionsFromEnv, startGlobalCluster, stopGlobalCluster } from './global-cluster.js';

/** What the global setup provides to test files: `inject('kubefake')`. */
export interface ProvidedKubefake {
  url: string;
  kubeconfigPath: string;
}

/** The slice of vitest's global setup argument (TestProject in vitest 3) used here. */
export interface GlobalSetupContext {
  provide?: (key: 'kubefake', value: ProvidedKubefake) => void;
}

/**
 * A vitest global setup starting the run's server with these options and returning its teardown, for a setup file of
 * your own: `export default globalSetup({ crds: ['./config/crd'] })`.
 */
export function globalSetup(options: ClusterOptions = {}): (context?: GlobalSetupContext) => Promise<() => Promise<void>> {
  return async (context) => {
    const { url, kubeconfigPath } = await startGlobalCluster(options);
    context?.provide?.('kubefake', { url, kubeconfigPath });
    return stopGlobalCluster;
  };
}

export default function kubefakeGlobalSetup(context?: GlobalSetupContext): Promise<() => Promise<void>> {
  return globalSetup(optionsFromEnv())(context);
}
