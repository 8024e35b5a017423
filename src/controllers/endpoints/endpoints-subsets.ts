// An Endpoints object's subsets from a Service and its pods: addresses per resolved port set, repacked and capped.
import type { KubeObject } from '../../meta/types.js';
import { isPodReady } from '../shared/pod-util.js';
import {
  findPort,
  isIPv6,
  podIPs,
  podSpec,
  serviceSpec,
  shouldPodBeInEndpoints,
  shouldSetHostname,
} from '../shared/service-endpoints.js';

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace?: string; name?: string; uid?: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

/** upstream maxCapacity: addresses beyond it are dropped and the Endpoints marked over capacity. */
export const maxEndpointsCapacity = 1000;

/** upstream podToEndpointAddressForService: the pod IP of the Service's primary family. */
function addressFor(svc: KubeObject, pod: KubeObject): EndpointAddress | undefined {
  const spec = serviceSpec(svc);
  let v6: boolean;
  if (spec.ipFamilies && spec.ipFamilies.length > 0) v6 = spec.ipFamilies[0] === 'IPv6';
  else if (spec.clusterIP && spec.clusterIP !== 'None') v6 = isIPv6(spec.clusterIP);
  else v6 = isIPv6(podIPs(pod)[0] ?? '');
  const ip = podIPs(pod).find((candidate) => isIPv6(candidate) === v6);
  if (ip === undefined) return undefined;
  const address: EndpointAddress = { ip };
  if (shouldSetHostname(pod, svc)) address.hostname = podSpec(pod).hostname;
  // upstream always points nodeName at the pod's; an empty one would not pass Endpoints validation.
  if (podSpec(pod).nodeName) address.nodeName = podSpec(pod).nodeName;
  address.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  return address;
}

interface Entry {
  address: EndpointAddress;
  port: EndpointPort | undefined;
  ready: boolean;
}

/** Every (address, port, readiness) the Service's pods offer, before packing. */
function entriesFor(svc: KubeObject, pods: KubeObject[]): Entry[] {
  const spec = serviceSpec(svc);
  const publishNotReady = spec.publishNotReadyAddresses === true;
  const entries: Entry[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const address = addressFor(svc, pod);
    if (!address) continue;
    const ready = publishNotReady || isPodReady(pod);
    const servicePorts = spec.ports ?? [];
    if (servicePorts.length === 0) {
      // A headless Service may have no ports: its addresses are published alone.
      if (spec.clusterIP === 'None') entries.push({ address, port: undefined, ready });
      continue;
    }
    for (const servicePort of servicePorts) {
      const portNumber = findPort(pod, servicePort);
      if (portNumber === undefined) continue;
      const port: EndpointPort = { port: portNumber, protocol: servicePort.protocol ?? 'TCP' };
      if (servicePort.name) port.name = servicePort.name;
      if (servicePort.appProtocol) port.appProtocol = servicePort.appProtocol;
      entries.push({ address, port, ready });
    }
  }
  return entries;
}

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const au = a.targetRef?.uid ?? '';
  const bu = b.targetRef?.uid ?? '';
  return au < bu ? -1 : au > bu ? 1 : 0;
}

function portKey(port: EndpointPort | undefined): string {
  return port ? JSON.stringify([port.name ?? '', port.port, port.protocol, port.appProtocol ?? '']) : '';
}

function cleanPort(port: EndpointPort): EndpointPort {
  const out: EndpointPort = { port: port.port, protocol: port.protocol };
  if (port.name) return { name: port.name, ...out, ...(port.appProtocol ? { appProtocol: port.appProtocol } : {}) };
  return port.appProtocol ? { ...out, appProtocol: port.appProtocol } : out;
}

/**
 * upstream RepackSubsets: addresses are de-duplicated by IP and pod UID (not-ready wins over ready), and every set
 * of ports offered by exactly the same addresses becomes one subset; ports, addresses and subsets come sorted.
 */
