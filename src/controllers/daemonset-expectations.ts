// Upstream's ControllerExpectations: the DaemonSet's creates and deletes not yet seen in its pod cache.
import type { Clock } from '../clock/clock.js';

/** After this long unobserved, expectations are assumed lost and no longer block (upstream's ExpectationsTimeout). */
const expectationsTimeoutMs = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  timestamp: number;
}

export class ControllerExpectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(private readonly clock: Clock) {}

  /** Whether the controller may act: nothing pending, everything observed, or the expectations have expired. */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    return (e.add <= 0 && e.del <= 0) || this.clock.now() - e.timestamp > expectationsTimeoutMs;
  }

  set(key: string, add: number, del: number): void {
    this.byKey.set(key, { add, del, timestamp: this.clock.now() });
  }

  /** Fewer creates or deletes to wait for (they were skipped or failed). */
  lower(key: string, add: number, del: number): void {
    const e = this.byKey.get(key);
    if (!e) return;
    e.add -= add;
    e.del -= del;
  }

  creationObserved(key: string): void {
    this.lower(key, 1, 0);
  }

  deletionObserved(key: string): void {
    this.lower(key, 0, 1);
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }
}
