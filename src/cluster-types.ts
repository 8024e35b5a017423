// The shapes of startCluster's options and of the cluster it returns (the package's main API surface).
import type { FaultInjector, FaultRule } from './api/faults.js';
import type { AuthOptions } from './auth/static-tokens.js';
import type { InProcessClient } from './client/client.js';
import type { Clock } from './clock/clock.js';
import type { Controller, ControllerManager } from './controllers/runtime/index.js';
import type { ManifestSource } from './cluster-manifests.js';
import type { Logger, LogLevel } from './logging/logger.js';
import type { ClusterSnapshot, RestoreResult } from './cluster-snapshot.js';
import type { SnapshotDocument } from './cluster-snapshot-file.js';
import type { NodeSpecification } from './kubelet/node-template.js';
import type { Registry } from './registry/registry.js';
import type { Store } from './store/types.js';
import type { KubeconfigIdentity } from './kubeconfig.js';
import type { TlsOption } from './tls/serving-cert.js';
import type { HttpTimeouts } from './cluster-listen.js';
import type { ServiceResolver } from './webhook/webhook-client.js';
import type { KubeConfig } from '@kubernetes/client-node';

export interface ClusterOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /**
   * Serve HTTPS: `true` with a certificate from the process-wide cluster CA (for 127.0.0.1, ::1, localhost, the
   * kubernetes.default… names, `host` and `tlsSans`), which the kubeconfig then trusts; or your own `{ cert, key, ca? }`
   * (PEM text or file paths), the kubeconfig carrying `ca` or else insecure-skip-tls-verify. Either way client
   * certificates from the cluster CA (see kubeconfigFor) are asked for.
   */
  tls?: TlsOption;
  /** More names (DNS or IP) for the `tls: true` certificate, e.g. a container's hostname. */
  tlsSans?: string[];
  /** Events kept for watches from a past resourceVersion (default 10,000). */
  historySize?: number;
  /**
   * The clock everything reads: `'real'` (the default), `'virtual'` (starts now and only moves on advance()), or a
   * Clock of your own (e.g. a VirtualClock starting at a chosen instant).
   */
  clock?: Clock | 'real' | 'virtual';
  /**
   * Which controllers run, as kube-controller-manager's `--controllers`: `'*'` (the default) is every default
   * controller, `'*,-job'` all but the Job controller, `'deployment,replicaset'` just those; `[]` or `''` none.
   */
  controllers?: string | string[];
  /**
   * Worker nodes the fake kubelet simulates: a count of default nodes (3; names `kubefake-worker`, `kubefake-worker2`…
   * spread over zones), or each node's name, capacity, labels and taints. 0 for none.
   */
  nodes?: number | NodeSpecification[];
  /** Controllers of your own, run by the same manager (and settle()) as the built-in ones. */
  customControllers?: Controller[];
  /** Bytes a watcher may fall behind before it is dropped (default 16 MiB). */
  maxWatchBufferBytes?: number;
  /**
   * HTTP watches served at once (default 10,000); one more is refused with 429 TooManyRequests and Retry-After, as
   * upstream's API Priority and Fairness refuses long-running requests over its concurrency. Watches of the
   * in-process client (the built-in controllers' informers) do not count.
   */
  maxWatches?: number;
  /**
   * Real-time limits on clients that send slowly, as upstream's: headers within 32 s, the whole request within 60 s,
   * idle keep-alive connections closed after 90 s. Answers (watches, log streams) are never cut by them.
   */
  httpTimeouts?: HttpTimeouts;
  /** Called with unexpected errors (those answered 500) and controller errors; defaults to the logger, else console.error. */
  logError?: (err: unknown) => void;
  /**
   * Structured logs (pino JSON lines on stderr) at this level: `'info'` logs one line per HTTP request as it ends
   * (verb, resource, namespace, name, uri, code, latencyMs, userAgent, srcIP, user), errors at `'error'`. Off by default.
   */
  logLevel?: LogLevel;
  /** A pino logger of your own (or a child of one) instead of `logLevel`'s; its level decides what is logged. */
  logger?: Logger;
  /**
   * CustomResourceDefinitions installed (and Established) before the cluster is ready, like envtest's
   * CRDDirectoryPaths: YAML/JSON files, directories of them (not recursive; other kinds skipped), or CRD objects.
   */
  crds?: ManifestSource[];
  /**
   * Manifests created before the cluster is ready (multi-document YAML, JSON, `List`s; files, directories or objects):
   * CRDs and namespaces first, then the rest; namespaced objects without a namespace go to `default`. A file that
   * does not parse or an object the API refuses fails startCluster with the file and document named.
   */
  load?: ManifestSource[];
  /**
   * Start from exactly this state: a file (or the parsed document) as GET /kubefake/v1/snapshot and `kubefake export`
   * write it, a `kind: List` of objects. uids, status, generations and finalizers are kept (resourceVersions are new);
   * seeded objects the file lacks are removed, and reset() comes back here. `crds` and `load` are applied on top.
   */
  restore?: string | SnapshotDocument;
  /**
   * Failures HTTP requests (or, with a rule's `clients`, the controllers' in-process ones) meet from the start;
   * `cluster.faults` adds and removes them later.
   */
  faults?: FaultRule[];
  /**
   * Where a webhook's `clientConfig.service` is reached from this process (admission and conversion webhooks), e.g.
   * `() => 'https://127.0.0.1:9443'` for a webhook server the test runs. Default: `https://<name>.<namespace>.svc:<port><path>`.
   */
  webhookServiceResolver?: ServiceResolver;
  /**
   * Authentication, as kube-apiserver's: by default every request is accepted (no credentials = system:anonymous,
   * the kubeconfig's token `kubefake` = kubefake-admin in system:masters). `tokens` makes it strict: only those bearer
   * tokens (plus ServiceAccount tokens and cluster-CA client certificates) get in, others get 401, and requests without
   * credentials too unless `anonymous: true`; the kubeconfig then carries the first token.
   */
  auth?: AuthOptions;
  /**
   * Authorization, as kube-apiserver's `--authorization-mode`: `'AlwaysAllow'` (the default) lets every request
   * through; `'RBAC'` decides by Roles and bindings, and the cluster starts with upstream's default RBAC policy
   * (cluster-admin for system:masters, admin/edit/view, system:controller:* roles and their bindings…). Under RBAC every
   * HTTP request is authorized after authentication (403 Forbidden as upstream words it; system:masters always passes),
   * impersonation needs `impersonate`, and writing Roles or bindings that grant more than the writer holds needs
   * `escalate` / `bind`. The in-process `client` (controllers, tests) is never restricted.
   */
  authorization?: 'AlwaysAllow' | 'RBAC';
  /**
   * @internal Load @kubernetes/client-node (an optional peer dependency) for `cluster.kubeConfig`; default true. The
   * CLI passes false: it never reads kubeConfig, and loading the library costs about half a second.
   */
  loadClientNode?: boolean;
}

