// Test helpers for the StatefulSet and DaemonSet tests: a testbed per test, kubelet-like pod updates, pods and events.
import { afterEach, beforeEach, expect } from '@jest/globals';
import { rfc3339 } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import type { Controller } from '../runtime/controller.js';

/**
 * A fresh testbed running `controllers` for each test, checked to have logged no controller errors at the end. The
 * returned object stands for the current test's testbed.
 */
export function useTestbed(controllers: () => Controller[]): ControllerTestbed {
  let current: ControllerTestbed | undefined;
  beforeEach(async () => {
    current = await startControllerTestbed(controllers());
  });
  afterEach(async () => {
    expect(current!.errors).toEqual([]);
    await current!.close();
  });
  return new Proxy({} as ControllerTestbed, { get: (_target, property) => current![property as keyof ControllerTestbed] });
}

/** Marks a pod Running and Ready from now on, as a kubelet reports it. */
export async function markReady(tb: ControllerTestbed, pod: KubeObject): Promise<void> {
  const status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: rfc3339(tb.clock.now()) }] };
  await tb.client.update('v1', 'pods', pod.metadata.namespace, { ...pod, status }, { subresource: 'status' });
}

export async function setPhase(tb: ControllerTestbed, pod: KubeObject, phase: string): Promise<void> {
  await tb.client.update('v1', 'pods', pod.metadata.namespace, { ...pod, status: { phase } }, { subresource: 'status' });
}

export async function listPods(tb: ControllerTestbed, namespace = 'default'): Promise<KubeObject[]> {
  const pods = (await tb.client.list('v1', 'pods', namespace)).items;
  return pods.sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
}

export function isReady(pod: KubeObject): boolean {
  const conditions = (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Marks every pod not yet Ready (and not terminating) Ready, then lets the controllers react. */
export async function readyAll(tb: ControllerTestbed, namespace = 'default'): Promise<void> {
  for (const pod of await listPods(tb, namespace)) if (!isReady(pod) && !pod.metadata.deletionTimestamp) await markReady(tb, pod);
  await tb.settle();
}

/** Removes a pod's finalizers, so a pending delete completes. */
export async function releasePod(tb: ControllerTestbed, name: string, namespace = 'default'): Promise<void> {
  await tb.client.patch('v1', 'pods', namespace, name, 'merge', { metadata: { finalizers: null } });
}

export interface RecordedEvent {
  type: string;
  reason: string;
  message: string;
  involved: string;
  component: string;
}

export async function listEvents(tb: ControllerTestbed, namespace = 'default'): Promise<RecordedEvent[]> {
  type Event = KubeObject & { type: string; reason: string; message: string; involvedObject: { kind: string; name: string }; source?: { component?: string } };
  const events = (await tb.client.list('v1', 'events', namespace)).items as Event[];
  return events
    .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
    .map((e) => ({ type: e.type, reason: e.reason, message: e.message, involved: `${e.involvedObject.kind}/${e.involvedObject.name}`, component: e.source?.component ?? '' }));
}
