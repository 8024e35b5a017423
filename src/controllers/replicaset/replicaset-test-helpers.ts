// Test fixtures for the ReplicaSet and ReplicationController tests: owners, pods, readiness and Events.
import type { InProcessClient } from '../../client/client.js';
import { rfc3339 } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import { controllerOf } from '../runtime/index.js';

export const ns = 'default';
const containers = [{ name: 'app', image: 'nginx:1.27' }];

interface OwnerOptions {
  minReadySeconds?: number;
  templateLabels?: Record<string, string>;
  finalizers?: string[];
}

function template(labels: Record<string, string>) {
  return { metadata: { labels, annotations: { team: 'web' } }, spec: { containers } };
}

export function replicaSet(name: string, replicas: number, selector: Record<string, string>, options: OwnerOptions = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: ns, ...(options.finalizers ? { finalizers: options.finalizers } : {}) },
    spec: {
      replicas,
      minReadySeconds: options.minReadySeconds,
      selector: { matchLabels: selector },
      template: template(options.templateLabels ?? selector),
    },
  };
}

export function replicationController(name: string, replicas: number, selector: Record<string, string>, options: OwnerOptions = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name, namespace: ns, ...(options.finalizers ? { finalizers: options.finalizers } : {}) },
    spec: { replicas, minReadySeconds: options.minReadySeconds, selector, template: template(options.templateLabels ?? selector) },
  };
}

/** A bare pod, optionally already scheduled (nothing can bind one later: there is no scheduler yet). */
export function pod(name: string, labels: Record<string, string>, nodeName?: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec: { containers, ...(nodeName ? { nodeName } : {}) } };
}

export interface PodState {
  phase: 'Pending' | 'Running' | 'Unknown' | 'Succeeded' | 'Failed';
  /** When the pod turned Ready (ms since the epoch); not Ready when absent. */
  readySince?: number;
  restarts?: number;
}

/** Writes the status a kubelet would report, re-reading on a conflict as the controller may be patching the pod. */
export async function setPodState(client: InProcessClient, name: string, state: PodState): Promise<KubeObject> {
  const conditions =
    state.readySince !== undefined
      ? [{ type: 'Ready', status: 'True', lastTransitionTime: rfc3339(state.readySince) }]
      : [{ type: 'Ready', status: 'False', lastTransitionTime: rfc3339(Date.UTC(2026, 0, 1)) }];
  const containerStatuses = [{ name: 'app', image: 'nginx:1.27', imageID: '', ready: state.readySince !== undefined, restartCount: state.restarts ?? 0 }];
  for (;;) {
    const current = await client.get('v1', 'pods', ns, name);
    const status = { ...(current.status as object), phase: state.phase, conditions, containerStatuses };
    try {
      return await client.update('v1', 'pods', ns, { ...current, status }, { subresource: 'status' });
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw err;
    }
  }
}

/** Pods whose controller is `owner`, by name. */
export async function podsOf(client: InProcessClient, owner: KubeObject): Promise<KubeObject[]> {
  const { items } = await client.list('v1', 'pods', ns);
  return items.filter((p) => controllerOf(p)?.uid === owner.metadata.uid).sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
}

const resourceOf = (owner: KubeObject) => (owner.kind === 'ReplicaSet' ? 'replicasets' : 'replicationcontrollers');

/** Creates a ReplicaSet or ReplicationController, then lets the controllers settle. */
export async function createAndSettle(tb: { client: InProcessClient; settle(): Promise<void> }, owner: KubeObject): Promise<KubeObject> {
  const created = await tb.client.create(owner.apiVersion!, resourceOf(owner), ns, owner);
  await tb.settle();
  return created;
}

export async function fresh(client: InProcessClient, owner: KubeObject): Promise<KubeObject> {
  return client.get(owner.apiVersion!, resourceOf(owner), ns, owner.metadata.name!);
}

export async function scale(client: InProcessClient, owner: KubeObject, replicas: number): Promise<KubeObject> {
  const current = await fresh(client, owner);
  return client.update(owner.apiVersion!, resourceOf(owner), ns, { ...current, spec: { ...(current.spec as object), replicas } });
}

export interface RecordedEvent {
  type: string;
  reason: string;
  message: string;
  count: number;
  component: string;
}

/** The Events recorded about `owner`, oldest first. */
export async function eventsAbout(client: InProcessClient, owner: KubeObject): Promise<RecordedEvent[]> {
  const { items } = await client.list('v1', 'events', ns);
  return items
    .filter((e) => (e.involvedObject as { uid?: string }).uid === owner.metadata.uid)
    .map((e) => ({
      type: e.type as string,
      reason: e.reason as string,
      message: e.message as string,
      count: e.count as number,
      component: (e.source as { component: string }).component,
    }));
}

/** A client whose methods are the real one's except those given. */
export function overriding(client: InProcessClient, overrides: Partial<InProcessClient>): InProcessClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (Object.hasOwn(overrides, prop)) return (overrides as Record<string | symbol, unknown>)[prop];
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
