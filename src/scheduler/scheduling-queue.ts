// The scheduling queue: activeQ by priority, backoffQ, and the unschedulable pool that cluster events or a timeout flush.
import type { Clock, TimerHandle } from '../clock/clock.js';
import { BinaryHeap } from './binary-heap.js';

/** Upstream's podInitialBackoffSeconds, podMaxBackoffSeconds and podMaxInUnschedulablePodsDuration. */
export const INITIAL_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 10_000;
export const MAX_UNSCHEDULABLE_MS = 5 * 60_000;

interface Entry {
  key: string;
  priority: number;
  /** When the pod (re-)entered the queue: FIFO among equal priorities, as PrioritySort orders. */
  timestamp: number;
  seq: number;
  attempts: number;
  unschedulableCount: number;
  consecutiveErrors: number;
  /** Plugins that rejected the last attempt; empty means any cluster event may help. */
  rejectors: Set<string>;
  backoffUntil: number;
  where: 'active' | 'backoff' | 'unschedulable' | 'inflight';
  timer?: TimerHandle;
  /** Bumped on every change to where the entry is or how it sorts: heap nodes of an older version are stale. */
  version: number;
}

/** A heap node: the entry's sort keys as they were when pushed, valid while the entry keeps that version. */
interface HeapNode {
  entry: Entry;
  version: number;
  priority: number;
  timestamp: number;
  backoffUntil: number;
}

/** Which cluster change happened, and which rejecting plugins it can help ('all' for node adds and the like). */
export interface ClusterEvent {
  label: string;
  plugins: Set<string> | 'all';
}

const ALL_PLUGINS: ClusterEvent = { label: 'PodUpdate', plugins: 'all' };

/** isPodWorthRequeuing, coarsely: the event concerns a plugin that rejected the pod (or nothing is known). */
function helps(event: ClusterEvent, rejectors: Set<string>): boolean {
  return event.plugins === 'all' || rejectors.size === 0 || [...rejectors].some((p) => (event.plugins as Set<string>).has(p));
}

