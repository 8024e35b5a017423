// NodeResourcesFit (filter + LeastAllocated score) and NodeResourcesBalancedAllocation, on cpu and memory weight 1.
import type { KubeObject } from '../../meta/types.js';
import { MAX_NODE_SCORE, SUCCESS, status, type CycleContext, type NodeInfo, type Plugin, type Status } from '../framework.js';
import { nonMissingDefaults, podRequestList, resourcesFromList, type Resources } from '../pod-resources.js';

export interface InsufficientResource {
  resourceName: string;
  reason: string;
  /** The pod asks for more than the whole node has, so evicting pods cannot help (no preemption). */
  unresolvable: boolean;
}

/** fitsRequest: the pod count, then cpu, memory, ephemeral storage and scalar resources against what is left. */
export function insufficientResources(request: Resources, node: NodeInfo): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const alloc = node.allocatable;
  const used = node.requested;
  if (node.pods.length + 1 > alloc.allowedPodNumber) out.push({ resourceName: 'pods', reason: 'Too many pods', unresolvable: false });
  const check = (name: string, reason: string, asked: number, allocatable: number, requested: number) => {
    if (asked > 0 && asked > allocatable - requested) out.push({ resourceName: name, reason, unresolvable: asked > allocatable });
  };
  check('cpu', 'Insufficient cpu', request.milliCPU, alloc.milliCPU, used.milliCPU);
  check('memory', 'Insufficient memory', request.memory, alloc.memory, used.memory);
  check('ephemeral-storage', 'Insufficient ephemeral-storage', request.ephemeralStorage, alloc.ephemeralStorage, used.ephemeralStorage);
  for (const [name, asked] of Object.entries(request.scalar).sort(([a], [b]) => (a < b ? -1 : 1))) {
    check(name, `Insufficient ${name}`, asked, alloc.scalar[name] ?? 0, used.scalar[name] ?? 0);
  }
  return out;
}

const FIT_STATE = 'NodeResourcesFit/preFilter';

/** A node's fit for a pod as a Status: Unschedulable, or UnschedulableAndUnresolvable when the node is too small. */
export function fitStatus(request: Resources, node: NodeInfo): Status {
  const missing = insufficientResources(request, node);
  if (missing.length === 0) return SUCCESS;
  return status(missing.some((m) => m.unresolvable) ? 'UnschedulableAndUnresolvable' : 'Unschedulable', ...missing.map((m) => m.reason));
}

/** The default scoring resources of both plugins: cpu and memory, weight 1 each. */
const SCORED = ['cpu', 'memory'] as const;

function scoredRequests(pod: KubeObject, useRequested: boolean): number[] {
  const list = podRequestList(pod, useRequested ? undefined : nonMissingDefaults(pod));
  return SCORED.map((name) => list[name] ?? 0);
}

/** The pod's scored requests, summed once per cycle rather than once per node scored. */
function cycleScoredRequests(cycle: CycleContext, pod: KubeObject, useRequested: boolean): number[] {
  const key = useRequested ? 'NodeResources/requested' : 'NodeResources/nonZeroRequested';
  const cached = cycle.state.get(key) as { pod: KubeObject; requests: number[] } | undefined;
  if (cached && cached.pod === pod) return cached.requests;
  const requests = scoredRequests(pod, useRequested);
  cycle.state.set(key, { pod, requests });
  return requests;
}

/** calculateResourceAllocatableRequest for cpu/memory: NonZeroRequested for LeastAllocated, Requested for Balanced. */
function allocatableAndRequested(node: NodeInfo, useRequested: boolean, podRequests: number[]): { allocatable: number[]; requested: number[] } {
  const used = useRequested ? node.requested : node.nonZeroRequested;
  return {
    allocatable: [node.allocatable.milliCPU, node.allocatable.memory],
    requested: [used.milliCPU + podRequests[0], used.memory + podRequests[1]],
  };
}

/** leastRequestedScore per resource, averaged by weight: the emptier the node after placing the pod, the better. */
export function leastAllocatedScore(requested: number[], allocatable: number[]): number {
  let total = 0;
  let weights = 0;
  requested.forEach((req, i) => {
    const cap = allocatable[i];
    if (cap === 0) return;
    total += req > cap ? 0 : Math.trunc(((cap - req) * MAX_NODE_SCORE) / cap);
    weights += 1;
  });
  return weights === 0 ? 0 : Math.trunc(total / weights);
}

/** balancedResourceScorer: (1 - standard deviation of the usage fractions) × MaxNodeScore. */
export function balancedAllocationScore(requested: number[], allocatable: number[]): number {
  const fractions: number[] = [];
  requested.forEach((req, i) => {
    if (allocatable[i] === 0) return;
    fractions.push(Math.min(1, req / allocatable[i]));
  });
  let std = 0;
  if (fractions.length === 2) std = Math.abs((fractions[0] - fractions[1]) / 2);
  else if (fractions.length > 2) {
    const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    std = Math.sqrt(fractions.reduce((sum, f) => sum + (f - mean) ** 2, 0) / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export const nodeResourcesFit: Plugin = {
  name: 'NodeResourcesFit',
  weight: 1,
  preFilter(cycle, pod) {
    cycle.state.set(FIT_STATE, resourcesFromList(podRequestList(pod)));
    return { status: SUCCESS };
  },
  filter(cycle, pod, node) {
    const request = (cycle.state.get(FIT_STATE) as Resources | undefined) ?? resourcesFromList(podRequestList(pod));
    return fitStatus(request, node);
  },
  score(cycle, pod, node) {
    const { allocatable, requested } = allocatableAndRequested(node, false, cycleScoredRequests(cycle, pod, false));
    return leastAllocatedScore(requested, allocatable);
  },
};

export const nodeResourcesBalancedAllocation: Plugin = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  preScore(_cycle, pod) {
    // A best-effort pod would otherwise pile onto one node (kubernetes#129138), so it is not scored at all.
    return scoredRequests(pod, true).every((r) => r === 0) ? status('Skip') : SUCCESS;
  },
  score(cycle, pod, node) {
    const { allocatable, requested } = allocatableAndRequested(node, true, cycleScoredRequests(cycle, pod, true));
    return balancedAllocationScore(requested, allocatable);
  },
};
