// Which ClusterIPs and NodePorts the stored Services hold: an index the store's own events keep exact.
import { isPlainObject, type KubeObject } from '../../meta/types.js';
import type { Store, StoreEvent, WatchHandle } from '../../store/types.js';
import { NodePortRange, parseIPv4, seedOf, ServiceIPRange } from './service-ranges.js';

/** kube-apiserver's default --service-cluster-ip-range. */
export const defaultServiceCIDR = '10.96.0.0/12';

interface Held {
  ips: string[];
  ports: number[];
}

/** `namespace/name`: how the index names a Service. */
export function serviceKey(svc: Pick<KubeObject, 'metadata'>): string {
  return `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
}

/** The ClusterIPs and NodePorts (health check port included) a stored Service holds. */
function heldBy(svc: KubeObject): Held {
  const spec = isPlainObject(svc.spec) ? svc.spec : {};
  const ips =
    spec.type === 'ExternalName' || !Array.isArray(spec.clusterIPs)
      ? []
      : spec.clusterIPs.filter((ip): ip is string => typeof ip === 'string' && ip !== '' && ip !== 'None');
  const ports: number[] = [];
  for (const port of Array.isArray(spec.ports) ? spec.ports : []) {
    if (isPlainObject(port) && typeof port.nodePort === 'number' && port.nodePort > 0) ports.push(port.nodePort);
  }
  if (typeof spec.healthCheckNodePort === 'number' && spec.healthCheckNodePort > 0) ports.push(spec.healthCheckNodePort);
  return { ips, ports };
}

/**
 * Upstream keeps allocations in storage of their own (IPAddress objects, port bitmaps) and repairs them from the
 * Services. Here the allocations are derived from the stored Services themselves: the index follows the store's
 * events, so a delete (by any path, finalizers included), a failed or dry-run write, or a store rebuilt from a
 * snapshot can never leave it out of step. An update commits in the same turn as its strategy runs; a create may
 * wait on admission in between, so its claims are confirmed again at validation, right before it commits.
 */
export class ServiceAllocations {
  private readonly ipHolders = new Map<string, string>();
  private readonly portHolders = new Map<number, string>();
  private readonly held = new Map<string, Held>();
  private watch: WatchHandle | undefined;

  constructor(
    readonly ipRange = new ServiceIPRange(defaultServiceCIDR),
    readonly nodePortRange = new NodePortRange(),
  ) {}

  /**
   * Indexes the Services stored under `prefix` and follows every later change. Called again (a restored store),
   * it starts over from what that store holds.
   */
  attach(store: Store, prefix: string): void {
    this.watch?.stop();
    this.ipHolders.clear();
    this.portHolders.clear();
    this.held.clear();
    const listener = (event: StoreEvent) => this.record(event);
    if (store.oldestRevision() === 0) {
      // The whole history is there: replaying it rebuilds the index before anything else can write.
      this.watch = store.watch(prefix, 0, listener);
      return;
    }
    void store.list(prefix).then((listed) => {
      for (const record of listed.records) this.hold(record.object as KubeObject);
      this.watch = store.watch(prefix, listed.revision, listener);
    });
  }

  detach(): void {
    this.watch?.stop();
    this.watch = undefined;
  }

  /** The Service (`namespace/name`) holding a ClusterIP, if any. */
  ipHolder(ip: string): string | undefined {
    return this.ipHolders.get(ip);
  }

  /** The Service (`namespace/name`) holding a NodePort, if any. */
  portHolder(port: number): string | undefined {
    return this.portHolders.get(port);
  }

  /** Starts one request's allocation: values it claims are taken for the rest of that request. */
  operation(svc: KubeObject): AllocationOperation {
    return new AllocationOperation(this, serviceKey(svc));
  }

  private record(event: StoreEvent): void {
    const svc = event.record.object as KubeObject;
    this.release(serviceKey(svc));
    if (event.type !== 'DELETED') this.hold(svc);
  }

  private hold(svc: KubeObject): void {
    const key = serviceKey(svc);
    const held = heldBy(svc);
    this.held.set(key, held);
    for (const ip of held.ips) this.ipHolders.set(ip, key);
    for (const port of held.ports) this.portHolders.set(port, key);
  }

  private release(key: string): void {
    const held = this.held.get(key);
    if (!held) return;
    this.held.delete(key);
    for (const ip of held.ips) if (this.ipHolders.get(ip) === key) this.ipHolders.delete(ip);
    for (const port of held.ports) if (this.portHolders.get(port) === key) this.portHolders.delete(port);
  }
}

/** upstream ipallocator and portallocator errors, as their Error() strings read. */
export const allocationErrors = {
  ipAllocated: 'provided IP is already allocated',
  ipOtherNetwork: 'the provided network does not match the current range',
  ipNotInRange: (ip: string) => `provided IP ${ip} is not in the valid range`,
  portAllocated: 'provided port is already allocated',
  portNotInRange: (range: NodePortRange) => `provided port is not in the valid range. The range of valid ports is ${range.toString()}`,
  full: 'range is full',
};

/** A value one request took: a ClusterIP or a NodePort, asked for by the writer or chosen for it. */
export interface Claim {
  kind: 'ip' | 'port';
  value: string | number;
  dynamic: boolean;
}

/** One create or update's claims on the index (upstream's allocator transaction, minus the rollback). */
export class AllocationOperation {
  private readonly claimedIPs = new Set<string>();
  private readonly claimedPorts = new Set<number>();
  readonly claims: Claim[] = [];

  constructor(
    private readonly allocations: ServiceAllocations,
    private readonly service: string,
  ) {}

  /** Claims a requested ClusterIP; returns why it cannot be had, or undefined. */
  claimIP(ip: string): string | undefined {
    const value = parseIPv4(ip);
    const range = this.allocations.ipRange;
    if (value === undefined || !range.inPrefix(value)) return allocationErrors.ipOtherNetwork;
    if (!range.allocatable(value)) return allocationErrors.ipNotInRange(ip);
    if (this.claimedIPs.has(ip) || this.allocations.ipHolder(ip) !== undefined) return allocationErrors.ipAllocated;
    this.claimedIPs.add(ip);
    this.claims.push({ kind: 'ip', value: ip, dynamic: false });
    return undefined;
  }

  /** A free ClusterIP, searched from a point derived from the Service's name; undefined when the range is full. */
  nextIP(): string | undefined {
    for (const ip of this.allocations.ipRange.candidates(seedOf(this.service))) {
      if (this.claimedIPs.has(ip) || this.allocations.ipHolder(ip) !== undefined) continue;
      this.claimedIPs.add(ip);
      this.claims.push({ kind: 'ip', value: ip, dynamic: true });
      return ip;
    }
    return undefined;
  }

  /** Whether a claim was committed by another Service since it was made (a create racing this one). */
  lost(claim: Claim): boolean {
    return claim.kind === 'ip' ? this.allocations.ipHolder(claim.value as string) !== undefined : this.allocations.portHolder(claim.value as number) !== undefined;
  }

  /** Claims a requested NodePort; returns why it cannot be had, or undefined. */
  claimPort(port: number): string | undefined {
    const range = this.allocations.nodePortRange;
    if (!range.contains(port)) return allocationErrors.portNotInRange(range);
    if (this.claimedPorts.has(port) || this.allocations.portHolder(port) !== undefined) return allocationErrors.portAllocated;
    this.claimedPorts.add(port);
    this.claims.push({ kind: 'port', value: port, dynamic: false });
    return undefined;
  }

  /** A free NodePort for the Service port `which` (its number, or `healthCheck`); undefined when the range is full. */
  nextPort(which: number | string): number | undefined {
    for (const port of this.allocations.nodePortRange.candidates(seedOf(`${this.service}:${which}`))) {
      if (this.claimedPorts.has(port) || this.allocations.portHolder(port) !== undefined) continue;
      this.claimedPorts.add(port);
      this.claims.push({ kind: 'port', value: port, dynamic: true });
      return port;
    }
    return undefined;
  }
}
