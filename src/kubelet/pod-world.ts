// One pod as the stage engine sees it: subjects, and the facts, delays and actions the stage data names.
import type { KubeObject } from '../meta/types.js';
import { podActions } from './pod-actions.js';
import type { BackOff } from './pod-back-off.js';
import type { PodEvent } from './pod-events.js';
import type { PodIpAllocator } from './pod-ip.js';
import type { ContainerRuntime, PodRuntime } from './pod-runtime.js';
import { generatePodStatus } from './pod-status.js';
import type { Stage, StageMemory, StageSubject, StageWorld } from './stage-engine.js';
import { podDelays, podFacts } from './stage-facts.js';
import type { KubeletTimings } from './stages.js';

/** State the kubelet keeps across pods and reconciles, as upstream keeps it in memory. */
export interface KubeletState {
  timings: KubeletTimings;
  ips: PodIpAllocator;
  /** Keyed `<pod uid>/<container>`. */
  crashBackOff: BackOff;
  /** Keyed `<pod uid>_<image>`, as upstream's image manager keys it. */
  imageBackOff: BackOff;
  /** Images each node has pulled, so `IfNotPresent` finds them there the next time. */
  images: Map<string, Set<string>>;
  /** Exact exit times by `<pod uid>/<container ID>`: the status only keeps seconds. */
  finishedAt: Map<string, number>;
}

export interface PodSubject extends StageSubject {
  container?: ContainerRuntime;
}

export interface TimedEvent {
  event: PodEvent;
  at: number;
}

export class PodWorld implements StageWorld<PodSubject> {
  readonly events: TimedEvent[] = [];
  deleteRequested = false;
  /** The pod with the status the runtime implies now, which selectors read. */
  private view!: KubeObject;

  constructor(
    readonly rt: PodRuntime,
    readonly now: number,
    readonly state: KubeletState,
    readonly memory: StageMemory,
  ) {
    this.refresh();
  }

  get pod(): KubeObject {
    return this.rt.pod;
  }

  /** The pod as it will be written. */
  current(): KubeObject {
    return this.view;
  }

  refresh(): void {
    this.view = { ...this.rt.pod, status: generatePodStatus(this.rt, this.now) };
  }

  record(event: PodEvent, at = this.now): void {
    this.events.push({ event, at });
  }

  subjects(scope: Stage['scope']): PodSubject[] {
    if (scope === 'pod') return [{ id: '', fields: { pod: this.view } }];
    return this.rt.containers.map((c) => ({
      id: c.spec.name,
      container: c,
      fields: { pod: this.view, container: c.spec, status: c.status, kind: c.kind },
    }));
  }

  fact(name: string, subject: PodSubject): boolean {
    const fact = podFacts[name];
    if (!fact) throw new Error(`stage fact "${name}" is not defined`);
    return fact(this, subject.container);
  }

  delay(stage: Stage, subject: PodSubject, since: number): number {
    const { delay } = stage;
    if (!delay) return 0;
    if (delay.from !== undefined) {
      const computed = podDelays[delay.from];
      if (!computed) throw new Error(`stage delay "${delay.from}" is not defined`);
      return computed(this, subject.container, since);
    }
    if (delay.timing !== undefined) {
      const ms = (this.state.timings as unknown as Record<string, number>)[delay.timing];
      if (ms === undefined) throw new Error(`stage timing "${delay.timing}" is not defined`);
      return ms;
    }
    return delay.ms ?? 0;
  }

  apply(stage: Stage, subject: PodSubject, since: number): void {
    const action = podActions[stage.action];
    if (!action) throw new Error(`stage action "${stage.action}" is not defined`);
    action(this, subject.container, since);
    this.refresh();
  }
}
