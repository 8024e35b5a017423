// The in-process client: the second door onto the registry's request pipeline, for controllers, tests and fixtures.
import type { FaultDecision, FaultInjector } from '../api/faults.js';
import { rfc3339 } from '../clock/clock.js';
import { bindPod } from '../registry/pod-binding.js';
import { evictPod } from '../registry/pod-eviction.js';
import { ApiError, errors } from '../meta/errors.js';
import { cloneJson, deepFreeze } from '../meta/deep-equal.js';
import type { KubeObject } from '../meta/types.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import { applyStrategicMergePatch } from '../patch/strategic-merge.js';
import type { DeleteOptions, WriteOptions } from '../registry/generic/context.js';
import type { ListQuery } from '../registry/generic/list.js';
import type { WatchEventType, WatchQuery } from '../registry/generic/watch.js';
import type { Registry } from '../registry/registry.js';
import type { Resource } from '../registry/resource.js';
import type { WatchHandle } from '../store/types.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface ClientWriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** For apply: take ownership of conflicting fields. */
  force?: boolean;
  /** `status` writes only status; `finalize` (namespaces, update only) writes everything but status. */
  subresource?: 'status' | 'finalize';
}

export interface ClientList {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
}

/** One served resource, as discovery describes it; the garbage and namespace controllers walk these. */
export interface ServedResource {
  apiVersion: string;
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

/**
 * For list and watch. `shared` hands out the stored objects themselves, deep-frozen (once per stored version, however
 * many readers see it) instead of a private copy per reader: informers share every object among all their handlers
 * anyway. Writing to a shared object throws a TypeError; a reader that wants to change one copies it first.
 */
export interface SharedReadOptions {
  shared?: boolean;
}

export interface ClientWatchOptions extends SharedReadOptions {
  /**
   * Called when the watch breaks as a cut connection would (an injected `dropWatch` fault), not on stop() and not
   * after an ERROR event. The watcher re-watches from the last resourceVersion it saw, as client-go's reflector does.
   */
  onDisconnect?: () => void;
}

export interface ClientWatchEvent {
  type: WatchEventType | 'ERROR';
  object: KubeObject;
}

/**
 * Addresses resources by apiVersion and plural name, as a REST client would, and goes through exactly the same
 * defaulting, validation, patching, managedFields and storage rules as an HTTP request. Objects handed out are
 * copies, which callers may mutate freely, except those a list or watch asked for `shared` (see SharedReadOptions).
 */
export class InProcessClient {
  private faults: FaultInjector | undefined;

  constructor(
    private readonly registry: Registry,
    /** The manager name writes are recorded under when the caller names none. */
    private readonly defaultManager = 'kubefake',
  ) {}

  /** Lets fault rules with `clients: 'in-process'` or `'all'` reach this client's requests. */
  useFaults(faults: FaultInjector | undefined): void {
    this.faults = faults;
  }

  /** Throws the error an injected fault picks for this request, before anything is read or stored. */
  private fault(
    verb: string,
    target: Resource,
    at: { namespace?: string; name?: string; subresource?: string; resourceVersion?: string } = {},
  ): FaultDecision | undefined {
    // The controllers' every request passes here: without rules, nothing is built or looked at.
    if (!this.faults || this.faults.empty) return undefined;
    const { group, version, resource, namespaced } = target.type;
    const request = { group, version, resource, namespace: namespaced ? at.namespace : undefined, name: at.name, subresource: at.subresource, rest: [] };
    const decision = this.faults.check({ verb, request, resourceVersion: at.resourceVersion, origin: 'in-process' });
    if (decision?.error && verb !== 'watch') throw decision.error;
    return decision;
  }

  private resource(apiVersion: string, resource: string): Resource {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') as [string, string] : ['', apiVersion];
    const found = this.registry.lookup(group, version, resource);
    if (!found) throw errors.notFound({ group, resource }, '');
    return found;
  }

