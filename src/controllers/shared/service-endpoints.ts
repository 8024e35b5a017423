// What the Endpoints and EndpointSlice controllers share (upstream k8s.io/endpointslice/util): which pods count, ports.
import { rfc3339 } from '../../clock/clock.js';
import { deepEqual } from '../../meta/deep-equal.js';
import { selectorFromSet } from '../../meta/label-selector.js';
import type { KubeObject } from '../../meta/types.js';
import type { ControllerContext, SharedInformer } from '../runtime/index.js';
import { errorCode } from './api-errors.js';
import { isPodReady, podCondition } from './pod-util.js';

export interface ServicePort {
  name?: string;
  port?: number;
  protocol?: string;
  targetPort?: number | string;
  appProtocol?: string;
}

interface ContainerPort {
  name?: string;
  containerPort?: number;
  protocol?: string;
}

interface Container {
  ports?: ContainerPort[];
  restartPolicy?: string;
}

export interface ServiceSpec {
  type?: string;
  selector?: Record<string, string> | null;
  ports?: ServicePort[];
  clusterIP?: string;
  ipFamilies?: string[];
  publishNotReadyAddresses?: boolean;
}

export function serviceSpec(svc: KubeObject): ServiceSpec {
  return (svc.spec ?? {}) as ServiceSpec;
}

interface PodSpec {
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
  containers?: Container[];
  initContainers?: Container[];
}

export function podSpec(pod: KubeObject): PodSpec {
  return (pod.spec ?? {}) as PodSpec;
}

/** The pod's IPs, status.podIPs first (status.podIP when only that is set). */
export function podIPs(pod: KubeObject): string[] {
  const status = (pod.status ?? {}) as { podIP?: string; podIPs?: { ip?: string }[] };
  const ips = (status.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => typeof ip === 'string' && ip !== '');
  if (ips.length === 0 && status.podIP) ips.push(status.podIP);
  return ips;
}

export function isIPv6(ip: string): boolean {
  return ip.includes(':');
}

/** upstream ShouldPodBeInEndpoints: not finished, has an IP, and not terminating unless those are wanted. */
export function shouldPodBeInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (podIPs(pod).length === 0) return false;
  return includeTerminating || !pod.metadata.deletionTimestamp;
}

/** upstream ShouldSetHostname: a pod with a hostname, in the Service its subdomain names (StatefulSet pods). */
export function shouldSetHostname(pod: KubeObject, svc: KubeObject): boolean {
  const spec = podSpec(pod);
  return !!spec.hostname && spec.subdomain === svc.metadata.name && svc.metadata.namespace === pod.metadata.namespace;
}

/**
 * Whether the Service has a selector. An empty one counts as none, as upstream, where `selector: {}` does not
 * survive storage (an empty map is omitted) and reads back as no selector.
 */
export function hasSelector(svc: KubeObject): boolean {
  const selector = serviceSpec(svc).selector;
  return selector !== undefined && selector !== null && Object.keys(selector).length > 0;
}

/** upstream isServiceIPSet: a Service with a virtual IP (not headless, not ExternalName). */
export function isServiceIPSet(svc: KubeObject): boolean {
  const clusterIP = serviceSpec(svc).clusterIP;
  return !!clusterIP && clusterIP !== 'None';
}

/**
 * upstream FindPort: a numeric targetPort is taken as is; a named one is looked up in the pod's containers (and
 * its sidecars, restartable init containers) by name and protocol. Undefined when the pod has no such port.
 */
export function findPort(pod: KubeObject, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort;
  if (typeof target === 'number') return target;
  if (typeof target !== 'string') return undefined;
  const protocol = servicePort.protocol ?? 'TCP';
  const spec = podSpec(pod);
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  for (const container of containers) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol ?? 'TCP') === protocol) return port.containerPort;
    }
  }
  return undefined;
}

/** Keys (`namespace/name`) of the Services whose selector matches these labels; a Service without one selects nothing. */
export function servicesSelecting(services: KubeObject[], namespace: string | undefined, labels: Record<string, string> | undefined): Set<string> {
  const keys = new Set<string>();
  for (const svc of services) {
    if (svc.metadata.namespace !== namespace) continue;
    if (!hasSelector(svc)) continue;
    if (selectorFromSet(serviceSpec(svc).selector).matches(labels ?? {})) keys.add(`${namespace}/${svc.metadata.name}`);
  }
  return keys;
}

/** The pods of the Service's namespace its selector picks (callers have checked it has one). */
export function podsSelectedBy(svc: KubeObject, pods: KubeObject[]): KubeObject[] {
  const selector = selectorFromSet(serviceSpec(svc).selector);
  return pods.filter((pod) => pod.metadata.namespace === svc.metadata.namespace && selector.matches(pod.metadata.labels ?? {}));
}

