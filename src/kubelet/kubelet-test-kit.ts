// Test support for the fake kubelet: a virtual-clock cluster running it, nodes, bound pods, and readable events.
import { startControllerTestbed, type ControllerTestbed } from '../../test/controller-testbed.js';
import type { KubeObject } from '../meta/types.js';
import { kubeletController, type KubeletOptions } from './kubelet.js';
import type { PodStatus } from './pod-types.js';

export const t0 = Date.UTC(2026, 0, 1);

/** RFC 3339 of `ms` after the testbed's start. */
export function at(ms: number): string {
  return new Date(t0 + Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export interface NodeOptions {
  podCIDR?: string;
  podCIDRs?: string[];
  internalIP?: string;
  annotations?: Record<string, string>;
}

export async function createNode(tb: ControllerTestbed, name: string, options: NodeOptions = {}): Promise<KubeObject> {
  const spec: Record<string, unknown> = {};
  if (options.podCIDR) spec.podCIDR = options.podCIDR;
  if (options.podCIDRs) spec.podCIDRs = options.podCIDRs;
  const node = await tb.client.create('v1', 'nodes', undefined, {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, annotations: options.annotations },
    spec,
  });
  if (!options.internalIP) return node;
  node.status = { addresses: [{ type: 'InternalIP', address: options.internalIP }, { type: 'Hostname', address: name }] };
  return tb.client.update('v1', 'nodes', undefined, node, { subresource: 'status' });
}

/** A cluster with the kubelet and one node, `node-1` (10.244.1.0/24, 172.18.0.2). */
export async function startKubeletTestbed(options: KubeletOptions = {}): Promise<ControllerTestbed> {
  const tb = await startControllerTestbed([kubeletController(options)]);
  await createNode(tb, 'node-1', { podCIDR: '10.244.1.0/24', internalIP: '172.18.0.2' });
  await tb.settle();
  return tb;
}

export interface PodOptions {
  node?: string;
  annotations?: Record<string, string>;
  restartPolicy?: string;
  initContainers?: Record<string, unknown>[];
  terminationGracePeriodSeconds?: number;
  extraSpec?: Record<string, unknown>;
}

/** Creates a pod already bound to a node, as if the scheduler had placed it. */
export async function createPod(tb: ControllerTestbed, name: string, containers: Record<string, unknown>[], options: PodOptions = {}): Promise<KubeObject> {
  const spec: Record<string, unknown> = { nodeName: options.node ?? 'node-1', containers, ...options.extraSpec };
  if (options.restartPolicy) spec.restartPolicy = options.restartPolicy;
  if (options.initContainers) spec.initContainers = options.initContainers;
  if (options.terminationGracePeriodSeconds !== undefined) spec.terminationGracePeriodSeconds = options.terminationGracePeriodSeconds;
  return tb.client.create('v1', 'pods', 'default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, annotations: options.annotations },
    spec,
  });
}

export async function podStatusOf(tb: ControllerTestbed, name: string): Promise<PodStatus> {
  const pod = await tb.client.get('v1', 'pods', 'default', name);
  return pod.status as PodStatus;
}

export interface EventSummary {
  type: string;
  reason: string;
  message: string;
  fieldPath?: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
}

/** The Events about a pod in the order they were first recorded. */
export async function podEvents(tb: ControllerTestbed, pod: string): Promise<EventSummary[]> {
  const list = await tb.client.list('v1', 'events', 'default');
  return list.items
    .filter((e) => (e.involvedObject as { name?: string }).name === pod)
    .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))
    .map((e) => {
      const summary: EventSummary = {
        type: e.type as string,
        reason: e.reason as string,
        message: e.message as string,
        count: e.count as number,
        firstTimestamp: e.firstTimestamp as string,
        lastTimestamp: e.lastTimestamp as string,
      };
      const fieldPath = (e.involvedObject as { fieldPath?: string }).fieldPath;
      if (fieldPath) summary.fieldPath = fieldPath;
      return summary;
    });
}

/** A kubelet-owned pod condition as the status carries it. */
export function condition(type: string, status: string, sinceMs: number, extra: { reason?: string; message?: string } = {}): Record<string, unknown> {
  const c: Record<string, unknown> = { type, observedGeneration: 1, status, lastProbeTime: null, lastTransitionTime: at(sinceMs) };
  if (extra.reason) c.reason = extra.reason;
  if (extra.message) c.message = extra.message;
  return c;
}

export interface PodHistory {
  /** Every version of the pod seen, as `[watch event type, object]`, with the clock time it arrived at. */
  seen: { type: string; at: number; pod: KubeObject }[];
  stop(): void;
}

/** Records each change to one pod from now on, so a test can read the status the kubelet wrote just before the delete. */
export async function watchPod(tb: ControllerTestbed, name: string): Promise<PodHistory> {
  const seen: PodHistory['seen'] = [];
  const current = await tb.client.get('v1', 'pods', 'default', name);
  const query = { fieldSelector: `metadata.name=${name}`, resourceVersion: current.metadata.resourceVersion };
  const handle = await tb.client.watch('v1', 'pods', 'default', query, (e) => {
    seen.push({ type: e.type, at: tb.clock.now() - t0, pod: e.object });
  });
  return { seen, stop: () => handle.stop() };
}
