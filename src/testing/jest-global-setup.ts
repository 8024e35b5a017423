// kubefake/jest/global-setup: jest's globalSetup starting one server for the run (options from KUBEFAKE_OPTIONS JSON).
import { optionsFromEnv, startGlobalCluster } from './global-cluster.js';

export { globalSetup } from './jest.js';

export default async function kubefakeGlobalSetup(): Promise<void> {
  await startGlobalCluster(optionsFromEnv());
}
