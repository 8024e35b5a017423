// The composition root: wires store, registry, HTTP server and clock into one isolated cluster.
import { loadCel } from './cel/cel-loader.js';
import type { ApiContext, OpenWatch } from './api/api-context.js';
import { buildApp } from './api/server.js';
import { ClusterAuthenticator } from './auth/authenticator.js';
import { clientLookup } from './auth/client-lookup.js';
import { authorizationModes, createAuthorizer, impersonationAuthorizer, type AuthorizationMode } from './auth/authorization/index.js';
import { FaultInjector } from './api/faults.js';
import { InProcessClient } from './client/client.js';
import { RealClock, type Clock } from './clock/clock.js';
import { toMilliseconds } from './clock/duration.js';
import { VirtualClock } from './clock/virtual-clock.js';
import { defaultControllers } from './controllers/index.js';
import { apiExtensionsControllers } from './controllers/apiextensions/index.js';
import { defaultIngressClass } from './controllers/ingress-status/ingress-status.js';
import { defaultStorageClass } from './controllers/local-provisioner/default-storage-class.js';
import { ControllerManager, isControllerEnabled, parseControllerSpec } from './controllers/runtime/index.js';
import type { Cluster, ClusterOptions } from './cluster-types.js';
import { seedCluster } from './cluster-seed.js';
import { createManifests, isCrd, readManifests } from './cluster-manifests.js';
import { restoreSnapshot, takeSnapshot, type ClusterSnapshot, type RestoreResult } from './cluster-snapshot.js';
import { readSnapshotDocument, restoreObjects } from './cluster-snapshot-file.js';
import { createAdmission } from './admission/index.js';
import { kubeletLogProvider } from './kubelet/logs-provider.js';
import { createLogger, errorReporter } from './logging/logger.js';
import { kubeconfigForIdentity, renderKubeconfig } from './kubeconfig.js';
import { listenCluster, type Listening } from './cluster-listen.js';
import { resolveServingTls } from './tls/serving-cert.js';
import { loadDiscoveryExtras, loadSwagger } from './openapi/openapi-v2.js';
import { builtinApi } from './registry/builtins.js';
import { stampResourceVersion } from './registry/generic/context.js';
import { Registry } from './registry/registry.js';
import type { KubeObject } from './meta/types.js';
import { MemoryStore } from './store/memory-store.js';
import { addKubeConfigAccess, loadClientNode } from './testing/cluster-kube-config.js';
import type { Store } from './store/types.js';

