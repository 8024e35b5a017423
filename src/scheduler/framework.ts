// The scheduling framework's data: statuses, pod and node infos, the per-cycle state and the plugin contract.
import type { KubeObject } from '../meta/types.js';
import { podAffinityTerms, type PodAffinityTerms } from './affinity-terms.js';
import { podGroupKey, type PodGroupCount, type PodGroupIndex } from './pod-groups.js';
import { allocatableOf, emptyResources, hostPortsOf, podResourceSummary, type HostPort, type PodResourceSummary, type Resources } from './pod-resources.js';

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (!Object.hasOwn(b, k) || a[k] !== b[k]) return false;
  return true;
}

function copyResources(r: Resources): Resources {
  return { ...r, scalar: { ...r.scalar } };
}

export const MAX_NODE_SCORE = 100;

/** fwk.Code: a rejection is Unschedulable (preemption may help) or UnschedulableAndUnresolvable (it cannot). */
export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Skip';

export interface Status {
  code: Code;
  reasons: string[];
  /** The plugin that returned it, set by the framework. */
  plugin?: string;
}

export const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: [] }) as Status;

export function status(code: Code, ...reasons: string[]): Status {
  return { code, reasons };
}

export function isRejected(s: Status): boolean {
  return s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable';
}

/** Status.Message(): the reasons joined by ", ". */
export function statusMessage(s: Status): string {
  return s.reasons.join(', ');
}

export class PodInfo {
  readonly resources: PodResourceSummary;
  readonly terms: PodAffinityTerms;
  readonly hostPorts: HostPort[];
  readonly key: string;
  /** What spreading counts it under (namespace and labels); undefined once terminating, as such pods do not count. */
  readonly group: string | undefined;

  /** `previous`, an older version of the same pod, lends its group key when the labels did not change. */
  constructor(
    readonly pod: KubeObject,
    previous?: PodInfo,
  ) {
    this.resources = podResourceSummary(pod);
    this.terms = podAffinityTerms(pod);
    this.hostPorts = hostPortsOf(pod);
    this.key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
    const labels = pod.metadata.labels ?? {};
    if (pod.metadata.deletionTimestamp) this.group = undefined;
    else if (previous?.group !== undefined && previous.key === this.key && sameLabels(previous.pod.metadata.labels ?? {}, labels)) this.group = previous.group;
    else this.group = podGroupKey(pod.metadata.namespace ?? '', labels);
  }

  hasAffinity(): boolean {
    const a = (this.pod.spec as { affinity?: { podAffinity?: unknown; podAntiAffinity?: unknown } } | undefined)?.affinity;
    return !!a && (!!a.podAffinity || !!a.podAntiAffinity);
  }
}

/** Upstream's generation counter: every change to a NodeInfo takes the next value, so a snapshot can tell it is stale. */
let generations = 0;

/**
 * What the scheduler knows of one node: the Node, the pods on it, and what they request and occupy. The lists of
 * pods with affinity and the per-group counts are kept up to date on every add and remove, so plugins can skip the
 * pods that cannot matter to them instead of walking every pod of the cluster on each attempt.
 */
export class NodeInfo {
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  /** Non-terminating pods counted by spreading group (podGroupKey), each group once with its namespace and labels. */
  groups = new Map<string, PodGroupCount>();
  requested: Resources = emptyResources();
  nonZeroRequested: Resources = emptyResources();
  usedPorts: HostPort[] = [];
  allocatable: Resources;
  generation = ++generations;

  constructor(public node: KubeObject) {
    this.allocatable = allocatableOf(node);
  }

  get name(): string {
    return this.node.metadata.name ?? '';
  }

  /** The Node object changed (labels, taints, allocatable, or just its status): its pods stay. */
  setNode(node: KubeObject): void {
    this.node = node;
    this.allocatable = allocatableOf(node);
    this.generation = ++generations;
  }

  /** Adds the pod at `at` in `pods` (the end by default): the cache keeps pods in the order a fresh listing gives. */
  addPod(info: PodInfo, at = this.pods.length): void {
    this.pods.splice(at, 0, info);
    if (info.hasAffinity()) this.podsWithAffinity.push(info);
    if (info.terms.requiredAntiAffinity.length > 0) this.podsWithRequiredAntiAffinity.push(info);
    if (info.group !== undefined) {
      const g = this.groups.get(info.group);
      if (g) g.count++;
      else this.groups.set(info.group, { key: info.group, namespace: info.pod.metadata.namespace ?? '', labels: info.pod.metadata.labels ?? {}, count: 1 });
    }
    this.update(info, 1);
  }

  removePod(key: string): PodInfo | undefined {
    const index = this.pods.findIndex((p) => p.key === key);
    return index < 0 ? undefined : this.removePodAt(index);
  }

  removePodAt(index: number): PodInfo {
    const [removed] = this.pods.splice(index, 1);
    const drop = (list: PodInfo[]) => {
      const i = list.indexOf(removed);
      if (i >= 0) list.splice(i, 1);
    };
    drop(this.podsWithAffinity);
    drop(this.podsWithRequiredAntiAffinity);
    if (removed.group !== undefined) {
      const g = this.groups.get(removed.group)!;
      if (--g.count === 0) this.groups.delete(removed.group);
    }
    this.update(removed, -1);
    return removed;
  }

