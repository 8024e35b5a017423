// Upstream's UIDTrackingControllerExpectations: the creates and deletes a replica controller waits to observe.
import type { Clock } from '../clock/clock.js';

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
 * would count a stale cache and create or delete twice. Keys are the owner's `namespace/name`; deletions are tracked
 * by pod key so a graceful delete (an update setting deletionTimestamp) and the final delete count only once.
 */
export class PodExpectations {
  private readonly expectations = new Map<string, Expectation>();
  private readonly pendingDeletions = new Map<string, Set<string>>();

  constructor(private readonly clock: Clock) {}

  /** True when nothing is awaited: no expectations, all observed, or set longer ago than the timeout. */
  satisfied(ownerKey: string): boolean {
    const exp = this.expectations.get(ownerKey);
    if (!exp) return true;
    if (exp.add <= 0 && exp.del <= 0) return true;
    return this.clock.now() - exp.setAt > expectationsTimeoutMs;
  }

  /** Replaces whatever was expected before, as SetExpectations does. */
  expectCreations(ownerKey: string, count: number): void {
    this.expectations.set(ownerKey, { add: count, del: 0, setAt: this.clock.now() });
  }

  expectDeletions(ownerKey: string, podKeys: string[]): void {
    const keys = new Set(podKeys);
    this.pendingDeletions.set(ownerKey, keys);
    this.expectations.set(ownerKey, { add: 0, del: keys.size, setAt: this.clock.now() });
  }

  creationObserved(ownerKey: string): void {
    const exp = this.expectations.get(ownerKey);
    if (exp) exp.add--;
  }

  /** Counts a deletion only for a pod this owner chose to delete, and only the first time it is seen. */
  deletionObserved(ownerKey: string, podKey: string): void {
    const keys = this.pendingDeletions.get(ownerKey);
    if (!keys?.has(podKey)) return;
    keys.delete(podKey);
    const exp = this.expectations.get(ownerKey);
    if (exp) exp.del--;
  }

  /** Forgets the owner, so one re-created under the same name starts clean. */
  delete(ownerKey: string): void {
    this.expectations.delete(ownerKey);
    this.pendingDeletions.delete(ownerKey);
  }

  /** The creates and deletes still awaited, for tests and diagnostics. */
  pending(ownerKey: string): { add: number; del: number } | undefined {
    const exp = this.expectations.get(ownerKey);
    return exp && { add: exp.add, del: exp.del };
  }
}
