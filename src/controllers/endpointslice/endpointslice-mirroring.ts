// The EndpointSlice mirroring controller (`endpointslicemirroring`): hand-made Endpoints of selector-less Services as slices.
import { isIP } from 'node:net';
import { deepEqual } from '../../meta/deep-equal.js';
import type { KubeObject } from '../../meta/types.js';
import { messageOf, namespaceTerminating } from '../shared/api-errors.js';
import { deleteIfPresent, hasSelector, headlessLabel, lastChangeTriggerTimeAnnotation } from '../shared/service-endpoints.js';
import type { Controller, ControllerContext, ReconcileResult, SharedInformer } from '../runtime/index.js';
import { splitKey } from '../runtime/index.js';
import { endpointKey, managedByLabel, portsKey, sameEndpoint, serviceNameLabel, type SliceEndpoint, type SlicePort } from './endpointslice-desired.js';

export const mirroringControllerName = 'endpointslicemirroring-controller.k8s.io';
/** Endpoints that must not be mirrored carry this label set to "true". */
export const skipMirrorLabel = 'endpointslice.kubernetes.io/skip-mirror';
const leaderElectionAnnotation = 'control-plane.alpha.kubernetes.io/leader';
const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
/** --mirroring-max-endpoints-per-subset's default: one subset maps onto one slice. */
export const maxEndpointsPerSubset = 1000;
const fieldManager = 'kube-controller-manager';
const api = 'discovery.k8s.io/v1';

interface Address {
  ip?: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: SliceEndpoint['targetRef'];
}

interface Subset {
  addresses?: Address[];
  notReadyAddresses?: Address[];
  ports?: { name?: string; port?: number; protocol?: string; appProtocol?: string }[];
}

interface Desired {
  addressType: 'IPv4' | 'IPv6';
  ports: SlicePort[];
  endpoints: Map<string, SliceEndpoint>;
}

function addressToEndpoint(address: Address, ready: boolean): SliceEndpoint {
  const ep: SliceEndpoint = { addresses: [address.ip!], conditions: { ready } as SliceEndpoint['conditions'] };
  if (address.hostname) ep.hostname = address.hostname;
  if (address.targetRef) ep.targetRef = address.targetRef;
  if (address.nodeName) ep.nodeName = address.nodeName;
  return ep;
}

