// Test support for the node controllers: a cluster of registered default nodes, running pods bound to them, lookups.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import { nodeHeartbeat } from '../../kubelet/node-heartbeat.js';
import { defaultNodes, simulateAnnotation, type DefaultNodesOptions } from '../../kubelet/node-template.js';
import type { KubeObject } from '../../meta/types.js';
import type { Controller } from '../runtime/index.js';
import type { NodeCondition } from './node-health.js';
import type { Taint } from './node-taints.js';
import type { Toleration } from './tolerations.js';

export const t0 = Date.UTC(2026, 0, 1);
export const at = (seconds: number): string => new Date(t0 + seconds * 1000).toISOString().replace('.000Z', 'Z');

/** A testbed with the kubelet's node side and `controllers`, and `count` default nodes registered at t0. */
export async function nodeCluster(count: number, controllers: Controller[], options: DefaultNodesOptions = {}): Promise<ControllerTestbed> {
  const tb = await startControllerTestbed([nodeHeartbeat(), ...controllers]);
  for (const node of defaultNodes(count, { ...options, now: tb.clock.now() })) await tb.client.create('v1', 'nodes', undefined, node);
  await tb.settle();
  return tb;
}

/** A pod bound to `nodeName`, Running and Ready as a kubelet would have reported it. */
export async function runningPod(tb: ControllerTestbed, name: string, nodeName: string, tolerations?: Toleration[]): Promise<KubeObject> {
  const created = await tb.client.create('v1', 'pods', 'default', {
    metadata: { name },
    spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }], ...(tolerations ? { tolerations } : {}) },
  });
  const now = new Date(tb.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const status = {
    ...(created.status as object),
    phase: 'Running',
    conditions: [
      { type: 'Initialized', status: 'True', lastTransitionTime: now },
      { type: 'Ready', status: 'True', lastTransitionTime: now },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
    ],
  };
  return tb.client.update('v1', 'pods', 'default', { ...created, status }, { subresource: 'status' });
}

export async function getPod(tb: ControllerTestbed, name: string): Promise<KubeObject | undefined> {
  try {
    return await tb.client.get('v1', 'pods', 'default', name);
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

export function podCondition(pod: KubeObject | undefined, type: string): Record<string, unknown> | undefined {
  return ((pod?.status as { conditions?: { type: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
}

export async function nodeConditions(tb: ControllerTestbed, name: string): Promise<Record<string, NodeCondition>> {
  const node = await tb.client.get('v1', 'nodes', undefined, name);
  return Object.fromEntries(((node.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? []).map((c) => [c.type, c]));
}

export async function nodeTaints(tb: ControllerTestbed, name: string): Promise<Taint[]> {
  const node = await tb.client.get('v1', 'nodes', undefined, name);
  return (node.spec as { taints?: Taint[] }).taints ?? [];
}

/** Taints as `key:effect`, the way `kubectl describe node` lists them (without values). */
export async function taintSummary(tb: ControllerTestbed, name: string): Promise<string[]> {
  return (await nodeTaints(tb, name)).map((t) => `${t.key}:${t.effect}`);
}

export async function stopKubelet(tb: ControllerTestbed, name: string): Promise<void> {
  await tb.client.patch('v1', 'nodes', undefined, name, 'merge', { metadata: { annotations: { [simulateAnnotation]: 'false' } } });
}

export async function startKubelet(tb: ControllerTestbed, name: string): Promise<void> {
  await tb.client.patch('v1', 'nodes', undefined, name, 'merge', { metadata: { annotations: { [simulateAnnotation]: null } } });
}

/** Events as `component reason: message` for one involved object, oldest first. */
export async function eventsAbout(tb: ControllerTestbed, kind: string, name: string, namespace = 'default'): Promise<string[]> {
  const events = (await tb.client.list('v1', 'events', namespace)).items.filter((e) => {
    const ref = e.involvedObject as { kind: string; name: string };
    return ref.kind === kind && ref.name === name;
  });
  return events.map((e) => `${(e.source as { component: string }).component} ${e.reason}: ${e.message}`);
}
