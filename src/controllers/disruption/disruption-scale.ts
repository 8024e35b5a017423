// How many pods a PodDisruptionBudget expects and how many must stay healthy: its pods' controllers and their scale.
import type { InProcessClient } from '../../client/client.js';
import type { KubeObject, OwnerReference } from '../../meta/types.js';
import { controllerOf, type SharedInformer } from '../runtime/index.js';
import { scaledValueFromIntOrPercent } from '../shared/statefulset-daemonset-common.js';

/** The caches the finders read, as upstream's listers, and the client for anything else with a scale. */
export interface ScaleSources {
  client: InProcessClient;
  replicationControllers: SharedInformer;
  replicaSets: SharedInformer;
  deployments: SharedInformer;
  statefulSets: SharedInformer;
}

interface ControllerAndScale {
  uid: string;
  scale: number;
}

type Finder = (sources: ScaleSources, ref: OwnerReference, namespace: string) => Promise<ControllerAndScale | undefined>;

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

function verifyGroupKind(ref: OwnerReference, kind: string, groups: string[]): boolean {
  return ref.kind === kind && groups.includes(groupOf(ref.apiVersion));
}

/** A cached object the reference points at: same name, same uid (a namesake recreated since is someone else). */
function referenced(cache: SharedInformer, ref: OwnerReference, namespace: string): KubeObject | undefined {
  const obj = cache.get(`${namespace}/${ref.name}`);
  return obj && obj.metadata.uid === ref.uid ? obj : undefined;
}

const replicasOf = (obj: KubeObject): number => ((obj.spec as { replicas?: number } | undefined)?.replicas ?? 1);
const found = (obj: KubeObject): ControllerAndScale => ({ uid: obj.metadata.uid!, scale: replicasOf(obj) });

const replicationController: Finder = async (s, ref, ns) => {
  if (!verifyGroupKind(ref, 'ReplicationController', [''])) return undefined;
  const rc = referenced(s.replicationControllers, ref, ns);
  return rc && found(rc);
};

/** A ReplicaSet a Deployment controls counts as the Deployment's scale. */
const deployment: Finder = async (s, ref, ns) => {
  if (!verifyGroupKind(ref, 'ReplicaSet', ['apps', 'extensions'])) return undefined;
  const rs = referenced(s.replicaSets, ref, ns);
  const owner = rs && controllerOf(rs);
  if (!owner || !verifyGroupKind(owner, 'Deployment', ['apps', 'extensions'])) return undefined;
  const d = referenced(s.deployments, owner, ns);
  return d && found(d);
};

const replicaSet: Finder = async (s, ref, ns) => {
  if (!verifyGroupKind(ref, 'ReplicaSet', ['apps', 'extensions'])) return undefined;
  const rs = referenced(s.replicaSets, ref, ns);
  if (!rs || controllerOf(rs)?.kind === 'Deployment') return undefined;
  return found(rs);
};

const statefulSet: Finder = async (s, ref, ns) => {
  if (!verifyGroupKind(ref, 'StatefulSet', ['apps'])) return undefined;
  const ss = referenced(s.statefulSets, ref, ns);
  return ss && found(ss);
};

/** The built-in resources serving a scale subresource (kubefake serves none for custom resources). */
const scaleResources = new Set(['/replicationcontrollers', 'apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'extensions/deployments', 'extensions/replicasets']);

/**
 * getScaleController: any other kind is asked for its scale subresource, as upstream does through the REST mapper;
 * kinds the server does not know, or that have no scale, make the sync fail with upstream's error.
 */
const scaleController: Finder = async (s, ref, ns) => {
  const group = groupOf(ref.apiVersion);
  const version = ref.apiVersion.slice(ref.apiVersion.indexOf('/') + 1);
  const served = s.client.resources().find((r) => r.group === group && r.version === version && r.kind === ref.kind);
  if (!served) throw new Error(`no matches for kind "${ref.kind}" in version "${ref.apiVersion}"`);
  if (!scaleResources.has(`${group}/${served.resource}`)) {
    throw new Error(`${group ? `${served.resource}.${group}` : served.resource} does not implement the scale subresource`);
  }
  try {
    const obj = await s.client.get(served.apiVersion, served.resource, ns, ref.name);
    return obj.metadata.uid === ref.uid ? found(obj) : undefined;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
};

const finders: Finder[] = [replicationController, deployment, replicaSet, statefulSet, scaleController];

interface ExpectedScale {
  expectedCount: number;
  /** Names of selected pods without a controller: they cannot be counted against a scale. */
  unmanagedPods: string[];
}

/** getExpectedScale: the sum of the scales of the controllers of the budget's pods. */
async function expectedScale(sources: ScaleSources, pods: KubeObject[]): Promise<ExpectedScale> {
  const scales = new Map<string, number>();
  const unmanagedPods: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) {
      unmanagedPods.push(pod.metadata.name!);
      continue;
    }
    if (scales.has(ref.uid)) continue;
    let controller: ControllerAndScale | undefined;
    for (const finder of finders) {
      controller = await finder(sources, ref, pod.metadata.namespace!);
      if (controller) break;
    }
    if (!controller) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
    scales.set(controller.uid, controller.scale);
  }
  let expectedCount = 0;
  for (const scale of scales.values()) expectedCount += scale;
  return { expectedCount, unmanagedPods };
}

export interface ExpectedPods extends ExpectedScale {
  desiredHealthy: number;
}

type IntOrString = number | string;

/**
 * getExpectedPodCount: maxUnavailable (int or percent) and a percent minAvailable scale against the controllers;
 * an integer minAvailable counts the selected pods themselves.
 */
export async function expectedPodCount(sources: ScaleSources, pdb: KubeObject, pods: KubeObject[]): Promise<ExpectedPods> {
  const spec = (pdb.spec ?? {}) as { minAvailable?: IntOrString; maxUnavailable?: IntOrString };
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const scale = await expectedScale(sources, pods);
    const maxUnavailable = scaledValueFromIntOrPercent(spec.maxUnavailable, scale.expectedCount, true);
    return { ...scale, desiredHealthy: Math.max(0, scale.expectedCount - maxUnavailable) };
  }
  if (typeof spec.minAvailable === 'number') return { expectedCount: pods.length, unmanagedPods: [], desiredHealthy: spec.minAvailable };
  if (typeof spec.minAvailable === 'string') {
    const scale = await expectedScale(sources, pods);
    return { ...scale, desiredHealthy: scaledValueFromIntOrPercent(spec.minAvailable, scale.expectedCount, true) };
  }
  return { expectedCount: 0, unmanagedPods: [], desiredHealthy: 0 };
}
