// Records core/v1 Events about objects as client-go's legacy recorder does: repeats counted, similar ones combined.
import type { InProcessClient } from '../../client/client.js';
import { rfc3339, type Clock } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import { EventCorrelator } from './event-correlator.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  /** Writes (or counts again) an Event about `obj`; the write is tracked so settle() waits for it. */
  event(obj: KubeObject, type: EventType, reason: string, message: string): void;
}

interface Recorded {
  namespace: string;
  /** Set once the Event exists; repeats then patch its count. */
  name?: string;
  /** Times the event was observed, dropped ones included: upstream's correlator counts on observing, not on writing. */
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
  private readonly correlator = new EventCorrelator();

  constructor(
    private readonly client: InProcessClient,
    private readonly clock: Clock,
    private readonly component: string,
    private readonly track: (work: Promise<unknown>) => void,
    private readonly logError: (err: unknown) => void,
  ) {}

  /**
   * As client-go's correlator: the 10th distinct message of one reason about one object (within ten minutes) and
   * every later one go to a single combined Event, and past a burst of 25 Events about one object a source is held
   * to one every five minutes; the rest are dropped, so a ReplicaSet creating 1,000 pods does not write 1,000 Events.
   */
  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    const meta = obj.metadata;
    const at = this.clock.now();
    const sourceAndObject = [this.component, obj.kind, meta.namespace ?? '', meta.name, meta.uid, obj.apiVersion].join('\u0000');
    const correlated = this.correlator.aggregate({ sourceAndObject, type, reason, message }, at);
    const entry = this.seen.get(correlated.key) ?? { namespace: meta.namespace || 'default', count: 0, chain: Promise.resolve() };
    this.remember(correlated.key, entry);
    const count = ++entry.count;
    if (!this.correlator.allow(sourceAndObject, at)) return;
    const now = rfc3339(at);
    entry.chain = entry.chain.then(() => this.write(entry, obj, type, reason, correlated.message, count, now)).catch((err) => this.logError(err));
    this.track(entry.chain);
  }

  private async write(entry: Recorded, obj: KubeObject, type: EventType, reason: string, message: string, count: number, now: string): Promise<void> {
    if (entry.name !== undefined) {
      try {
        // The message too: a combined Event shows the latest of the messages it stands for.
        await this.client.patch('v1', 'events', entry.namespace, entry.name, 'merge', { count, lastTimestamp: now, message });
        return;
      } catch (err) {
        // The event expired or was deleted: record it afresh, as the correlator does after a failed patch.
        if ((err as { code?: number }).code !== 404) throw err;
      }
    }
    const meta = obj.metadata;
    const name = `${meta.name}.${this.nextNanos().toString(16)}`;
    const event = {
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
      count,
      type,
      eventTime: null,
      reportingComponent: this.component,
      reportingInstance: '',
    } as unknown as KubeObject;
    await this.client.create('v1', 'events', entry.namespace, event);
    entry.name = name;
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
