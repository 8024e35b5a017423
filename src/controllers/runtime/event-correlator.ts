// client-go's EventCorrelator: similar events aggregate into one, and a source may only say so much about one object.

/** defaultAggregateMaxEvents: the 10th distinct message of one reason about one object starts the combined event. */
const aggregateMaxEvents = 10;
/** defaultAggregateIntervalInSeconds: a lull this long starts the count of distinct messages afresh. */
const aggregateIntervalMs = 600_000;
/** defaultSpamBurst and defaultSpamQPS: 25 events at once per source and object, then one every five minutes. */
const spamBurst = 25;
const spamRefillMs = 300_000;
/** maxLruCacheEntries. */
const maxEntries = 4096;

/** What the correlator needs to know of one event. */
export interface EventFacts {
  /** source.component, involvedObject kind/namespace/name/uid/apiVersion: the spam filter's key. */
  sourceAndObject: string;
  type: string;
  reason: string;
  message: string;
}

export interface Correlation {
  /** The logger's key: the event itself, or for a combined event the aggregate it stands for. */
  key: string;
  message: string;
}

interface AggregateRecord {
  /** Distinct messages seen, oldest first (Go pops an arbitrary one; the oldest keeps runs reproducible). */
  messages: Set<string>;
  last: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > maxEntries) map.delete(map.keys().next().value!);
}

export class EventCorrelator {
  private readonly aggregates = new Map<string, AggregateRecord>();
  private readonly buckets = new Map<string, Bucket>();

  /** EventAggregate: the event as is, or once a reason has had many messages, the combined event it joins. */
  aggregate(facts: EventFacts, now: number): Correlation {
    const aggregateKey = [facts.sourceAndObject, facts.type, facts.reason].join('\u0000');
    const ownKey = [aggregateKey, facts.message].join('\u0000');
    let record = this.aggregates.get(aggregateKey);
    if (!record || now - record.last > aggregateIntervalMs) record = { messages: new Set(), last: now };
    record.last = now;
    record.messages.delete(facts.message);
    record.messages.add(facts.message);
    if (record.messages.size < aggregateMaxEvents) {
      remember(this.aggregates, aggregateKey, record);
      return { key: ownKey, message: facts.message };
    }
    // The set stays one short of the limit, so every further new message is combined too.
    record.messages.delete(record.messages.keys().next().value!);
    remember(this.aggregates, aggregateKey, record);
    return { key: aggregateKey, message: `(combined from similar events): ${facts.message}` };
  }

  /** EventSourceObjectSpamFilter: false when the token bucket of this source and object is empty (the event is dropped). */
  allow(sourceAndObject: string, now: number): boolean {
    const bucket = this.buckets.get(sourceAndObject) ?? { tokens: spamBurst, at: now };
    bucket.tokens = Math.min(spamBurst, bucket.tokens + Math.max(0, now - bucket.at) / spamRefillMs);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    remember(this.buckets, sourceAndObject, bucket);
    return allowed;
  }
}
