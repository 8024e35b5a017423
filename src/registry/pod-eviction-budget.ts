// The PodDisruptionBudget side of pods/eviction: which budgets cover a pod, and the verify-and-decrement of one.
import { rfc3339 } from '../clock/clock.js';
import { ApiError, errors } from '../meta/errors.js';
import { labelSelectorFromObject, type LabelSelector } from '../meta/label-selector.js';
import type { KubeObject } from '../meta/types.js';
import type { Registry } from './registry.js';
import type { Resource } from './resource.js';

/**
 * Upstream's MaxDisruptedPodSize: this many approved evictions the disruption controller has not yet seen means it
 * is lagging far behind, and further evictions under the budget are refused until it catches up.
 */
const maxDisruptedPodSize = 2000;

interface BudgetStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  conditions?: Record<string, unknown>[];
}

export const budgetStatus = (pdb: KubeObject): BudgetStatus => (pdb.status ?? {}) as BudgetStatus;

const policyBudget = { group: 'policy', resource: 'poddisruptionbudget' };
const tooManyRequestsMessage = "Cannot evict pod as it would violate the pod's disruption budget.";

/** createTooManyRequestsError: the budget's status is behind its spec (or the pod changed under us); retry in 10s. */
export function stillBeingProcessed(pdbName: string): ApiError {
  const causes = [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdbName} is still being processed by the server.` }];
  return new ApiError(429, 'TooManyRequests', tooManyRequestsMessage, { causes, retryAfterSeconds: 10 }, { 'Retry-After': '10' });
}

function selectorOf(pdb: KubeObject): LabelSelector | undefined {
  try {
    return labelSelectorFromObject((pdb.spec as { selector?: never } | undefined)?.selector);
  } catch {
    // An invalid selector matches nothing, as upstream skips it.
    return undefined;
  }
}

/** getPodDisruptionBudgets: a nil or empty selector that crept in matches nothing here (the controller differs). */
export async function budgetsCovering(registry: Registry, budgets: Resource, pod: KubeObject): Promise<KubeObject[]> {
  const list = await registry.list(budgets, pod.metadata.namespace, {});
  return list.views
    .map((v) => v.object as KubeObject)
    .filter((pdb) => {
      const selector = selectorOf(pdb);
      return selector !== undefined && !selector.empty && selector.matches(pod.metadata.labels);
    });
}

/** pdbhelper.UpdateDisruptionAllowedCondition once nothing more is allowed: False/InsufficientPods, no message. */
function insufficientPods(status: BudgetStatus, now: number): Record<string, unknown>[] {
  const conditions = [...(status.conditions ?? [])];
  const index = conditions.findIndex((c) => c.type === 'DisruptionAllowed');
  const previous = conditions[index];
  const condition: Record<string, unknown> = { type: 'DisruptionAllowed', status: 'False' };
  if (status.observedGeneration) condition.observedGeneration = status.observedGeneration;
  // SetStatusCondition: the transition time moves only when the status does.
  condition.lastTransitionTime = previous?.status === 'False' ? previous.lastTransitionTime : rfc3339(now);
  Object.assign(condition, { reason: 'InsufficientPods', message: '' });
  if (index < 0) conditions.push(condition);
  else conditions[index] = condition;
  return conditions;
}

/**
 * checkAndDecrement: refuses when the budget allows no disruption (429 with the DisruptionBudget cause), otherwise
 * takes one disruption and records the pod in disruptedPods, so the controller does not count it healthy until its
 * deletion shows. The status write carries the budget's resourceVersion: a concurrent eviction makes it a 409.
 */
export async function checkAndDecrement(registry: Registry, budgets: Resource, podName: string, pdb: KubeObject, dryRun: boolean): Promise<void> {
  const name = pdb.metadata.name!;
  const status = { ...budgetStatus(pdb) };
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) throw stillBeingProcessed(name);
  const allowed = status.disruptionsAllowed ?? 0;
  if (allowed < 0) throw errors.forbidden(policyBudget, name, 'pdb disruptions allowed is negative');
  if (Object.keys(status.disruptedPods ?? {}).length > maxDisruptedPodSize) {
    throw errors.forbidden(policyBudget, name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  }
  if (allowed === 0) {
    const message = `The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`;
    throw new ApiError(429, 'TooManyRequests', tooManyRequestsMessage, { causes: [{ reason: 'DisruptionBudget', message }] });
  }
  const now = registry.clock.now();
  status.disruptionsAllowed = allowed - 1;
  if (status.disruptionsAllowed === 0) status.conditions = insufficientPods(status, now);
  if (dryRun) return;
  status.disruptedPods = { ...(status.disruptedPods ?? {}), [podName]: rfc3339(now) };
  // The apiserver writes through its loopback client, whose field manager is the binary's name.
  // The registry fills the body's metadata in place, and `pdb` is the stored object (shared, possibly frozen).
  await registry.update(budgets, pdb.metadata.namespace, name, { ...pdb, metadata: { ...pdb.metadata }, status }, { subresource: 'status', fieldManager: 'kube-apiserver' });
}
