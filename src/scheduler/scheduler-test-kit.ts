// Builders for scheduler tests: Nodes and Pods as a cluster would store them, NodeInfos and cycles to run plugins on.
import type { ControllerTestbed } from '../../test/controller-testbed.js';
import type { KubeObject } from '../meta/types.js';
import { emptyListers, newCycle, NodeInfo, PodInfo, type ClusterListers, type CycleContext, type NodeScore, type Plugin, type Status } from './framework.js';

export const START = Date.UTC(2026, 0, 1);

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  zone?: string;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  unschedulable?: boolean;
  extra?: Record<string, string>;
}

export function makeNode(name: string, o: NodeOptions = {}): KubeObject {
  const resources = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110', ...(o.extra ?? {}) };
  const labels: Record<string, string> = { 'kubernetes.io/hostname': name, ...(o.zone ? { 'topology.kubernetes.io/zone': o.zone } : {}), ...(o.labels ?? {}) };
  const spec: Record<string, unknown> = {};
  if (o.taints) spec.taints = o.taints;
  if (o.unschedulable) spec.unschedulable = true;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-node-${name}`, labels },
    spec,
    status: { capacity: resources, allocatable: resources },
  };
}

export interface PodOptions {
  namespace?: string;
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  priority?: number;
  spec?: Record<string, unknown>;
  hostPort?: number;
  ownerReferences?: KubeObject['metadata']['ownerReferences'];
}

export function makePod(name: string, o: PodOptions = {}): KubeObject {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  const container: Record<string, unknown> = { name: 'app', image: 'registry.k8s.io/pause:3.10' };
  if (Object.keys(requests).length > 0) container.resources = { requests };
  if (o.hostPort) container.ports = [{ containerPort: o.hostPort, hostPort: o.hostPort, protocol: 'TCP' }];
  const spec: Record<string, unknown> = { containers: [container], ...(o.spec ?? {}) };
  if (o.nodeName) spec.nodeName = o.nodeName;
  if (o.priority !== undefined) spec.priority = o.priority;
  const metadata: KubeObject['metadata'] = { name, namespace: o.namespace ?? 'default', uid: `uid-pod-${name}`, labels: o.labels ?? {} };
  if (o.ownerReferences) metadata.ownerReferences = o.ownerReferences;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec, status: { phase: 'Pending' } };
}

/** A NodeInfo holding the given pods, each bound to the node. */
export function nodeInfo(node: KubeObject, pods: KubeObject[] = []): NodeInfo {
  const info = new NodeInfo(node);
  for (const p of pods) info.addPod(new PodInfo({ ...p, spec: { ...(p.spec as object), nodeName: node.metadata.name } }));
  return info;
}

export function cycleOf(nodes: NodeInfo[], listers: Partial<ClusterListers> = {}): CycleContext {
  return newCycle(nodes, { ...emptyListers, ...listers }, START);
}

/** Runs a plugin's PreFilter then Filter on every node, as the framework would for one pod. */
export function filterAll(plugin: Plugin, pod: KubeObject, nodes: NodeInfo[], listers: Partial<ClusterListers> = {}): Record<string, Status | 'skip'> {
  const cycle = cycleOf(nodes, listers);
  const pre = plugin.preFilter?.(cycle, pod);
  const out: Record<string, Status | 'skip'> = {};
  for (const n of nodes) {
    if (pre && pre.status.code === 'Skip') out[n.name] = 'skip';
    else if (pre && pre.status.code !== 'Success') out[n.name] = pre.status;
    else if (pre?.nodeNames && !pre.nodeNames.has(n.name)) out[n.name] = { code: 'UnschedulableAndUnresolvable', reasons: ['(prefilter)'] };
    else out[n.name] = plugin.filter!(cycle, pod, n);
  }
  return out;
}

/** Runs a plugin's PreScore, Score and NormalizeScore over the nodes; undefined when PreScore skips. */
export function scoreAll(plugin: Plugin, pod: KubeObject, nodes: NodeInfo[], listers: Partial<ClusterListers> = {}, all?: NodeInfo[]): Record<string, number> | undefined {
  const cycle = cycleOf(all ?? nodes, listers);
  const pre = plugin.preScore?.(cycle, pod, nodes);
  if (pre && pre.code === 'Skip') return undefined;
  const scores: NodeScore[] = nodes.map((n) => ({ name: n.name, score: plugin.score!(cycle, pod, n) }));
  plugin.normalizeScore?.(cycle, pod, scores);
  return Object.fromEntries(scores.map((s) => [s.name, s.score]));
}

/** Shorthand for expectations: 'ok', 'skip', or "<code>: <reasons>". */
export function brief(result: Status | 'skip'): string {
  if (result === 'skip') return 'skip';
  return result.code === 'Success' ? 'ok' : `${result.code}: ${result.reasons.join(' | ')}`;
}

/** Creates the Nodes, then writes their status through the status subresource, as a kubelet registering does. */
export async function createNodes(tb: ControllerTestbed, nodes: KubeObject[]): Promise<void> {
  for (const n of nodes) {
    const { uid: _uid, ...metadata } = n.metadata;
    const created = await tb.client.create('v1', 'nodes', undefined, { ...n, metadata });
    await tb.client.update('v1', 'nodes', undefined, { ...created, status: n.status }, { subresource: 'status' });
  }
}

export async function createPod(tb: ControllerTestbed, pod: KubeObject): Promise<KubeObject> {
  const { uid: _uid, ...metadata } = pod.metadata;
  return tb.client.create('v1', 'pods', metadata.namespace, { ...pod, metadata });
}

export async function podOn(tb: ControllerTestbed, name: string, namespace = 'default'): Promise<string | undefined> {
  const pod = await tb.client.get('v1', 'pods', namespace, name);
  return (pod.spec as { nodeName?: string }).nodeName;
}

export interface RecordedEvent {
  reason: string;
  message: string;
  type: string;
  component: string;
  count: number;
}

export async function eventsFor(tb: ControllerTestbed, name: string, namespace = 'default'): Promise<RecordedEvent[]> {
  const list = await tb.client.list('v1', 'events', namespace);
  return list.items
    .filter((e) => (e.involvedObject as { name?: string }).name === name)
    .map((e) => ({
      reason: e.reason as string,
      message: e.message as string,
      type: e.type as string,
      component: (e.source as { component?: string }).component ?? '',
      count: e.count as number,
    }));
}
