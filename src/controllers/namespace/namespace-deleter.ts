// Deletes everything in a terminating namespace, then finalizes it (upstream deletion/namespaced_resources_deleter.go).
import type { InProcessClient, ServedResource } from '../../client/client.js';
import type { Clock } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import { errorCode, messageOf } from '../shared/api-errors.js';
import { NamespaceConditionUpdater, type NamespaceCondition, type RemainingContent } from './namespace-conditions.js';

/** The finalizer this controller owns in spec.finalizers. */
const finalizerToken = 'kubernetes';
/** Assumed wait for finalizers found on items pending deletion (upstream finalizerEstimateSeconds). */
const finalizerEstimateSeconds = 15;

type Namespace = KubeObject & { spec?: { finalizers?: string[] }; status?: { phase?: string; conditions?: NamespaceCondition[] } };

interface ResourceOutcome {
  /** Seconds to wait before looking again; 0 makes no claim that the content is gone. */
  estimate: number;
  remaining: number;
  byFinalizer: Map<string, number>;
  error?: string;
}

/** schema.GroupVersionResource's String(), as upstream's error messages print it. */
function gvrString(r: ServedResource): string {
  return `${r.group}/${r.version}, Resource=${r.resource}`;
}

export class NamespacedResourcesDeleter {
  constructor(
    private readonly client: InProcessClient,
    private readonly clock: Clock,
    /**
     * Namespaced resources that can be deleted now, one version each (discovery's preferred namespaced resources):
     * asked on each pass, as upstream rediscovers, so custom resources of CRDs added since start are deleted too.
     */
    private readonly resources: () => readonly ServedResource[],
  ) {}

  /**
   * One pass over a namespace with a deletionTimestamp: answers an estimate in seconds while content remains, 0 once
   * it is finalized (or gone, or not being deleted). Failures throw, for a retry with backoff.
   */
  async delete(name: string): Promise<number> {
    let ns = await this.getNamespace(name);
    if (!ns?.metadata.deletionTimestamp) return 0;
    ns = await this.retryOnConflict(ns, (current) => this.ensureTerminating(current));
    if (!ns?.metadata.deletionTimestamp) return 0;
    if ((ns.spec?.finalizers ?? []).length === 0) return 0;
    const estimate = await this.deleteAllContent(ns);
    if (estimate > 0) return estimate;
    await this.retryOnConflict(ns, (current) => this.finalize(current));
    return 0;
  }

  private async getNamespace(name: string): Promise<Namespace | undefined> {
    try {
      return (await this.client.get('v1', 'namespaces', undefined, name)) as Namespace;
    } catch (err) {
      if (errorCode(err) === 404) return undefined;
      throw err;
    }
  }

  /** Runs `fn`, and on a conflict runs it again on the latest namespace, as long as it is the same one (uid). */
  private async retryOnConflict(ns: Namespace, fn: (ns: Namespace) => Promise<Namespace>): Promise<Namespace | undefined> {
    let latest = ns;
    for (;;) {
      try {
        return await fn(latest);
      } catch (err) {
        if (errorCode(err) === 404) return undefined;
        if (errorCode(err) !== 409) throw err;
      }
      const fresh = await this.getNamespace(latest.metadata.name!);
      if (!fresh) return undefined;
      if (fresh.metadata.uid !== latest.metadata.uid) throw new Error('namespace uid has changed across retries');
      latest = fresh;
    }
  }

  private async ensureTerminating(ns: Namespace): Promise<Namespace> {
    if (!ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return ns;
    const next = { ...ns, status: { ...ns.status, phase: 'Terminating' } };
    return (await this.client.update('v1', 'namespaces', undefined, next, { subresource: 'status' })) as Namespace;
  }

  /** Drops this controller's token from spec.finalizers through /finalize (sorted, as upstream's set lists it). */
  private async finalize(ns: Namespace): Promise<Namespace> {
    const finalizers = [...new Set((ns.spec?.finalizers ?? []).filter((f) => f !== finalizerToken))].sort();
    const body: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: ns.metadata, spec: { ...ns.spec, finalizers } };
    return (await this.client.update('v1', 'namespaces', undefined, body, { subresource: 'finalize' })) as Namespace;
  }

