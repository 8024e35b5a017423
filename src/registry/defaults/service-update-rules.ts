// How the service registry reads a write against the stored Service: kept allocations, clusterIP(s) in sync, type changes.
import { deepEqual } from '../../meta/deep-equal.js';
import { isPlainObject, type KubeObject } from '../../meta/types.js';
import { needsClusterIP, needsHealthCheckNodePort, needsNodePort, portsOf, specOfService } from './service-allocation.js';

type Spec = Record<string, unknown>;

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function sameList(a: unknown, b: unknown): boolean {
  return deepEqual(isEmpty(a) ? [] : a, isEmpty(b) ? [] : b);
}

/**
 * upstream normalizeClusterIPs: old clients send only clusterIP, new ones both; work out what the writer meant
 * before anything looks at either field.
 */
export function normalizeClusterIPs(svc: KubeObject, old: KubeObject | undefined): void {
  const spec = specOfService(svc);
  if (!spec) return;
  const clusterIP = typeof spec.clusterIP === 'string' ? spec.clusterIP : '';
  if (!old) {
    if (clusterIP !== '' && isEmpty(spec.clusterIPs)) spec.clusterIPs = [clusterIP];
    return;
  }
  const oldSpec = specOfService(old) ?? {};
  const oldClusterIP = typeof oldSpec.clusterIP === 'string' ? oldSpec.clusterIP : '';
  if (!isEmpty(oldSpec.clusterIPs) && isEmpty(spec.clusterIPs) && oldClusterIP === clusterIP) {
    spec.clusterIPs = structuredClone(oldSpec.clusterIPs);
  }
  if (oldClusterIP !== clusterIP) {
    const same = sameList(oldSpec.clusterIPs, spec.clusterIPs);
    if (oldClusterIP !== '' && clusterIP === '') {
      if (same) delete spec.clusterIPs;
    } else if (same) {
      spec.clusterIPs = [clusterIP];
    }
  }
}

/**
 * upstream patchAllocatedValues: a writer that resubmits what it first sent (no clusterIP, no nodePorts) keeps what
 * was allocated for it, instead of being refused for changing it.
 */
export function patchAllocatedValues(svc: KubeObject, old: KubeObject): void {
  const spec = specOfService(svc);
  const oldSpec = specOfService(old);
  if (!spec || !oldSpec) return;
  if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
    if (isEmpty(spec.clusterIP) && !isEmpty(oldSpec.clusterIP)) spec.clusterIP = oldSpec.clusterIP;
    if (isEmpty(spec.clusterIPs) && !isEmpty(oldSpec.clusterIPs)) spec.clusterIPs = structuredClone(oldSpec.clusterIPs);
  }
  if (needsNodePort(oldSpec) && needsNodePort(spec)) {
    const nodePorts = (s: Spec) => new Set(portsOf(s).map((p) => p.nodePort).filter((np) => typeof np === 'number' && np !== 0));
    const newNodePorts = nodePorts(spec);
    const used = new Set([...nodePorts(oldSpec)].filter((np) => newNodePorts.has(np)));
    // By port name: the writer may have changed anything else about the port.
    const byName = new Map(portsOf(oldSpec).map((p) => [p.name ?? '', p.nodePort]));
    for (const port of portsOf(spec)) {
      if (typeof port.nodePort === 'number' && port.nodePort !== 0) continue;
      const previous = byName.get(port.name ?? '');
      if (typeof previous === 'number' && previous !== 0 && !used.has(previous)) port.nodePort = previous;
    }
  }
  if (needsHealthCheckNodePort(oldSpec) && needsHealthCheckNodePort(spec) && isEmpty(spec.healthCheckNodePort)) {
    if (!isEmpty(oldSpec.healthCheckNodePort)) spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

/**
 * upstream dropTypeDependentFields: a type change wipes what the old type needed and the new one cannot have, as
 * long as the writer left it as it was. The load balancer status goes with the LoadBalancer type.
 */
export function dropTypeDependentFields(svc: KubeObject, old: KubeObject): void {
  const spec = specOfService(svc);
  const oldSpec = specOfService(old);
  if (!spec || !oldSpec) return;
  if (needsClusterIP(oldSpec) && !needsClusterIP(spec)) {
    if (sameList(oldSpec.clusterIPs, spec.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (sameList(oldSpec.ipFamilies, spec.ipFamilies)) delete spec.ipFamilies;
    if (oldSpec.ipFamilyPolicy === spec.ipFamilyPolicy) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(oldSpec) && !needsNodePort(spec)) {
    const oldNodePorts = new Set(portsOf(oldSpec).map((p) => p.nodePort));
    const noNewOnes = portsOf(spec).every((p) => !p.nodePort || oldNodePorts.has(p.nodePort));
    if (noNewOnes) for (const port of portsOf(spec)) delete port.nodePort;
  }
  if (needsHealthCheckNodePort(oldSpec) && !needsHealthCheckNodePort(spec) && oldSpec.healthCheckNodePort === spec.healthCheckNodePort) {
    delete spec.healthCheckNodePort;
  }
  if (oldSpec.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    for (const field of ['allocateLoadBalancerNodePorts', 'loadBalancerClass']) {
      if (spec[field] !== undefined && spec[field] === oldSpec[field]) delete spec[field];
    }
  }
  if (needsNodePort(oldSpec) && !needsNodePort(spec) && spec.externalTrafficPolicy === oldSpec.externalTrafficPolicy) {
    delete spec.externalTrafficPolicy;
  }
  if (spec.type !== 'LoadBalancer' && isPlainObject(svc.status)) svc.status.loadBalancer = {};
}
