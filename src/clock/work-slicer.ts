// Cooperative time slices for work that chains microtasks, so the event loop still reaches I/O and timers meanwhile.
import { RealClock, type Clock } from './clock.js';

export interface WorkSlicer {
  /**
   * Runs `fn` soon: on a microtask while the current slice of continuous work is younger than the budget, otherwise
   * after the event loop has had a turn (pending I/O, then timers), when a new slice begins.
   */
  schedule(fn: () => void): void;
}

const microtasks: WorkSlicer = { schedule: (fn) => queueMicrotask(fn) };

/**
 * A slicer for work driven by `clock`. Only the real clock slices: on a virtual clock time stands still while work
 * runs, and settle()/advance() must see the same order of work on every run, which real-time slices would break.
 */
export function workSlicer(clock: Clock, budgetMs = 8): WorkSlicer {
  if (!(clock instanceof RealClock)) return microtasks;
  /** When the current slice began; undefined once the event loop has turned since. */
  let sliceStart: number | undefined;
  let deferred: Array<() => void> = [];

  const startSlice = (now: number) => {
    sliceStart = now;
    // Runs after the next I/O poll: the loop turned, so whatever follows is a fresh slice.
    setImmediate(() => {
      sliceStart = undefined;
    });
  };

  const flush = () => {
    const ready = deferred;
    deferred = [];
    startSlice(performance.now());
    for (const fn of ready) fn();
  };

  return {
    schedule(fn) {
      const now = performance.now();
      if (sliceStart === undefined) startSlice(now);
      if (deferred.length === 0 && now - sliceStart! < budgetMs) {
        queueMicrotask(fn);
        return;
      }
      if (deferred.length === 0) setImmediate(flush);
      deferred.push(fn);
    },
  };
}
