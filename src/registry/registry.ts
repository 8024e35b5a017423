// The request pipeline below HTTP: every verb on every resource, shared by the HTTP handlers and in-process clients.
import { celLoaded, loadCel } from '../cel/cel-loader.js';
import { customAlphabet } from 'nanoid';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock/clock.js';
import { ApiError, errors } from '../meta/errors.js';
import type { Store, WatchHandle } from '../store/types.js';
import type { DeleteOptions, ObjectView, RegistryContext, WriteOptions } from './generic/context.js';
import { applyPatch, type ApplyOptions } from './generic/apply.js';
import { createObject } from './generic/create.js';
import { deleteObject, type DeleteResult } from './generic/delete.js';
import { listObjects, type ListQuery, type ListResponse } from './generic/list.js';
import { patchObject, updateObject, type Transform } from './generic/update.js';
import { watchObjects, type WatchQuery, type WatchSink } from './generic/watch.js';
import type { TokenReviewer } from '../auth/authenticator.js';
import type { Authorizer } from '../auth/authorization/authorizer.js';
import type { Admission } from './admission.js';
import type { CustomResourceDefinition } from './crd/crd-types.js';
import { CrdServing } from './crd/crd-serving.js';
import type { Resource } from './resource.js';
import { VersionConverter, type Conversion } from './version-converter.js';
import type { ServiceResolver } from '../webhook/webhook-client.js';

export interface ServedConversion {
  served: Resource;
  storage: Resource;
  conversion: Conversion;
}

// Upstream's generateName alphabet: no vowels (no accidental words) and no look-alike characters.
const nameSuffix = customAlphabet('bcdfghjklmnpqrstvwxz2456789', 5);

export class Registry {
  private readonly byPath = new Map<string, Resource>();
  private readonly ctx: RegistryContext;
  private readonly converters = new Map<Resource, VersionConverter>();
  private admissionChain: Admission | undefined;
  private readonly customResources: CrdServing;
  private served: readonly Resource[] | undefined;
  private servedGeneration = 0;
  private readonly servedListeners = new Set<() => void>();
  private serviceResolver: ServiceResolver | undefined;
  private tokenReviewer: TokenReviewer | undefined;
  private authorizer: Authorizer | undefined;

  constructor(
    readonly store: Store,
    readonly clock: Clock,
    private readonly builtins: readonly Resource[],
    conversions: readonly ServedConversion[] = [],
  ) {
    for (const r of builtins) this.byPath.set(`${r.type.group}/${r.type.version}/${r.type.resource}`, r);
    for (const r of builtins) r.strategy.attach?.(store, r.prefix(undefined));
    for (const c of conversions) this.converters.set(c.served, new VersionConverter(c.served, c.storage, c.conversion));
    const namespaces = this.byPath.get('/v1/namespaces');
    this.ctx = {
      store,
      clock,
      namespaces: () => namespaces,
      uid: () => randomUUID(),
      nameSuffix,
      admission: () => activeAdmission(this.admissionChain),
      authentication: () => this.tokenReviewer,
      authorization: () => this.authorizer,
    };
    this.customResources = new CrdServing({
      store,
      contextFor: (crStore) => ({ ...this.ctx, store: crStore }),
      onChange: () => this.servedChanged(),
      resolveService: () => this.serviceResolver,
    });
  }

  /** Every resource served now: built-ins plus the served versions of custom resources. */
  get resources(): readonly Resource[] {
    this.served ??= [...this.builtins, ...this.customResources.resources()];
    return this.served;
  }

  /** Bumped whenever the served set changes (a CRD established, changed or removed). */
  get generation(): number {
    return this.servedGeneration;
  }

  /** The stored CRDs whose versions are served now, for OpenAPI. */
  customResourceDefinitions(): readonly CustomResourceDefinition[] {
    return this.customResources.definitions();
  }

