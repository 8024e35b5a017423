// Pod conditions the node controllers write: Ready=False on an unhealthy node, DisruptionTarget before an eviction.
import type { InProcessClient } from '../../client/client.js';
import { rfc3339 } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import { errorCode } from '../shared/api-errors.js';
import type { PodCondition } from '../shared/pod-util.js';

type Conditioned = { conditions?: (PodCondition & { lastProbeTime?: string | null })[] };

/**
 * apipod.UpdatePodCondition on a copy of `pod`'s status: replaces (or appends) the condition, keeping the transition
 * time when the status stays; undefined when nothing would change.
 */
export function withPodCondition(pod: KubeObject, condition: PodCondition, now: number): KubeObject | undefined {
  const updated = structuredClone(pod);
  const status = (updated.status ??= {}) as Conditioned;
  const conditions = (status.conditions ??= []);
  const next: PodCondition & { lastProbeTime?: string | null } = { ...condition, lastTransitionTime: rfc3339(now) };
  const index = conditions.findIndex((c) => c.type === condition.type);
  if (index < 0) {
    conditions.push(next);
    return updated;
  }
  const old = conditions[index]!;
  if (next.status === old.status) next.lastTransitionTime = old.lastTransitionTime;
  const same =
    next.status === old.status &&
    (next.reason ?? '') === (old.reason ?? '') &&
    (next.message ?? '') === (old.message ?? '') &&
    (next.lastProbeTime ?? null) === (old.lastProbeTime ?? null) &&
    next.lastTransitionTime === old.lastTransitionTime;
  conditions[index] = next;
  return same ? undefined : updated;
}

/**
 * Writes a condition through the pods/status subresource, guarded by the resourceVersion; on a conflict it re-reads
 * the pod and decides again with `decide`. Returns the pod as written, or undefined when there was nothing to do or
 * the pod is gone.
 */
export async function writePodCondition(
  client: InProcessClient,
  pod: KubeObject,
  decide: (pod: KubeObject) => PodCondition | undefined,
  now: number,
  fieldManager: string,
): Promise<KubeObject | undefined> {
  let current = pod;
  for (let attempt = 1; ; attempt++) {
    const condition = decide(current);
    const updated = condition && withPodCondition(current, condition, now);
    if (!updated) return undefined;
    try {
      return await client.update('v1', 'pods', current.metadata.namespace, updated, { subresource: 'status', fieldManager });
    } catch (err) {
      if (errorCode(err) === 404) return undefined;
      if (errorCode(err) !== 409 || attempt >= 5) throw err;
    }
    try {
      current = await client.get('v1', 'pods', pod.metadata.namespace, pod.metadata.name!);
    } catch (err) {
      if (errorCode(err) === 404) return undefined;
      throw err;
    }
    if (current.metadata.uid !== pod.metadata.uid) return undefined;
  }
}

/** MarkPodsNotReady's change to one pod: its Ready condition, if any, turned False (reason and message kept). */
export function notReadyCondition(pod: KubeObject): PodCondition | undefined {
  const ready = ((pod.status ?? {}) as Conditioned).conditions?.find((c) => c.type === 'Ready');
  if (!ready) return undefined;
  return { ...ready, status: 'False' };
}