export interface Cluster {
  url: string;
  /**
   * The admin kubeconfig (YAML) whose cluster, user and context are named `kubefake`: token `kubefake`; with TLS it
   * carries the CA (certificate-authority-data) rather than insecure-skip-tls-verify.
   */
  kubeconfig: string;
  /** The same string as `kubeconfig`. */
  kubeconfigYaml: string;
  /**
   * A `@kubernetes/client-node` KubeConfig loaded from `kubeconfig` (`kc.makeApiClient(k8s.CoreV1Api)`); throws if the
   * optional peer dependency @kubernetes/client-node is not installed.
   */
  kubeConfig: KubeConfig;
  /** Writes `kubeconfig` to `path` (mode 0600, creating directories) and returns its absolute path. */
  writeKubeconfig(path: string): string;
  /**
   * A kubeconfig for another identity: `{ user, groups }` gets a client certificate from the cluster CA (CN user,
   * O groups; needs `tls`), `{ user, token }` that bearer token (works over plain HTTP too).
   */
  kubeconfigFor(identity: KubeconfigIdentity): Promise<string>;
  /** The CA (PEM) that verifies the serving certificate, when TLS is on and one is known. */
  caPem?: string;
  port: number;
  registry: Registry;
  /** An in-process client onto the same request pipeline as HTTP (no serialization, same rules). */
  client: InProcessClient;
  store: Store;
  clock: Clock;
  /** `'virtual'` when advance() can move the clock. */
  clockMode: 'real' | 'virtual';
  controllers: ControllerManager;
  /**
   * Resolves once every controller's queue is empty and nothing is due on the clock: the cluster is quiet.
   * Waiting for a future time (a requeue, a CronJob's next run) needs advance() on the virtual clock.
   */
  settle(): Promise<void>;
  /** Virtual clock only: plays `duration` (ms or a Go duration like `'5m'`) of cluster life, settling at each timer. */
  advance(duration: number | string): Promise<void>;
  close(): Promise<void>;
  /**
   * Fault injection for HTTP clients (kubectl, client-node, operators), and with `clients: 'in-process'` for the
   * controllers, scheduler, kubelet and `client`: `faults.add({ verbs: ['update'], resource:
   * 'deployments', code: 409, times: 1 })` fails the next matching request as a troubled apiserver would.
   */
  faults: FaultInjector;
  /** Every object the cluster holds now; restore() brings them back. */
  snapshot(): Promise<ClusterSnapshot>;
  /**
   * Makes the stored objects exactly the snapshot's (creating, updating and deleting through ordinary store writes, so
   * watchers and controllers follow), then settles. resourceVersions keep increasing; uids stay as they were.
   */
  restore(snapshot: ClusterSnapshot): Promise<RestoreResult>;
  /** restore() to the state right after start: seeded objects and installed CRDs, nothing a test added. */
  reset(): Promise<RestoreResult>;
  /**
   * Test hook: ends every open watch stream cleanly, as a real apiserver does when a watch times out, so tests can
   * drive clients' re-watch and relist paths. Returns how many watches it ended.
   */
  closeWatches(): number;
}
