// Fixtures for the disruption controller and eviction tests: budgets, owned pods with the status a kubelet would report.
import type { InProcessClient } from '../../client/client.js';
import { rfc3339 } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';

export const ns = 'default';
const containers = [{ name: 'app', image: 'nginx:1.27' }];

export function budget(name: string, spec: Record<string, unknown>, labels: Record<string, string> = { app: 'web' }): KubeObject {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: ns }, spec: { selector: { matchLabels: labels }, ...spec } };
}

/** A workload object of the given kind whose pods carry `labels`; nothing runs it (its controller is not started). */
export function workload(apiVersion: string, kind: string, name: string, replicas: number, labels: Record<string, string> = { app: 'web' }): KubeObject {
  const template = { metadata: { labels }, spec: { containers } };
  const selector = kind === 'ReplicationController' ? labels : { matchLabels: labels };
  const spec: Record<string, unknown> = { replicas, selector, template };
  if (kind === 'StatefulSet') spec.serviceName = name;
  return { apiVersion, kind, metadata: { name, namespace: ns }, spec };
}

const plural: Record<string, string> = {
  ReplicaSet: 'replicasets',
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  ReplicationController: 'replicationcontrollers',
  DaemonSet: 'daemonsets',
  Job: 'jobs',
};

export async function createOwned(client: InProcessClient, obj: KubeObject, owner?: KubeObject): Promise<KubeObject> {
  const withOwner = owner ? { ...obj, metadata: { ...obj.metadata, ownerReferences: [controllerRef(owner)] } } : obj;
  return client.create(obj.apiVersion!, plural[obj.kind!]!, ns, withOwner);
}

function controllerRef(owner: KubeObject) {
  return { apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

export interface PodOptions {
  labels?: Record<string, string>;
  owner?: KubeObject;
  nodeName?: string;
  /** Ready (the default), running but not Ready, or not started. */
  state?: 'ready' | 'unready' | 'pending' | 'succeeded' | 'failed';
  volumes?: unknown[];
}

/** Creates a pod and writes the status its kubelet would (there is none in these tests). */
export async function createPod(client: InProcessClient, name: string, options: PodOptions = {}, now = Date.UTC(2026, 0, 1)): Promise<KubeObject> {
  const metadata: KubeObject['metadata'] = { name, namespace: ns, labels: options.labels ?? { app: 'web' } };
  if (options.owner) metadata.ownerReferences = [controllerRef(options.owner)];
  const spec: Record<string, unknown> = { containers, nodeName: options.nodeName ?? 'node-1' };
  if (options.volumes) spec.volumes = options.volumes;
  const created = await client.create('v1', 'pods', ns, { apiVersion: 'v1', kind: 'Pod', metadata, spec });
  return setPodState(client, created.metadata.name!, options.state ?? 'ready', now);
}

export async function setPodState(client: InProcessClient, name: string, state: NonNullable<PodOptions['state']>, now: number): Promise<KubeObject> {
  const phase = { ready: 'Running', unready: 'Running', pending: 'Pending', succeeded: 'Succeeded', failed: 'Failed' }[state];
  const ready = state === 'ready';
  const current = await client.get('v1', 'pods', ns, name);
  const status = {
    phase,
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: rfc3339(now) }],
    containerStatuses: [{ name: 'app', image: 'nginx:1.27', imageID: '', ready, restartCount: 0, started: phase === 'Running', state: {} }],
  };
  return client.update('v1', 'pods', ns, { ...current, status }, { subresource: 'status' });
}

export async function getBudget(client: InProcessClient, name: string): Promise<KubeObject> {
  return client.get('policy/v1', 'poddisruptionbudgets', ns, name);
}

export async function eventsAbout(client: InProcessClient, obj: KubeObject): Promise<string[]> {
  const { items } = await client.list('v1', 'events', ns);
  return items
    .filter((e) => (e.involvedObject as { name?: string; kind?: string }).name === obj.metadata.name && (e.involvedObject as { kind?: string }).kind === obj.kind)
    .map((e) => `${e.type as string} ${e.reason as string}: ${e.message as string} (${(e.source as { component: string }).component})`);
}
