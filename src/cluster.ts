// The composition root: wires store, registry, HTTP server and clock into one isolated cluster.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiContext, OpenWatch } from './api/api-context.js';
import { buildApp } from './api/server.js';
import { FaultInjector, type FaultRule } from './api/faults.js';
import { InProcessClient } from './client/client.js';
import { RealClock, type Clock } from './clock/clock.js';
import { toMilliseconds } from './clock/duration.js';
import { VirtualClock } from './clock/virtual-clock.js';
import { defaultControllers } from './controllers/index.js';
import { apiExtensionsControllers } from './controllers/apiextensions/index.js';
import { defaultIngressClass } from './controllers/ingress-status/ingress-status.js';
import { defaultStorageClass } from './controllers/local-provisioner/default-storage-class.js';
import { ControllerManager, parseControllerSpec, type Controller } from './controllers/runtime/index.js';
import { seedCluster } from './cluster-seed.js';
import { createManifests, isCrd, readManifests, type ManifestSource } from './cluster-manifests.js';
import { restoreSnapshot, takeSnapshot, type ClusterSnapshot, type RestoreResult } from './cluster-snapshot.js';
import { createAdmission } from './admission/index.js';
import type { ServiceResolver } from './webhook/webhook-client.js';
import type { NodeSpecification } from './kubelet/node-template.js';
import { kubeletLogProvider } from './kubelet/logs-provider.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { loadSwagger } from './openapi/openapi-v2.js';
import { builtinApi } from './registry/builtins.js';
import { stampResourceVersion } from './registry/generic/context.js';
import { Registry } from './registry/registry.js';
import type { DiscoveryExtras } from './registry/resource-table.js';
import type { KubeObject } from './meta/types.js';
import { MemoryStore } from './store/memory-store.js';
import type { Store } from './store/types.js';

export interface ClusterOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
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
  /** Called with unexpected errors (those answered 500); defaults to console.error. */
  logError?: (err: unknown) => void;
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
  /** Failures HTTP requests meet from the start; `cluster.faults` adds and removes them later. */
  faults?: FaultRule[];
  /**
   * Where a webhook's `clientConfig.service` is reached from this process (admission and conversion webhooks), e.g.
   * `() => 'https://127.0.0.1:9443'` for a webhook server the test runs. Default: `https://<name>.<namespace>.svc:<port><path>`.
   */
  webhookServiceResolver?: ServiceResolver;
}

