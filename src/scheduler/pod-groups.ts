// Pods counted by spreading group (namespace + labels) per node: a selector is matched once per group, not per pod.
import type { CycleContext, NodeInfo } from './framework.js';

/** Pods of one namespace with identical labels, as a NodeInfo counts them (terminating pods are left out). */
export interface PodGroupCount {
  key: string;
  namespace: string;
  labels: Record<string, string>;
  count: number;
}

/** One key per namespace and label set, whatever order the labels were written in. */
export function podGroupKey(namespace: string, labels: Record<string, string>): string {
  return JSON.stringify([namespace, ...Object.keys(labels).sort().flatMap((k) => [k, labels[k]])]);
}

/** A cycle's pods by group and node. */
export interface PodGroupIndex {
  /** Every group with pods on some node of the cycle (and perhaps a few with none left). */
  groups(): Iterable<PodGroupCount>;
  has(key: string): boolean;
  /** Node name and how many of the group's pods it holds, for the nodes holding any. */
  nodesOf(key: string): Iterable<[string, number]>;
}

const NONE: ReadonlyMap<string, number> = new Map();

/** The index over a list of NodeInfos; the snapshot keeps one and swaps nodes in and out as they change. */
export class NodeGroupIndex implements PodGroupIndex {
  private readonly entries = new Map<string, { group: PodGroupCount; nodes: Map<string, number> }>();

  static of(nodes: readonly NodeInfo[]): NodeGroupIndex {
    const index = new NodeGroupIndex();
    for (const n of nodes) index.addNode(n);
    return index;
  }

  addNode(info: NodeInfo): void {
    for (const g of info.groups.values()) {
      let entry = this.entries.get(g.key);
      if (!entry) {
        entry = { group: { ...g, count: 0 }, nodes: new Map() };
        this.entries.set(g.key, entry);
      }
      entry.nodes.set(info.name, (entry.nodes.get(info.name) ?? 0) + g.count);
    }
  }

  /** removeNode(old) then addNode(now), touching only the groups whose count on the node changed. */
  replaceNode(old: NodeInfo, now: NodeInfo): void {
    for (const g of old.groups.values()) {
      const count = now.groups.get(g.key)?.count ?? 0;
      if (count !== g.count) this.adjust(g, now.name, count - g.count);
    }
    for (const g of now.groups.values()) if (!old.groups.has(g.key)) this.adjust(g, now.name, g.count);
  }

  private adjust(g: PodGroupCount, nodeName: string, by: number): void {
    let entry = this.entries.get(g.key);
    if (!entry) {
      entry = { group: { ...g, count: 0 }, nodes: new Map() };
      this.entries.set(g.key, entry);
    }
    const count = (entry.nodes.get(nodeName) ?? 0) + by;
    if (count > 0) entry.nodes.set(nodeName, count);
    else entry.nodes.delete(nodeName);
    if (entry.nodes.size === 0) this.entries.delete(g.key);
  }

  /** Takes back what addNode(info) added: `info` must not have changed since. */
  removeNode(info: NodeInfo): void {
    for (const g of info.groups.values()) {
      const entry = this.entries.get(g.key);
      if (!entry) continue;
      const left = (entry.nodes.get(info.name) ?? 0) - g.count;
      if (left > 0) entry.nodes.set(info.name, left);
      else entry.nodes.delete(info.name);
      if (entry.nodes.size === 0) this.entries.delete(g.key);
    }
  }

  *groups(): Iterable<PodGroupCount> {
    for (const e of this.entries.values()) yield e.group;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  nodesOf(key: string): Iterable<[string, number]> {
    return this.entries.get(key)?.nodes ?? NONE;
  }
}

/** The index of a cycle in which one node was swapped for a changed copy (victims removed, nominated pods added). */
export class ReplacedNodeGroups implements PodGroupIndex {
  constructor(
    private readonly base: PodGroupIndex,
    private readonly node: NodeInfo,
  ) {}

  *groups(): Iterable<PodGroupCount> {
    yield* this.base.groups();
    for (const g of this.node.groups.values()) if (!this.base.has(g.key)) yield g;
  }

  has(key: string): boolean {
    return this.base.has(key) || this.node.groups.has(key);
  }

  *nodesOf(key: string): Iterable<[string, number]> {
    for (const entry of this.base.nodesOf(key)) if (entry[0] !== this.node.name) yield entry;
    const own = this.node.groups.get(key);
    if (own) yield [this.node.name, own.count];
  }
}

/** The cycle's index, built from its nodes (once) when the cycle did not come with one. */
export function groupIndexOf(cycle: CycleContext): PodGroupIndex {
  cycle.groups ??= NodeGroupIndex.of(cycle.nodes);
  return cycle.groups;
}

/**
 * countPodsMatchSelector for every node at once: node name → the non-terminating pods of `namespace` whose labels
 * the selector matches. Costs one match per group plus one step per node holding a matching group.
 */
export function matchingPodsByNode(cycle: CycleContext, selector: { matches(labels: Record<string, string>): boolean }, namespace: string): Map<string, number> {
  const index = groupIndexOf(cycle);
  const out = new Map<string, number>();
  for (const g of index.groups()) {
    if (g.namespace !== namespace || !selector.matches(g.labels)) continue;
    for (const [name, count] of index.nodesOf(g.key)) out.set(name, (out.get(name) ?? 0) + count);
  }
  return out;
}