/** The mirrored slice of one (ports, address type) group, named after the Endpoints and owned by them. */
function newMirroredSlice(endpoints: KubeObject, desired: Desired, name: string | undefined): KubeObject {
  const drop = (map: Record<string, string> | undefined, keys: string[]) => Object.fromEntries(Object.entries(map ?? {}).filter(([k]) => !keys.includes(k)));
  const labels = drop(endpoints.metadata.labels, [managedByLabel, serviceNameLabel, headlessLabel]);
  labels[serviceNameLabel] = endpoints.metadata.name ?? '';
  labels[managedByLabel] = mirroringControllerName;
  return {
    apiVersion: api,
    kind: 'EndpointSlice',
    metadata: {
      ...(name ? { name } : { generateName: `${endpoints.metadata.name}-` }),
      namespace: endpoints.metadata.namespace,
      labels,
      annotations: drop(endpoints.metadata.annotations, [lastChangeTriggerTimeAnnotation, lastAppliedAnnotation]),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: endpoints.metadata.name!, uid: endpoints.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    addressType: desired.addressType,
    endpoints: [...desired.endpoints.values()].slice(0, maxEndpointsPerSubset),
    ports: desired.ports,
  };
}

export function endpointSliceMirroringController(): Controller {
  let ctx: ControllerContext;
  let services: SharedInformer;
  let endpointsInformer: SharedInformer;
  let slices: SharedInformer;

  const mirroredFor = (namespace: string | undefined, name: string) =>
    slices.list().filter((s) => s.metadata.namespace === namespace && s.metadata.labels?.[serviceNameLabel] === name && s.metadata.labels?.[managedByLabel] === mirroringControllerName);

  async function deleteSlices(list: KubeObject[]): Promise<void> {
    for (const slice of list) await deleteIfPresent(ctx, api, 'endpointslices', slice.metadata.namespace, slice.metadata.name!);
  }

  /** upstream's desired state: subsets grouped by ports and address type, at most 1000 addresses a subset. */
  function desiredOf(endpoints: KubeObject): Map<string, Desired> {
    const groups = new Map<string, Desired>();
    let invalid = 0;
    let skipped = 0;
    for (const subset of (endpoints.subsets ?? []) as Subset[]) {
      const ports: SlicePort[] = (subset.ports ?? []).map((p) => ({
        name: p.name ?? '',
        protocol: p.protocol ?? 'TCP',
        port: p.port ?? 0,
        ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
      }));
      const all = [...(subset.addresses ?? []).map((a) => [a, true] as const), ...(subset.notReadyAddresses ?? []).map((a) => [a, false] as const)];
      let added = 0;
      for (const [address, ready] of all) {
        if (added >= maxEndpointsPerSubset) break;
        const family = isIP(address.ip ?? '');
        if (family === 0) {
          invalid++;
          continue;
        }
        const addressType = family === 6 ? 'IPv6' : 'IPv4';
        const key = `${addressType}|${portsKey(ports)}`;
        const group = groups.get(key) ?? { addressType, ports, endpoints: new Map<string, SliceEndpoint>() };
        groups.set(key, group);
        const ep = addressToEndpoint(address, ready);
        group.endpoints.set(endpointKey(ep), ep);
        added++;
      }
      skipped += all.length - added;
    }
    if (invalid > 0) ctx.recorder.event(endpoints, 'Warning', 'InvalidIPAddress', `Skipped ${invalid} invalid IP addresses when mirroring to EndpointSlices`);
    if (skipped > invalid) {
      ctx.recorder.event(endpoints, 'Warning', 'TooManyAddressesToMirror',
        `A max of ${maxEndpointsPerSubset} addresses can be mirrored to EndpointSlices per Endpoints subset. ${skipped} addresses were skipped`);
    }
    return groups;
  }

  function unchanged(slice: KubeObject, desired: Desired, wanted: KubeObject): boolean {
    const existing = (slice.endpoints ?? []) as SliceEndpoint[];
    if (existing.length !== desired.endpoints.size) return false;
    const metaSame =
      deepEqual(slice.metadata.labels ?? {}, wanted.metadata.labels ?? {}) && deepEqual(slice.metadata.annotations ?? {}, wanted.metadata.annotations ?? {});
    return metaSame && existing.every((ep) => {
      const want = desired.endpoints.get(endpointKey(ep));
      return want !== undefined && sameEndpoint(want, ep);
    });
  }

  async function reconcileMirror(endpoints: KubeObject, existing: KubeObject[]): Promise<void> {
    const byKey = new Map<string, KubeObject[]>();
    for (const slice of existing) {
      const key = `${String(slice.addressType)}|${portsKey(slice.ports as SlicePort[])}`;
      byKey.set(key, [...(byKey.get(key) ?? []), slice]);
    }
    const create: KubeObject[] = [];
    const update: KubeObject[] = [];
    const remove: KubeObject[] = [];
    for (const [key, desired] of desiredOf(endpoints)) {
      const [first, ...extra] = byKey.get(key) ?? [];
      byKey.delete(key);
      remove.push(...extra);
      const wanted = newMirroredSlice(endpoints, desired, first?.metadata.name);
      if (first && unchanged(first, desired, wanted)) continue;
      if (first) update.push({ ...wanted, metadata: { ...first.metadata, ...wanted.metadata } });
      else create.push(wanted);
    }
    for (const slices of byKey.values()) remove.push(...slices);
    // Recycle slices about to be deleted rather than creating new ones (upstream recycleSlices).
    while (create.length > 0 && remove.length > 0) {
      const doomed = remove.pop()!;
      const fresh = create.pop()!;
      const { generateName: _g, ...meta } = fresh.metadata;
      update.push({ ...fresh, metadata: { ...doomed.metadata, ...meta, name: doomed.metadata.name } });
    }
    const namespace = endpoints.metadata.namespace;
    if (!endpoints.metadata.deletionTimestamp) {
      for (const slice of create) {
        try {
          await ctx.client.create(api, 'endpointslices', namespace, slice, { fieldManager });
        } catch (err) {
          if (namespaceTerminating(err)) return;
          throw new Error(`failed to create EndpointSlice for Endpoints ${namespace}/${endpoints.metadata.name}: ${messageOf(err)}`);
        }
      }
    }
    for (const slice of update) await ctx.client.update(api, 'endpointslices', namespace, slice, { fieldManager });
    await deleteSlices(remove);
  }

  return {
    name: 'endpointslicemirroring',
    component: 'endpoint-slice-mirroring-controller',
    workers: 5,
    start(context: ControllerContext): void {
      ctx = context;
      services = ctx.informers.informerFor('v1', 'services');
      endpointsInformer = ctx.informers.informerFor('v1', 'endpoints');
      slices = ctx.informers.informerFor(api, 'endpointslices');
      // A Service and its Endpoints share a key: either changing may start or stop the mirroring.
      services.addEventHandler({ onAdd: ctx.enqueue, onUpdate: (_old, svc) => ctx.enqueue(svc), onDelete: ctx.enqueue });
      endpointsInformer.addEventHandler({ onAdd: ctx.enqueue, onUpdate: (_old, ep) => ctx.enqueue(ep), onDelete: ctx.enqueue });
      const queueForSlice = (slice: KubeObject) => {
        const name = slice.metadata.labels?.[serviceNameLabel];
        if (name && slice.metadata.labels?.[managedByLabel] === mirroringControllerName) ctx.queue.add(`${slice.metadata.namespace}/${name}`);
      };
      slices.addEventHandler({ onUpdate: (old, slice) => { queueForSlice(old); queueForSlice(slice); }, onDelete: queueForSlice });
    },
    async reconcile(key: string): Promise<ReconcileResult> {
      const { namespace, name } = splitKey(key);
      const endpoints = endpointsInformer.get(key);
      const svc = services.get(key);
      const existing = mirroredFor(namespace, name);
      const mirror =
        endpoints !== undefined &&
        endpoints.metadata.labels?.[skipMirrorLabel] !== 'true' &&
        endpoints.metadata.annotations?.[leaderElectionAnnotation] === undefined &&
        svc !== undefined &&
        !hasSelector(svc);
      if (!mirror) {
        await deleteSlices(existing);
        return;
      }
      await reconcileMirror(endpoints, existing);
    },
  };
}
