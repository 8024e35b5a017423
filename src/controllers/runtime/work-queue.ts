// A de-duplicating, delaying, rate-limited work queue of string keys, with client-go's workqueue semantics.
import type { Clock, TimerHandle } from '../../clock/clock.js';

/** Per-item exponential backoff: base·2^failures, capped; client-go's default controller limiter uses 5 ms → 1000 s. */
export class ExponentialBackoff {
  private readonly failures = new Map<string, number>();

  constructor(
    readonly baseMs = 5,
    readonly maxMs = 1000_000,
  ) {}

  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // 2^n overflows to Infinity long before it matters; the cap keeps the answer finite.
    return Math.min(this.baseMs * 2 ** n, this.maxMs);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

export interface WorkQueueOptions {
  backoff?: ExponentialBackoff;
}

/**
 * Keys wait in `queue` in order; `dirty` holds keys that need processing and `processing` keys handed out but not yet
 * `done`. A key added while it is being processed is only marked dirty, and goes back in the queue on `done`, so one key
 * is never worked on twice at once and never lost.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  /** Delayed adds, one timer per key holding the earliest time asked for, as client-go's delaying queue does. */
  private readonly waiting = new Map<string, { due: number; timer: TimerHandle }>();
  private readonly backoff: ExponentialBackoff;
  private readonly listeners: (() => void)[] = [];
  private shuttingDown = false;

  constructor(
    private readonly clock: Clock,
    options: WorkQueueOptions = {},
  ) {
    this.backoff = options.backoff ?? new ExponentialBackoff();
  }

  /** Called whenever a key becomes ready; the runner uses it to start a worker. */
  onReady(listener: () => void): void {
    this.listeners.push(listener);
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    for (const l of this.listeners) l();
  }

  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const due = this.clock.now() + ms;
    const existing = this.waiting.get(key);
    if (existing && existing.due <= due) return;
    existing?.timer.cancel();
    const timer = this.clock.after(ms, () => {
      this.waiting.delete(key);
      this.add(key);
    });
    this.waiting.set(key, { due, timer });
  }

  addRateLimited(key: string): void {
    this.addAfter(key, this.backoff.when(key));
  }

  /** Clears the key's failure count: the next addRateLimited starts again at the base delay. */
  forget(key: string): void {
    this.backoff.forget(key);
  }

  numRequeues(key: string): number {
    return this.backoff.numRequeues(key);
  }

  /** Hands out the next ready key, or undefined when none is ready; pair every key with done(). */
  get(): string | undefined {
    const key = this.queue.shift();
    if (key === undefined) return undefined;
    this.processing.add(key);
    this.dirty.delete(key);
    return key;
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) {
      this.queue.push(key);
      for (const l of this.listeners) l();
    }
  }

  /** Keys ready to be handed out now. */
  len(): number {
    return this.queue.length;
  }

  inFlight(): number {
    return this.processing.size;
  }

  /** Keys waiting on a delay (addAfter / addRateLimited). */
  waitingKeys(): string[] {
    return [...this.waiting.keys()];
  }

  /** True when nothing is ready, in flight, or waiting on a timer. */
  isIdle(): boolean {
    return this.queue.length === 0 && this.processing.size === 0 && this.waiting.size === 0;
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) timer.cancel();
    this.waiting.clear();
    this.queue.length = 0;
    this.dirty.clear();
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }
}
