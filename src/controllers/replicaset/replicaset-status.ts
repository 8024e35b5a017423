// Replica status as upstream's calculateStatus and updateReplicaSetStatus compute and write it.
import { rfc3339 } from '../../clock/clock.js';
import { deepEqual } from '../../meta/deep-equal.js';
import type { KubeObject } from '../../meta/types.js';
import { messageOf } from '../shared/api-errors.js';
import { isPodAvailable, isPodReady, podAvailableAt } from '../shared/pod-util.js';
import type { ReplicaContext } from './replicaset-context.js';
import { desiredReplicas, minReadySecondsOf, specOf } from './replicaset-kind.js';

export interface ReplicaCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ReplicaStatus {
  replicas?: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  terminatingReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaCondition[];
  [field: string]: unknown;
}

export const replicaFailureCondition = 'ReplicaFailure';

export function statusOf(owner: KubeObject): ReplicaStatus {
  return (owner.status ?? {}) as ReplicaStatus;
}

function hasAllLabels(labels: Record<string, string> | undefined, required: [string, string][]): boolean {
  for (const [k, v] of required) if (labels?.[k] !== v) return false;
  return true;
}

/**
 * calculateStatus: counts over the claimed active pods (fully labeled = carrying every template label), terminating
 * pods when the kind reports them, and a ReplicaFailure condition that appears on the first failed create or delete
 * and disappears once a sync manages replicas without error.
 */
export function calculateStatus(
  owner: KubeObject,
  active: KubeObject[],
  terminating: KubeObject[] | undefined,
  manageError: unknown,
  now: number,
): ReplicaStatus {
  const status: ReplicaStatus = structuredClone(statusOf(owner));
  const templateLabels = Object.entries(specOf(owner).template?.metadata?.labels ?? {});
  const minReadySeconds = minReadySecondsOf(owner);
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of active) {
    if (hasAllLabels(pod.metadata.labels, templateLabels)) fullyLabeled++;
    if (!isPodReady(pod)) continue;
    ready++;
    if (isPodAvailable(pod, minReadySeconds, now)) available++;
  }
  const failure = status.conditions?.find((c) => c.type === replicaFailureCondition);
  if (manageError !== undefined && !failure) {
    const diff = active.length - desiredReplicas(owner);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const condition: ReplicaCondition = { type: replicaFailureCondition, status: 'True', lastTransitionTime: rfc3339(now), reason, message: messageOf(manageError) };
    status.conditions = [...(status.conditions ?? []), condition];
  } else if (manageError === undefined && failure) {
    status.conditions = status.conditions!.filter((c) => c.type !== replicaFailureCondition);
    if (status.conditions.length === 0) delete status.conditions;
  }
  status.replicas = active.length;
  status.fullyLabeledReplicas = fullyLabeled;
  status.readyReplicas = ready;
  status.availableReplicas = available;
  if (terminating) status.terminatingReplicas = terminating.length;
  else delete status.terminatingReplicas;
  return status;
}

/** Go's zero value for the int32 status fields JSON omits when empty. */
const count = (n: number | undefined) => n ?? 0;

/** The steady-state check of updateReplicaSetStatus: nothing changed and the generation was already observed. */
function unchanged(owner: KubeObject, next: ReplicaStatus): boolean {
  const cur = statusOf(owner);
  return (
    count(cur.replicas) === count(next.replicas) &&
    count(cur.fullyLabeledReplicas) === count(next.fullyLabeledReplicas) &&
    count(cur.readyReplicas) === count(next.readyReplicas) &&
    count(cur.availableReplicas) === count(next.availableReplicas) &&
    cur.terminatingReplicas === next.terminatingReplicas &&
    count(owner.metadata.generation) === count(cur.observedGeneration) &&
    deepEqual(cur.conditions ?? [], next.conditions ?? [])
  );
}

/**
 * updateReplicaSetStatus: writes `/status` with observedGeneration set to the generation acted on; after a failed
 * write (usually a conflict with a stale cache) it reads the object afresh and tries once more, then gives up so the
 * key is retried with backoff. Returns the object as stored.
 */
export async function updateStatus(rc: ReplicaContext, owner: KubeObject, next: ReplicaStatus): Promise<KubeObject> {
  if (unchanged(owner, next)) return owner;
  const status = { ...next, observedGeneration: owner.metadata.generation };
  const { apiVersion, resource } = rc.kind;
  const namespace = owner.metadata.namespace;
  try {
    return await rc.ctx.client.update(apiVersion, resource, namespace, { ...owner, status }, { subresource: 'status' });
  } catch {
    // Upstream retries once whatever the error, on the object read afresh; a failed read is the more telling error.
    const fresh = await rc.ctx.client.get(apiVersion, resource, namespace, owner.metadata.name!);
    return rc.ctx.client.update(apiVersion, resource, namespace, { ...fresh, status }, { subresource: 'status' });
  }
}

/**
 * How long until the next ready pod becomes available, so availableReplicas is recounted right then; upstream
 * resyncs after FindMinNextPodAvailabilityCheck, falling back to minReadySeconds. Undefined when nothing is waiting.
 */
export function nextAvailabilityCheck(owner: KubeObject, status: ReplicaStatus, active: KubeObject[], now: number): number | undefined {
  const minReadySeconds = minReadySecondsOf(owner);
  if (minReadySeconds <= 0 || count(status.readyReplicas) === count(status.availableReplicas)) return undefined;
  let soonest: number | undefined;
  for (const pod of active) {
    const at = podAvailableAt(pod, minReadySeconds);
    if (at !== undefined && at > now && (soonest === undefined || at < soonest)) soonest = at;
  }
  return soonest !== undefined ? soonest - now : minReadySeconds * 1000;
}
