// The EndpointSlice controller (`endpointslice`): discovery.k8s.io/v1 EndpointSlices for every selector Service.
import type { KubeObject } from '../../meta/types.js';
import { errorCode, messageOf, namespaceTerminating } from '../shared/api-errors.js';
import {
  deleteIfPresent,
  hasSelector,
  lastChangeTriggerTimeAnnotation,
  podsSelectedBy,
  queueServicesOnChanges,
  serviceSpec,
  TriggerTimeTracker,
} from '../shared/service-endpoints.js';
import type { Controller, ControllerContext, ReconcileResult, SharedInformer } from '../runtime/index.js';
import { inNamespace, splitKey } from '../runtime/index.js';
import { endpointSliceControllerName, managedByLabel, serviceNameLabel } from './endpointslice-desired.js';
import { planSlices, type SlicePlan } from './endpointslice-reconciler.js';

const fieldManager = 'kube-controller-manager';
const api = 'discovery.k8s.io/v1';

function managedByUs(slice: KubeObject): boolean {
  return slice.metadata.labels?.[managedByLabel] === endpointSliceControllerName;
}

function serviceKeyOf(slice: KubeObject): string | undefined {
  const name = slice.metadata.labels?.[serviceNameLabel];
  return name ? `${slice.metadata.namespace}/${name}` : undefined;
}

function stampTriggerTime(slice: KubeObject, triggerTime: string | undefined): void {
  const annotations = { ...(slice.metadata.annotations ?? {}) };
  if (triggerTime) annotations[lastChangeTriggerTimeAnnotation] = triggerTime;
  else delete annotations[lastChangeTriggerTimeAnnotation];
  slice.metadata.annotations = annotations;
}

export function endpointSliceController(): Controller {
  let ctx: ControllerContext;
  let services: SharedInformer;
  let pods: SharedInformer;
  let nodes: SharedInformer;
  let slices: SharedInformer;
  const triggerTimes = new TriggerTimeTracker();
  /**
   * upstream's EndpointSliceTracker, by resourceVersion: the version of each slice this controller last wrote, so
   * only someone else's change (or delete) of a slice sends its Service back to the queue.
   */
  const written = new Map<string, string | undefined>();
  const sliceKey = (slice: KubeObject) => `${slice.metadata.namespace}/${slice.metadata.name}`;

  const queueForSlice = (slice: KubeObject) => {
    const key = serviceKeyOf(slice);
    if (key) ctx.queue.add(key);
  };

  async function apply(svc: KubeObject, plan: SlicePlan, triggerTime: string | undefined): Promise<void> {
    const namespace = svc.metadata.namespace;
    // A Service on its way out gets no new slices (a recreated one of the same name must not inherit them).
    if (!svc.metadata.deletionTimestamp) {
      for (const slice of plan.create) {
        stampTriggerTime(slice, triggerTime);
        try {
          const created = await ctx.client.create(api, 'endpointslices', namespace, slice, { fieldManager });
          written.set(sliceKey(created), created.metadata.resourceVersion);
        } catch (err) {
          // Nothing can be created in a namespace being torn down: nothing left to do for this Service.
          if (errorCode(err) === 403 && namespaceTerminating(err)) return;
          throw err;
        }
      }
    }
    for (const slice of plan.update) {
      stampTriggerTime(slice, triggerTime);
      const updated = await ctx.client.update(api, 'endpointslices', namespace, slice, { fieldManager });
      written.set(sliceKey(updated), updated.metadata.resourceVersion);
    }
    for (const slice of plan.delete) {
      written.set(sliceKey(slice), undefined);
      await deleteIfPresent(ctx, api, 'endpointslices', namespace, slice.metadata.name!);
    }
  }

  return {
    name: 'endpointslice',
    component: 'endpoint-slice-controller',
    workers: 5,
    start(context: ControllerContext): void {
      ctx = context;
      services = ctx.informers.informerFor('v1', 'services');
      pods = ctx.informers.informerFor('v1', 'pods');
      nodes = ctx.informers.informerFor('v1', 'nodes');
      slices = ctx.informers.informerFor(api, 'endpointslices');
      queueServicesOnChanges(ctx, services, pods);
      slices.addEventHandler({
        onAdd: (slice) => {
          if (managedByUs(slice) && written.get(sliceKey(slice)) !== slice.metadata.resourceVersion) queueForSlice(slice);
        },
        onUpdate: (old, slice) => {
          // Someone moved the slice to another Service, or took it from (or gave it to) this controller.
          if (serviceKeyOf(old) !== serviceKeyOf(slice) || managedByUs(old) !== managedByUs(slice)) {
            queueForSlice(old);
            queueForSlice(slice);
          } else if (managedByUs(slice) && written.get(sliceKey(slice)) !== slice.metadata.resourceVersion) {
            queueForSlice(slice);
          }
        },
        onDelete: (slice) => {
          const key = sliceKey(slice);
          const expected = written.has(key) && written.get(key) === undefined;
          written.delete(key);
          if (managedByUs(slice) && !expected) queueForSlice(slice);
        },
      });
    },
    async reconcile(key: string): Promise<ReconcileResult> {
      const svc = services.get(key);
      if (!svc) {
        // Its slices are owned by the Service: the garbage collector takes them.
        triggerTimes.deleteService(key);
        return;
      }
      const spec = serviceSpec(svc);
      if (spec.type === 'ExternalName' || !hasSelector(svc)) return;
      const { namespace, name } = splitKey(key);
      const selected = podsSelectedBy(svc, inNamespace(pods, svc.metadata.namespace));
      const existing = slices
        .list()
        .filter((s) => s.metadata.namespace === namespace && s.metadata.labels?.[serviceNameLabel] === name && managedByUs(s))
        // Slices already being deleted are left to finish, or the controller could wait on them forever.
        .filter((s) => !s.metadata.deletionTimestamp);
      const triggerTime = triggerTimes.compute(svc, selected);
      const plan = planSlices(svc, selected, existing, (node) => nodes.get(node));
      try {
        await apply(svc, plan, triggerTime);
        if (plan.skipped.length > 0) throw new Error(plan.skipped.length === 1 ? plan.skipped[0] : `[${plan.skipped.join(', ')}]`);
      } catch (err) {
        ctx.recorder.event(svc, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${key}: ${messageOf(err)}`);
        throw err;
      }
    },
  };
}
