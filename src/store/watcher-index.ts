// Watchers grouped by the resource their prefix names, so a write visits only its own resource's watchers.

export interface IndexedWatcher {
  readonly prefix: string;
}

interface Entry<W> {
  watcher: W;
  /** Registration order: watchers are visited in it, whichever group they sit in. */
  seq: number;
}

/**
 * The length of `/registry/<group>/<resource>/` in a key or prefix (its fourth slash ends it), or -1 for a prefix wider than
 * one resource, such as `/registry/` for everything.
 */
export function resourcePrefixLength(path: string): number {
  let slashes = 0;
  for (let i = 0; i < path.length; i++) {
    if (path.charCodeAt(i) === 47 && ++slashes === 4) return i + 1;
  }
  return -1;
}

/**
 * Groups are replaced, never changed in place (copy on write): a fan-out in progress keeps visiting the watchers that
 * were there when it started, so a watcher added from a listener does not get the event it already replayed.
 */
export class WatcherIndex<W extends IndexedWatcher> {
  private byResource = new Map<string, Entry<W>[]>();
  /** Watchers whose prefix spans several resources; they see every key and are checked by prefix. */
  private broad: Entry<W>[] = [];
  private nextSeq = 0;

  add(watcher: W): void {
    const entry = { watcher, seq: this.nextSeq++ };
    const length = resourcePrefixLength(watcher.prefix);
    if (length < 0) {
      this.broad = [...this.broad, entry];
      return;
    }
    const resource = watcher.prefix.slice(0, length);
    this.byResource.set(resource, [...(this.byResource.get(resource) ?? []), entry]);
  }

  remove(watcher: W): void {
    const length = resourcePrefixLength(watcher.prefix);
    if (length < 0) {
      this.broad = this.broad.filter((e) => e.watcher !== watcher);
      return;
    }
    const resource = watcher.prefix.slice(0, length);
    const rest = (this.byResource.get(resource) ?? []).filter((e) => e.watcher !== watcher);
    if (rest.length > 0) this.byResource.set(resource, rest);
    else this.byResource.delete(resource);
  }

  clear(): void {
    this.byResource = new Map();
    this.broad = [];
  }

  /** Calls `visit` for every watcher whose prefix the key starts with, in registration order. */
  forKey(key: string, visit: (watcher: W) => void): void {
    const length = resourcePrefixLength(key);
    const group = length < 0 ? undefined : this.byResource.get(key.slice(0, length));
    const broad = this.broad;
    if (!group) {
      for (const entry of broad) if (key.startsWith(entry.watcher.prefix)) visit(entry.watcher);
      return;
    }
    // Merge the two registration-ordered lists.
    let b = 0;
    for (const entry of group) {
      while (b < broad.length && broad[b]!.seq < entry.seq) {
        if (key.startsWith(broad[b]!.watcher.prefix)) visit(broad[b]!.watcher);
        b++;
      }
      if (key.startsWith(entry.watcher.prefix)) visit(entry.watcher);
    }
    for (; b < broad.length; b++) if (key.startsWith(broad[b]!.watcher.prefix)) visit(broad[b]!.watcher);
  }
}
