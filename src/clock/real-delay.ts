// A wait in real time, for injected network latency: a client's request is slow on the wall clock even when the
// cluster runs on a virtual clock that only moves on advance().

/** Resolves after `ms` milliseconds of real time; the timer never keeps the process alive on its own. */
export function realDelay(ms: number): Promise<void> {
  if (!(ms > 0)) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
