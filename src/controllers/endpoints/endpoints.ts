// The Endpoints controller (`endpoint`): one core/v1 Endpoints per selector Service, listing its pods' addresses.
import { deepEqual } from '../../meta/deep-equal.js';
import type { KubeObject } from '../../meta/types.js';
import { errorCode, messageOf, namespaceTerminating } from '../shared/api-errors.js';
import {
  deleteIfPresent,
  hasSelector,
  headlessLabel,
  isServiceIPSet,
  lastChangeTriggerTimeAnnotation,
  podsSelectedBy,
  queueServicesOnChanges,
  serviceSpec,
  TriggerTimeTracker,
} from '../shared/service-endpoints.js';
import type { Controller, ControllerContext, ReconcileResult, SharedInformer } from '../runtime/index.js';
import { inNamespace, splitKey } from '../runtime/index.js';
import { maxEndpointsCapacity, subsetsFor, totalAddresses, truncateSubsets, type EndpointSubset } from './endpoints-subsets.js';

/** Marks the Endpoints this controller writes (KEP-4974), so they can be told from hand-made ones. */
export const endpointsManagedByLabel = 'endpoints.kubernetes.io/managed-by';
export const endpointsControllerName = 'endpoint-controller';
export const overCapacityAnnotation = 'endpoints.kubernetes.io/over-capacity';
/** Endpoints used as leader-election locks carry this; they have no Service and must survive startup cleanup. */
const leaderElectionAnnotation = 'control-plane.alpha.kubernetes.io/leader';
const fieldManager = 'kube-controller-manager';

type Labels = Record<string, string>;

function withoutReserved(labels: Labels | undefined): Labels {
  const { [headlessLabel]: _headless, [endpointsManagedByLabel]: _managed, ...rest } = labels ?? {};
  return rest;
}

/** Subsets as compared upstream: a targetRef's resourceVersion (which this controller never writes) does not count. */
function sameSubsets(current: unknown, computed: EndpointSubset[]): boolean {
  if (deepEqual(current ?? [], computed)) return true;
  const withoutVersions = JSON.parse(JSON.stringify(current ?? []), (key, value: unknown) => (key === 'resourceVersion' ? undefined : value));
  return deepEqual(withoutVersions, computed);
}

/** upstream capacityAnnotationSetCorrectly: over capacity means it must be rewritten; under it, no annotation. */
function capacityAnnotationCorrect(current: KubeObject): boolean {
  if (totalAddresses((current.subsets ?? []) as EndpointSubset[]) > maxEndpointsCapacity) return false;
  return current.metadata.annotations?.[overCapacityAnnotation] === undefined;
}

export function endpointsController(): Controller {
  let ctx: ControllerContext;
  let services: SharedInformer;
  let pods: SharedInformer;
  let endpoints: SharedInformer;
  const triggerTimes = new TriggerTimeTracker();

  async function write(svc: KubeObject, next: KubeObject, create: boolean): Promise<void> {
    const namespace = svc.metadata.namespace;
    try {
      if (create) await ctx.client.create('v1', 'endpoints', namespace, next, { fieldManager });
      else await ctx.client.update('v1', 'endpoints', namespace, next, { fieldManager });
    } catch (err) {
      // Creates in a namespace being torn down keep failing the same way: drop the key.
      if (create && errorCode(err) === 403 && namespaceTerminating(err)) return;
      if (create) {
        ctx.recorder.event(next, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${namespace}/${svc.metadata.name}: ${messageOf(err)}`);
      } else {
        ctx.recorder.event(next, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${namespace}/${svc.metadata.name}: ${messageOf(err)}`);
      }
      throw err;
    }
  }

  return {
    name: 'endpoint',
    component: 'endpoint-controller',
    workers: 5,
    start(context: ControllerContext): void {
      ctx = context;
      services = ctx.informers.informerFor('v1', 'services');
      pods = ctx.informers.informerFor('v1', 'pods');
      endpoints = ctx.informers.informerFor('v1', 'endpoints');
      queueServicesOnChanges(ctx, services, pods);
      endpoints.addEventHandler({
        // upstream checkLeftoverEndpoints: at startup every Endpoints is looked at once, so one whose Service went
        // while the controller was not running is deleted. Later ones are left to their makers.
        onAdd: (ep) => {
          if (!endpoints.hasSynced() && ep.metadata.annotations?.[leaderElectionAnnotation] === undefined) ctx.enqueue(ep);
        },
        onDelete: ctx.enqueue,
      });
    },
    async reconcile(key: string): Promise<ReconcileResult> {
      const { namespace, name } = splitKey(key);
      const svc = services.get(key);
      if (!svc) {
        // The Service is gone: so is its Endpoints.
        await deleteIfPresent(ctx, 'v1', 'endpoints', namespace, name);
        triggerTimes.deleteService(key);
        return;
      }
      const spec = serviceSpec(svc);
      // ExternalName Services and Services without a selector get no Endpoints from here (users write their own).
      if (spec.type === 'ExternalName' || !hasSelector(svc)) return;
      const selected = podsSelectedBy(svc, inNamespace(pods, svc.metadata.namespace));
      // Computed on every sync, so the tracker remembers this state even when nothing is written.
      const triggerTime = triggerTimes.compute(svc, selected);
      const subsets = subsetsFor(svc, selected);
      const current = endpoints.get(key);
      if (
        current &&
        sameSubsets(current.subsets, subsets) &&
        deepEqual(withoutReserved(current.metadata.labels), svc.metadata.labels ?? {}) &&
        capacityAnnotationCorrect(current)
      ) {
        return;
      }
      const next: KubeObject = current
        ? structuredClone(current)
        : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace } };
      next.subsets = subsets;
      const annotations: Labels = { ...(next.metadata.annotations ?? {}) };
      if (triggerTime) annotations[lastChangeTriggerTimeAnnotation] = triggerTime;
      else delete annotations[lastChangeTriggerTimeAnnotation];
      if (truncateSubsets(subsets)) annotations[overCapacityAnnotation] = 'truncated';
      else delete annotations[overCapacityAnnotation];
      next.subsets = subsets.filter((s) => s.addresses || s.notReadyAddresses);
      if ((next.subsets as EndpointSubset[]).length === 0) delete next.subsets;
      next.metadata.annotations = annotations;
      const labels: Labels = { ...(svc.metadata.labels ?? {}) };
      if (!isServiceIPSet(svc)) labels[headlessLabel] = '';
      labels[endpointsManagedByLabel] = endpointsControllerName;
      next.metadata.labels = labels;
      await write(svc, next, current === undefined);
    },
  };
}
