// The snapshot a scheduling cycle reads: a copy of each node's NodeInfo, refreshed only where the cache changed.
import type { KubeObject } from '../meta/types.js';
import type { NodeInfo } from './framework.js';
import { NodeGroupIndex } from './pod-groups.js';
import type { SchedulerCache } from './scheduler-cache.js';

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

function byName(a: NodeInfo, b: NodeInfo): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * UpdateSnapshot: copies the NodeInfos whose generation moved since the last cycle and keeps the rest, so a cycle
 * costs the nodes that changed, not every pod of the cluster. A cycle's list and copies are never changed afterwards
 * (a changed node gets a new copy in a new list); the group index is, so it serves the latest cycle only.
 */
export class Snapshot {
  private list: NodeInfo[] = [];
  private readonly byName = new Map<string, NodeInfo>();
  private readonly position = new Map<string, number>();
  /** Pods by spreading group and node over the snapshot's nodes. */
  readonly groups = new NodeGroupIndex();

  /** Nodes by name, with the pods the cache counts on each. */
  update(cache: SchedulerCache): NodeInfo[] {
    const dirty = cache.takeDirty();
    if (dirty.size === 0) return this.list;
    let list: NodeInfo[] | undefined;
    let membershipChanged = false;
    for (const name of dirty) {
      const old = this.byName.get(name);
      const live = cache.nodeInfo(name);
      if (old && live && old.generation === live.generation) continue;
      if (!live) {
        if (old) {
          this.groups.removeNode(old);
          this.byName.delete(name);
          membershipChanged = true;
        }
        continue;
      }
      const copy = live.clone();
      if (old) this.groups.replaceNode(old, copy);
      else this.groups.addNode(copy);
      this.byName.set(name, copy);
      if (!old) membershipChanged = true;
      else if (!membershipChanged) {
        list ??= this.list.slice();
        list[this.position.get(name)!] = copy;
      }
    }
    if (membershipChanged) {
      this.list = [...this.byName.values()].sort(byName);
      this.position.clear();
      this.list.forEach((n, i) => this.position.set(n.name, i));
    } else if (list) this.list = list;
    return this.list;
  }
}
