// upstream's EndpointSlice reconciler: which slices to create, update and delete so a Service's endpoints are listed.
import { deepEqual } from '../../meta/deep-equal.js';
import type { KubeObject } from '../../meta/types.js';
import {
  addressTypesFor,
  desiredEndpoints,
  endpointKey,
  labelsChanged,
  portsKey,
  sameEndpoint,
  sliceLabels,
  type AddressType,
  type DesiredGroup,
  type SliceEndpoint,
  type SlicePort,
} from './endpointslice-desired.js';

/** --max-endpoints-per-slice's default. */
export const maxEndpointsPerSlice = 100;

export interface SlicePlan {
  create: KubeObject[];
  update: KubeObject[];
  delete: KubeObject[];
  /** Pods left out because their Node is missing: the sync is reported as failed and retried. */
  skipped: string[];
}

function endpointsOf(slice: KubeObject): SliceEndpoint[] {
  return (slice.endpoints ?? []) as SliceEndpoint[];
}

function portsOf(slice: KubeObject): SlicePort[] {
  return (slice.ports ?? []) as SlicePort[];
}

/** upstream ownedBy: the slice's owner is this very Service (not an earlier one of the same name). */
export function ownedBy(slice: KubeObject, svc: KubeObject): boolean {
  return (slice.metadata.ownerReferences ?? []).some((o) => o.uid === svc.metadata.uid && o.kind === 'Service' && o.apiVersion === 'v1');
}

/** upstream newEndpointSlice: named `<service>-<random>`, owned by the Service. */
export function newSlice(svc: KubeObject, addressType: AddressType, ports: SlicePort[]): KubeObject {
  const name = svc.metadata.name ?? '';
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      // The dash makes the names prettier, unless it would take the prefix past a valid name's length.
      generateName: name.length + 1 > 253 ? name : `${name}-`,
      namespace: svc.metadata.namespace,
      labels: sliceLabels(svc),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    addressType,
    endpoints: [],
    ports: structuredClone(ports),
  };
}

