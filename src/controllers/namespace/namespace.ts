// The namespace controller (kube-controller-manager's `namespace`): empties a terminating namespace, then finalizes it.
import type { ServedResource } from '../../client/client.js';
import type { KubeObject } from '../../meta/types.js';
import type { Controller, ControllerContext, ReconcileResult, SharedInformer } from '../runtime/index.js';
import { BucketRateLimiter, ExponentialBackoff, keyOf, MaxOfRateLimiter } from '../runtime/index.js';
import { preferredResources } from '../garbage-collector/garbage-collector-discovery.js';
import { NamespacedResourcesDeleter } from './namespace-deleter.js';

export interface NamespaceControllerOptions {
  /**
   * Upstream waits namespaceDeletionGracePeriod (5s) after a namespace's deletion before emptying it, so creates
   * racing on other apiservers or etcd members land first. kubefake has one apiserver and one store, so nothing can
   * race and the default is 0: `kubectl delete namespace` returns in milliseconds instead of seconds.
   */
  deletionGracePeriodMs?: number;
}

/** discovery's ServerPreferredNamespacedResources, keeping what supports delete. */
export function deletableNamespacedResources(resources: readonly ServedResource[]): ServedResource[] {
  return preferredResources(resources).filter((r) => r.namespaced && r.verbs.includes('delete'));
}

export function namespaceController(options: NamespaceControllerOptions = {}): Controller {
  const gracePeriodMs = options.deletionGracePeriodMs ?? 0;
  let namespaces: SharedInformer;
  let deleter: NamespacedResourcesDeleter;
  return {
    name: 'namespace',
    component: 'namespace-controller',
    // Upstream's nsControllerRateLimiter: a failing namespace is retried at least every minute, never later.
    rateLimiter: (clock) => new MaxOfRateLimiter(new ExponentialBackoff(5, 60_000), new BucketRateLimiter(clock, 10, 100)),
    start(ctx: ControllerContext): void {
      deleter = new NamespacedResourcesDeleter(ctx.client, ctx.clock, () => deletableNamespacedResources(ctx.client.resources()));
      namespaces = ctx.informers.informerFor('v1', 'namespaces');
      const enqueue = (ns: KubeObject) => {
        if (ns.metadata.deletionTimestamp) ctx.queue.addAfter(keyOf(ns), gracePeriodMs);
      };
      namespaces.addEventHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });
      // Upstream only looks again after its estimate (half a pod's grace period, often 16s). Looking again as soon as
      // something in a terminating namespace goes makes `kubectl delete namespace` return in milliseconds; the
      // estimate stays as the backstop.
      const contentGone = (obj: KubeObject) => {
        const ns = obj.metadata.namespace ? namespaces.get(obj.metadata.namespace) : undefined;
        if (ns?.metadata.deletionTimestamp) ctx.queue.add(keyOf(ns));
      };
      for (const resource of deletableNamespacedResources(ctx.client.resources())) {
        if (!resource.verbs.includes('watch')) continue;
        ctx.informers.informerFor(resource.apiVersion, resource.resource).addEventHandler({ onDelete: contentGone });
      }
    },
    async reconcile(key: string): Promise<ReconcileResult> {
      if (!namespaces.get(key)) return;
      const estimate = await deleter.delete(key);
      // upstream waits half the estimate, plus a second, before looking again.
      if (estimate > 0) return { requeueAfter: (Math.floor(estimate / 2) + 1) * 1000 };
    },
  };
}
