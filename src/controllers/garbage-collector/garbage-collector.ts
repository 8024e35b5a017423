// The garbage collector (`garbagecollector`): collects dependents of gone owners; runs foreground and orphan deletion.
import type { ServedResource } from '../../client/client.js';
import type { KubeObject } from '../../meta/types.js';
import type { Controller, ControllerContext, ReconcileResult, SharedInformer } from '../runtime/index.js';
import { preferredResources } from './garbage-collector-discovery.js';
import { DependencyGraph, describeIdentity, type GraphNode, type ObjectIdentity } from './garbage-collector-graph.js';
import { Collector } from './garbage-collector-operations.js';

/** upstream DefaultIgnoredResources: Events are never owners or dependents worth a monitor. */
const ignoredResources = new Set(['/events', 'events.k8s.io/events']);

/** GetDeletableResources: what supports delete, list and watch, once per group/resource. */
export function deletableResources(resources: readonly ServedResource[]): ServedResource[] {
  return preferredResources(resources).filter(
    (r) => ['delete', 'list', 'watch'].every((verb) => r.verbs.includes(verb)) && !ignoredResources.has(`${r.group}/${r.resource}`),
  );
}

// Work items share the controller's one queue: the verb, then the node's uid.
const deleteItem = 'delete:';
const orphanItem = 'orphan:';

export function garbageCollectorController(): Controller {
  let collector: Collector;
  return {
    name: 'garbagecollector',
    component: 'garbage-collector-controller',
    start(ctx: ControllerContext): void {
      const graph = new DependencyGraph({
        attemptToDelete: (node) => ctx.queue.add(deleteItem + node.identity.uid),
        attemptToOrphan: (node) => ctx.queue.add(orphanItem + node.identity.uid),
        // Graph changes happen inside an informer callback (a store commit): the Event is written just after it.
        reportInvalidNamespaceOwnerRef: (dependent, ownerUid) => ctx.track(Promise.resolve().then(() => reportInvalidNamespace(ctx, dependent, ownerUid))),
      });
      collector = new Collector(ctx.client, graph, () => ctx.client.resources(), { attemptToDelete: (node) => ctx.queue.add(deleteItem + node.identity.uid) });
      // One monitor per deletable resource, as upstream's syncMonitors: those served at start, then each a CRD adds;
      // a resource no longer served (its CRD deleted) loses its monitor instead of relisting a 404 forever.
      const monitored = new Map<string, ServedResource>();
      const monitorId = (resource: ServedResource) => `${resource.apiVersion}|${resource.resource}`;
      const syncMonitors = (): SharedInformer[] => {
        const served = deletableResources(ctx.client.resources());
        const current = new Set(served.map(monitorId));
        for (const [id, resource] of monitored) {
          if (current.has(id)) continue;
          ctx.informers.remove(resource.apiVersion, resource.resource);
          monitored.delete(id);
        }
        return served.flatMap(monitor);
      };
      const monitor = (resource: ServedResource): SharedInformer[] => {
        const id = monitorId(resource);
        if (monitored.has(id)) return [];
        monitored.set(id, resource);
        const identity = (obj: KubeObject): ObjectIdentity => ({
          apiVersion: resource.apiVersion,
          kind: resource.kind,
          name: obj.metadata.name ?? '',
          uid: obj.metadata.uid ?? '',
          namespace: obj.metadata.namespace ?? '',
        });
        const informer = ctx.informers.informerFor(resource.apiVersion, resource.resource);
        informer.addEventHandler({
          onAdd: (obj) => graph.observe('add', identity(obj), obj),
          onUpdate: (old, obj) => graph.observe('update', identity(obj), obj, old),
          onDelete: (obj) => graph.observe('delete', identity(obj), obj),
        });
        return [informer];
      };
      syncMonitors();
      // The manager starts the first monitors; later ones start here, and settle() waits for their initial list.
      ctx.client.onResourcesChange(() => {
        for (const informer of syncMonitors()) ctx.track(informer.start());
      });
    },
    async reconcile(key: string): Promise<ReconcileResult> {
      if (key.startsWith(deleteItem)) await collector.attemptToDelete(key.slice(deleteItem.length));
      else if (key.startsWith(orphanItem)) await collector.attemptToOrphan(key.slice(orphanItem.length));
    },
  };
}

/** upstream reportInvalidNamespaceOwnerRef: a Warning on the dependent naming an owner outside its namespace. */
function reportInvalidNamespace(ctx: ControllerContext, dependent: GraphNode, ownerUid: string): void {
  const ref = dependent.owners.find((owner) => owner.uid === ownerUid);
  if (!ref) return;
  const { apiVersion, kind, name, uid, namespace } = dependent.identity;
  const invalid = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace };
  const involved: KubeObject = { apiVersion, kind, metadata: { name, uid, ...(namespace ? { namespace } : {}) } };
  ctx.recorder.event(involved, 'Warning', 'OwnerRefInvalidNamespace', `ownerRef ${describeIdentity(invalid)} does not exist in namespace "${namespace}"`);
}
