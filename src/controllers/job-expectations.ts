// What the job controller has asked for but its informers have not shown yet, so a stale cache is not acted on twice.
import type { Clock } from '../clock/clock.js';

/** Upstream ExpectationsTimeout: after this long an unmet expectation is assumed lost and ignored. */
const expectationsTimeoutMs = 5 * 60_000;

interface Expected {
  add: number;
  del: number;
  since: number;
}

/** Upstream ControllerExpectations: pending pod creations and deletions per Job key. */
export class PodExpectations {
  private readonly byKey = new Map<string, Expected>();

  constructor(private readonly clock: Clock) {}

  /** True when nothing is pending (or what is pending is too old to wait for). */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.since > expectationsTimeoutMs;
  }

  expectCreations(key: string, n: number): void {
    this.byKey.set(key, { add: n, del: 0, since: this.clock.now() });
  }

  expectDeletions(key: string, n: number): void {
    this.byKey.set(key, { add: 0, del: n, since: this.clock.now() });
  }

  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.del--;
  }

  forget(key: string): void {
    this.byKey.delete(key);
  }
}

/** Upstream uidTrackingExpectations: pods whose tracking finalizer removal was sent, per Job key. */
export class FinalizerExpectations {
  private readonly byKey = new Map<string, Set<string>>();

  expectedUids(key: string): Set<string> {
    return new Set(this.byKey.get(key) ?? []);
  }

  expectRemoved(key: string, uids: string[]): void {
    const set = this.byKey.get(key) ?? new Set<string>();
    for (const uid of uids) set.add(uid);
    this.byKey.set(key, set);
  }

  removalObserved(key: string, uid: string): void {
    const set = this.byKey.get(key);
    if (!set) return;
    set.delete(uid);
    if (set.size === 0) this.byKey.delete(key);
  }

  forget(key: string): void {
    this.byKey.delete(key);
  }
}
