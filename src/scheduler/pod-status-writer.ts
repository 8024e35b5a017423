// The scheduler's writes to pods besides binding: PodScheduled=False and nominatedNodeName, and preemption's eviction.
import { rfc3339, type Clock } from '../clock/clock.js';
import type { ControllerContext } from '../controllers/runtime/index.js';
import { errorCode } from '../controllers/shared/api-errors.js';
import type { KubeObject } from '../meta/types.js';
import type { Nominating } from './framework.js';

/** validation.NoteLengthLimit: Event messages longer than this are cut, ending in " ...". */
const NOTE_LENGTH_LIMIT = 1024;

export function truncateMessage(message: string): string {
  return message.length <= NOTE_LENGTH_LIMIT ? message : `${message.slice(0, NOTE_LENGTH_LIMIT - 4)} ...`;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

function conditionsOf(pod: KubeObject): Condition[] {
  return (pod.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
}

/**
 * podutil.UpdatePodCondition: the new condition, keeping lastTransitionTime when the status did not change;
 * undefined when nothing would change.
 */
export function updatedCondition(pod: KubeObject, wanted: Omit<Condition, 'lastTransitionTime' | 'lastProbeTime'>, now: number): Condition | undefined {
  const condition: Condition = { ...wanted, lastProbeTime: null, lastTransitionTime: rfc3339(now) };
  if (typeof pod.metadata.generation === 'number') condition.observedGeneration = pod.metadata.generation;
  const old = conditionsOf(pod).find((c) => c.type === wanted.type);
  if (!old) return condition;
  if (old.status === condition.status) condition.lastTransitionTime = old.lastTransitionTime;
  const same =
    old.status === condition.status &&
    (old.reason ?? '') === (condition.reason ?? '') &&
    (old.message ?? '') === (condition.message ?? '') &&
    (old.lastProbeTime ?? null) === null &&
    (old.observedGeneration ?? 0) === (condition.observedGeneration ?? 0);
  return same ? undefined : condition;
}

export class PodStatusWriter {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly clock: Clock,
  ) {}

  /**
   * updatePod: PodScheduled=False with the reason and message, and nominatedNodeName when nominating overrides it;
   * patched only when something changes, as a strategic merge on the status subresource (conditions merge by type).
   */
  async recordFailure(pod: KubeObject, reason: string, message: string, nominating: Nominating | undefined): Promise<void> {
    const condition = updatedCondition(pod, { type: 'PodScheduled', status: 'False', reason, message }, this.clock.now());
    const current = (pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName ?? '';
    const nominate = nominating?.mode === 'Override' && current !== nominating.nodeName;
    if (!condition && !nominate) return;
    const status: Record<string, unknown> = {};
    if (condition) status.conditions = [condition];
    if (nominate) status.nominatedNodeName = nominating!.nodeName === '' ? null : nominating!.nodeName;
    await this.patchStatus(pod, status);
  }

  async recordNomination(pod: KubeObject, nodeName: string): Promise<void> {
    if ((pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName === nodeName) return;
    await this.patchStatus(pod, { nominatedNodeName: nodeName });
  }

  async clearNomination(pod: KubeObject): Promise<void> {
    if (!(pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName) return;
    await this.patchStatus(pod, { nominatedNodeName: null });
  }

  /**
   * Evaluator.PreemptPod: DisruptionTarget=True (PreemptionByScheduler), then an ordinary delete (the victim keeps its
   * grace period), then a Preempted Event. A victim that is already gone is not an error.
   */
  async evict(victim: KubeObject, preemptor: KubeObject, nodeName: string): Promise<void> {
    const schedulerName = (preemptor.spec as { schedulerName?: string } | undefined)?.schedulerName ?? 'default-scheduler';
    const condition = updatedCondition(
      victim,
      { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: `${schedulerName}: preempting to accommodate a higher priority pod` },
      this.clock.now(),
    );
    try {
      if (condition) await this.patchStatus(victim, { conditions: [condition] });
      await this.ctx.client.delete('v1', 'pods', victim.metadata.namespace, victim.metadata.name ?? '');
    } catch (err) {
      if (errorCode(err) === 404) return;
      throw err;
    }
    this.ctx.recorder.event(victim, 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata.uid} on node ${nodeName}`);
  }

  private async patchStatus(pod: KubeObject, status: Record<string, unknown>): Promise<void> {
    await this.ctx.client.patch('v1', 'pods', pod.metadata.namespace, pod.metadata.name ?? '', 'strategic', { status }, { subresource: 'status', fieldManager: 'kube-scheduler' });
  }
}
