// Upstream's ControllerExpectations and UIDTrackingControllerExpectations (pkg/controller/controller_utils.go).
import type { Clock } from '../../clock/clock.js';

/**
 * controller.ExpectationsTimeout: expectations never observed (a dropped watch event) stop blocking syncs after this
 * long, measured on the injected clock.
 */
export const expectationsTimeoutMs = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  /** When the expectation was set, for the timeout. */
  setAt: number;
}

/**
 * A sync that has just created or deleted pods must not act again before its informer has seen those writes, or it
 * would count a stale cache and create or delete twice. Keys are the owner's queue key (`namespace/name`).
 */
export class ControllerExpectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(private readonly clock: Clock) {}

  /** SatisfiedExpectations: nothing awaited, everything observed, or set longer ago than the timeout. */
  satisfied(key: string): boolean {
    const exp = this.byKey.get(key);
    if (!exp) return true;
    if (exp.add <= 0 && exp.del <= 0) return true;
    return this.clock.now() - exp.setAt > expectationsTimeoutMs;
  }

  /** SetExpectations: replaces whatever was expected before and restarts the timeout. */
  set(key: string, add: number, del: number): void {
    this.byKey.set(key, { add, del, setAt: this.clock.now() });
  }

  expectCreations(key: string, count: number): void {
    this.set(key, count, 0);
  }

  expectDeletions(key: string, count: number): void {
    this.set(key, 0, count);
  }

  /** LowerExpectations: fewer creates or deletes to wait for (they were skipped or failed, so no event will come). */
  lower(key: string, add: number, del: number): void {
    const exp = this.byKey.get(key);
    if (!exp) return;
    exp.add -= add;
    exp.del -= del;
  }

  creationObserved(key: string): void {
    this.lower(key, 1, 0);
  }

  deletionObserved(key: string): void {
    this.lower(key, 0, 1);
  }

  /** DeleteExpectations: forgets the owner, so one re-created under the same name starts clean. */
  delete(key: string): void {
    this.byKey.delete(key);
  }

  /** The creates and deletes still awaited, for tests and diagnostics. */
  pending(key: string): { add: number; del: number } | undefined {
    const exp = this.byKey.get(key);
    return exp && { add: exp.add, del: exp.del };
  }
}

/**
 * UIDTrackingControllerExpectations: deletions are tracked by pod key, so a graceful delete (an update setting
 * deletionTimestamp) and the final delete count only once, and deletes of pods the owner did not choose are ignored.
 */
export class UIDTrackingControllerExpectations {
  private readonly counts: ControllerExpectations;
  private readonly pendingDeletions = new Map<string, Set<string>>();

  constructor(clock: Clock) {
    this.counts = new ControllerExpectations(clock);
  }

  satisfied(key: string): boolean {
    return this.counts.satisfied(key);
  }

  /** Leaves the awaited deletions' pod keys alone, as upstream's embedded ExpectCreations does. */
  expectCreations(key: string, count: number): void {
    this.counts.expectCreations(key, count);
  }

  creationObserved(key: string): void {
    this.counts.creationObserved(key);
  }

  expectDeletions(key: string, podKeys: string[]): void {
    const keys = new Set(podKeys);
    this.pendingDeletions.set(key, keys);
    this.counts.expectDeletions(key, keys.size);
  }

  /** Counts a deletion only for a pod this owner chose to delete, and only the first time it is seen. */
  deletionObserved(key: string, podKey: string): void {
    const keys = this.pendingDeletions.get(key);
    if (!keys?.has(podKey)) return;
    keys.delete(podKey);
    this.counts.deletionObserved(key);
  }

  delete(key: string): void {
    this.counts.delete(key);
    this.pendingDeletions.delete(key);
  }

  pending(key: string): { add: number; del: number } | undefined {
    return this.counts.pending(key);
  }
}