/**
 * The handlers both endpoint controllers register: a Service is synced when it changes, and when a pod it selects
 * (or selected) is added, changes in a way its endpoints show, or goes.
 */
export function queueServicesOnChanges(ctx: ControllerContext, services: SharedInformer, pods: SharedInformer): void {
  const queuePodServices = (pod: KubeObject) => {
    for (const key of servicesSelecting(services.list(), pod.metadata.namespace, pod.metadata.labels)) ctx.queue.add(key);
  };
  services.addEventHandler({ onAdd: ctx.enqueue, onUpdate: (_old, svc) => ctx.enqueue(svc), onDelete: ctx.enqueue });
  pods.addEventHandler({
    onAdd: queuePodServices,
    onUpdate: (old, pod) => {
      for (const key of servicesToUpdateOnPodChange(services.list(), old, pod)) ctx.queue.add(key);
    },
    onDelete: queuePodServices,
  });
}

/** Deletes an object that may already be gone. */
export async function deleteIfPresent(ctx: ControllerContext, apiVersion: string, resource: string, namespace: string | undefined, name: string): Promise<void> {
  try {
    await ctx.client.delete(apiVersion, resource, namespace, name);
  } catch (err) {
    if (errorCode(err) !== 404) throw err;
  }
}

/** upstream podEndpointsChanged: [may change its endpoints, may change which Services select it]. */
function podEndpointsChanged(oldPod: KubeObject, newPod: KubeObject): [boolean, boolean] {
  const oldSpec = podSpec(oldPod);
  const newSpec = podSpec(newPod);
  const labelsChanged =
    !deepEqual(oldPod.metadata.labels ?? {}, newPod.metadata.labels ?? {}) ||
    oldSpec.hostname !== newSpec.hostname ||
    oldSpec.subdomain !== newSpec.subdomain;
  const podChanged =
    oldPod.metadata.deletionTimestamp !== newPod.metadata.deletionTimestamp ||
    isPodReady(oldPod) !== isPodReady(newPod) ||
    !deepEqual(podIPs(oldPod), podIPs(newPod));
  return [podChanged, labelsChanged];
}

/** upstream GetServicesToUpdate for a pod update: the Services whose endpoints the change may touch. */
export function servicesToUpdateOnPodChange(services: KubeObject[], oldPod: KubeObject, newPod: KubeObject): Set<string> {
  if (oldPod.metadata.resourceVersion === newPod.metadata.resourceVersion) return new Set();
  const [podChanged, labelsChanged] = podEndpointsChanged(oldPod, newPod);
  if (!podChanged && !labelsChanged) return new Set();
  const namespace = newPod.metadata.namespace;
  const current = servicesSelecting(services, namespace, newPod.metadata.labels);
  if (!labelsChanged) return current;
  const previous = servicesSelecting(services, namespace, oldPod.metadata.labels);
  if (podChanged) return new Set([...current, ...previous]);
  // Only the labels moved: the Services that gained or lost the pod.
  return new Set([...current, ...previous].filter((key) => current.has(key) !== previous.has(key)));
}

/**
 * upstream TriggerTimeTracker: the time of the earliest change (a pod's Ready transition, the Service's creation)
 * not yet reflected, for the `endpoints.kubernetes.io/last-change-trigger-time` annotation.
 */
export class TriggerTimeTracker {
  private readonly states = new Map<string, { service: number; pods: Map<string, number> }>();

  /** The annotation's value for this sync, or undefined when no trigger time is known (the annotation goes). */
  compute(svc: KubeObject, pods: KubeObject[]): string | undefined {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    const state = this.states.get(key);
    let earliest: number | undefined;
    const podTimes = new Map<string, number>();
    for (const pod of pods) {
      const since = podCondition(pod, 'Ready')?.lastTransitionTime;
      const time = since ? Date.parse(since) : NaN;
      if (Number.isNaN(time)) continue;
      podTimes.set(pod.metadata.name ?? '', time);
      if (time > (state?.pods.get(pod.metadata.name ?? '') ?? -Infinity)) earliest = Math.min(earliest ?? time, time);
    }
    const created = Date.parse(svc.metadata.creationTimestamp ?? '');
    const serviceTime = Number.isNaN(created) ? 0 : created;
    if (serviceTime > (state?.service ?? -Infinity)) earliest = Math.min(earliest ?? serviceTime, serviceTime);
    this.states.set(key, { service: serviceTime, pods: podTimes });
    if (!state) return Number.isNaN(created) ? undefined : rfc3339(created);
    return earliest === undefined ? undefined : rfc3339(earliest);
  }

  deleteService(key: string): void {
    this.states.delete(key);
  }
}

/** The annotation both controllers stamp with the trigger time. */
export const lastChangeTriggerTimeAnnotation = 'endpoints.kubernetes.io/last-change-trigger-time';

/** The label a Service without a virtual IP gives its Endpoints and EndpointSlices. */
export const headlessLabel = 'service.kubernetes.io/headless';