  /** Called after each change of the served set. Returns an unsubscribe function. */
  onServedChange(listener: () => void): () => void {
    this.servedListeners.add(listener);
    return () => this.servedListeners.delete(listener);
  }

  /** Resolves once the CRDs stored before this registry was built are served. */
  customResourcesReady(): Promise<void> {
    return this.customResources.ready;
  }

  /** Where conversion webhooks given as Service references are reached (tests run them on localhost). */
  useServiceResolver(resolve: ServiceResolver | undefined): void {
    this.serviceResolver = resolve;
  }

  private servedChanged(): void {
    this.served = undefined;
    this.servedGeneration++;
    for (const listener of [...this.servedListeners]) {
      try {
        listener();
      } catch {
        // A listener's failure must not break the CRD write that changed the served set.
      }
    }
  }

  /** The context a resource's verbs run in: custom resources read and write through their version's store. */
  private contextOf(resource: Resource): RegistryContext {
    return (resource.custom && this.customResources.contextOf(resource)) || this.ctx;
  }

  /** Installs the admission chain (webhooks, policies) every later write passes through. */
  useAdmission(admission: Admission | undefined): void {
    this.admissionChain = admission;
  }

  /** Installs the cluster's authenticator, which TokenReview consults. */
  useAuthentication(reviewer: TokenReviewer | undefined): void {
    this.tokenReviewer = reviewer;
  }

  /** Installs the cluster's authorizer, which access reviews answer from and RBAC writes are checked against. */
  useAuthorization(authorizer: Authorizer | undefined): void {
    this.authorizer = authorizer;
  }

  /** The resource served at /api(s)/<group>/<version>/<resource>, if any. */
  lookup(group: string, version: string, resource: string): Resource | undefined {
    // Built-ins always win a path, as the apiserver chain asks them before the CRD handler.
    return this.byPath.get(`${group}/${version}/${resource}`) ?? this.customResources.lookup(group, version, resource);
  }

  /** CEL runs only in writes of CRDs, admission configuration and custom resources: its engine loads on the first. */
  private celFor(resource: Resource): Promise<unknown> | undefined {
    if (celLoaded()) return undefined;
    if (resource.custom || resource.groupResource.group === 'apiextensions.k8s.io' || resource.groupResource.group === 'admissionregistration.k8s.io') return loadCel();
    return undefined;
  }

  async get(resource: Resource, namespace: string | undefined, name: string): Promise<ObjectView> {
    const converter = this.converters.get(resource);
    const record = await this.contextOf(resource).store.get((converter?.storage ?? resource).key(namespace, name));
    if (!record) throw notFound(resource, name);
    const view = record as unknown as ObjectView;
    return converter?.view(view) ?? view;
  }

  async list(resource: Resource, namespace: string | undefined, query: ListQuery): Promise<ListResponse> {
    const converter = this.converters.get(resource);
    const storageQuery = converter ? { ...query, fieldSelector: converter.fieldSelector(query.fieldSelector) } : query;
    const list = await listObjects(this.contextOf(resource), converter?.storage ?? resource, namespace, storageQuery);
    if (converter) list.views = list.views.map((v) => converter.view(v));
    return list;
  }

  watch(resource: Resource, namespace: string | undefined, query: WatchQuery, sink: WatchSink): Promise<WatchHandle> {
    const converter = this.converters.get(resource);
    if (converter) {
      const storageQuery = { ...query, fieldSelector: converter.fieldSelector(query.fieldSelector) };
      return watchObjects(this.ctx, converter.storage, namespace, storageQuery, converter.sink(sink));
    }
    return watchObjects(this.contextOf(resource), resource, namespace, query, sink);
  }

  async create(resource: Resource, namespace: string | undefined, body: unknown, options?: WriteOptions): Promise<ObjectView> {
    if (resource.custom?.terminating) throw terminatingCreate(resource);
    if (!celLoaded()) await this.celFor(resource);
    const converter = this.converters.get(resource);
    if (!converter) return createObject(this.contextOf(resource), resource, namespace, body, options);
    return converter.view(await createObject(this.ctx, converter.storage, namespace, converter.bodyToStorage(body), options));
  }