  /** Answers as the HTTP routes do: 404 for a subresource the resource lacks, 405 for a verb it does not serve. */
  private requireSubresource(target: Resource, subresource: string, verb: string): void {
    const sub = target.type.subresources.get(subresource);
    if (!sub) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (!sub.verbs.includes(verb)) {
      throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
  }

  private writeOptions(options: ClientWriteOptions = {}): WriteOptions {
    return {
      dryRun: options.dryRun,
      fieldManager: options.fieldManager ?? this.defaultManager,
      subresource: options.subresource,
      fieldValidation: 'Strict',
    };
  }

  /** Calls `listener` after each change of the served set (a CRD established, changed or removed); returns an unsubscribe. */
  onResourcesChange(listener: () => void): () => void {
    return this.registry.onServedChange(listener);
  }

  /** Every served resource of every group-version (several versions of one kind share storage). */
  resources(): ServedResource[] {
    return this.registry.resources.map((r) => ({
      apiVersion: r.apiVersion,
      group: r.type.group,
      version: r.type.version,
      resource: r.type.resource,
      kind: r.type.kind,
      namespaced: r.type.namespaced,
      verbs: r.type.verbs,
    }));
  }

  async get(apiVersion: string, resource: string, namespace: string | undefined, name: string): Promise<KubeObject> {
    const target = this.resource(apiVersion, resource);
    this.fault('get', target, { namespace, name });
    const view = await this.registry.get(target, namespace, name);
    return cloneJson(view.object as KubeObject);
  }

  async list(apiVersion: string, resource: string, namespace?: string, query: ListQuery = {}, options: SharedReadOptions = {}): Promise<ClientList> {
    const target = this.resource(apiVersion, resource);
    this.fault('list', target, { namespace, resourceVersion: query.resourceVersion });
    const list = await this.registry.list(target, namespace, query);
    const hand = options.shared ? deepFreeze : cloneJson;
    const result: ClientList = { items: list.views.map((v) => hand(v.object as KubeObject)), resourceVersion: String(list.revision) };
    if (list.continue) result.continue = list.continue;
    return result;
  }

  async create(apiVersion: string, resource: string, namespace: string | undefined, object: KubeObject, options?: ClientWriteOptions): Promise<KubeObject> {
    const target = this.resource(apiVersion, resource);
    // As over HTTP, a create's URL names no object: name rules do not pick creates.
    this.fault('create', target, { namespace });
    const view = await this.registry.create(target, namespace, cloneJson(object), this.writeOptions(options));
    return cloneJson(view.object as KubeObject);
  }

  async update(apiVersion: string, resource: string, namespace: string | undefined, object: KubeObject, options?: ClientWriteOptions): Promise<KubeObject> {
    const name = object.metadata.name ?? '';
    const target = this.resource(apiVersion, resource);
    if (options?.subresource === 'finalize') this.requireSubresource(target, 'finalize', 'update');
    // Custom resources have a status subresource only where their CRD version declares one.
    if (options?.subresource === 'status' && target.custom) this.requireSubresource(target, 'status', 'update');
    this.fault('update', target, { namespace, name, subresource: options?.subresource });
    const { view } = await this.registry.update(target, namespace, name, cloneJson(object), this.writeOptions(options));
    return cloneJson(view.object as KubeObject);
  }

  async patch(
    apiVersion: string,
    resource: string,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    options?: ClientWriteOptions,
  ): Promise<KubeObject> {
    const target = this.resource(apiVersion, resource);
    if (options?.subresource === 'finalize') this.requireSubresource(target, 'finalize', 'patch');
    this.fault('patch', target, { namespace, name, subresource: options?.subresource });
    const write = this.writeOptions(options);
    if (type === 'apply') {
      const { view } = await this.registry.apply(target, namespace, name, cloneJson(patch), { ...write, force: options?.force });
      return cloneJson(view.object as KubeObject);
    }
    const schema = target.schema;
    const transform = (current: KubeObject): unknown => {
      if (type === 'json') return applyJsonPatch(current, cloneJson(patch));
      if (type === 'merge') return applyMergePatch(current, patch);
      // Kinds without Go types (custom resources) have no strategic merge metadata, as over HTTP.
      if (!schema || target.strategy.unstructured) {
        throw errors.unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
      }
      return applyStrategicMergePatch(current, patch, schema.node());
    };
    const view = await this.registry.patch(target, namespace, name, transform, write);
    return cloneJson(view.object as KubeObject);
  }

  /** Returns the object as it stands after the request: gone, or waiting on finalizers or grace. */
  async delete(apiVersion: string, resource: string, namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<KubeObject> {
    const target = this.resource(apiVersion, resource);
    this.fault('delete', target, { namespace, name });
    const { view } = await this.registry.delete(target, namespace, name, options);
    return cloneJson(view.object as KubeObject);
  }

  /** Deletes every object the query selects; returns those that remain (waiting on finalizers or grace). */
  async deleteCollection(
    apiVersion: string,
    resource: string,
    namespace: string | undefined,
    query: ListQuery = {},
    options: DeleteOptions = {},
  ): Promise<KubeObject[]> {
    const target = this.resource(apiVersion, resource);
    this.fault('deletecollection', target, { namespace });
    const list = await this.registry.deleteCollection(target, namespace, query, options);
    return list.views.map((v) => cloneJson(v.object as KubeObject)).filter((o) => o.metadata.deletionTimestamp);
  }

  /**
   * pods/binding, what a scheduler POSTs: assigns a pending pod to a node and turns PodScheduled True. Refused (409)
   * for a pod being deleted, already assigned or still gated, or (with `uid`) one recreated since it was read.
   */
  async bind(namespace: string, name: string, nodeName: string, options: { uid?: string; dryRun?: boolean; fieldManager?: string } = {}): Promise<void> {
    const pods = this.resource('v1', 'pods');
    this.fault('create', pods, { namespace, name, subresource: 'binding' });
    const now = rfc3339(this.registry.clock.now());
    const write = { dryRun: options.dryRun, fieldManager: options.fieldManager ?? this.defaultManager };
    await this.registry.patch(pods, namespace, name, (current) => bindPod(current, nodeName, now, options.uid), { ...write, subresource: 'binding' });
  }

  /** pods/eviction, as POST .../eviction: deletes the pod unless a PodDisruptionBudget refuses (429). */
  async evict(namespace: string, name: string, deleteOptions: Record<string, unknown> = {}, options: { dryRun?: boolean } = {}): Promise<void> {
    this.fault('create', this.resource('v1', 'pods'), { namespace, name, subresource: 'eviction' });
    await evictPod(this.registry, namespace, name, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace }, deleteOptions }, options.dryRun === true);
  }

