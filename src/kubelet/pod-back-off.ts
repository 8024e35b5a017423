// Per-container back-off with client-go flowcontrol.Backoff semantics, as the kubelet uses for restarts and image pulls.

/** The kubelet's back-off for crashing containers and failing pulls: 10s doubling to 5m (backOffPeriod, MaxContainerBackOff). */
export const backOffInitialMs = 10_000;
export const backOffMaxMs = 300_000;

interface Entry {
  backOffMs: number;
  lastUpdate: number;
}

export class BackOff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly initialMs = backOffInitialMs,
    readonly maxMs = backOffMaxMs,
  ) {}

  /** An entry not touched for twice the maximum back-off is stale: the container has been stable, start over. */
  private expired(eventTime: number, entry: Entry): boolean {
    return eventTime - entry.lastUpdate > this.maxMs * 2;
  }

  /** Whether an event at `eventTime` (a container's exit) still falls within the back-off window at `now`. */
  isInBackOffSince(id: string, eventTime: number, now: number): boolean {
    const entry = this.entries.get(id);
    if (!entry || this.expired(eventTime, entry)) return false;
    return now - eventTime < entry.backOffMs;
  }

  /** Whether `now` is still within the back-off window opened by the last next() (image pulls). */
  isInBackOffSinceUpdate(id: string, now: number): boolean {
    const entry = this.entries.get(id);
    if (!entry || this.expired(now, entry)) return false;
    return now - entry.lastUpdate < entry.backOffMs;
  }

  /** Opens the next window: the initial period for a new or stale entry, else double the last, capped. */
  next(id: string, eventTime: number, now: number): void {
    const entry = this.entries.get(id);
    const backOffMs = !entry || this.expired(eventTime, entry) ? this.initialMs : Math.min(entry.backOffMs * 2, this.maxMs);
    this.entries.set(id, { backOffMs, lastUpdate: now });
  }

  /** The current window length, 0 when there is none. */
  get(id: string): number {
    return this.entries.get(id)?.backOffMs ?? 0;
  }

  /** When the window opened by the last next() closes. */
  endOfWindow(id: string): number | undefined {
    const entry = this.entries.get(id);
    return entry ? entry.lastUpdate + entry.backOffMs : undefined;
  }

  /** Drops every entry whose id starts with `prefix` (a pod's uid), once the pod is gone. */
  forgetPrefix(prefix: string): void {
    for (const id of [...this.entries.keys()]) if (id.startsWith(prefix)) this.entries.delete(id);
  }
}
