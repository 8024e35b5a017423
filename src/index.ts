// kubefake's public API: start an isolated fake Kubernetes API server in-process.
export { startCluster, type Cluster, type ClusterOptions } from './cluster.js';
export type { ClusterSnapshot, RestoreResult } from './cluster-snapshot.js';
export { FaultInjector, type FaultCode, type FaultRule } from './api/faults.js';
export { RealClock, type Clock } from './clock/clock.js';
export { VirtualClock } from './clock/virtual-clock.js';
export { kubeconfigYaml } from './kubeconfig.js';
export { InProcessClient, type ClientWriteOptions, type PatchType } from './client/client.js';