  async update(
    resource: Resource,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options?: WriteOptions,
  ): Promise<{ view: ObjectView; created: boolean }> {
    if (!celLoaded()) await this.celFor(resource);
    const converter = this.converters.get(resource);
    if (!converter) return updateObject(this.contextOf(resource), resource, namespace, name, body, options);
    const result = await updateObject(this.ctx, converter.storage, namespace, name, converter.bodyToStorage(body), options);
    return { ...result, view: converter.view(result.view) };
  }

  async patch(
    resource: Resource,
    namespace: string | undefined,
    name: string,
    transform: Transform,
    options?: WriteOptions,
  ): Promise<ObjectView> {
    if (!celLoaded()) await this.celFor(resource);
    const converter = this.converters.get(resource);
    if (!converter) return patchObject(this.contextOf(resource), resource, namespace, name, transform, options);
    return converter.view(await patchObject(this.ctx, converter.storage, namespace, name, converter.transform(transform), options));
  }

  /** Server-side apply (application/apply-patch+yaml): creates the object when absent. */
  async apply(
    resource: Resource,
    namespace: string | undefined,
    name: string,
    applied: unknown,
    options: ApplyOptions,
  ): Promise<{ view: ObjectView; created: boolean }> {
    if (!celLoaded()) await this.celFor(resource);
    const converter = this.converters.get(resource);
    // Versions stored as another are applied in the storage version's terms.
    if (converter) {
      const result = await applyPatch(this.ctx, converter.storage, namespace, name, converter.bodyToStorage(applied, 'patch'), options);
      return { ...result, view: converter.view(result.view) };
    }
    return applyPatch(this.contextOf(resource), resource, namespace, name, applied, options);
  }

  async delete(resource: Resource, namespace: string | undefined, name: string, options?: DeleteOptions): Promise<DeleteResult> {
    if (!celLoaded()) await this.celFor(resource);
    const converter = this.converters.get(resource);
    if (!converter) return deleteObject(this.contextOf(resource), resource, namespace, name, options);
    const result = await deleteObject(this.ctx, converter.storage, namespace, name, options);
    return { ...result, view: converter.view(result.view) };
  }

  /** Deletes every selected object, honouring finalizers and grace like single deletes; answers the deleted list. */
  async deleteCollection(
    resource: Resource,
    namespace: string | undefined,
    query: ListQuery,
    options: DeleteOptions = {},
  ): Promise<ListResponse> {
    const listed = await this.list(resource, namespace, { ...query, limit: undefined, continue: undefined });
    const views: ObjectView[] = [];
    for (const view of listed.views) {
      const meta = view.object.metadata;
      try {
        views.push((await this.delete(resource, meta.namespace, meta.name!, options)).view);
      } catch (err) {
        // An object deleted concurrently is simply gone already, as upstream tolerates.
        if (!(err instanceof Error && 'code' in err && (err as { code: number }).code === 404)) throw err;
      }
    }
    return { views, revision: this.store.currentRevision() };
  }
}

/** crdHandler refuses creates while the CRD is being deleted (its custom resources are being cleaned up). */
function terminatingCreate(resource: Resource): ApiError {
  const refused = errors.methodNotSupported(resource.groupResource, 'create');
  return new ApiError(refused.code, refused.reason, 'create not allowed while custom resource definition is terminating', refused.details);
}

function notFound(resource: Resource, name: string) {
  return errors.notFound(resource.groupResource, name);
}

/** The chain when it could act on a write (no configuration, no admission step and no extra await). */
function activeAdmission(chain: Admission | undefined): Admission | undefined {
  return chain && chain.active?.() !== false ? chain : undefined;
}