  /**
   * Streams events in resourceVersion order until `stop()`; an ERROR event (e.g. 410) ends the watch, and so does a
   * broken connection (see ClientWatchOptions.onDisconnect).
   */
  async watch(
    apiVersion: string,
    resource: string,
    namespace: string | undefined,
    query: WatchQuery,
    onEvent: (event: ClientWatchEvent) => void,
    options: ClientWatchOptions = {},
  ): Promise<WatchHandle> {
    const hand = options.shared ? deepFreeze : cloneJson;
    const target = this.resource(apiVersion, resource);
    const fault = this.fault('watch', target, { namespace, resourceVersion: query.resourceVersion });
    if (fault?.error) {
      if (fault.error.code !== 410) throw fault.error;
      // As over HTTP: a watch from an expired resourceVersion opens, then ends with one ERROR event.
      onEvent({ type: 'ERROR', object: fault.error.toStatus() as unknown as KubeObject });
      return { stop: () => {} };
    }
    const cutAfter = fault?.dropWatchAfter;
    let delivered = 0;
    let cut = false;
    let handle: WatchHandle | undefined;
    const disconnect = () => {
      if (cut) return;
      cut = true;
      handle?.stop();
      options.onDisconnect?.();
    };
    handle = await this.registry.watch(target, namespace, query, {
      event: (type, view) => {
        if (cut) return;
        onEvent({ type, object: hand(view.object as KubeObject) });
        if (cutAfter !== undefined && ++delivered >= cutAfter) disconnect();
      },
      error: (err) => {
        if (!cut) onEvent({ type: 'ERROR', object: err.toStatus() as unknown as KubeObject });
      },
      end: () => {},
    });
    if (cut) handle.stop();
    else if (cutAfter === 0) disconnect();
    return {
      stop: () => {
        cut = true;
        handle?.stop();
      },
    };
  }
}
