// What a pod asks of a node, as component-helpers' PodRequests sums it: containers, init containers, sidecars, overhead.
import type { KubeObject } from '../meta/types.js';
import { quantityMilliValue, quantityValue } from './quantity.js';

/** Requested or allocatable amounts: CPU in millicores, everything else in whole units. */
export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Only meaningful for allocatable: status.allocatable.pods. */
  allowedPodNumber: number;
  /** Extended resources, hugepages and attachable volumes, by resource name. */
  scalar: Record<string, number>;
}

/** Upstream's DefaultMilliCPURequest and DefaultMemoryRequest: what a container without requests is counted as. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

type ResourceList = Record<string, number>;

interface ContainerSpec {
  name?: string;
  restartPolicy?: string;
  resources?: { requests?: Record<string, unknown> };
  ports?: { containerPort?: number; hostPort?: number; hostIP?: string; protocol?: string }[];
}

interface PodSpecResources {
  containers?: ContainerSpec[];
  initContainers?: ContainerSpec[];
  overhead?: Record<string, unknown>;
  resources?: { requests?: Record<string, unknown> };
}

export function emptyResources(): Resources {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: {} };
}

/** IsScalarResourceName: extended (`example.com/gpu`), hugepages-*, attachable-volumes-* and prefixed native names. */
export function isScalarResourceName(name: string): boolean {
  return (name.includes('/') && !name.startsWith('requests.')) || name.startsWith('hugepages-') || name.startsWith('attachable-volumes-');
}

function amount(name: string, quantity: unknown): number {
  return name === 'cpu' ? quantityMilliValue(quantity) : quantityValue(quantity);
}

function toList(raw: Record<string, unknown> | undefined): ResourceList {
  const list: ResourceList = {};
  for (const [name, quantity] of Object.entries(raw ?? {})) list[name] = amount(name, quantity);
  return list;
}

function add(into: ResourceList, from: ResourceList): void {
  for (const [name, value] of Object.entries(from)) into[name] = (into[name] ?? 0) + value;
}

function maxInto(into: ResourceList, from: ResourceList): void {
  for (const [name, value] of Object.entries(from)) into[name] = Math.max(into[name] ?? 0, value);
}

function withDefaults(requests: ResourceList, defaults: ResourceList | undefined): ResourceList {
  if (!defaults) return requests;
  const out = { ...requests };
  for (const [name, value] of Object.entries(defaults)) if (!(name in out)) out[name] = value;
  return out;
}

const POD_LEVEL_RESOURCES = (name: string) => name === 'cpu' || name === 'memory' || name.startsWith('hugepages-');

function podLevelRequests(pod: KubeObject): ResourceList | undefined {
  const requests = (pod.spec as PodSpecResources | undefined)?.resources?.requests;
  if (!requests) return undefined;
  const list = toList(Object.fromEntries(Object.entries(requests).filter(([name]) => POD_LEVEL_RESOURCES(name))));
  return Object.keys(list).length > 0 ? list : undefined;
}

/**
 * PodRequests: regular containers and sidecars (restartable init containers) run together and add up; each classic
 * init container runs alone beside the sidecars started before it, so the pod needs the maximum of those phases.
 * Pod-level requests replace the containers' sum for the resources they name, then overhead is added.
 * `defaults` fills resources a container leaves out (the scheduler's non-zero accounting).
 */
export function podRequestList(pod: KubeObject, defaults?: ResourceList): ResourceList {
  const spec = (pod.spec ?? {}) as PodSpecResources;
  const requests: ResourceList = {};
  for (const c of spec.containers ?? []) add(requests, withDefaults(toList(c.resources?.requests), defaults));
  const sidecars: ResourceList = {};
  const initPhases: ResourceList = {};
  for (const c of spec.initContainers ?? []) {
    const own = withDefaults(toList(c.resources?.requests), defaults);
    if (c.restartPolicy === 'Always') {
      add(requests, own);
      add(sidecars, own);
      maxInto(initPhases, sidecars);
    } else {
      const phase = { ...own };
      add(phase, sidecars);
      maxInto(initPhases, phase);
    }
  }
  maxInto(requests, initPhases);
  const podLevel = podLevelRequests(pod);
  if (podLevel) Object.assign(requests, podLevel);
  add(requests, toList(spec.overhead));
  return requests;
}

/** getNonMissingContainerRequests: the defaults for resources neither a container nor the pod level asks for. */
export function nonMissingDefaults(pod: KubeObject): ResourceList {
  const podLevel = podLevelRequests(pod);
  const defaults: ResourceList = {};
  if (!podLevel || !('cpu' in podLevel)) defaults.cpu = DEFAULT_MILLI_CPU_REQUEST;
  if (!podLevel || !('memory' in podLevel)) defaults.memory = DEFAULT_MEMORY_REQUEST;
  return defaults;
}

export function resourcesFromList(list: ResourceList): Resources {
  const r = emptyResources();
  for (const [name, value] of Object.entries(list)) {
    if (name === 'cpu') r.milliCPU += value;
    else if (name === 'memory') r.memory += value;
    else if (name === 'ephemeral-storage') r.ephemeralStorage += value;
    else if (name === 'pods') r.allowedPodNumber += value;
    else if (isScalarResourceName(name)) r.scalar[name] = (r.scalar[name] ?? 0) + value;
  }
  return r;
}

/** A node's status.allocatable as the scheduler counts it. */
export function allocatableOf(node: KubeObject): Resources {
  const status = (node.status ?? {}) as { allocatable?: Record<string, unknown> };
  return resourcesFromList(toList(status.allocatable));
}

export interface PodResourceSummary {
  requests: Resources;
  /** CPU and memory with the defaults for containers that ask for none: what spreading by LeastAllocated counts. */
  nonZeroMilliCPU: number;
  nonZeroMemory: number;
}

/** PodInfo.CalculateResource. */
export function podResourceSummary(pod: KubeObject): PodResourceSummary {
  const nonZero = podRequestList(pod, nonMissingDefaults(pod));
  return { requests: resourcesFromList(podRequestList(pod)), nonZeroMilliCPU: nonZero.cpu ?? 0, nonZeroMemory: nonZero.memory ?? 0 };
}

export interface HostPort {
  hostIP: string;
  protocol: string;
  port: number;
}

/** GetHostPorts: host ports of the containers and of the sidecars, which run as long as the pod. */
export function hostPortsOf(pod: KubeObject): HostPort[] {
  const spec = (pod.spec ?? {}) as PodSpecResources;
  const containers = [...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...(spec.containers ?? [])];
  const ports: HostPort[] = [];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (typeof p.hostPort !== 'number' || p.hostPort <= 0) continue;
      ports.push({ hostIP: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return ports;
}

/** HostPortInfo.CheckConflict: the same port and protocol conflict when either side listens on every address. */
export function portsConflict(a: HostPort, b: HostPort): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  return a.hostIP === '0.0.0.0' || b.hostIP === '0.0.0.0' || a.hostIP === b.hostIP;
}