  /**
   * Deletes every resource type's content; pods first, and nothing else until they are gone (OrderedNamespaceDeletion,
   * so policies outlive the pods they govern). Records the outcome in the namespace's conditions.
   */
  private async deleteAllContent(ns: Namespace): Promise<number> {
    const namespace = ns.metadata.name!;
    const deletedAt = Date.parse(ns.metadata.deletionTimestamp!);
    const conditions = new NamespaceConditionUpdater(this.clock.now());
    const remaining: RemainingContent = { byResource: new Map(), byFinalizer: new Map() };
    const errors: string[] = [];
    let estimate = 0;
    const resources = this.resources();
    const pods = resources.filter((r) => r.group === '' && r.resource === 'pods');
    const others = resources.filter((r) => !pods.includes(r));
    for (const phase of [pods, others]) {
      for (const resource of phase) {
        const outcome = await this.deleteAllContentFor(resource, namespace, deletedAt);
        if (outcome.error !== undefined) {
          errors.push(outcome.error);
          conditions.processDeleteContentError(outcome.error);
        }
        estimate = Math.max(estimate, outcome.estimate);
        if (outcome.remaining === 0) continue;
        remaining.byResource.set(`${resource.resource}.${resource.group}`, outcome.remaining);
        for (const [finalizer, n] of outcome.byFinalizer) remaining.byFinalizer.set(finalizer, (remaining.byFinalizer.get(finalizer) ?? 0) + n);
      }
      if (phase === pods && (remaining.byResource.size > 0 || errors.length > 0)) break;
    }
    conditions.processContentTotals(remaining);
    // Conditions are rewritten every pass: an earlier failure that has cleared must read as cleared.
    const status = { ...ns.status, conditions: structuredClone(ns.status?.conditions ?? []) };
    if (conditions.update(status.conditions)) {
      try {
        await this.client.update('v1', 'namespaces', undefined, { ...ns, status }, { subresource: 'status' });
      } catch {
        // upstream only logs a failed condition update: the next pass writes them again.
      }
    }
    if (errors.length > 0) throw new Error(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
    return estimate;
  }

  private async deleteAllContentFor(resource: ServedResource, namespace: string, deletedAt: number): Promise<ResourceOutcome> {
    const none: ResourceOutcome = { estimate: 0, remaining: 0, byFinalizer: new Map() };
    let estimate = 0;
    try {
      estimate = await this.estimateGracefulTermination(resource, namespace, deletedAt);
      if (!(await this.deleteCollection(resource, namespace))) await this.deleteEachItem(resource, namespace);
    } catch (err) {
      return { ...none, estimate, error: messageOf(err) };
    }
    let items: KubeObject[] | undefined;
    try {
      items = await this.listCollection(resource, namespace);
    } catch (err) {
      return { ...none, estimate, error: messageOf(err) };
    }
    if (!items || items.length === 0) return { ...none, estimate: items ? 0 : estimate };
    const byFinalizer = new Map<string, number>();
    for (const item of items) for (const f of item.metadata.finalizers ?? []) byFinalizer.set(f, (byFinalizer.get(f) ?? 0) + 1);
    if (estimate !== 0) return { estimate, remaining: items.length, byFinalizer };
    // Finalizers are a normal reason to wait; anything else still there should have gone.
    if (byFinalizer.size > 0) return { estimate: finalizerEstimateSeconds, remaining: items.length, byFinalizer };
    return { estimate, remaining: items.length, byFinalizer, error: `unexpected items still remain in namespace: ${namespace} for gvr: ${gvrString(resource)}` };
  }

  /** Pods get the longest grace period of their non-terminal members, counted from the namespace's deletion. */
  private async estimateGracefulTermination(resource: ServedResource, namespace: string, deletedAt: number): Promise<number> {
    if (resource.group !== '' || resource.resource !== 'pods') return 0;
    const { items } = await this.client.list('v1', 'pods', namespace);
    let estimate = 0;
    for (const pod of items) {
      const phase = (pod.status as { phase?: string } | undefined)?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      const grace = (pod.spec as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds;
      if (typeof grace === 'number' && grace > estimate) estimate = grace;
    }
    return this.clock.now() - deletedAt >= estimate * 1000 ? 0 : estimate;
  }

  /** DeleteCollection with Background propagation (so the garbage collector adds no orphan finalizer); false if unsupported. */
  private async deleteCollection(resource: ServedResource, namespace: string): Promise<boolean> {
    if (!resource.verbs.includes('deletecollection')) return false;
    try {
      await this.client.deleteCollection(resource.apiVersion, resource.resource, namespace, {}, { propagationPolicy: 'Background' });
      return true;
    } catch (err) {
      if (errorCode(err) === 405 || errorCode(err) === 404) return false;
      throw err;
    }
  }

  /** The items left in the namespace, or undefined where the resource cannot be listed. */
  private async listCollection(resource: ServedResource, namespace: string): Promise<KubeObject[] | undefined> {
    if (!resource.verbs.includes('list')) return undefined;
    try {
      return (await this.client.list(resource.apiVersion, resource.resource, namespace)).items;
    } catch (err) {
      if (errorCode(err) === 405 || errorCode(err) === 404) return undefined;
      throw err;
    }
  }

  private async deleteEachItem(resource: ServedResource, namespace: string): Promise<void> {
    for (const item of (await this.listCollection(resource, namespace)) ?? []) {
      try {
        await this.client.delete(resource.apiVersion, resource.resource, namespace, item.metadata.name!, { propagationPolicy: 'Background' });
      } catch (err) {
        if (errorCode(err) !== 404 && errorCode(err) !== 405) throw err;
      }
    }
  }
}