export interface Cluster {
  url: string;
  /** A kubeconfig (YAML) whose cluster, user and context are named `kubefake`. */
  kubeconfig: string;
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
   * Fault injection for HTTP clients (kubectl, client-node, operators): `faults.add({ verbs: ['update'], resource:
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

let extras: DiscoveryExtras | undefined;
function discoveryExtras(): DiscoveryExtras {
  extras ??= JSON.parse(readFileSync(new URL('../openapi/discovery-extras.json', import.meta.url), 'utf8')) as DiscoveryExtras;
  return extras;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const clock = chooseClock(options.clock);
  const swagger = loadSwagger();
  const store = new MemoryStore({ historySize: options.historySize, versioner: stampResourceVersion });
  const builtins = builtinApi(swagger, discoveryExtras());
  const registry = new Registry(store, clock, builtins.resources, builtins.conversions);
  registry.useServiceResolver(options.webhookServiceResolver);
  const admission = createAdmission({ store, clock, resolveService: options.webhookServiceResolver, resources: () => registry.resources });
  registry.useAdmission(admission);
  await seedCluster(registry, clock, { nodes: options.nodes ?? 3 });
  const client = new InProcessClient(registry);
  const builtinControllers = defaultControllers();
  // The apiserver's own controllers (CRD names, Established, cleanup) run whatever `controllers` chooses, as they do
  // inside kube-apiserver rather than kube-controller-manager.
  const apiServerControllers = apiExtensionsControllers();
  const custom = options.customControllers ?? [];
  for (const c of custom) {
    if ([...builtinControllers, ...apiServerControllers].some((b) => b.name === c.name)) {
      throw new Error(`custom controller "${c.name}" has a built-in's name; name it differently and disable the built-in with controllers: '*,-${c.name}'`);
    }
  }
  const controllers = new ControllerManager({
    client,
    clock,
    controllers: [...apiServerControllers, ...builtinControllers, ...custom],
    // The apiserver's and custom controllers always run: the spec only chooses among kube-controller-manager's.
    spec: [...apiServerControllers.map((c) => c.name), ...custom.map((c) => c.name), ...parseControllerSpec(options.controllers ?? '*')],
    logError: options.logError ?? ((err) => console.error('kubefake: controller error:', err)),
  });
  // The default IngressClass is the ingress-status controller's: without it, nothing would serve the class.
  if (controllers.enabled().includes('ingress-status')) {
    await client.create('networking.k8s.io/v1', 'ingressclasses', undefined, defaultIngressClass());
  }
  // Likewise the default StorageClass (kind's `standard`) is the local-path provisioner's.
  if (controllers.enabled().includes('local-path-provisioner')) {
    await client.create('storage.k8s.io/v1', 'storageclasses', undefined, defaultStorageClass());
  }
  await controllers.start();
  const settleControllers = () => controllers.settle();
  try {
    // Read before anything is created, so a file that does not parse fails start-up before any object is made.
    const crds = readManifests(options.crds ?? []).filter((m) => isCrd(m.object));
    const manifests = readManifests(options.load ?? []);
    await createManifests(client, () => registry.resources, [...crds, ...manifests], settleControllers);
  } catch (err) {
    controllers.stop();
    admission.close();
    await store.close();
    throw err;
  }
  await controllers.settle();
  const initial = await takeSnapshot(store);
  const restore = async (snapshot: ClusterSnapshot) => {
    const result = await restoreSnapshot(store, snapshot);
    await controllers.settle();
    return result;
  };
  const reset = () => restore(initial);
  const clockMode = clock instanceof VirtualClock ? 'virtual' : 'real';
  const settle = () => controllers.settle();
  const advance = async (duration: number | string) => {
    if (clockMode !== 'virtual') throw new Error('advance(): the cluster runs on the real clock; start it with clock: \'virtual\'');
    const ms = toMilliseconds(duration);
    if (!(ms >= 0)) throw new Error(`advance(): the clock only moves forward, not by ${String(duration)}`);
    await controllers.advance(ms);
  };
  const watches = new Set<OpenWatch>();
  const faults = new FaultInjector();
  for (const rule of options.faults ?? []) faults.add(rule);
  const api: ApiContext = {
    faults,
    registry,
    clock,
    watches,
    maxWatchBufferBytes: options.maxWatchBufferBytes ?? 16 * 1024 * 1024,
    logError: options.logError ?? ((err) => console.error('kubefake: internal error:', err)),
    control: { clockMode, settle, advance, reset },
    // Logs come from the fake kubelet; without it, asking for them fails as it does when no kubelet listens.
    podLogs: controllers.enabled().includes('kubelet')
      ? kubeletLogProvider(clock, (pod) => readSamePod(client, pod), (work) => controllers.track(work))
      : undefined,
  };
  const host = options.host ?? '127.0.0.1';
  let address = '';
  const app = buildApp({ api, swagger, serverAddress: () => address });
  const server = createServer(app);
  server.keepAliveTimeout = 65_000;
  await listen(server, options.port ?? 0, host);
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  address = `${urlHost}:${port}`;
  const url = `http://${address}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    kubeconfig: kubeconfigYaml(url),
    port,
    registry,
    client,
    store,
    clock,
    clockMode,
    controllers,
    settle,
    advance,
    close: () => (closed ??= shutdown(server, watches, store, controllers).finally(() => admission.close())),
    faults,
    snapshot: () => takeSnapshot(store),
    restore,
    reset,
    closeWatches: () => {
      const open = [...watches];
      for (const watch of open) watch.close();
      return open.length;
    },
  };
}

/** The pod as stored now, if it is still the same pod (a follow stream ends when it is deleted or recreated). */
async function readSamePod(client: InProcessClient, pod: KubeObject): Promise<KubeObject | undefined> {
  try {
    const current = await client.get('v1', 'pods', pod.metadata.namespace, pod.metadata.name ?? '');
    return current.metadata.uid === pod.metadata.uid ? current : undefined;
  } catch {
    return undefined;
  }
}

function chooseClock(choice: ClusterOptions['clock']): Clock {
  if (choice === undefined || choice === 'real') return new RealClock();
  // A virtual clock starts at the real now (whole seconds, as metav1.Time keeps them) so timestamps look sane.
  if (choice === 'virtual') return new VirtualClock(Math.floor(new RealClock().now() / 1000) * 1000);
  return choice;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Ends every watch cleanly (clients see their stream end), then closes the listener and idle connections. */
async function shutdown(server: Server, watches: Set<OpenWatch>, store: Store, controllers: ControllerManager): Promise<void> {
  controllers.stop();
  for (const watch of [...watches]) watch.close();
  const closing = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // Anything still open after the watches ended is a request in flight or a stuck client: do not wait on it.
  server.closeAllConnections();
  await closing;
  await store.close();
}
