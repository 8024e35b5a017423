// pods/eviction as upstream's EvictionREST: a pod delete that PodDisruptionBudgets may refuse, marked DisruptionTarget first.
import { rfc3339 } from '../clock/clock.js';
import { ApiError, errors } from '../meta/errors.js';
import { isPlainObject, type KubeObject, type Status } from '../meta/types.js';
import type { DeleteOptions } from './generic/context.js';
import { budgetStatus, budgetsCovering, checkAndDecrement, stillBeingProcessed } from './pod-eviction-budget.js';
import type { Registry } from './registry.js';
import type { Resource } from './resource.js';

/** Upstream's EvictionsRetry has 20 steps; here they run back to back, as nothing else waits on a sleep. */
const retrySteps = 20;

interface Eviction {
  deleteOptions: DeleteOptions;
  /** Whether the Eviction's own deleteOptions named a resourceVersion precondition (then conflicts are not retried). */
  pinnedResourceVersion: boolean;
}

const isConflict = (err: unknown): boolean => err instanceof ApiError && err.code === 409;

function invalidDeleteOptions(field: string, reason: string, message: string): ApiError {
  return errors.invalid('DeleteOptions', 'meta.k8s.io', '', [{ reason, field, message }]);
}

/**
 * Decodes a policy/v1 (or v1beta1) Eviction: its name must be the URL's, and its deleteOptions are checked as the
 * pod store's Delete checks them. The request's own dryRun fills in when the body has none (propagateDryRun).
 */
function parseEviction(body: unknown, namespace: string, name: string, requestDryRun: boolean): Eviction {
  if (!isPlainObject(body)) throw errors.badRequest('the body of the request was not an Eviction object');
  const meta = isPlainObject(body.metadata) ? body.metadata : {};
  if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if ((meta.name ?? '') !== name) throw errors.badRequest('name in URL does not match name in Eviction object');
  const options = isPlainObject(body.deleteOptions) ? body.deleteOptions : {};
  const dryRun = Array.isArray(options.dryRun) ? (options.dryRun as unknown[]) : [];
  if (dryRun.some((v) => v !== 'All')) {
    throw invalidDeleteOptions('dryRun', 'FieldValueNotSupported', `Unsupported value: ${JSON.stringify(dryRun)}: supported values: "All"`);
  }
  const grace = options.gracePeriodSeconds;
  if (grace !== undefined && grace !== null && (typeof grace !== 'number' || !Number.isInteger(grace))) {
    throw errors.badRequest('gracePeriodSeconds must be an integer');
  }
  const policy = options.propagationPolicy;
  if (policy !== undefined && policy !== null && !['Orphan', 'Background', 'Foreground'].includes(policy as string)) {
    throw invalidDeleteOptions('propagationPolicy', 'FieldValueNotSupported', `Unsupported value: "${String(policy)}": supported values: "Foreground", "Background", "Orphan", "nil"`);
  }
  const preconditions = isPlainObject(options.preconditions) ? (options.preconditions as DeleteOptions['preconditions']) : undefined;
  const deleteOptions: DeleteOptions = {
    dryRun: dryRun.length > 0 || requestDryRun,
    gracePeriodSeconds: typeof grace === 'number' ? grace : undefined,
    propagationPolicy: (policy ?? (options.orphanDependents === true ? 'Orphan' : undefined)) as DeleteOptions['propagationPolicy'],
    preconditions,
  };
  return { deleteOptions, pinnedResourceVersion: Boolean(preconditions?.resourceVersion) };
}

const phaseOf = (pod: KubeObject): string | undefined => (pod.status as { phase?: string } | undefined)?.phase;

/** canIgnorePDB: a finished or never-started pod disrupts nothing more, nor does one already being deleted. */
function canIgnoreBudgets(pod: KubeObject): boolean {
  const phase = phaseOf(pod);
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || Boolean(pod.metadata.deletionTimestamp);
}

/** shouldEnforceResourceVersion: a pod that may still turn Ready must be deleted exactly as it was judged. */
function shouldEnforceResourceVersion(pod: KubeObject): boolean {
  const phase = phaseOf(pod);
  return !(phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp);
}

