// Keeps the served custom resources in step with the stored CRDs, as upstream's crdHandler and its informer do.
import { deepEqual } from '../../meta/deep-equal.js';
import { loadSwagger } from '../../openapi/openapi-v2.js';
import { schemaTree, type SchemaNode } from '../../patch/schema-tree.js';
import type { Store, StoredRecord, WatchHandle } from '../../store/types.js';
import type { ServiceResolver } from '../../webhook/webhook-client.js';
import type { RegistryContext } from '../generic/context.js';
import type { Resource } from '../resource.js';
import type { CustomResourceDefinition } from './crd-types.js';
import { customResourceVersions, servedNames } from './custom-resource-api.js';
import { customResourceConverter } from './custom-resource-conversion.js';
import { CustomResourceStore } from './custom-resource-store.js';
import { isConditionTrue, isServable, storageVersionOf } from './custom-resource-versions.js';

export const crdStorePrefix = '/registry/apiextensions.k8s.io/customresourcedefinitions/';

export interface CrdServingOptions {
  store: Store;
  /** The registry context a served version's verbs run in, over the version's own (converting) store. */
  contextFor(store: Store): RegistryContext;
  /** Called after every change of the served set, synchronously with the CRD write that caused it. */
  onChange(): void;
  /** Where conversion webhooks given as Service references are reached. */
  resolveService(): ServiceResolver | undefined;
}

interface Served {
  crd: CustomResourceDefinition;
  /** What the served Resources were built from: a CRD write that leaves it unchanged rebuilds nothing. */
  fingerprint: unknown;
  resources: Resource[];
}

let objectMetaNode: SchemaNode | undefined;
function objectMeta(): SchemaNode {
  objectMetaNode ??= schemaTree(loadSwagger().definitions as Record<string, unknown>).root('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')!;
  return objectMetaNode;
}

export class CrdServing {
  private readonly served = new Map<string, Served>();
  private readonly byPath = new Map<string, Resource>();
  private readonly contexts = new WeakMap<Resource, RegistryContext>();
  private readonly watch: WatchHandle;
  /** Resolves once the CRDs stored before this instance existed are served. */
  readonly ready: Promise<void>;

  constructor(private readonly options: CrdServingOptions) {
    const { store } = options;
    const from = store.currentRevision();
    const seen = new Set<string>();
    // Store listeners run at commit: a write that establishes a CRD is served before that write's promise resolves.
    this.watch = store.watch(crdStorePrefix, from, (event) => {
      const name = event.record.key.slice(crdStorePrefix.length);
      seen.add(name);
      if (event.type === 'DELETED') this.remove(name);
      else this.apply(event.record);
    });
    this.ready = store.list(crdStorePrefix, { revision: from }).then((listed) => {
      for (const record of listed.records) {
        if (!seen.has(record.key.slice(crdStorePrefix.length))) this.apply(record);
      }
    });
  }

  stop(): void {
    this.watch.stop();
  }

  /** Every served version of every served CRD, in CRD name order. */
  resources(): Resource[] {
    return [...this.served.keys()].sort().flatMap((name) => this.served.get(name)!.resources);
  }

  lookup(group: string, version: string, plural: string): Resource | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  /** The context a custom resource's verbs run in; undefined for resources this does not serve. */
  contextOf(resource: Resource): RegistryContext | undefined {
    return this.contexts.get(resource);
  }

  /** The stored CRDs with at least one version served now. */
  definitions(): CustomResourceDefinition[] {
    return [...this.served.keys()].sort().map((name) => this.served.get(name)!).filter((s) => s.resources.length > 0).map((s) => s.crd);
  }

  private apply(record: StoredRecord): void {
    const crd = record.object as unknown as CustomResourceDefinition;
    const name = crd.metadata.name ?? '';
    const fingerprint = {
      uid: crd.metadata.uid,
      spec: crd.spec,
      names: servedNames(crd),
      servable: isServable(crd),
      established: isConditionTrue(crd, 'Established'),
      terminating: isConditionTrue(crd, 'Terminating'),
    };
    const current = this.served.get(name);
    if (current && deepEqual(current.fingerprint, fingerprint)) {
      current.crd = crd;
      return;
    }
    let resources: Resource[];
    try {
      resources = this.build(crd);
    } catch {
      // A CRD the registry cannot serve (a schema its validation should have refused) serves nothing.
      resources = [];
    }
    this.served.set(name, { crd, fingerprint, resources });
    this.changed(current?.resources ?? [], resources);
  }

  private remove(name: string): void {
    const current = this.served.get(name);
    if (!current) return;
    this.served.delete(name);
    this.changed(current.resources, []);
  }

  private build(crd: CustomResourceDefinition): Resource[] {
    const resources = customResourceVersions(crd, objectMeta);
    if (resources.length === 0) return resources;
    const converter = customResourceConverter(crd, { resolveService: this.options.resolveService() });
    const storage = storageVersionOf(crd.spec) ?? resources[0]!.type.version;
    const storageApiVersion = `${crd.spec.group}/${storage}`;
    for (const resource of resources) {
      const store = new CustomResourceStore(this.options.store, resource.prefix(undefined), resource.apiVersion, storageApiVersion, converter);
      this.contexts.set(resource, this.options.contextFor(store));
    }
    return resources;
  }

  private changed(before: readonly Resource[], after: readonly Resource[]): void {
    if (before.length === 0 && after.length === 0) return;
    for (const r of before) {
      const path = `${r.type.group}/${r.type.version}/${r.type.resource}`;
      if (this.byPath.get(path) === r) this.byPath.delete(path);
    }
    for (const r of after) this.byPath.set(`${r.type.group}/${r.type.version}/${r.type.resource}`, r);
    this.options.onChange();
  }
}