export type { Cluster, ClusterOptions } from './cluster-types.js';

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  // Started first and awaited last: the import overlaps the rest of start-up.
  const clientNode = loadClientNode(options.loadClientNode ?? true);
  // First, so a certificate file that is missing or does not match its key fails start-up before anything runs.
  const servingTls = await resolveServingTls(options.tls, options.host ?? '127.0.0.1', options.tlsSans);
  const clock = chooseClock(options.clock);
  // Before anything runs, so a bad token table fails start-up; it reads objects only once requests come.
  const authenticator = new ClusterAuthenticator({ auth: options.auth, clock, lookup: (...args) => clientLookup(tokenClient)(...args) });
  // No logger unless asked for: in-process requests then cost nothing, and errors go to console.error as before.
  const logger = options.logger ?? (options.logLevel === undefined ? undefined : createLogger({ level: options.logLevel }));
  const swagger = loadSwagger();
  const store = new MemoryStore({ historySize: options.historySize, versioner: stampResourceVersion });
  const builtins = builtinApi(swagger, loadDiscoveryExtras());
  const registry = new Registry(store, clock, builtins.resources, builtins.conversions);
  registry.useServiceResolver(options.webhookServiceResolver);
  const admission = createAdmission({ store, clock, resolveService: options.webhookServiceResolver, resources: () => registry.resources });
  registry.useAdmission(admission);
  registry.useAuthentication(authenticator);
  const authorizer = createAuthorizer(authorizationMode(options.authorization), store);
  registry.useAuthorization(authorizer);
  // The in-process client never passes through these: controllers and tests stay unrestricted.
  if (authorizer.mode === 'RBAC') authenticator.impersonationAuthorizer = impersonationAuthorizer(authorizer);
  await seedCluster(registry, clock, {
    nodes: options.nodes ?? 3,
    authorization: options.authorization,
    aggregateClusterRoles: isControllerEnabled('clusterrole-aggregation', parseControllerSpec(options.controllers ?? '*'), false),
  });
  const client = new InProcessClient(registry);
  // Token checks serve HTTP requests: in-process fault rules meant for controllers must not turn them into 401s.
  const tokenClient = new InProcessClient(registry);
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
    logError:
      options.logError ?? (logger ? errorReporter(logger, 'controller error') : (err) => console.error('kubefake: controller error:', err)),
  });
  // The default IngressClass is the ingress-status controller's: without it, nothing would serve the class.
  if (controllers.enabled().includes('ingress-status')) {
    await client.create('networking.k8s.io/v1', 'ingressclasses', undefined, defaultIngressClass());
  }
  // Likewise the default StorageClass (kind's `standard`) is the local-path provisioner's.
  if (controllers.enabled().includes('local-path-provisioner')) {
    await client.create('storage.k8s.io/v1', 'storageclasses', undefined, defaultStorageClass());
  }
  const settleControllers = () => controllers.settle();
  try {
    // Read before anything is created, so a file that does not parse fails start-up before any object is made.
    const crds = readManifests(options.crds ?? []).filter((m) => isCrd(m.object));
    const manifests = readManifests(options.load ?? []);
    const restored = options.restore === undefined ? undefined : readSnapshotDocument(options.restore);
    // Stored CRDs and custom resources may carry CEL rules that these direct writes validate.
    if (restored || crds.length > 0 || manifests.length > 0) await loadCel();
    // The restored state is the base (--crds and --load add to it), written before the controllers start so they
    // begin from it rather than race its writes.
    if (restored) {
      const origin = typeof options.restore === 'string' ? options.restore : 'the restore document';
      await restoreObjects({ store, registry, conversions: builtins.conversions }, restored, origin);
    }
    await controllers.start();
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
  client.useFaults(faults);
  const api: ApiContext = {
    auth: authenticator,
    // AlwaysAllow needs no per-request work: only RBAC sits in the request path.
    authorizer: authorizer.mode === 'RBAC' ? authorizer : undefined,
    faults,
    registry,
    clock,
    watches,
    maxWatchBufferBytes: options.maxWatchBufferBytes ?? 16 * 1024 * 1024,
    maxWatches: options.maxWatches,
    logError: options.logError ?? (logger ? errorReporter(logger, 'internal error') : (err) => console.error('kubefake: internal error:', err)),
    logger,
    control: { clockMode, settle, advance, reset, kubeconfigFor: (identity) => kubeconfigForIdentity(endpoint, identity) },
    // Logs come from the fake kubelet; without it, asking for them fails as it does when no kubelet listens.
    podLogs: controllers.enabled().includes('kubelet')
      ? kubeletLogProvider(clock, (pod) => readSamePod(client, pod), (work) => controllers.track(work))
      : undefined,
  };
  const host = options.host ?? '127.0.0.1';
  let address = '';
  const app = buildApp({ api, swagger, serverAddress: () => address });
  const listening = await listenCluster(app, { host, port: options.port ?? 0, tls: servingTls, timeouts: options.httpTimeouts });
  const { port, endpoint } = listening;
  address = listening.address;
  const url = endpoint.url;
  let closed: Promise<void> | undefined;
  return addKubeConfigAccess(await clientNode, {
    url,
    kubeconfig: renderKubeconfig({ url, caPem: endpoint.caPem, token: authenticator.kubeconfigToken }),
    kubeconfigFor: (identity) => kubeconfigForIdentity(endpoint, identity),
    caPem: endpoint.caPem,
    port,
    registry,
    client,
    store,
    clock,
    clockMode,
    controllers,
    settle,
    advance,
    close: () => (closed ??= shutdown(listening, watches, store, controllers).finally(() => admission.close())),
    faults,
    snapshot: () => takeSnapshot(store),
    restore,
    reset,
    closeWatches: () => {
      const open = [...watches];
      for (const watch of open) watch.close();
      return open.length;
    },
  });
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

function authorizationMode(mode: string | undefined): AuthorizationMode {
  if (mode === undefined) return 'AlwaysAllow';
  if (!(authorizationModes as readonly string[]).includes(mode)) throw new Error(`authorization: unknown mode "${mode}"; use ${authorizationModes.join(' or ')}`);
  return mode as AuthorizationMode;
}

function chooseClock(choice: ClusterOptions['clock']): Clock {
  if (choice === undefined || choice === 'real') return new RealClock();
  // A virtual clock starts at the real now (whole seconds, as metav1.Time keeps them) so timestamps look sane.
  if (choice === 'virtual') return new VirtualClock(Math.floor(new RealClock().now() / 1000) * 1000);
  return choice;
}

/**
 * A request being served when shutdown begins gets this long to answer: a write that answers is then in the state a
 * snapshot taken after close() holds, and one that cannot is cut (its client sees no answer, never a false success).
 */
const shutdownGraceMs = 300;

/** Stops taking requests, ends every watch cleanly (clients see their stream end), lets requests in flight finish, cuts the rest. */
async function shutdown(listening: Listening, watches: Set<OpenWatch>, store: Store, controllers: ControllerManager): Promise<void> {
  controllers.stop();
  listening.stopAccepting();
  for (const watch of [...watches]) watch.close();
  await listening.drain(shutdownGraceMs);
  await store.close();
}
