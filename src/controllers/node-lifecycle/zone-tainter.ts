// Rate-limited NoExecute tainting per zone: upstream's RateLimitedTimedQueue behind a token bucket, on the clock.
import type { KubeObject } from '../../meta/types.js';

/** A zone's health as computeZoneState classifies it. */
export type ZoneState = 'Initial' | 'Normal' | 'FullDisruption' | 'PartialDisruption';

/** scheduler.EvictionRateLimiterBurst */
const evictionBurst = 1;

/** flowcontrol's token bucket (x/time/rate): starts full, refills `qps` tokens a second up to the burst. */
class TokenBucket {
  private tokens = evictionBurst;
  private last: number;

  constructor(
    readonly qps: number,
    now: number,
  ) {
    this.last = now;
  }

  private refill(now: number): void {
    this.tokens = Math.min(evictionBurst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
  }

  tryAccept(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is there. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.qps) * 1000);
  }
}

interface Queued {
  name: string;
  uid: string;
  processAt: number;
  seq: number;
}

/** What one attempt at tainting a node decided: done, or try again after `retryAfterMs`. */
export type TaintAttempt = { done: true } | { done: false; retryAfterMs: number };

/**
 * One zone's NoExecute tainter. A node is added once and then stays in the set (so it is not added again) until it is
 * removed, even after its turn has been processed, as UniqueQueue's RemoveFromQueue keeps it.
 */
export class ZoneTainter {
  /** undefined: a limiter of 0 QPS, which never lets anything through. */
  private limiter: TokenBucket | undefined;
  private readonly queued = new Map<string, Queued>();
  private readonly members = new Set<string>();
  private seq = 0;

  constructor(qps: number, now: number) {
    this.limiter = qps > 0 ? new TokenBucket(qps, now) : undefined;
  }

  add(name: string, uid: string, now: number): boolean {
    if (this.members.has(name)) return false;
    this.members.add(name);
    this.queued.set(name, { name, uid, processAt: now, seq: this.seq++ });
    return true;
  }

  /** Takes the node out entirely, so it may be added again; true if it was in. */
  remove(name: string): boolean {
    this.queued.delete(name);
    return this.members.delete(name);
  }

  /** SwapLimiter: a new bucket for a new rate, drained if the old one had nothing left. */
  swapLimiter(qps: number, now: number): void {
    if ((this.limiter?.qps ?? 0) === qps) return;
    if (qps <= 0) {
      this.limiter = undefined;
      return;
    }
    const exhausted = !this.limiter || !this.limiter.tryAccept(now);
    this.limiter = new TokenBucket(qps, now);
    if (exhausted) this.limiter.tryAccept(now);
  }

  private head(): Queued | undefined {
    let best: Queued | undefined;
    for (const q of this.queued.values()) {
      if (!best || q.processAt < best.processAt || (q.processAt === best.processAt && q.seq < best.seq)) best = q;
    }
    return best;
  }

  /**
   * Try: hands due nodes to `attempt` while the limiter allows. Returns when to come back (ms from now) if nodes are
   * still waiting on time or tokens, undefined when there is nothing to wait for (empty, or a 0 QPS limiter).
   */
  async process(now: number, attempt: (name: string, uid: string) => Promise<TaintAttempt>): Promise<number | undefined> {
    for (;;) {
      const head = this.head();
      if (!head) return undefined;
      if (!this.limiter) return undefined;
      // As upstream, a token is spent before looking at the head's time.
      if (!this.limiter.tryAccept(now)) return Math.max(1, this.limiter.waitMs(now));
      if (now < head.processAt) return head.processAt - now;
      const result = await attempt(head.name, head.uid);
      if (this.queued.get(head.name) !== head) continue;
      if (result.done) this.queued.delete(head.name);
      else head.processAt = now + result.retryAfterMs + 1;
    }
  }
}

/** nodetopology.GetZoneKey: region and zone (GA labels first, then the beta ones), or "" for a node with neither. */
export function zoneKeyOf(node: KubeObject): string {
  const labels = node.metadata.labels ?? {};
  const zone = labels['topology.kubernetes.io/zone'] ?? labels['failure-domain.beta.kubernetes.io/zone'] ?? '';
  const region = labels['topology.kubernetes.io/region'] ?? labels['failure-domain.beta.kubernetes.io/region'] ?? '';
  if (region === '' && zone === '') return '';
  return `${region}:\u0000:${zone}`;
}

export interface DisruptionSettings {
  unhealthyZoneThreshold: number;
}

/** ComputeZoneState: fully disrupted when no node is Ready, partially when at least the threshold (and > 2) are not. */
export function computeZoneState(readyStatuses: (string | undefined)[], settings: DisruptionSettings): { unhealthy: number; state: ZoneState } {
  const ready = readyStatuses.filter((s) => s === 'True').length;
  const notReady = readyStatuses.length - ready;
  if (ready === 0 && notReady > 0) return { unhealthy: notReady, state: 'FullDisruption' };
  if (notReady > 2 && notReady / (notReady + ready) >= settings.unhealthyZoneThreshold) return { unhealthy: notReady, state: 'PartialDisruption' };
  return { unhealthy: notReady, state: 'Normal' };
}
