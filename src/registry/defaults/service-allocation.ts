// The service registry's allocation step (upstream Allocators.allocateCreate / allocateUpdate): ClusterIPs, NodePorts.
import { errors } from '../../meta/errors.js';
import { isPlainObject, type KubeObject, type StatusCause } from '../../meta/types.js';
import { initServiceIPFamilies, invalid } from './service-ip-families.js';
import { allocationErrors, type AllocationOperation, type ServiceAllocations } from './service-allocations.js';
import { validateClusterIPsRelatedFields } from './service-cluster-ips.js';

type Spec = Record<string, unknown>;
type Port = Record<string, unknown>;

export function specOfService(svc: KubeObject | undefined): Spec | undefined {
  return isPlainObject(svc?.spec) ? svc.spec : undefined;
}

export function portsOf(spec: Spec | undefined): Port[] {
  return Array.isArray(spec?.ports) ? spec.ports.filter(isPlainObject) : [];
}

export function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function needsClusterIP(spec: Spec | undefined): boolean {
  return spec?.type !== 'ExternalName';
}

export function needsNodePort(spec: Spec | undefined): boolean {
  return spec?.type === 'NodePort' || spec?.type === 'LoadBalancer';
}

/** apiservice.NeedsHealthCheck: a LoadBalancer keeping traffic on the node that received it. */
export function needsHealthCheckNodePort(spec: Spec | undefined): boolean {
  return spec?.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

/** A LoadBalancer may opt out of NodePorts (allocateLoadBalancerNodePorts: false); explicit ones are still honoured. */
function shouldAllocateNodePorts(spec: Spec): boolean {
  if (spec.type === 'NodePort') return true;
  return spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false;
}

function nodePortOf(port: Port): number {
  return typeof port.nodePort === 'number' ? port.nodePort : 0;
}

function rejected(svc: KubeObject, causes: StatusCause[]): Error {
  return errors.invalid('Service', '', svc.metadata.name ?? '', causes);
}

/** The checks upstream runs before touching the allocators; a malformed request is refused before anything else. */
function initIPFields(svc: KubeObject, old: KubeObject | undefined): void {
  const spec = specOfService(svc);
  if (spec && spec.type !== 'ExternalName') {
    const malformed = validateClusterIPsRelatedFields(spec);
    if (malformed.length > 0) throw rejected(svc, malformed);
  }
  const familyErrors = initServiceIPFamilies(svc, { old });
  if (familyErrors.length > 0) throw rejected(svc, familyErrors);
}

/** Fills spec.clusterIPs (one per family) and spec.clusterIP, honouring requested addresses. */
function allocateClusterIPs(svc: KubeObject, op: AllocationOperation): void {
  const spec = specOfService(svc)!;
  if (spec.type === 'ExternalName') return;
  const clusterIPs = stringsOf(spec.clusterIPs);
  if (clusterIPs[0] === 'None') return;
  const families = stringsOf(spec.ipFamilies);
  while (clusterIPs.length < families.length) clusterIPs.push('');
  for (let i = 0; i < families.length; i++) {
    const requested = clusterIPs[i]!;
    if (requested === '') {
      const next = op.nextIP();
      if (next === undefined) throw errors.internal(`failed to allocate a serviceIP: ${allocationErrors.full}`);
      clusterIPs[i] = next;
      continue;
    }
    const refusal = op.claimIP(requested);
    if (refusal) {
      throw rejected(svc, [invalid('spec.clusterIPs', stringsOf(spec.clusterIPs), `failed to allocate IP ${requested}: ${refusal}`)]);
    }
  }
  spec.clusterIPs = clusterIPs;
  spec.clusterIP = clusterIPs[0];
}

function claimNodePort(svc: KubeObject, op: AllocationOperation, index: number, port: number): void {
  const refusal = op.claimPort(port);
  if (refusal) throw rejected(svc, [invalid(`spec.ports[${index}].nodePort`, port, refusal)]);
}

function nextNodePort(op: AllocationOperation, which: number | string): number {
  const next = op.nextPort(which);
  if (next === undefined) throw errors.internal(`failed to allocate a nodePort: ${allocationErrors.full}`);
  return next;
}

/** upstream initNodePorts: ports sharing a number (TCP and UDP 53) share a NodePort. */
function initNodePorts(svc: KubeObject, op: AllocationOperation): void {
  const spec = specOfService(svc)!;
  const ports = portsOf(spec);
  const byServicePort = new Map<unknown, number>();
  ports.forEach((port, i) => {
    if (nodePortOf(port) === 0 && !shouldAllocateNodePorts(spec)) return;
    const allocated = byServicePort.get(port.port);
    if (allocated === undefined) {
      // Any entry for the same service port may carry the number the user wants.
      const requested = ports.slice(i).map(nodePortOf).find((np, j) => np !== 0 && ports[i + j]!.port === port.port) ?? 0;
      const nodePort = requested !== 0 ? requested : nextNodePort(op, String(port.port));
      if (requested !== 0) claimNodePort(svc, op, i, requested);
      port.nodePort = nodePort;
      byServicePort.set(port.port, nodePort);
    } else if (nodePortOf(port) !== allocated) {
      if (nodePortOf(port) === 0) port.nodePort = allocated;
      else claimNodePort(svc, op, i, nodePortOf(port));
    }
  });
}

/** upstream updateNodePorts: numbers the Service already held stay its own; new ones are claimed. */
function updateNodePorts(svc: KubeObject, old: KubeObject, op: AllocationOperation): void {
  const spec = specOfService(svc)!;
  const oldNumbers = new Set(portsOf(specOfService(old)).map(nodePortOf).filter((np) => np !== 0));
  portsOf(spec).forEach((port, i) => {
    const nodePort = nodePortOf(port);
    if (nodePort === 0 && !shouldAllocateNodePorts(spec)) return;
    if (nodePort === 0) port.nodePort = nextNodePort(op, String(port.port));
    else if (!oldNumbers.has(nodePort)) claimNodePort(svc, op, i, nodePort);
  });
}

function allocateHealthCheckNodePort(svc: KubeObject, op: AllocationOperation): void {
  const spec = specOfService(svc)!;
  const requested = typeof spec.healthCheckNodePort === 'number' ? spec.healthCheckNodePort : 0;
  if (requested === 0) {
    spec.healthCheckNodePort = nextNodePort(op, 'healthCheck');
    return;
  }
  const refusal = op.claimPort(requested);
  if (refusal) throw errors.internal(`failed to allocate requested HealthCheck NodePort ${requested}: ${refusal}`);
}

/** upstream updateHealthCheckNodePort: allocated on becoming Local, dropped on leaving it, never changed. */
function updateHealthCheckNodePort(svc: KubeObject, old: KubeObject, op: AllocationOperation): void {
  const spec = specOfService(svc)!;
  const oldSpec = specOfService(old);
  const needed = needsHealthCheckNodePort(oldSpec);
  const needs = needsHealthCheckNodePort(spec);
  if (!needed && needs) allocateHealthCheckNodePort(svc, op);
  else if (needed && !needs) delete spec.healthCheckNodePort;
  else if (needed && needs && spec.healthCheckNodePort !== oldSpec?.healthCheckNodePort) {
    throw rejected(svc, [
      invalid('spec.healthCheckNodePort', spec.healthCheckNodePort ?? 0,
        'cannot change healthCheckNodePort on loadBalancer service with externalTraffic=Local during update'),
    ]);
  }
}

/**
 * Allocation on create (upstream beginCreate after normalizeClusterIPs). Throws the upstream 422 (or 500 when a
 * range is full). Returns the operation for confirmCreate.
 */
export function allocateCreate(svc: KubeObject, allocations: ServiceAllocations): AllocationOperation | undefined {
  if (!specOfService(svc)) return undefined;
  initIPFields(svc, undefined);
  const op = allocations.operation(svc);
  allocateClusterIPs(svc, op);
  if (needsNodePort(specOfService(svc))) initNodePorts(svc, op);
  if (needsHealthCheckNodePort(specOfService(svc))) allocateHealthCheckNodePort(svc, op);
  return op;
}

/**
 * Checks a create's claims again just before it commits: another create may have committed the same value while
 * this one waited on admission. A value chosen for the writer is chosen again; one the writer asked for is refused
 * as allocation refuses it.
 */
export function confirmCreate(svc: KubeObject, op: AllocationOperation): StatusCause[] {
  const spec = specOfService(svc);
  if (!spec) return [];
  for (const claim of op.claims.filter((c) => op.lost(c))) {
    if (claim.kind === 'ip') {
      const ip = claim.value as string;
      if (!claim.dynamic) {
        return [invalid('spec.clusterIPs', stringsOf(spec.clusterIPs), `failed to allocate IP ${ip}: ${allocationErrors.ipAllocated}`)];
      }
      const next = op.nextIP();
      if (next === undefined) throw errors.internal(`failed to allocate a serviceIP: ${allocationErrors.full}`);
      spec.clusterIPs = stringsOf(spec.clusterIPs).map((v) => (v === ip ? next : v));
      if (spec.clusterIP === ip) spec.clusterIP = next;
      continue;
    }
    const port = claim.value as number;
    const index = portsOf(spec).findIndex((p) => p.nodePort === port);
    if (!claim.dynamic) {
      return [invalid(index >= 0 ? `spec.ports[${index}].nodePort` : 'spec.healthCheckNodePort', port, allocationErrors.portAllocated)];
    }
    const next = nextNodePort(op, `retry:${port}`);
    for (const p of portsOf(spec)) if (p.nodePort === port) p.nodePort = next;
    if (spec.healthCheckNodePort === port) spec.healthCheckNodePort = next;
  }
  return [];
}

/** Allocation on update (upstream beginUpdate after patchAllocatedValues and normalizeClusterIPs). */
export function allocateUpdate(svc: KubeObject, old: KubeObject, allocations: ServiceAllocations): void {
  const spec = specOfService(svc);
  if (!spec) return;
  initIPFields(svc, old);
  const op = allocations.operation(svc);
  // ExternalName to a type with a virtual IP is the one update that allocates addresses; what an update lets go
  // of is released by the write itself, since the index follows the store.
  if (specOfService(old)?.type === 'ExternalName' && spec.type !== 'ExternalName') allocateClusterIPs(svc, op);
  if (needsNodePort(spec)) updateNodePorts(svc, old, op);
  updateHealthCheckNodePort(svc, old, op);
}
