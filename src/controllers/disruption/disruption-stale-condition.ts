// The disruption controller's second duty: a DisruptionTarget condition whose pod was never deleted goes back to False.
import { rfc3339 } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import { podCondition, podPhase, type PodCondition } from '../shared/pod-util.js';
import type { ControllerContext, SharedInformer } from '../runtime/index.js';
import { fieldManager } from '../shared/statefulset-daemonset-common.js';

/** Upstream's stalePodDisruptionTimeout: how long a DisruptionTarget=True may stand on a pod that is not terminating. */
export const stalePodDisruptionTimeoutMs = 2 * 60 * 1000;

/** Queue keys of pods to look at, told apart from budgets' `namespace/name` keys (a namespace has no colon). */
export const stalePodKeyPrefix = 'stale-pod:';

/**
 * nonTerminatingPodHasStaleDisruptionCondition: how long until the condition counts as stale, or undefined when it
 * never will. The kubelet's own TerminationByKubelet condition and finished pods are left alone.
 */
export function staleConditionDelay(pod: KubeObject, now: number): number | undefined {
  if (pod.metadata.deletionTimestamp) return undefined;
  const condition = podCondition(pod, 'DisruptionTarget');
  const phase = podPhase(pod);
  if (!condition || condition.status !== 'True' || condition.reason === 'TerminationByKubelet' || phase === 'Succeeded' || phase === 'Failed') {
    return undefined;
  }
  const since = condition.lastTransitionTime ? Date.parse(condition.lastTransitionTime) : NaN;
  const elapsed = Number.isNaN(since) ? 0 : now - since;
  return Math.max(0, stalePodDisruptionTimeoutMs - elapsed);
}

export function enqueueIfStaleCondition(ctx: ControllerContext, pod: KubeObject): void {
  const delay = staleConditionDelay(pod, ctx.clock.now());
  if (delay === undefined) return;
  ctx.queue.addAfter(`${stalePodKeyPrefix}${pod.metadata.namespace}/${pod.metadata.name}`, delay);
}

/**
 * apipod.UpdatePodCondition with only type and status given: reason and message are cleared, and the transition time
 * moves only if the status does.
 */
function resetCondition(conditions: PodCondition[], now: number): PodCondition[] {
  return conditions.map((c) => {
    if (c.type !== 'DisruptionTarget') return c;
    const lastTransitionTime = c.status === 'False' ? c.lastTransitionTime : rfc3339(now);
    return { type: c.type, status: 'False', lastProbeTime: null, lastTransitionTime } as PodCondition;
  });
}

/** syncStalePodDisruption: writes DisruptionTarget=False once the condition has stood too long without a deletion. */
export async function syncStalePodDisruption(ctx: ControllerContext, pods: SharedInformer, podKey: string): Promise<{ requeueAfter?: number } | void> {
  const pod = pods.get(podKey);
  if (!pod) return;
  const delay = staleConditionDelay(pod, ctx.clock.now());
  if (delay === undefined) return;
  if (delay > 0) return { requeueAfter: delay };
  const status = (pod.status ?? {}) as { conditions?: PodCondition[] };
  const updated = { ...pod, status: { ...status, conditions: resetCondition(status.conditions ?? [], ctx.clock.now()) } };
  // Written against the cached resourceVersion: a conflict throws and the key is retried with backoff, as upstream.
  await ctx.client.update('v1', 'pods', pod.metadata.namespace, updated, { subresource: 'status', fieldManager });
}
