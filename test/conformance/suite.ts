// The conformance suite's shared setup: the served resource table, one cluster per test file, per-resource namespaces.
import { startCluster, type Cluster } from '../../src/cluster.js';
import { loadSwagger } from '../../src/openapi/openapi-v2.js';
import { builtinApi } from '../../src/registry/builtins.js';
import type { Resource } from '../../src/registry/resource.js';
import type { ResourceType } from '../../src/registry/resource-table.js';
import { Api, collectionPath, expectCode, itemPath, type Json } from './http.js';
import { sampleObject } from './sample-objects.js';

export interface Entry {
  /** `deployments.apps/v1`: the label describe.each prints. */
  id: string;
  type: ResourceType;
  /** Answered and never stored (access reviews, token reviews). */
  review: boolean;
  /** Whether a PUT of an absent object creates it (upstream AllowCreateOnUpdate: events, endpoints…). */
  createOnUpdate: boolean;
  /**
   * `configmaps`, `deployments.apps`: how error messages name the resource. Always the requested one, even for a version
   * stored as another (events.k8s.io Events live as core Events), as upstream's qualifiedResourceFromContext.
   */
  qualified: string;
}

/**
 * The resources the cluster serves, known before any cluster starts (describe.each needs its table while tests are
 * collected). resources.test.ts checks this is exactly `cluster.registry.resources`.
 */
const builtins = builtinApi(loadSwagger(), {});
const qualifiedName = (r: Resource) => (r.type.group ? `${r.type.resource}.${r.type.group}` : r.type.resource);

export const entries: Entry[] = builtins.resources.map((r) => {
  const storage = builtins.conversions.find((c) => c.served === r)?.storage ?? r;
  return {
    id: `${qualifiedName(r)}/${r.type.version}`,
    type: r.type,
    review: r.strategy.review !== undefined,
    // The storage's strategy decides (events.k8s.io Events are written by the core Event strategy).
    createOnUpdate: storage.strategy.allowCreateOnUpdate === true,
    qualified: qualifiedName(r),
  };
});

/** Resources with the full read/write verb set: the CRUD suite runs on them. */
export const writable = entries.filter((e) => ['create', 'get', 'update', 'delete'].every((v) => e.type.verbs.includes(v)));

export interface Harness {
  cluster: Cluster;
  api: Api;
}

/** Starts one cluster for the file's tests and closes it after them. */
export function useCluster(): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    // The API server alone: the controllers' writes would race the exact assertions here (they have suites of their own).
    harness.cluster = await startCluster({ port: 0, controllers: '', nodes: 0, logError: () => {} });
    // So would the apiserver's own CRD controllers (names, Established, cleanup), which run whatever `controllers`
    // says: CRD serving has suites of its own, and this suite plays the cleanup finalizer's part itself.
    harness.cluster.controllers.stop();
    harness.api = new Api(harness.cluster.url);
  });
  afterAll(async () => {
    await harness.cluster?.close();
  });
  return harness;
}

let namespaceCounter = 0;

/** A fresh namespace for one resource's tests, so group-versions of one kind and repeated names never collide. */
export async function freshNamespace(api: Api): Promise<string> {
  const name = `conf-${++namespaceCounter}`;
  expectCode(await api.post('/api/v1/namespaces', { metadata: { name } }), 201);
  return name;
}

/**
 * Annotations the apiserver itself keeps on a kind whatever a patch does to the others: apps/v1 DaemonSets carry
 * the internal spec.templateGeneration as `deprecated.daemonset.template.generation`.
 */
export function serverAnnotations(type: ResourceType): Record<string, string> {
  return type.group === 'apps' && type.kind === 'DaemonSet' ? { 'deprecated.daemonset.template.generation': '1' } : {};
}

/** Hands out sample objects of one resource with distinct names and content-derived names where needed. */
export class Samples {
  private next = 0;
  // Content-derived names (CRDs, APIServices) are global: spread group-versions of one kind apart.
  private readonly base: number;

  constructor(
    readonly type: ResourceType,
    readonly namespace: string,
  ) {
    this.base = type.version === 'v2' ? 100 : 1;
  }

  object(): Json {
    return sampleObject(this.type, this.base + this.next++, this.namespace);
  }

  collection(): string {
    return collectionPath(this.type, this.namespace);
  }

  item(name: string): string {
    return itemPath(this.type, this.namespace, name);
  }

  /** Creates a new sample over HTTP and answers the stored object. */
  async create(api: Api, change?: (o: Json) => void): Promise<Json> {
    const object = this.object();
    change?.(object);
    return expectCode(await api.post(this.collection(), object), 201);
  }
}