  /** A copy that later adds and removes on either side do not affect; the PodInfos themselves are immutable. */
  clone(): NodeInfo {
    const copy = Object.create(NodeInfo.prototype) as NodeInfo;
    copy.node = this.node;
    copy.allocatable = this.allocatable;
    copy.generation = this.generation;
    copy.pods = this.pods.slice();
    copy.podsWithAffinity = this.podsWithAffinity.slice();
    copy.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.slice();
    copy.groups = new Map();
    for (const [key, g] of this.groups) copy.groups.set(key, { ...g });
    copy.requested = copyResources(this.requested);
    copy.nonZeroRequested = copyResources(this.nonZeroRequested);
    copy.usedPorts = this.usedPorts.slice();
    return copy;
  }

  private update(info: PodInfo, sign: 1 | -1): void {
    this.generation = ++generations;
    const r = info.resources.requests;
    this.requested.milliCPU += sign * r.milliCPU;
    this.requested.memory += sign * r.memory;
    this.requested.ephemeralStorage += sign * r.ephemeralStorage;
    for (const [name, value] of Object.entries(r.scalar)) this.requested.scalar[name] = (this.requested.scalar[name] ?? 0) + sign * value;
    this.nonZeroRequested.milliCPU += sign * info.resources.nonZeroMilliCPU;
    this.nonZeroRequested.memory += sign * info.resources.nonZeroMemory;
    if (sign > 0) this.usedPorts.push(...info.hostPorts);
    else {
      for (const port of info.hostPorts) {
        const i = this.usedPorts.findIndex((u) => u.hostIP === port.hostIP && u.protocol === port.protocol && u.port === port.port);
        if (i >= 0) this.usedPorts.splice(i, 1);
      }
    }
  }
}

/** The cluster objects plugins read besides nodes and pods; the controller backs them with informers. */
export interface ClusterListers {
  namespaceLabels(namespace: string): Record<string, string> | undefined;
  allNamespaceLabels(): Map<string, Record<string, string>>;
  services(namespace: string): KubeObject[];
  controllerOf(namespace: string, apiVersion: string, kind: string, name: string): KubeObject | undefined;
  persistentVolumeClaim(namespace: string, name: string): KubeObject | undefined;
  persistentVolume(name: string): KubeObject | undefined;
  persistentVolumes(): KubeObject[];
  storageClass(name: string): KubeObject | undefined;
}

export const emptyListers: ClusterListers = {
  namespaceLabels: () => undefined,
  allNamespaceLabels: () => new Map(),
  services: () => [],
  controllerOf: () => undefined,
  persistentVolumeClaim: () => undefined,
  persistentVolume: () => undefined,
  persistentVolumes: () => [],
  storageClass: () => undefined,
};

/** One scheduling attempt's view: every node (in a stable order), the listers, and what plugins computed. */
export interface CycleContext {
  nodes: NodeInfo[];
  listers: ClusterListers;
  /** Plugin state written at PreFilter/PreScore, keyed by plugin name. */
  state: Map<string, unknown>;
  now: number;
  /** The snapshot's pod counts by group and node, kept up to date as nodes change; built from `nodes` when absent. */
  groups?: PodGroupIndex;
}

export interface PreFilterResult {
  status: Status;
  /** Only these nodes can pass (NodeAffinity's metadata.name terms); undefined means every node. */
  nodeNames?: Set<string>;
}

/** Statuses of the nodes that failed, and the one every node missing from the map shares. */
export interface NodeToStatus {
  statuses: Map<string, Status>;
  absent: Status;
}

export function newNodeToStatus(): NodeToStatus {
  return { statuses: new Map(), absent: status('UnschedulableAndUnresolvable') };
}

/** NominatingInfo: Override sets (or, with '', clears) status.nominatedNodeName; Noop leaves it. */
export interface Nominating {
  mode: 'Override' | 'Noop';
  nodeName: string;
}

export interface PostFilterResult {
  status: Status;
  nominating?: Nominating;
}

export interface NodeScore {
  name: string;
  score: number;
}

/**
 * A plugin is plain functions over the cycle's data. The framework calls preFilter once per attempt, filter per
 * node (stopping at the first plugin that rejects), then preScore, score per feasible node and normalizeScore.
 */
export interface Plugin {
  name: string;
  /** Score weight in the default profile; plugins without one do not score. */
  weight?: number;
  preFilter?(cycle: CycleContext, pod: KubeObject): PreFilterResult;
  filter?(cycle: CycleContext, pod: KubeObject, node: NodeInfo): Status;
  preScore?(cycle: CycleContext, pod: KubeObject, feasible: NodeInfo[]): Status;
  score?(cycle: CycleContext, pod: KubeObject, node: NodeInfo): number;
  normalizeScore?(cycle: CycleContext, pod: KubeObject, scores: NodeScore[]): void;
  /** Runs when no node fits, to make the pod fit later (preemption). */
  postFilter?(cycle: CycleContext, pod: KubeObject, statuses: NodeToStatus): PostFilterResult | Promise<PostFilterResult>;
}

/** helper.DefaultNormalizeScore: scale to 0..MaxNodeScore by the highest score, optionally reversed. */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean): void {
  const max = Math.max(0, ...scores.map((s) => s.score));
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = MAX_NODE_SCORE;
    return;
  }
  for (const s of scores) {
    const scaled = Math.trunc((MAX_NODE_SCORE * s.score) / max);
    s.score = reverse ? MAX_NODE_SCORE - scaled : scaled;
  }
}

export function newCycle(nodes: NodeInfo[], listers: ClusterListers, now: number, groups?: PodGroupIndex): CycleContext {
  return { nodes, listers, state: new Map(), now, groups };
}

export function podPriority(pod: KubeObject): number {
  const p = (pod.spec as { priority?: number } | undefined)?.priority;
  return typeof p === 'number' ? p : 0;
}
