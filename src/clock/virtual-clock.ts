// A clock that only moves when told: advance() fires every due timer in time order, so tests never sleep.
import type { Clock, TimerHandle } from './clock.js';

interface Timer {
  due: number;
  seq: number;
  fn: () => void;
  interval?: number;
  cancelled: boolean;
}

export class VirtualClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  after(ms: number, fn: () => void): TimerHandle {
    return this.schedule(ms, fn, undefined);
  }

  every(ms: number, fn: () => void): TimerHandle {
    return this.schedule(ms, fn, Math.max(1, ms));
  }

  /** Moves time forward by `ms`, running each timer that falls due, earliest first. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.nextDue();
      if (!next || next.due > target) break;
      this.current = Math.max(this.current, next.due);
      if (next.interval !== undefined) {
        next.due += next.interval;
        next.seq = this.seq++;
      } else {
        next.cancelled = true;
      }
      next.fn();
      this.timers = this.timers.filter((t) => !t.cancelled);
    }
    this.current = target;
  }

  /** When the next timer is due, if any. */
  nextDueTime(): number | undefined {
    return this.nextDue()?.due;
  }

  private schedule(ms: number, fn: () => void, interval: number | undefined): TimerHandle {
    const timer: Timer = { due: this.current + Math.max(0, ms), seq: this.seq++, fn, interval, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
        this.timers = this.timers.filter((t) => t !== timer);
      },
    };
  }

  private nextDue(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) {
      if (t.cancelled) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
