// The service controller's load balancer part (`service-lb-controller`): LoadBalancer Services get an address.
import { deepEqual } from '../../meta/deep-equal.js';
import type { KubeObject } from '../../meta/types.js';
import { errorCode, messageOf } from '../shared/api-errors.js';
import type { Controller, ControllerContext, ReconcileResult, SharedInformer } from '../runtime/index.js';
import { splitKey } from '../runtime/index.js';
import { AddressPool } from './address-pool.js';

/** Holds a LoadBalancer Service until its load balancer is gone (servicehelper.LoadBalancerCleanupFinalizer). */
export const loadBalancerCleanupFinalizer = 'service.kubernetes.io/load-balancer-cleanup';
const fieldManager = 'cloud-controller-manager';

export interface ServiceLBOptions {
  /** Addresses load balancers get: `172.18.255.200-172.18.255.250`, `192.0.2.0/28` or single IPs. */
  addressPool?: string[];
}

interface LBSpec {
  type?: string;
  loadBalancerClass?: string | null;
  loadBalancerIP?: string;
  ports?: unknown[];
  externalIPs?: string[];
  externalTrafficPolicy?: string;
  healthCheckNodePort?: number;
  loadBalancerSourceRanges?: string[];
  sessionAffinity?: string;
  sessionAffinityConfig?: unknown;
  ipFamilies?: string[];
}

const specOf = (svc: KubeObject) => (svc.spec ?? {}) as LBSpec;

/** upstream wantsLoadBalancer: a LoadBalancer Service with no loadBalancerClass (a class means another implementation). */
function wantsLoadBalancer(svc: KubeObject): boolean {
  const spec = specOf(svc);
  return spec.type === 'LoadBalancer' && (spec.loadBalancerClass === undefined || spec.loadBalancerClass === null);
}

/** upstream needsCleanup: the cleanup finalizer is there and the load balancer is no longer wanted. */
function needsCleanup(svc: KubeObject): boolean {
  if (!(svc.metadata.finalizers ?? []).includes(loadBalancerCleanupFinalizer)) return false;
  return !!svc.metadata.deletionTimestamp || specOf(svc).type !== 'LoadBalancer';
}

function ingressIPs(svc: KubeObject): string[] {
  const status = (svc.status ?? {}) as { loadBalancer?: { ingress?: { ip?: string }[] } };
  return (status.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => !!ip);
}

