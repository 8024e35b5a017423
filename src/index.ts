// kubefake's public API: start an isolated fake Kubernetes API server in-process.
export { startCluster, type Cluster, type ClusterOptions } from './cluster.js';
export type { ClusterSnapshot, RestoreResult } from './cluster-snapshot.js';
export { snapshotDocument, snapshotYaml, type SnapshotDocument } from './cluster-snapshot-file.js';
export { FaultInjector, FaultRuleError, validateFaultRule, type ActiveFaultRule, type FaultClients, type FaultCode, type FaultRemover, type FaultRule } from './api/faults.js';
export type { AuthOptions, StaticToken } from './auth/static-tokens.js';
export type { UserInfo } from './auth/user-info.js';
export { RealClock, type Clock } from './clock/clock.js';
export { VirtualClock } from './clock/virtual-clock.js';
export { kubeconfigYaml, renderKubeconfig, type KubeconfigIdentity, type KubeconfigSpec } from './kubeconfig.js';
export { issueClientCertificate, type ClientIdentity } from './tls/client-cert.js';
export { clusterCACertificatePem } from './tls/cluster-ca.js';
export type { TlsOption } from './tls/serving-cert.js';
export { InProcessClient, type ClientWriteOptions, type PatchType } from './client/client.js';
