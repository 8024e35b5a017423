// Records core/v1 Events about objects as client-go's legacy recorder does, counting repeats instead of duplicating.
import type { InProcessClient } from '../../client/client.js';
import { rfc3339, type Clock } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  /** Writes (or counts again) an Event about `obj`; the write is tracked so settle() waits for it. */
  event(obj: KubeObject, type: EventType, reason: string, message: string): void;
}

interface Recorded {
  namespace: string;
  /** Set once the Event exists; repeats then patch its count. */
  name?: string;
  count: number;
  /** Writes for one key run one after another, so a burst of repeats becomes one Event with a count. */
  chain: Promise<void>;
}

/**
 * Keeps names unique within one millisecond (upstream names events `<object>.<unix nanos in hex>`) across every
 * recorder of a cluster, as they share its clock: several components record about one object at the same instant.
 */
const lastNanosByClock = new WeakMap<Clock, bigint>();

/** Upstream's correlator forgets after this many distinct events; a small LRU is enough to count repeats. */
const maxRemembered = 4096;

export class ClientEventRecorder implements EventRecorder {
  private readonly seen = new Map<string, Recorded>();

  constructor(
    private readonly client: InProcessClient,
    private readonly clock: Clock,
    private readonly component: string,
    private readonly track: (work: Promise<unknown>) => void,
    private readonly logError: (err: unknown) => void,
  ) {}

  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    const meta = obj.metadata;
    const key = [obj.apiVersion, obj.kind, meta.namespace ?? '', meta.name, meta.uid, type, reason, message].join('\u0000');
    const entry = this.seen.get(key) ?? { namespace: meta.namespace || 'default', count: 0, chain: Promise.resolve() };
    const now = rfc3339(this.clock.now());
    entry.chain = entry.chain.then(() => this.write(entry, obj, type, reason, message, now)).catch((err) => this.logError(err));
    this.remember(key, entry);
    this.track(entry.chain);
  }

  private async write(entry: Recorded, obj: KubeObject, type: EventType, reason: string, message: string, now: string): Promise<void> {
    if (entry.name !== undefined) {
      try {
        await this.client.patch('v1', 'events', entry.namespace, entry.name, 'merge', { count: entry.count + 1, lastTimestamp: now });
        entry.count++;
        return;
      } catch (err) {
        // The event expired or was deleted: record it afresh, as the correlator does after a failed patch.
        if ((err as { code?: number }).code !== 404) throw err;
      }
    }
    const meta = obj.metadata;
    const name = `${meta.name}.${this.nextNanos().toString(16)}`;
    await this.client.create('v1', 'events', entry.namespace, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: entry.namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        namespace: meta.namespace,
        name: meta.name,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
      },
      reason,
      message,
      source: { component: this.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.component,
      reportingInstance: '',
    } as unknown as KubeObject);
    entry.name = name;
    entry.count = 1;
  }

  private nextNanos(): bigint {
    const nanos = BigInt(this.clock.now()) * 1_000_000n;
    const last = lastNanosByClock.get(this.clock) ?? 0n;
    const next = nanos > last ? nanos : last + 1n;
    lastNanosByClock.set(this.clock, next);
    return next;
  }

  private remember(key: string, entry: Recorded): void {
    this.seen.delete(key);
    this.seen.set(key, entry);
    if (this.seen.size > maxRemembered) this.seen.delete(this.seen.keys().next().value!);
  }
}
