// A fixed-capacity ring of recent events: serves watches and past-revision reads, and says when one is too old.
import type { StoreEvent } from './types.js';

export class EventHistory {
  private readonly ring: (StoreEvent | undefined)[];
  private start = 0;
  private size = 0;
  /** Every event with revision <= floor is gone (compacted or evicted). */
  private floor = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array(Math.max(1, capacity));
  }

  push(event: StoreEvent): void {
    if (this.size === this.ring.length) {
      const evicted = this.ring[this.start]!;
      this.floor = evicted.revision;
      this.ring[this.start] = undefined;
      this.start = (this.start + 1) % this.ring.length;
      this.size--;
    }
    this.ring[(this.start + this.size) % this.ring.length] = event;
    this.size++;
  }

  /** The oldest revision from which every later event is still known. */
  oldestRevision(): number {
    return this.floor;
  }

  /** Drops every event with revision <= `revision`. */
  compact(revision: number): void {
    while (this.size > 0 && this.ring[this.start]!.revision <= revision) {
      this.ring[this.start] = undefined;
      this.start = (this.start + 1) % this.ring.length;
      this.size--;
    }
    if (revision > this.floor) this.floor = revision;
  }

  /** Events with revision > `revision`, oldest first. Caller checks `revision >= oldestRevision()` first. */
  *since(revision: number): Generator<StoreEvent> {
    // Binary search for the first event after `revision`: revisions increase along the ring.
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.at(mid).revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.size; i++) yield this.at(i);
  }

  /** Events with revision > `revision`, newest first (used to roll state back for past-revision reads). */
  *newestFirstSince(revision: number): Generator<StoreEvent> {
    for (let i = this.size - 1; i >= 0; i--) {
      const event = this.at(i);
      if (event.revision <= revision) return;
      yield event;
    }
  }

  private at(index: number): StoreEvent {
    return this.ring[(this.start + index) % this.ring.length]!;
  }
}