function byAddress(a: SliceEndpoint, b: SliceEndpoint): number {
  const x = a.addresses[0] ?? '';
  const y = b.addresses[0] ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** upstream reconcileByPortMapping: keep wanted endpoints where they are, then fill, then open new slices. */
function reconcilePortGroup(svc: KubeObject, existing: KubeObject[], desired: DesiredGroup, plan: SlicePlan): void {
  const wanted = new Map(desired.endpoints);
  const toUpdate: KubeObject[] = [];
  const unchanged: KubeObject[] = [];
  for (const slice of existing) {
    const kept: SliceEndpoint[] = [];
    let changed = false;
    for (const ep of endpointsOf(slice)) {
      const key = endpointKey(ep);
      const want = wanted.get(key);
      if (!want) continue;
      kept.push(want);
      if (!sameEndpoint(want, ep)) changed = true;
      wanted.delete(key);
    }
    if (changed || kept.length !== endpointsOf(slice).length) {
      if (kept.length === 0) {
        plan.delete.push(slice);
        continue;
      }
      toUpdate.push({ ...structuredClone(slice), endpoints: kept, metadata: { ...structuredClone(slice.metadata), labels: sliceLabels(svc) } });
    } else if (labelsChanged(slice, svc)) {
      toUpdate.push({ ...structuredClone(slice), metadata: { ...structuredClone(slice.metadata), labels: sliceLabels(svc) } });
    } else {
      unchanged.push(slice);
    }
  }
  const remaining = [...wanted.values()].sort(byAddress);
  // Room left in slices being written anyway is used first, fullest first.
  for (const slice of [...toUpdate].sort((a, b) => endpointsOf(b).length - endpointsOf(a).length)) {
    while (remaining.length > 0 && endpointsOf(slice).length < maxEndpointsPerSlice) endpointsOf(slice).push(remaining.shift()!);
  }
  plan.update.push(...toUpdate);
  const candidates = [...unchanged];
  while (remaining.length > 0) {
    let target: KubeObject | undefined;
    if (remaining.length < maxEndpointsPerSlice) {
      // upstream getSliceToFill: the unchanged slice that ends up closest to full.
      let closest = maxEndpointsPerSlice;
      for (const slice of candidates) {
        const diff = maxEndpointsPerSlice - (remaining.length + endpointsOf(slice).length);
        if (diff >= 0 && diff < closest) {
          closest = diff;
          target = slice;
        }
      }
    }
    if (target) {
      candidates.splice(candidates.indexOf(target), 1);
      target = structuredClone(target);
      target.metadata.labels = sliceLabels(svc);
      plan.update.push(target);
    } else {
      target = newSlice(svc, desired.addressType, desired.ports);
      plan.create.push(target);
    }
    const endpoints = endpointsOf(target);
    target.endpoints = endpoints;
    while (remaining.length > 0 && endpoints.length < maxEndpointsPerSlice) endpoints.push(remaining.shift()!);
  }
}

/** upstream's placeholder comparison: an empty slice of the Service, its labels and owner as they should be. */
function isPlaceholder(slice: KubeObject, svc: KubeObject, addressType: AddressType): boolean {
  return (
    endpointsOf(slice).length === 0 &&
    portsOf(slice).length === 0 &&
    slice.addressType === addressType &&
    ownedBy(slice, svc) &&
    deepEqual(slice.metadata.labels ?? {}, sliceLabels(svc))
  );
}

function reconcileAddressType(svc: KubeObject, pods: KubeObject[], existing: KubeObject[], nodeNamed: (name: string) => KubeObject | undefined, addressType: AddressType, plan: SlicePlan): void {
  const typePlan: SlicePlan = { create: [], update: [], delete: [], skipped: [] };
  const byPorts = new Map<string, KubeObject[]>();
  for (const slice of existing) {
    if (!ownedBy(slice, svc)) {
      typePlan.delete.push(slice);
      continue;
    }
    const key = portsKey(portsOf(slice));
    byPorts.set(key, [...(byPorts.get(key) ?? []), slice]);
  }
  const { groups, skipped } = desiredEndpoints(svc, pods, nodeNamed, addressType);
  plan.skipped.push(...skipped);
  for (const [key, group] of groups) reconcilePortGroup(svc, byPorts.get(key) ?? [], group, typePlan);
  for (const [key, slices] of byPorts) if (!groups.has(key)) typePlan.delete.push(...slices);
  // A Service with no endpoints still gets one (empty) slice, so readers can tell "none" from "not yet".
  if (existing.length === typePlan.delete.length && typePlan.create.length === 0) {
    if (typePlan.delete.length === 1 && isPlaceholder(typePlan.delete[0]!, svc, addressType)) typePlan.delete = [];
    else typePlan.create.push(newSlice(svc, addressType, []));
  }
  plan.create.push(...typePlan.create);
  plan.update.push(...typePlan.update);
  plan.delete.push(...typePlan.delete);
}

/**
 * Plans the writes for one Service. Slices of address types the Service no longer has go; a slice that would be
 * deleted while another of its type is created is rewritten instead, keeping its name (upstream's finalize).
 */
export function planSlices(svc: KubeObject, pods: KubeObject[], existing: KubeObject[], nodeNamed: (name: string) => KubeObject | undefined): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [], skipped: [] };
  const types = addressTypesFor(svc);
  for (const slice of existing) if (!types.includes(slice.addressType as AddressType)) plan.delete.push(slice);
  for (const type of types) {
    reconcileAddressType(svc, pods, existing.filter((s) => s.addressType === type), nodeNamed, type, plan);
  }
  for (let i = 0; i < plan.delete.length && plan.create.length > 0; ) {
    const doomed = plan.delete[i]!;
    const created = plan.create[plan.create.length - 1]!;
    if (doomed.addressType === created.addressType && ownedBy(doomed, svc)) {
      plan.create.pop();
      const { generateName: _g, ...meta } = created.metadata;
      plan.update.push({ ...created, metadata: { ...structuredClone(doomed.metadata), ...meta, name: doomed.metadata.name } });
      plan.delete.splice(i, 1);
    } else {
      i++;
    }
  }
  return plan;
}
