// The nominator's index: which pending pods are nominated to which node, so a cycle looks up a node, not every pod.

export class Nominator {
  private readonly nodeOf = new Map<string, string>();
  private readonly byNode = new Map<string, Set<string>>();

  /** Records the node `key` is nominated to now; '' when it is nominated nowhere (or no longer counts). */
  set(key: string, nodeName: string): void {
    const before = this.nodeOf.get(key) ?? '';
    if (before === nodeName) return;
    if (before) {
      const keys = this.byNode.get(before)!;
      keys.delete(key);
      if (keys.size === 0) this.byNode.delete(before);
      this.nodeOf.delete(key);
    }
    if (nodeName) {
      this.nodeOf.set(key, nodeName);
      let keys = this.byNode.get(nodeName);
      if (!keys) this.byNode.set(nodeName, (keys = new Set()));
      keys.add(key);
    }
  }

  /** The keys nominated to `nodeName`, in no particular order. */
  keysOn(nodeName: string): string[] {
    const keys = this.byNode.get(nodeName);
    return keys ? [...keys] : [];
  }

  /** Whether any pod is nominated anywhere: most cycles have none, and skip the per-node look-ups. */
  get size(): number {
    return this.nodeOf.size;
  }
}