export function repackSubsets(entries: Entry[]): EndpointSubset[] {
  const byPort = new Map<string, { port: EndpointPort | undefined; ready: Map<string, boolean> }>();
  const addresses = new Map<string, EndpointAddress>();
  for (const { address, port, ready } of entries) {
    const addressKey = `${address.ip}\u0000${address.targetRef?.uid ?? ''}`;
    if (!addresses.has(addressKey)) addresses.set(addressKey, address);
    const key = portKey(port);
    const group = byPort.get(key) ?? { port, ready: new Map<string, boolean>() };
    byPort.set(key, group);
    if (group.ready.get(addressKey) !== false) group.ready.set(addressKey, ready);
  }
  const bySignature = new Map<string, { ports: EndpointPort[]; ready: Map<string, boolean> }>();
  for (const { port, ready } of byPort.values()) {
    const signature = JSON.stringify([...ready.entries()].sort());
    const group = bySignature.get(signature) ?? { ports: [], ready };
    if (port) group.ports.push(cleanPort(port));
    bySignature.set(signature, group);
  }
  const subsets: EndpointSubset[] = [];
  for (const { ports, ready } of bySignature.values()) {
    const readyAddresses: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [key, isReady] of ready) (isReady ? readyAddresses : notReady).push(addresses.get(key)!);
    const subset: EndpointSubset = {};
    if (readyAddresses.length > 0) subset.addresses = readyAddresses.sort(compareAddresses);
    if (notReady.length > 0) subset.notReadyAddresses = notReady.sort(compareAddresses);
    if (ports.length > 0) subset.ports = ports.sort((a, b) => portKey(a).localeCompare(portKey(b)));
    subsets.push(subset);
  }
  const order = (s: EndpointSubset) => JSON.stringify([s.ports ?? [], s.addresses?.[0]?.ip ?? s.notReadyAddresses?.[0]?.ip ?? '']);
  return subsets.sort((a, b) => order(a).localeCompare(order(b)));
}

/** The Service's subsets as the endpoints controller computes them, repacked. */
export function subsetsFor(svc: KubeObject, pods: KubeObject[]): EndpointSubset[] {
  return repackSubsets(entriesFor(svc, pods));
}

function countAddresses(subsets: EndpointSubset[]): { ready: number; notReady: number } {
  let ready = 0;
  let notReady = 0;
  for (const s of subsets) {
    ready += s.addresses?.length ?? 0;
    notReady += s.notReadyAddresses?.length ?? 0;
  }
  return { ready, notReady };
}

export function totalAddresses(subsets: EndpointSubset[]): number {
  const { ready, notReady } = countAddresses(subsets);
  return ready + notReady;
}

/**
 * upstream truncateEndpoints: past maxCapacity, ready addresses are kept first, each subset keeping its share
 * (rounded up); returns whether anything was cut.
 */
export function truncateSubsets(subsets: EndpointSubset[]): boolean {
  const { ready, notReady } = countAddresses(subsets);
  if (ready + notReady <= maxEndpointsCapacity) return false;
  const truncateReady = ready > maxEndpointsCapacity;
  const max = truncateReady ? maxEndpointsCapacity : maxEndpointsCapacity - ready;
  const total = truncateReady ? ready : notReady;
  let canBeAdded = max;
  for (const subset of subsets) {
    const inSubset = truncateReady ? (subset.addresses?.length ?? 0) : (subset.notReadyAddresses?.length ?? 0);
    const toBeAdded = Math.min(Math.ceil((inSubset / total) * max), canBeAdded);
    if (truncateReady) {
      subset.addresses = (subset.addresses ?? []).slice(0, toBeAdded);
      delete subset.notReadyAddresses;
      canBeAdded -= subset.addresses.length;
      if (subset.addresses.length === 0) delete subset.addresses;
    } else {
      subset.notReadyAddresses = (subset.notReadyAddresses ?? []).slice(0, toBeAdded);
      canBeAdded -= subset.notReadyAddresses.length;
      if (subset.notReadyAddresses.length === 0) delete subset.notReadyAddresses;
    }
  }
  return true;
}
