// The pod's QoS class as upstream's ComputePodQOS derives it from cpu and memory requests and limits.
import type { KubeObject } from '../meta/types.js';
import { parseQuantity } from './node-resources.js';
import { podSpec, type ContainerSpec } from './pod-types.js';

const qosResources = ['cpu', 'memory'];

type ResourceList = Record<string, unknown> | undefined;

/** Milli-units of a quantity; unparsable values count as absent, as the apiserver would have refused them. */
function millisOf(value: unknown): bigint | undefined {
  if (typeof value === 'number') return BigInt(Math.round(value * 1000));
  if (typeof value !== 'string') return undefined;
  return parseQuantity(value)?.millis;
}

/** Adds each positive cpu/memory quantity into `sums`; returns the resources that were set (and positive). */
function addPositive(sums: Map<string, bigint>, list: ResourceList): Set<string> {
  const found = new Set<string>();
  for (const [name, value] of Object.entries(list ?? {})) {
    if (!qosResources.includes(name)) continue;
    const millis = millisOf(value);
    if (millis === undefined || millis <= 0n) continue;
    found.add(name);
    sums.set(name, (sums.get(name) ?? 0n) + millis);
  }
  return found;
}

/**
 * BestEffort when nothing requests or limits cpu or memory; Guaranteed when every container (or the pod-level
 * resources, when set) limits both and the summed requests equal the summed limits; Burstable otherwise.
 */
export function computePodQos(pod: KubeObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const spec = podSpec(pod);
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  const podLevel = spec.resources;
  if (podLevel && (podLevel.requests || podLevel.limits)) {
    addPositive(requests, podLevel.requests);
    if (podLevel.limits && Object.keys(podLevel.limits).length > 0) {
      const limited = addPositive(limits, podLevel.limits);
      if (!qosResources.every((r) => limited.has(r))) guaranteed = false;
    }
  } else {
    const all: ContainerSpec[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
    for (const c of all) {
      addPositive(requests, c.resources?.requests);
      const limited = addPositive(limits, c.resources?.limits);
      if (!qosResources.every((r) => limited.has(r))) guaranteed = false;
    }
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, request] of requests) {
      if (limits.get(name) !== request) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
