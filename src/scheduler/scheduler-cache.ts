// The scheduler cache: a NodeInfo per node kept up to date from informer events and assumed pods, as upstream's is.
import type { KubeObject } from '../meta/types.js';
import { NodeInfo, PodInfo } from './framework.js';
import { assignedNode, isTerminal, podKey } from './snapshot.js';

/** Assumed pods sort before listed ones on a node, as a rebuild adds the assumed first. */
const LISTED = 2 ** 40;

interface CachedNode {
  info: NodeInfo;
  /** False while the Node is not in the informer (deleted, or not seen yet) but pods still name it. */
  present: boolean;
  /** Each pod's order key, parallel to info.pods and ascending. */
  orders: number[];
}

interface Placement {
  nodeName: string;
  info: PodInfo;
  order: number;
}

/**
 * Holds what a rebuild from the informers would give — each Node with the pods the scheduler's pod informer would
 * hold on it (assigned, not terminal) plus the assumed ones, which take the place of their listed copy — but updates
 * it per event, so a scheduling cycle only copies the nodes that changed since the last one.
 */
export class SchedulerCache {
  private readonly nodes = new Map<string, CachedNode>();
  /** Where each pod is counted now, by key. */
  private readonly placements = new Map<string, Placement>();
  /** Pods the scheduler has placed but the apiserver does not show bound yet, by key, with nodeName set. */
  private readonly assumed = new Map<string, { pod: KubeObject; order: number }>();
  /** The informer's listing order of pod keys: pods keep it on their node, as a rebuild from a listing would. */
  private readonly listOrder = new Map<string, number>();
  private listed = 0;
  private assumes = 0;
  /** PodInfo parses affinity terms and sums requests: worth keeping while the pod's resourceVersion holds. */
  private readonly infos = new Map<string, { version: string; info: PodInfo }>();
  /** Nodes changed since the snapshot last caught up. */
  private dirty = new Set<string>();

  constructor(
    /** The pod informer's current copy, by key. */
    private readonly currentPod: (key: string) => KubeObject | undefined,
  ) {}

  podInfo(pod: KubeObject): PodInfo {
    const uid = pod.metadata.uid ?? podKey(pod);
    const version = `${pod.metadata.resourceVersion ?? ''}|${assignedNode(pod)}`;
    const cached = this.infos.get(uid);
    if (cached && cached.version === version) return cached.info;
    const info = new PodInfo(pod, cached?.info);
    this.infos.set(uid, { version, info });
    return info;
  }

  /** The order the informer lists the pod in (its first add), which the nominator also keeps. */
  listPosition(key: string): number {
    return this.listOrder.get(key) ?? Number.MAX_SAFE_INTEGER;
  }

  setNode(node: KubeObject): void {
    const name = node.metadata.name ?? '';
    const cached = this.nodes.get(name);
    if (cached) {
      cached.info.setNode(node);
      cached.present = true;
    } else this.nodes.set(name, { info: new NodeInfo(node), present: true, orders: [] });
    this.dirty.add(name);
  }

  removeNode(node: KubeObject): void {
    const name = node.metadata.name ?? '';
    const cached = this.nodes.get(name);
    if (!cached) return;
    cached.present = false;
    if (cached.info.pods.length === 0) this.nodes.delete(name);
    this.dirty.add(name);
  }

  podAdded(pod: KubeObject): void {
    const key = podKey(pod);
    if (!this.listOrder.has(key)) this.listOrder.set(key, ++this.listed);
    this.refresh(key);
  }

  podUpdated(pod: KubeObject): void {
    this.refresh(podKey(pod));
  }

  podDeleted(pod: KubeObject): void {
    const key = podKey(pod);
    this.listOrder.delete(key);
    this.assumed.delete(key);
    this.infos.delete(pod.metadata.uid ?? key);
    this.refresh(key);
  }

  /** AssumePod: count `pod` (nodeName set) on its node until the informer shows it bound, or forget() is called. */
  assume(key: string, pod: KubeObject): void {
    const order = this.assumed.get(key)?.order ?? ++this.assumes;
    this.assumed.set(key, { pod, order });
    this.refresh(key);
  }

  forget(key: string): void {
    if (this.assumed.delete(key)) this.refresh(key);
  }

  assumedPod(key: string): KubeObject | undefined {
    return this.assumed.get(key)?.pod;
  }

  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  /** The live NodeInfo of a node the informer holds; the snapshot copies it, nobody else may change it. */
  nodeInfo(name: string): NodeInfo | undefined {
    const cached = this.nodes.get(name);
    return cached?.present ? cached.info : undefined;
  }

  /** The names of the nodes changed since the last call. */
  takeDirty(): Set<string> {
    const dirty = this.dirty;
    this.dirty = new Set();
    return dirty;
  }

  private desired(key: string): Placement | undefined {
    const assumed = this.assumed.get(key);
    if (assumed) return { nodeName: assignedNode(assumed.pod), info: this.podInfo(assumed.pod), order: assumed.order };
    const pod = this.currentPod(key);
    if (!pod || !assignedNode(pod) || isTerminal(pod)) return undefined;
    let position = this.listOrder.get(key);
    if (position === undefined) this.listOrder.set(key, (position = ++this.listed));
    return { nodeName: assignedNode(pod), info: this.podInfo(pod), order: LISTED + position };
  }

  /** Moves the pod to where it should be counted now, if that changed. */
  private refresh(key: string): void {
    const want = this.desired(key);
    const have = this.placements.get(key);
    if (have && want && have.nodeName === want.nodeName && have.info === want.info && have.order === want.order) return;
    if (have) {
      this.placements.delete(key);
      this.unplace(have);
    }
    if (want && want.nodeName) {
      this.placements.set(key, want);
      this.place(want);
    }
  }

  private place(p: Placement): void {
    let cached = this.nodes.get(p.nodeName);
    if (!cached) {
      // Pods can name a node the informer has not shown yet: they wait here, outside the snapshot, until it comes.
      cached = { info: new NodeInfo({ apiVersion: 'v1', kind: 'Node', metadata: { name: p.nodeName } }), present: false, orders: [] };
      this.nodes.set(p.nodeName, cached);
    }
    const at = insertionPoint(cached.orders, p.order);
    cached.orders.splice(at, 0, p.order);
    cached.info.addPod(p.info, at);
    this.dirty.add(p.nodeName);
  }

  private unplace(p: Placement): void {
    const cached = this.nodes.get(p.nodeName)!;
    const at = insertionPoint(cached.orders, p.order);
    cached.orders.splice(at, 1);
    cached.info.removePodAt(at);
    if (!cached.present && cached.info.pods.length === 0) this.nodes.delete(p.nodeName);
    this.dirty.add(p.nodeName);
  }
}

/** The first index whose order is not below `order` (orders are ascending and unique). */
function insertionPoint(orders: number[], order: number): number {
  let lo = 0;
  let hi = orders.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (orders[mid] < order) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
