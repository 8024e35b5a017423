// Events as the kubelet records them: source host and reporting instance are the node, container events name a fieldPath.
import type { InProcessClient } from '../client/client.js';
import { rfc3339, type Clock } from '../clock/clock.js';
import type { KubeObject } from '../meta/types.js';

export interface PodEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** `spec.containers{name}` or `spec.initContainers{name}` for container events. */
  fieldPath?: string;
}

interface Series {
  namespace: string;
  name?: string;
  count: number;
  /** Writes of one series run in order, so a burst of repeats becomes one Event with a count. */
  chain: Promise<void>;
}

const maxSeries = 4096;

export class KubeletEventRecorder {
  private readonly series = new Map<string, Series>();
  /**
   * Event names are `<pod>.<unix nanos in hex>` as upstream's; starting half a millisecond in keeps them apart from
   * names other recorders pick for the same pod in the same millisecond.
   */
  private lastNanos = 0n;

  constructor(
    private readonly client: InProcessClient,
    private readonly clock: Clock,
    private readonly track: (work: Promise<unknown>) => void,
    private readonly logError: (err: unknown) => void,
  ) {}

  /** `at` backdates the event to when it happened (a pull began before it finished); the clock's now by default. */
  record(pod: KubeObject, node: string, event: PodEvent, at = this.clock.now()): void {
    const meta = pod.metadata;
    const key = [meta.namespace, meta.name, meta.uid, event.fieldPath ?? '', event.type, event.reason, event.message].join('\u0000');
    const series = this.series.get(key) ?? { namespace: meta.namespace ?? 'default', count: 0, chain: Promise.resolve() };
    this.series.delete(key);
    this.series.set(key, series);
    if (this.series.size > maxSeries) this.series.delete(this.series.keys().next().value!);
    const stamp = rfc3339(at);
    series.chain = series.chain.then(() => this.write(series, pod, node, event, stamp)).catch((err) => this.logError(err));
    this.track(series.chain);
  }

  private async write(series: Series, pod: KubeObject, node: string, event: PodEvent, at: string): Promise<void> {
    if (series.name !== undefined) {
      try {
        await this.client.patch('v1', 'events', series.namespace, series.name, 'merge', { count: series.count + 1, lastTimestamp: at });
        series.count++;
        return;
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
      }
    }
    for (let attempt = 0; ; attempt++) {
      const name = `${pod.metadata.name}.${this.nextNanos().toString(16)}`;
      try {
        await this.client.create('v1', 'events', series.namespace, eventObject(name, series.namespace, pod, node, event, at));
        series.name = name;
        series.count = 1;
        return;
      } catch (err) {
        if ((err as { code?: number }).code !== 409 || attempt >= 8) throw err;
      }
    }
  }

  private nextNanos(): bigint {
    const nanos = BigInt(this.clock.now()) * 1_000_000n + 500_000n;
    this.lastNanos = nanos > this.lastNanos ? nanos : this.lastNanos + 1n;
    return this.lastNanos;
  }

  /** Forgets the series of a pod that is gone. */
  forgetPod(uid: string): void {
    for (const key of [...this.series.keys()]) if (key.split('\u0000')[2] === uid) this.series.delete(key);
  }
}

function eventObject(name: string, namespace: string, pod: KubeObject, node: string, event: PodEvent, at: string): KubeObject {
  const involvedObject: Record<string, unknown> = {
    kind: 'Pod',
    namespace: pod.metadata.namespace,
    name: pod.metadata.name,
    uid: pod.metadata.uid,
    apiVersion: 'v1',
    resourceVersion: pod.metadata.resourceVersion,
  };
  if (event.fieldPath) involvedObject.fieldPath = event.fieldPath;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace },
    involvedObject,
    reason: event.reason,
    message: event.message,
    source: { component: 'kubelet', host: node },
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
    type: event.type,
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: node,
  } as unknown as KubeObject;
}