export function serviceLBController(options: ServiceLBOptions = {}): Controller {
  const pool = new AddressPool(options.addressPool);
  let ctx: ControllerContext;
  let services: SharedInformer;
  /** The address each Service's load balancer has, by `namespace/name`. */
  const assigned = new Map<string, string>();

  /** upstream needsUpdate: the changes that matter to a load balancer, announced as upstream announces them. */
  function needsUpdate(old: KubeObject, svc: KubeObject): boolean {
    if (!wantsLoadBalancer(old) && !wantsLoadBalancer(svc)) return false;
    const [a, b] = [specOf(old), specOf(svc)];
    if (wantsLoadBalancer(old) !== wantsLoadBalancer(svc)) {
      ctx.recorder.event(svc, 'Normal', 'Type', `${a.type ?? ''} -> ${b.type ?? ''}`);
      return true;
    }
    const announce = (reason: string, message: string) => {
      ctx.recorder.event(svc, 'Normal', reason, message);
      return true;
    };
    if (!deepEqual(a.loadBalancerSourceRanges ?? [], b.loadBalancerSourceRanges ?? [])) {
      return announce('LoadBalancerSourceRanges', `[${(a.loadBalancerSourceRanges ?? []).join(' ')}] -> [${(b.loadBalancerSourceRanges ?? []).join(' ')}]`);
    }
    if (!deepEqual(a.ports, b.ports) || a.sessionAffinity !== b.sessionAffinity || !deepEqual(a.sessionAffinityConfig, b.sessionAffinityConfig)) return true;
    if ((a.loadBalancerIP ?? '') !== (b.loadBalancerIP ?? '')) return announce('LoadbalancerIP', `${a.loadBalancerIP ?? ''} -> ${b.loadBalancerIP ?? ''}`);
    if (!deepEqual(a.externalIPs ?? [], b.externalIPs ?? [])) return announce('ExternalIP', `Count: ${(a.externalIPs ?? []).length} -> ${(b.externalIPs ?? []).length}`);
    if (!deepEqual(old.metadata.annotations ?? {}, svc.metadata.annotations ?? {})) return true;
    if (old.metadata.uid !== svc.metadata.uid) return announce('UID', `${old.metadata.uid} -> ${svc.metadata.uid}`);
    if (a.externalTrafficPolicy !== b.externalTrafficPolicy) return announce('ExternalTrafficPolicy', `${a.externalTrafficPolicy ?? ''} -> ${b.externalTrafficPolicy ?? ''}`);
    if ((a.healthCheckNodePort ?? 0) !== (b.healthCheckNodePort ?? 0)) return announce('HealthCheckNodePort', `${a.healthCheckNodePort ?? 0} -> ${b.healthCheckNodePort ?? 0}`);
    if ((a.ipFamilies ?? []).length !== (b.ipFamilies ?? []).length) return announce('IPFamilies', `Count: ${(a.ipFamilies ?? []).length} -> ${(b.ipFamilies ?? []).length}`);
    return false;
  }

  /** The fake cloud's EnsureLoadBalancer: the address the Service has, the one it asks for, or the next free one. */
  function ensureAddress(key: string, svc: KubeObject): string {
    const used = new Set<string>();
    for (const other of services.list()) {
      const otherKey = `${other.metadata.namespace}/${other.metadata.name}`;
      if (otherKey !== key && wantsLoadBalancer(other)) for (const ip of ingressIPs(other)) used.add(ip);
    }
    for (const [otherKey, ip] of assigned) if (otherKey !== key) used.add(ip);
    const requested = specOf(svc).loadBalancerIP;
    const current = assigned.get(key) ?? ingressIPs(svc).find((ip) => pool.contains(ip) && !used.has(ip));
    if (requested) {
      if (!pool.contains(requested)) throw new Error(`requested load balancer IP ${requested} is not in the address pool ${pool.toString()}`);
      if (used.has(requested)) throw new Error(`requested load balancer IP ${requested} is already in use`);
      return requested;
    }
    if (current) return current;
    const next = pool.firstFree(used);
    if (!next) throw new Error(`no available IP in the load balancer address pool ${pool.toString()}`);
    return next;
  }

  /** upstream addFinalizer / removeFinalizer, as strategic merge patches that leave other finalizers be. */
  async function setFinalizer(svc: KubeObject, present: boolean): Promise<void> {
    if ((svc.metadata.finalizers ?? []).includes(loadBalancerCleanupFinalizer) === present) return;
    const patch = present
      ? { metadata: { finalizers: [loadBalancerCleanupFinalizer] } }
      : { metadata: { '$deleteFromPrimitiveList/finalizers': [loadBalancerCleanupFinalizer] } };
    await ctx.client.patch('v1', 'services', svc.metadata.namespace, svc.metadata.name!, 'strategic', patch, { fieldManager });
  }

  /** Writes status.loadBalancer when it differs, through the status subresource. */
  async function patchStatus(svc: KubeObject, ips: string[]): Promise<void> {
    if (deepEqual(ingressIPs(svc), ips)) return;
    const ingress = ips.length > 0 ? ips.map((ip) => ({ ip, ipMode: 'VIP' })) : null;
    try {
      await ctx.client.patch('v1', 'services', svc.metadata.namespace, svc.metadata.name!, 'merge', { status: { loadBalancer: { ingress } } }, {
        subresource: 'status',
        fieldManager,
      });
    } catch (err) {
      // Gone right after its finalizer went: there is no status left to write.
      if (errorCode(err) !== 404) throw err;
    }
  }

  /** upstream syncLoadBalancerIfNeeded against the address pool. */
  async function sync(key: string, svc: KubeObject): Promise<void> {
    if (!wantsLoadBalancer(svc) || needsCleanup(svc)) {
      if (assigned.has(key) || ingressIPs(svc).some((ip) => pool.contains(ip))) {
        ctx.recorder.event(svc, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
        assigned.delete(key);
      }
      await setFinalizer(svc, false);
      ctx.recorder.event(svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
      await patchStatus(svc, []);
      return;
    }
    ctx.recorder.event(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    // The finalizer first: the Service cannot go before its load balancer does.
    await setFinalizer(svc, true);
    let ip: string;
    try {
      ip = ensureAddress(key, svc);
    } catch (err) {
      throw new Error(`failed to ensure load balancer: ${messageOf(err)}`);
    }
    assigned.set(key, ip);
    ctx.recorder.event(svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
    await patchStatus(services.get(key) ?? svc, [ip]);
  }

  return {
    name: 'service-lb-controller',
    component: 'service-controller',
    start(context: ControllerContext): void {
      ctx = context;
      services = ctx.informers.informerFor('v1', 'services');
      services.addEventHandler({
        onAdd: (svc) => {
          if (wantsLoadBalancer(svc) || needsCleanup(svc)) ctx.enqueue(svc);
        },
        onUpdate: (old, svc) => {
          if (needsUpdate(old, svc) || needsCleanup(svc)) ctx.enqueue(svc);
        },
        // A deleted Service went through the update path (deletionTimestamp) first; this just forgets its address.
        onDelete: (svc) => ctx.enqueue(svc),
      });
    },
    async reconcile(key: string): Promise<ReconcileResult> {
      const svc = services.get(key);
      if (!svc) {
        assigned.delete(key);
        return;
      }
      const { namespace, name } = splitKey(key);
      if (!wantsLoadBalancer(svc) && !needsCleanup(svc)) {
        assigned.delete(key);
        return;
      }
      try {
        await sync(key, structuredClone(svc));
      } catch (err) {
        ctx.recorder.event(svc, 'Warning', 'SyncLoadBalancerFailed', `Error syncing load balancer: ${messageOf(err)}`);
        throw new Error(`error processing service ${namespace}/${name} (retrying with exponential backoff): ${messageOf(err)}`);
      }
    },
  };
}
