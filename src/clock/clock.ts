// The Clock interface and the real clock: the only place in kubefake that reads the time or sets timers.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds of this clock's time. */
  after(ms: number, fn: () => void): TimerHandle;
  /** Runs `fn` every `ms` milliseconds of this clock's time until cancelled. */
  every(ms: number, fn: () => void): TimerHandle;
}

export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  after(ms: number, fn: () => void): TimerHandle {
    const timer = setTimeout(fn, ms);
    // Timers never keep the process alive on their own: a server or a test's close() decides that.
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  }

  every(ms: number, fn: () => void): TimerHandle {
    const timer = setInterval(fn, ms);
    timer.unref();
    return { cancel: () => clearInterval(timer) };
  }
}

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
