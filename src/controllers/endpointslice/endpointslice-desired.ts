// The endpoints a Service should have, per address type and port set (upstream podToEndpoint, getEndpointPorts).
import { deepEqual } from '../../meta/deep-equal.js';
import type { KubeObject } from '../../meta/types.js';
import { isPodReady } from '../shared/pod-util.js';
import {
  findPort,
  headlessLabel,
  isIPv6,
  isServiceIPSet,
  podIPs,
  podSpec,
  serviceSpec,
  shouldPodBeInEndpoints,
  shouldSetHostname,
} from '../shared/service-endpoints.js';

export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const endpointSliceControllerName = 'endpointslice-controller.k8s.io';
export const zoneLabel = 'topology.kubernetes.io/zone';

export type AddressType = 'IPv4' | 'IPv6';

export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  targetRef?: { kind: string; namespace?: string; name?: string; uid?: string; resourceVersion?: string };
  nodeName?: string;
  zone?: string;
}

export interface SlicePort {
  name: string;
  protocol: string;
  port: number;
  appProtocol?: string;
}

/** The endpoints wanted for one port set of one address type. */
export interface DesiredGroup {
  addressType: AddressType;
  ports: SlicePort[];
  endpoints: Map<string, SliceEndpoint>;
}

/** upstream getAddressTypesForService: the Service's families, guessed from its clusterIP when it has none. */
export function addressTypesFor(svc: KubeObject): AddressType[] {
  const spec = serviceSpec(svc);
  const types = new Set<AddressType>();
  for (const family of spec.ipFamilies ?? []) if (family === 'IPv4' || family === 'IPv6') types.add(family);
  if (types.size > 0) return [...types];
  if (spec.clusterIP && spec.clusterIP !== 'None') return [isIPv6(spec.clusterIP) ? 'IPv6' : 'IPv4'];
  return ['IPv4', 'IPv6'];
}

/** upstream's endpoint hash: sorted addresses, hostname and the pod it points at identify an endpoint. */
export function endpointKey(ep: SliceEndpoint): string {
  return JSON.stringify([[...ep.addresses].sort(), ep.hostname ?? '', ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '']);
}

/** upstream EndpointsEqualBeyondHash: node, zone, conditions and target (its resourceVersion aside). */
export function sameEndpoint(a: SliceEndpoint, b: SliceEndpoint): boolean {
  const target = (ep: SliceEndpoint) => (ep.targetRef ? { ...ep.targetRef, resourceVersion: undefined } : undefined);
  return a.nodeName === b.nodeName && a.zone === b.zone && deepEqual(a.conditions, b.conditions) && deepEqual(target(a), target(b));
}

/** The identity of a port set, whatever order its ports come in. */
export function portsKey(ports: SlicePort[] | undefined): string {
  return JSON.stringify((ports ?? []).map((p) => [p.name ?? '', p.protocol ?? '', p.port ?? 0, p.appProtocol ?? '']).sort());
}

/** upstream getEndpointPorts: the Service's ports as this pod serves them; a port the pod lacks is left out. */
function endpointPorts(svc: KubeObject, pod: KubeObject): SlicePort[] {
  const spec = serviceSpec(svc);
  const ports: SlicePort[] = [];
  for (const servicePort of spec.ports ?? []) {
    const port = findPort(pod, servicePort);
    if (port === undefined) continue;
    const entry: SlicePort = { name: servicePort.name ?? '', protocol: servicePort.protocol ?? 'TCP', port };
    if (servicePort.appProtocol) entry.appProtocol = servicePort.appProtocol;
    ports.push(entry);
  }
  return ports;
}

/** upstream podToEndpoint for one address type. */
function podToEndpoint(pod: KubeObject, node: KubeObject | undefined, svc: KubeObject, addressType: AddressType): SliceEndpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  // A terminating pod is never "ready", unless the Service publishes not-ready addresses anyway.
  const ready = serviceSpec(svc).publishNotReadyAddresses === true || (serving && !terminating);
  const ep: SliceEndpoint = {
    addresses: podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6')),
    conditions: { ready, serving, terminating },
  };
  if (shouldSetHostname(pod, svc)) ep.hostname = podSpec(pod).hostname;
  ep.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  if (podSpec(pod).nodeName) ep.nodeName = podSpec(pod).nodeName;
  const zone = node?.metadata.labels?.[zoneLabel];
  if (zone) ep.zone = zone;
  return ep;
}

/**
 * The desired endpoints of one address type, grouped by port set. Terminating pods stay (with their conditions
 * saying so). A pod on a Node that does not exist is skipped and reported, so the sync is retried, unless the
 * Service publishes not-ready addresses.
 */
export function desiredEndpoints(
  svc: KubeObject,
  pods: KubeObject[],
  nodeNamed: (name: string) => KubeObject | undefined,
  addressType: AddressType,
): { groups: Map<string, DesiredGroup>; skipped: string[] } {
  const groups = new Map<string, DesiredGroup>();
  const skipped: string[] = [];
  const spec = serviceSpec(svc);
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(svc, pod);
    const key = portsKey(ports);
    const group = groups.get(key) ?? { addressType, ports, endpoints: new Map<string, SliceEndpoint>() };
    groups.set(key, group);
    const nodeName = podSpec(pod).nodeName ?? '';
    const node = nodeNamed(nodeName);
    if (!node && spec.publishNotReadyAddresses !== true) {
      skipped.push(`skipping Pod ${pod.metadata.name} for Service ${svc.metadata.namespace}/${svc.metadata.name}: Node ${nodeName} Not Found`);
      continue;
    }
    const ep = podToEndpoint(pod, node, svc, addressType);
    if (ep.addresses.length > 0) group.endpoints.set(endpointKey(ep), ep);
  }
  return { groups, skipped };
}

/** upstream setEndpointSliceLabels: the Service's labels, the headless mark, and the controller's own two. */
export function sliceLabels(svc: KubeObject): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(svc.metadata.labels ?? {})) {
    if (key !== serviceNameLabel && key !== managedByLabel && key !== headlessLabel) labels[key] = value;
  }
  if (!isServiceIPSet(svc)) labels[headlessLabel] = '';
  labels[serviceNameLabel] = svc.metadata.name ?? '';
  labels[managedByLabel] = endpointSliceControllerName;
  return labels;
}

/** Whether a slice's own labels (the reserved ones aside) differ from the Service's. */
export function labelsChanged(slice: KubeObject, svc: KubeObject): boolean {
  const strip = (labels: Record<string, string> | undefined) =>
    Object.fromEntries(Object.entries(labels ?? {}).filter(([key]) => key !== serviceNameLabel && key !== managedByLabel && key !== headlessLabel));
  return !deepEqual(strip(slice.metadata.labels), strip(svc.metadata.labels));
}
