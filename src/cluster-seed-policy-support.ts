// Test support for the bootstrap-policy suites: starts one virtual-clock cluster per test and closes it afterwards.
import { startCluster, type Cluster } from './cluster.js';

export const rbacApi = 'rbac.authorization.k8s.io/v1';

/**
 * Registers the afterEach that closes the test's cluster; the returned function starts it (no nodes, virtual clock),
 * closing the one it started before, if any.
 */
export function useClusterPerTest(): (options: Parameters<typeof startCluster>[0]) => Promise<Cluster> {
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
  });
  return async (options) => {
    await cluster?.close();
    cluster = await startCluster({ clock: 'virtual', nodes: 0, loadClientNode: false, ...options });
    return cluster;
  };
}
