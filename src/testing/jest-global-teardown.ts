// kubefake/jest/global-teardown: jest's globalTeardown closing the server kubefake/jest/global-setup started.
import { stopGlobalCluster } from './global-cluster.js';

export default function kubefakeGlobalTeardown(): Promise<void> {
  return stopGlobalCluster();
}
