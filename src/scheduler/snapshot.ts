// The scheduler cache's snapshot: a NodeInfo per node with the pods bound (or assumed) to it, rebuilt per cycle.
import type { SharedInformer } from '../controllers/runtime/index.js';
import type { KubeObject } from '../meta/types.js';
import { NodeInfo, PodInfo } from './framework.js';

export function isTerminal(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export function podKey(pod: KubeObject): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
}

export function assignedNode(pod: KubeObject): string {
  return (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
}

export class SnapshotBuilder {
  /** PodInfo parses affinity terms and sums requests: worth keeping while the pod's resourceVersion holds. */
  private readonly infos = new Map<string, { version: string; info: PodInfo }>();

  constructor(
    private readonly nodes: SharedInformer,
    private readonly pods: SharedInformer,
    /** Pods the scheduler has placed but the apiserver does not show bound yet, by key, with nodeName set. */
    private readonly assumed: () => Iterable<KubeObject>,
  ) {}

  podInfo(pod: KubeObject): PodInfo {
    const uid = pod.metadata.uid ?? podKey(pod);
    const version = `${pod.metadata.resourceVersion ?? ''}|${assignedNode(pod)}`;
    const cached = this.infos.get(uid);
    if (cached && cached.version === version) return cached.info;
    const info = new PodInfo(pod);
    this.infos.set(uid, { version, info });
    return info;
  }

  forget(pod: KubeObject): void {
    this.infos.delete(pod.metadata.uid ?? podKey(pod));
  }

  /**
   * Nodes by name; the pods the scheduler's informer would hold (terminal pods are filtered out, as upstream's pod
   * informer selects `status.phase!=Succeeded,status.phase!=Failed`), plus the assumed ones.
   */
  build(): NodeInfo[] {
    const byName = new Map<string, NodeInfo>();
    for (const node of this.nodes.list()) byName.set(node.metadata.name ?? '', new NodeInfo(node));
    const seen = new Set<string>();
    for (const pod of this.assumed()) {
      seen.add(podKey(pod));
      byName.get(assignedNode(pod))?.addPod(this.podInfo(pod));
    }
    for (const pod of this.pods.list()) {
      const nodeName = assignedNode(pod);
      if (!nodeName || isTerminal(pod) || seen.has(podKey(pod))) continue;
      byName.get(nodeName)?.addPod(this.podInfo(pod));
    }
    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