export class SchedulingQueue {
  /** Every entry, in the order they were added (seq order), which is how ties and event fan-out are ordered. */
  private readonly entries = new Map<string, Entry>();
  private seq = 0;
  /** activeQ: priority, then the time the pod (re-)entered, then seq. */
  private readonly active = new BinaryHeap<HeapNode>(
    (a, b) => a.priority > b.priority || (a.priority === b.priority && (a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.entry.seq < b.entry.seq))),
  );
  /** backoffQ, for popping early: pods backing off after an unschedulable attempt, by when their backoff ends. */
  private readonly backoff = new BinaryHeap<HeapNode>(
    (a, b) => a.backoffUntil < b.backoffUntil || (a.backoffUntil === b.backoffUntil && (a.priority > b.priority || (a.priority === b.priority && a.entry.seq < b.entry.seq))),
  );
  /** The entries a cluster event concerns: unschedulable and in flight. */
  private readonly waiting = new Set<Entry>();
  /** Cluster events seen while a pod was being scheduled: if one may help its rejectors, it retries after backoff. */
  private readonly inFlightEvents = new Map<string, ClusterEvent[]>();

  constructor(
    private readonly clock: Clock,
    /** Called whenever a pod becomes ready to pop, so the controller runs a cycle. */
    private readonly onReady: (key: string) => void,
  ) {}

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** A new (or newly eligible) pending pod goes straight to activeQ. */
  add(key: string, priority: number): void {
    const existing = this.entries.get(key);
    if (existing) {
      existing.priority = priority;
      this.touch(existing);
      return;
    }
    const entry = this.newEntry(key, priority);
    this.entries.set(key, entry);
    this.touch(entry);
    this.onReady(key);
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    entry?.timer?.cancel();
    if (entry) this.waiting.delete(entry);
    this.entries.delete(key);
    this.inFlightEvents.delete(key);
  }

  /**
   * The next pod to schedule: activeQ by priority then time; with activeQ empty, the backoffQ (SchedulerPopFromBackoffQ,
   * on by default since v1.33) by when its backoff ends, so an idle scheduler does not wait for nothing.
   */
  pop(): string | undefined {
    const best = this.popValid(this.active, 'active') ?? this.popValid(this.backoff, 'backoff');
    if (!best) return undefined;
    best.timer?.cancel();
    best.timer = undefined;
    best.where = 'inflight';
    this.touch(best);
    best.attempts++;
    this.inFlightEvents.set(best.key, []);
    return best.key;
  }

  /** The attempt found no node: wait for an event that may help (or after backoff, if one already came). */
  unschedulable(key: string, rejectors: Set<string>): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.unschedulableCount++;
    entry.consecutiveErrors = 0;
    entry.rejectors = rejectors;
    this.requeueAfterFailure(entry);
  }

  /** The attempt hit an error (an API call failed): retry after a backoff counted on consecutive errors. */
  error(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.inFlightEvents.delete(key);
    entry.consecutiveErrors++;
    entry.rejectors = new Set();
    this.toBackoff(entry);
  }

  /** The pod is bound (or being bound): it leaves the queue. */
  done(key: string): void {
    this.delete(key);
  }

  /** MoveAllToActiveOrBackoffQueue for the unschedulable pods the event may help. */
  moveAll(event: ClusterEvent): void {
    for (const e of [...this.waiting].sort((a, b) => a.seq - b.seq)) {
      if (e.where === 'inflight') {
        this.inFlightEvents.get(e.key)?.push(event);
        continue;
      }
      if (e.where === 'unschedulable' && helps(event, e.rejectors)) this.activateOrBackoff(e);
    }
  }

  /** An update of the pending pod itself (labels, tolerations…): try it again, after its backoff. */
  podUpdated(key: string, priority: number): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.priority = priority;
    this.touch(entry);
    if (entry.where === 'inflight') this.inFlightEvents.get(key)?.push(ALL_PLUGINS);
    else if (entry.where === 'unschedulable') this.activateOrBackoff(entry);
  }

  /** Keys by place, for tests and debugging. */
  snapshot(): Record<Entry['where'], string[]> {
    const out: Record<Entry['where'], string[]> = { active: [], backoff: [], unschedulable: [], inflight: [] };
    for (const e of this.entries.values()) out[e.where].push(e.key);
    return out;
  }

  private newEntry(key: string, priority: number): Entry {
    return {
      key,
      priority,
      timestamp: this.clock.now(),
      seq: this.seq++,
      attempts: 0,
      unschedulableCount: 0,
      consecutiveErrors: 0,
      rejectors: new Set(),
      backoffUntil: 0,
      where: 'active',
      version: 0,
    };
  }

  /**
   * Records a change to the entry's place or sort keys: older heap nodes go stale, and the entry is pushed anew onto
   * the heap it now belongs to. Stale nodes are dropped when popped, or all at once when they outnumber the live.
   */
  private touch(entry: Entry): void {
    entry.version++;
    if (entry.where === 'unschedulable' || entry.where === 'inflight') this.waiting.add(entry);
    else this.waiting.delete(entry);
    // Pods backing off after an error (podErrorBackoffQ) are not popped early: the backoff protects the apiserver.
    const heap = entry.where === 'active' ? this.active : entry.where === 'backoff' && entry.consecutiveErrors === 0 ? this.backoff : undefined;
    if (!heap) return;
    heap.push({ entry, version: entry.version, priority: entry.priority, timestamp: entry.timestamp, backoffUntil: entry.backoffUntil });
    const where = entry.where;
    if (heap.size > 2 * this.entries.size + 64) heap.retain((n) => this.current(n, where));
  }

  private current(node: HeapNode, where: Entry['where']): boolean {
    return this.entries.get(node.entry.key) === node.entry && node.version === node.entry.version && node.entry.where === where;
  }

  private popValid(heap: BinaryHeap<HeapNode>, where: Entry['where']): Entry | undefined {
    for (let node = heap.pop(); node; node = heap.pop()) if (this.current(node, where)) return node.entry;
    return undefined;
  }

  /** calculateBackoffDuration: 1s doubling per failed attempt, capped at 10s. */
  private backoffMs(entry: Entry): number {
    const count = entry.consecutiveErrors > 0 ? entry.consecutiveErrors : entry.unschedulableCount;
    if (count === 0) return 0;
    return Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 2 ** (count - 1));
  }

  private requeueAfterFailure(entry: Entry): void {
    entry.timestamp = this.clock.now();
    entry.backoffUntil = entry.timestamp + this.backoffMs(entry);
    const seen = this.inFlightEvents.get(entry.key) ?? [];
    this.inFlightEvents.delete(entry.key);
    if (seen.some((event) => helps(event, entry.rejectors))) {
      this.toBackoff(entry);
      return;
    }
    entry.where = 'unschedulable';
    this.touch(entry);
    entry.timer?.cancel();
    // flushUnschedulablePodsLeftover: after five minutes without a helpful event, try again anyway.
    entry.timer = this.clock.after(MAX_UNSCHEDULABLE_MS, () => {
      entry.timer = undefined;
      if (this.entries.get(entry.key) === entry && entry.where === 'unschedulable') this.activateOrBackoff(entry);
    });
  }

  private toBackoff(entry: Entry): void {
    entry.timestamp = this.clock.now();
    entry.backoffUntil = Math.max(entry.backoffUntil, entry.timestamp + this.backoffMs(entry));
    entry.where = 'backoff';
    this.touch(entry);
    entry.timer?.cancel();
    entry.timer = this.clock.after(Math.max(0, entry.backoffUntil - this.clock.now()), () => {
      entry.timer = undefined;
      if (this.entries.get(entry.key) !== entry || entry.where !== 'backoff') return;
      entry.where = 'active';
      this.touch(entry);
      this.onReady(entry.key);
    });
    if (entry.consecutiveErrors === 0) this.onReady(entry.key);
  }

  private activateOrBackoff(entry: Entry): void {
    if (entry.backoffUntil > this.clock.now()) {
      this.toBackoff(entry);
      return;
    }
    entry.timer?.cancel();
    entry.timer = undefined;
    entry.where = 'active';
    entry.timestamp = this.clock.now();
    this.touch(entry);
    this.onReady(entry.key);
  }
}
