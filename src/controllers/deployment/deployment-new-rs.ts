// Finding or creating a deployment's new ReplicaSet, keeping revisions in step, and resolving hash collisions.
import { ApiError } from '../../meta/errors.js';
import { cloneJson } from '../../meta/deep-equal.js';
import type { LabelSelectorObject } from '../../meta/label-selector.js';
import { templateHash } from '../shared/pod-util.js';
import { maxRevHistoryLengthInChars, maxRevision, revisionAnnotation, setDeploymentRevision, setNewReplicaSetAnnotations } from './deployment-annotations.js';
import { createReplicaSet, isNamespaceTerminating, updateDeploymentStatus, updateReplicaSet, type DeploymentDeps } from './deployment-client.js';
import {
  failedRSCreateReason,
  foundNewRSReason,
  getDeploymentCondition,
  hasProgressDeadline,
  newDeploymentCondition,
  newReplicaSetReason,
  progressingCondition,
  setDeploymentCondition,
} from './deployment-conditions.js';
import {
  equalIgnoreHash,
  findNewReplicaSet,
  findOldReplicaSets,
  newRSNewReplicas,
  podTemplateHashLabel,
  type Deployment,
  type ReplicaSet,
} from './deployment-util.js';
import { controllerOf } from '../runtime/index.js';

export interface ReplicaSetsOfDeployment {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

/** The deployment's selector with the hash label added, so the new ReplicaSet never claims another's pods. */
function selectorWithHash(selector: LabelSelectorObject | null | undefined, hash: string): LabelSelectorObject {
  const cloned: LabelSelectorObject = { matchLabels: { ...(selector?.matchLabels ?? {}), [podTemplateHashLabel]: hash } };
  if (selector?.matchExpressions) cloned.matchExpressions = cloneJson(selector.matchExpressions);
  return cloned;
}

/**
 * The new ReplicaSet (created when asked and missing) and every old one. The new one's revision is raised above all
 * old ones, and the deployment's revision annotation follows it.
 */
export async function getAllReplicaSetsAndSyncRevision(
  deps: DeploymentDeps,
  d: Deployment,
  rsList: ReplicaSet[],
  createIfNotExisted: boolean,
): Promise<ReplicaSetsOfDeployment> {
  const oldRSs = findOldReplicaSets(d, rsList).all;
  const newRS = await getNewReplicaSet(deps, d, rsList, oldRSs, createIfNotExisted);
  return { newRS, oldRSs };
}

async function syncExistingNewReplicaSet(
  deps: DeploymentDeps,
  d: Deployment,
  rsList: ReplicaSet[],
  existing: ReplicaSet,
  newRevision: string,
): Promise<ReplicaSet> {
  const rsCopy = cloneJson(existing);
  const annotationsUpdated = setNewReplicaSetAnnotations(d, rsCopy, newRevision, true, maxRevHistoryLengthInChars);
  const minReadySeconds = d.spec.minReadySeconds ?? 0;
  if (annotationsUpdated || (rsCopy.spec.minReadySeconds ?? 0) !== minReadySeconds) {
    if (minReadySeconds !== 0) rsCopy.spec.minReadySeconds = minReadySeconds;
    else delete rsCopy.spec.minReadySeconds;
    const updated = await updateReplicaSet(deps, rsCopy);
    // Later steps of this sync list ReplicaSets again from rsList; the written copy spares them a stale-write conflict.
    rsList[rsList.indexOf(existing)] = updated;
    return updated;
  }
  // The revision the ReplicaSet already carries is the one that counts: it was settled on an earlier sync.
  let needsUpdate = setDeploymentRevision(d, rsCopy.metadata.annotations?.[revisionAnnotation] ?? '');
  // Users who only now set a deadline start being measured from the moment their new ReplicaSet was noticed.
  if (hasProgressDeadline(d) && !getDeploymentCondition(d.status, progressingCondition)) {
    const message = `Found new replica set "${rsCopy.metadata.name}"`;
    setDeploymentCondition((d.status ??= {}), newDeploymentCondition(progressingCondition, 'True', foundNewRSReason, message, deps.ctx.clock.now()));
    needsUpdate = true;
  }
  if (needsUpdate) await updateDeploymentStatus(deps, d);
  return rsCopy;
}

function isAlreadyExists(err: unknown): err is ApiError {
  return err instanceof ApiError && err.code === 409 && err.reason === 'AlreadyExists';
}

async function getNewReplicaSet(
  deps: DeploymentDeps,
  d: Deployment,
  rsList: ReplicaSet[],
  oldRSs: ReplicaSet[],
  createIfNotExisted: boolean,
): Promise<ReplicaSet | undefined> {
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = String(maxRevision(oldRSs) + 1);
  if (existing) return syncExistingNewReplicaSet(deps, d, rsList, existing, newRevision);
  if (!createIfNotExisted) return undefined;

  const template = cloneJson(d.spec.template ?? {});
  const hash = templateHash(template, d.status?.collisionCount ?? 0);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [podTemplateHashLabel]: hash } };
  const newRS: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      // A deterministic name makes creation idempotent: a retry finds its own earlier attempt.
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...template.metadata.labels! },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name!, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: { replicas: 0, selector: selectorWithHash(d.spec.selector, hash), template },
  };
  if (d.spec.minReadySeconds) newRS.spec.minReadySeconds = d.spec.minReadySeconds;
  const newReplicasCount = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  newRS.spec.replicas = newReplicasCount;
  setNewReplicaSetAnnotations(d, newRS, newRevision, false, maxRevHistoryLengthInChars);

  let created: ReplicaSet;
  let alreadyExists = false;
  try {
    created = await createReplicaSet(deps, newRS);
  } catch (err) {
    if (isAlreadyExists(err)) {
      alreadyExists = true;
      const found = deps.replicaSets.get(`${newRS.metadata.namespace}/${newRS.metadata.name}`) as ReplicaSet | undefined;
      if (!found) throw err;
      // Ours, with our template: a slow cache or a quick resync. Anything else is a hash collision.
      if (controllerOf(found)?.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, found.spec.template)) {
        created = found;
      } else {
        const status = (d.status ??= {});
        status.collisionCount = (status.collisionCount ?? 0) + 1;
        // The AlreadyExists error requeues the deployment, which then tries the name the bumped count hashes to.
        await updateDeploymentStatus(deps, d).catch(() => undefined);
        throw err;
      }
    } else if (isNamespaceTerminating(err)) {
      throw err;
    } else {
      const message = `Failed to create new replica set "${newRS.metadata.name}": ${err instanceof Error ? err.message : String(err)}`;
      if (hasProgressDeadline(d)) {
        setDeploymentCondition((d.status ??= {}), newDeploymentCondition(progressingCondition, 'False', failedRSCreateReason, message, deps.ctx.clock.now()));
        // The create failure is the error worth reporting; a failed status write adds nothing to it.
        await updateDeploymentStatus(deps, d).catch(() => undefined);
      }
      deps.ctx.recorder.event(d, 'Warning', failedRSCreateReason, message);
      throw err;
    }
  }
  if (!alreadyExists && newReplicasCount > 0) {
    deps.ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${newReplicasCount}`);
  }
  let needsUpdate = setDeploymentRevision(d, newRevision);
  if (!alreadyExists && hasProgressDeadline(d)) {
    const message = `Created new replica set "${created.metadata.name}"`;
    setDeploymentCondition((d.status ??= {}), newDeploymentCondition(progressingCondition, 'True', newReplicaSetReason, message, deps.ctx.clock.now()));
    needsUpdate = true;
  }
  if (needsUpdate) await updateDeploymentStatus(deps, d);
  return created;
}