const isPodReady = (pod: KubeObject): boolean =>
  ((pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

const withResourceVersion = (options: DeleteOptions, resourceVersion: string | undefined): DeleteOptions => ({
  ...options,
  preconditions: { ...options.preconditions, resourceVersion },
});

/** podutil.UpdatePodCondition for DisruptionTarget=True: the transition time moves only with the status. */
function withDisruptionTarget(pod: KubeObject, now: number): KubeObject {
  const status = (pod.status ?? {}) as { conditions?: Record<string, unknown>[] };
  const conditions = [...(status.conditions ?? [])];
  const index = conditions.findIndex((c) => c.type === 'DisruptionTarget');
  const previous = conditions[index];
  const condition = {
    type: 'DisruptionTarget',
    status: 'True',
    lastProbeTime: null,
    lastTransitionTime: previous?.status === 'True' ? previous.lastTransitionTime : rfc3339(now),
    reason: 'EvictionByEvictionAPI',
    message: 'Eviction API: evicting',
  };
  if (index < 0) conditions.push(condition);
  else conditions[index] = condition;
  return { ...pod, status: { ...status, conditions } };
}

/**
 * addConditionAndDeletePod: unless a dry run, the pod first gets DisruptionTarget=True (checked against the delete's
 * preconditions, so the condition never lands on a pod the delete would refuse), then the delete, whose
 * resourceVersion precondition follows the condition's write.
 */
async function addConditionAndDeletePod(registry: Registry, pods: Resource, namespace: string, name: string, options: DeleteOptions): Promise<void> {
  let deleteOptions = options;
  if (!options.dryRun) {
    const pre = options.preconditions;
    const view = await registry.patch(
      pods,
      namespace,
      name,
      (current) => {
        const podConflict = (why: string) => errors.conflict({ group: '', resource: 'Pod' }, name, why);
        if (pre?.uid && pre.uid !== current.metadata.uid) {
          throw podConflict(`the UID in the precondition (${pre.uid}) does not match the UID in record (${current.metadata.uid}). The object might have been deleted and then recreated`);
        }
        if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
          throw podConflict(`the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${current.metadata.resourceVersion}). The object might have been modified`);
        }
        const next = withDisruptionTarget(current, registry.clock.now());
        // Not pinned: a race with another writer retries on the latest pod, preconditions checked again.
        delete next.metadata.resourceVersion;
        return next;
      },
      // The eviction writes through the storage itself, not a client request: no managedFields entry records it.
      { subresource: 'status', managedFieldsSet: true },
    );
    if (pre?.resourceVersion) deleteOptions = withResourceVersion(options, view.object.metadata.resourceVersion);
  }
  await registry.delete(pods, namespace, name, deleteOptions);
}

/** The namespace must exist and not be terminating, as the NamespaceLifecycle admission checks every create. */
async function admitNamespace(registry: Registry, namespace: string, name: string): Promise<void> {
  const namespaces = registry.lookup('', 'v1', 'namespaces')!;
  const ns = (await registry.get(namespaces, undefined, namespace)).object;
  if (!ns.metadata.deletionTimestamp && (ns.status as { phase?: string } | undefined)?.phase !== 'Terminating') return;
  const refused = errors.forbidden({ group: '', resource: 'pods' }, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
  refused.details!.causes = [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }];
  throw refused;
}

/** Runs `attempt` again after a conflict, as retry.OnError does, unless the client pinned a resourceVersion. */
async function retryConflicts<T>(retry: boolean, attempt: () => Promise<T>): Promise<T> {
  for (let step = 1; ; step++) {
    try {
      return await attempt();
    } catch (err) {
      if (!retry || !isConflict(err) || step >= retrySteps) throw err;
    }
  }
}

const success: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

/**
 * POST pods/{name}/eviction. Pods that are finished, pending or already terminating go without looking at budgets;
 * otherwise the one budget covering the pod must allow a disruption (a pod that is not Ready may go while the budget
 * is met, or always under unhealthyPodEvictionPolicy AlwaysAllow). Answers the Success Status of a 201.
 */
export async function evictPod(registry: Registry, namespace: string, name: string, body: unknown, requestDryRun: boolean): Promise<Status> {
  const pods = registry.lookup('', 'v1', 'pods')!;
  const budgets = registry.lookup('policy', 'v1', 'poddisruptionbudgets')!;
  await admitNamespace(registry, namespace, name);
  const { deleteOptions, pinnedResourceVersion } = parseEviction(body, namespace, name, requestDryRun);

  let pod!: KubeObject;
  const deletedDirectly = await retryConflicts(!pinnedResourceVersion, async () => {
    pod = (await registry.get(pods, namespace, name)).object as KubeObject;
    if (!canIgnoreBudgets(pod)) return false;
    // Pinned to the version just read, so a pod that turned Running and Ready meanwhile is judged again.
    const options = shouldEnforceResourceVersion(pod) && !pinnedResourceVersion ? withResourceVersion(deleteOptions, pod.metadata.resourceVersion) : deleteOptions;
    await addConditionAndDeletePod(registry, pods, namespace, name, options);
    return true;
  });
  if (deletedDirectly) return success;

  const covering = await budgetsCovering(registry, budgets, pod);
  if (covering.length > 1) {
    // Upstream answers this with a Status of code 500 (not an error of its own): the apiserver sends it as a 500.
    throw new ApiError(500, '', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  }
  let unhealthyMayGo = false;
  const pdb = covering[0];
  if (pdb) {
    const status = budgetStatus(pdb);
    const alwaysAllow = (pdb.spec as { unhealthyPodEvictionPolicy?: string } | undefined)?.unhealthyPodEvictionPolicy === 'AlwaysAllow';
    const desired = status.desiredHealthy ?? 0;
    // A pod that is not Ready counts for nothing: it may go without taking a disruption while the budget is met.
    unhealthyMayGo = !isPodReady(pod) && (alwaysAllow || ((status.currentHealthy ?? 0) >= desired && desired > 0));
    if (!unhealthyMayGo) {
      let current = pdb;
      let refresh = false;
      await retryConflicts(true, async () => {
        if (refresh) current = (await registry.get(budgets, namespace, pdb.metadata.name!)).object as KubeObject;
        refresh = true;
        await checkAndDecrement(registry, budgets, name, current, deleteOptions.dryRun === true);
      });
    }
  }

  // An unhealthy pod is deleted only as it was judged: if it changed (it may have turned Ready), the client retries.
  const options = unhealthyMayGo ? withResourceVersion(deleteOptions, pod.metadata.resourceVersion) : deleteOptions;
  try {
    await addConditionAndDeletePod(registry, pods, namespace, name, options);
  } catch (err) {
    if (isConflict(err) && unhealthyMayGo && !pinnedResourceVersion) throw stillBeingProcessed(pdb!.metadata.name!);
    throw err;
  }
  return success;
}
