// A de-duplicating, delaying, rate-limited work queue of string keys, with client-go's workqueue semantics.
import type { Clock, TimerHandle } from '../../clock/clock.js';

/** How long a key waits before its next try after a failure; client-go's workqueue.RateLimiter. */
export interface RateLimiter {
  when(key: string): number;
  forget(key: string): void;
  numRequeues(key: string): number;
}

/** Per-item exponential backoff: base·2^failures, capped; client-go's default controller limiter uses 5 ms → 1000 s. */
export class ExponentialBackoff implements RateLimiter {
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

/**
 * client-go's BucketRateLimiter (10 qps, burst 100 by default): an overall token bucket over every retry, so a storm of
 * failing keys is spread out in time instead of retried all at once. A retry may borrow a token ahead of the refill.
 */
export class BucketRateLimiter implements RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly clock: Clock,
    readonly qps = 10,
    readonly burst = 100,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  when(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.qps) / 1000);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.qps);
  }

  forget(): void {}

  numRequeues(): number {
    return 0;
  }
}

/** client-go's MaxOfRateLimiter: every limiter is asked (each keeps its own count) and the longest wait wins. */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.limiters = limiters;
  }

  when(key: string): number {
    return Math.max(0, ...this.limiters.map((l) => l.when(key)));
  }

  forget(key: string): void {
    for (const l of this.limiters) l.forget(key);
  }

  numRequeues(key: string): number {
    return Math.max(0, ...this.limiters.map((l) => l.numRequeues(key)));
  }
}

/** client-go's DefaultControllerRateLimiter: per key 5 ms doubling to 1000 s, and 10 retries a second (burst 100) overall. */
export function defaultControllerRateLimiter(clock: Clock): RateLimiter {
  return new MaxOfRateLimiter(new ExponentialBackoff(5, 1000_000), new BucketRateLimiter(clock, 10, 100));
}

export interface WorkQueueOptions {
  /** The retry policy of addRateLimited; defaultControllerRateLimiter when unset. */
  backoff?: RateLimiter;
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
  private readonly backoff: RateLimiter;
  private readonly listeners: (() => void)[] = [];
  private shuttingDown = false;

  constructor(
    private readonly clock: Clock,
    options: WorkQueueOptions = {},
  ) {
    this.backoff = options.backoff ?? defaultControllerRateLimiter(clock);
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
