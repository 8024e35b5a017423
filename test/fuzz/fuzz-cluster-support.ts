// The fuzzed cluster: fixtures to aim at, store writes traced to the HTTP request that caused them, store snapshots.
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startCluster, type Cluster } from '../../src/cluster.js';
import type { Store } from '../../src/store/types.js';

/** The header that names each fuzz request, so a store write can be traced back to the request that made it. */
export const requestIdHeader = 'x-fuzz-request';

export const fuzzNamespace = 'fuzz';

const crontabCrd = fileURLToPath(new URL('../fixtures/crds/crontab-crd.yaml', import.meta.url));

const podSpec = { containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80, name: 'http' }], env: [{ name: 'A', value: 'b' }] }] };

/** One object of each fuzzed kind, created before the run and kept there (recreated when a request deletes one). */
export const fixtures = [
  { collection: `/api/v1/namespaces/${fuzzNamespace}/configmaps`, name: 'cm', apiVersion: 'v1', kind: 'ConfigMap', body: { data: { k: 'v' }, binaryData: { b: 'AAE=' } } },
  { collection: `/api/v1/namespaces/${fuzzNamespace}/pods`, name: 'pod', apiVersion: 'v1', kind: 'Pod', body: { spec: podSpec } },
  {
    collection: `/apis/apps/v1/namespaces/${fuzzNamespace}/deployments`, name: 'deploy', apiVersion: 'apps/v1', kind: 'Deployment',
    body: { spec: { replicas: 2, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: podSpec } } },
  },
  {
    collection: `/api/v1/namespaces/${fuzzNamespace}/services`, name: 'svc', apiVersion: 'v1', kind: 'Service',
    body: { spec: { selector: { app: 'x' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] } },
  },
  {
    collection: `/apis/stable.example.com/v1/namespaces/${fuzzNamespace}/crontabs`, name: 'ct', apiVersion: 'stable.example.com/v1', kind: 'CronTab',
    body: { spec: { cronSpec: '* * * * */5', image: 'busybox', replicas: 2 } },
  },
] as const;

export type Fixture = (typeof fixtures)[number];

/** A fixture as a client would send it: typed, named, with labels and annotations to aim at. */
export function fixtureObject(fixture: Fixture): Record<string, unknown> {
  return {
    apiVersion: fixture.apiVersion,
    kind: fixture.kind,
    metadata: { name: fixture.name, namespace: fuzzNamespace, labels: { app: 'x', tier: 'fuzz' }, annotations: { note: 'fixture' }, finalizers: [] },
    ...structuredClone(fixture.body),
  };
}

/** A store write, and the fuzz request it was made for (undefined: no request, e.g. the harness's own setup). */
export interface TracedWrite {
  requestId: string | undefined;
  key: string;
}

/**
 * Wraps the store's write methods to record which request each write served. The request's id is entered into an
 * AsyncLocalStorage when node:http starts the request, so every await of its handler carries it to the store.
 */
export class WriteTracer {
  readonly writes: TracedWrite[] = [];
  private readonly context = new AsyncLocalStorage<string>();
  private readonly onRequest = (message: unknown) => {
    const request = (message as { request: IncomingMessage }).request;
    const id = request.headers[requestIdHeader];
    this.context.enterWith(typeof id === 'string' ? id : '');
  };

  constructor(store: Store) {
    diagnostics.subscribe('http.server.request.start', this.onRequest);
    for (const method of ['create', 'update', 'delete'] as const) {
      const original = store[method].bind(store) as (key: string, ...rest: unknown[]) => Promise<unknown>;
      (store as unknown as Record<string, unknown>)[method] = async (key: string, ...rest: unknown[]) => {
        const requestId = this.context.getStore() || undefined;
        const result = await original(key, ...rest);
        this.writes.push({ requestId, key });
        return result;
      };
    }
  }

  close(): void {
    diagnostics.unsubscribe('http.server.request.start', this.onRequest);
  }
}

/** Every stored object, keyed: the bytes served and the object held (a rejected request mutating it in place shows). */
export async function storeSnapshot(store: Store): Promise<Map<string, string>> {
  const { records } = await store.list('/');
  return new Map(records.map((r) => [r.key, `${r.bytes().toString()}\n${JSON.stringify(r.object)}`]));
}

/** Keys whose bytes differ between two snapshots, leaving out those an accepted request wrote. */
export function snapshotDifferences(before: Map<string, string>, after: Map<string, string>, written: Set<string>): string[] {
  const differing: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    if (written.has(key)) continue;
    if (before.get(key) !== after.get(key)) differing.push(key);
  }
  return differing;
}

export interface FuzzCluster {
  cluster: Cluster;
  tracer: WriteTracer;
  /** Server-side errors (anything answered 500) the cluster logged. */
  loggedErrors: unknown[];
}

export async function startFuzzCluster(): Promise<FuzzCluster> {
  const loggedErrors: unknown[] = [];
  // The API server alone: controllers would write concurrently and blur which request changed the store.
  const cluster = await startCluster({ port: 0, controllers: '', nodes: 0, crds: [crontabCrd], logError: (err) => loggedErrors.push(err) });
  cluster.controllers.stop();
  const tracer = new WriteTracer(cluster.store);
  return { cluster, tracer, loggedErrors };
}
