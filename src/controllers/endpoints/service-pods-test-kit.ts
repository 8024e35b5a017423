// Pods and Services for the Service controllers' tests: pods are placed and made Ready by hand, as a kubelet would.
import { rfc3339 } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import type { ControllerTestbed } from '../../../test/controller-testbed.js';

export interface PodOptions {
  labels?: Record<string, string>;
  ip?: string;
  ready?: boolean;
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
  /** Container ports, `name:containerPort[/protocol]`. */
  ports?: string[];
  phase?: string;
}

function containerPorts(specs: string[] = []): Record<string, unknown>[] {
  return specs.map((spec) => {
    const [name, rest = ''] = spec.split(':');
    const [port, protocol = 'TCP'] = rest.split('/');
    return { name, containerPort: Number(port), protocol };
  });
}

/** Creates a pod already bound to a node and, when it has an IP, gives it a Running status (Ready or not). */
export async function createPod(tb: ControllerTestbed, namespace: string, name: string, options: PodOptions = {}): Promise<KubeObject> {
  const spec: Record<string, unknown> = {
    nodeName: options.nodeName ?? 'node-a',
    containers: [{ name: 'app', image: 'nginx:1.27', ports: containerPorts(options.ports) }],
  };
  if (options.hostname) spec.hostname = options.hostname;
  if (options.subdomain) spec.subdomain = options.subdomain;
  const pod = await tb.client.create('v1', 'pods', namespace, { metadata: { name, labels: options.labels ?? { app: 'web' } }, spec });
  if (options.ip === undefined) return pod;
  return setPodStatus(tb, pod, { ip: options.ip, ready: options.ready ?? true, phase: options.phase });
}

/** Writes the pod's status as a kubelet would: phase, IPs, and a Ready condition moved only when it changes. */
export async function setPodStatus(
  tb: ControllerTestbed,
  pod: KubeObject,
  status: { ip?: string; ready?: boolean; phase?: string },
): Promise<KubeObject> {
  const current = await tb.client.get('v1', 'pods', pod.metadata.namespace, pod.metadata.name!);
  const previous = (current.status ?? {}) as { podIP?: string; conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
  const ip = status.ip ?? previous.podIP;
  const wasReady = previous.conditions?.find((c) => c.type === 'Ready');
  const ready = status.ready ? 'True' : 'False';
  const readyCondition = { type: 'Ready', status: ready, lastTransitionTime: wasReady?.status === ready ? wasReady.lastTransitionTime : rfc3339(tb.clock.now()) };
  const next = {
    ...current,
    status: {
      phase: status.phase ?? 'Running',
      ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
      conditions: [readyCondition],
    },
  };
  return tb.client.update('v1', 'pods', pod.metadata.namespace, next, { subresource: 'status' });
}

export async function setReady(tb: ControllerTestbed, namespace: string, name: string, ready: boolean): Promise<KubeObject> {
  return setPodStatus(tb, await tb.client.get('v1', 'pods', namespace, name), { ready });
}

export function service(name: string, spec: Record<string, unknown> = {}, labels?: Record<string, string>): KubeObject {
  return { metadata: { name, ...(labels ? { labels } : {}) }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...spec } };
}

export async function createNamespace(tb: ControllerTestbed, name: string): Promise<string> {
  await tb.client.create('v1', 'namespaces', undefined, { metadata: { name } });
  return name;
}
