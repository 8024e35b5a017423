// The deployment.kubernetes.io annotations: revisions and their history, replica bookkeeping, and what is copied to ReplicaSets.
import { maxSurge, specReplicas, type Deployment, type ReplicaSet } from './deployment-util.js';

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
/** apps.DeprecatedRollbackTo: how the removed spec.rollbackTo field round-trips through apps/v1. */
export const rollbackToAnnotation = 'deprecated.deployment.rollback.to';
const lastAppliedConfigAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** The revision history annotation stops growing at about 100 entries. */
export const maxRevHistoryLengthInChars = 2000;

const annotationsToSkip = new Set([
  lastAppliedConfigAnnotation,
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  rollbackToAnnotation,
]);

/** strconv.ParseInt(s, 10, 64); undefined where Go returns an error. */
export function parseGoInt(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

/** deploymentutil.Revision: 0 without the annotation, undefined when it is not a number. */
export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number | undefined {
  const value = obj.metadata.annotations?.[revisionAnnotation];
  return value === undefined ? 0 : parseGoInt(value);
}

export function maxRevision(replicaSets: ReplicaSet[]): number {
  let max = 0;
  for (const rs of replicaSets) {
    const v = revisionOf(rs);
    if (v !== undefined && v > max) max = v;
  }
  return max;
}

/** The second highest revision: where `rollbackTo: 0` goes back to. */
export function lastRevision(replicaSets: ReplicaSet[]): number {
  let max = 0;
  let secMax = 0;
  for (const rs of replicaSets) {
    const v = revisionOf(rs);
    if (v === undefined) continue;
    if (v >= max) {
      secMax = max;
      max = v;
    } else if (v > secMax) {
      secMax = v;
    }
  }
  return secMax;
}

/** getNonNegativeInt32FromAnnotation: a decimal in [0, MaxInt32], or nothing. */
export function nonNegativeInt32Annotation(rs: ReplicaSet, key: string): number | undefined {
  const value = rs.metadata.annotations?.[key];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const parsed = Number(value);
  return parsed <= 2147483647 ? parsed : undefined;
}

function annotationsOf(obj: { metadata: { annotations?: Record<string, string> } }): Record<string, string> {
  return (obj.metadata.annotations ??= {});
}

/**
 * Copies the deployment's own annotations (change-cause and the like) to the ReplicaSet; the bookkeeping ones are
 * skipped because the ReplicaSet's revision is the authoritative one and the deployment's may lag behind it.
 */
function copyDeploymentAnnotationsToReplicaSet(d: Deployment, rs: ReplicaSet): boolean {
  let changed = false;
  const target = annotationsOf(rs);
  for (const [key, value] of Object.entries(d.metadata.annotations ?? {})) {
    if (annotationsToSkip.has(key) || target[key] === value) continue;
    target[key] = value;
    changed = true;
  }
  return changed;
}

export function setReplicasAnnotations(rs: ReplicaSet, desiredReplicas: number, maxReplicas: number): boolean {
  const annotations = annotationsOf(rs);
  let updated = false;
  if (annotations[desiredReplicasAnnotation] !== String(desiredReplicas)) {
    annotations[desiredReplicasAnnotation] = String(desiredReplicas);
    updated = true;
  }
  if (annotations[maxReplicasAnnotation] !== String(maxReplicas)) {
    annotations[maxReplicasAnnotation] = String(maxReplicas);
    updated = true;
  }
  return updated;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desiredReplicas: number, maxReplicas: number): boolean {
  const annotations = rs.metadata.annotations;
  if (!annotations) return true;
  return annotations[desiredReplicasAnnotation] !== String(desiredReplicas) || annotations[maxReplicasAnnotation] !== String(maxReplicas);
}

/**
 * Brings the new ReplicaSet's annotations up to date and reports whether any changed. Its revision only ever grows;
 * when an existing revision is replaced (a rollback to this ReplicaSet) the old one joins the revision history.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: string, exists: boolean, revHistoryLimitInChars: number): boolean {
  let changed = copyDeploymentAnnotationsToReplicaSet(d, rs);
  const annotations = annotationsOf(rs);
  const hadRevision = Object.hasOwn(annotations, revisionAnnotation);
  const oldRevision = annotations[revisionAnnotation] ?? '';
  let oldRevisionInt = parseGoInt(oldRevision);
  if (oldRevisionInt === undefined) {
    if (oldRevision !== '') return false;
    oldRevisionInt = 0;
  }
  const newRevisionInt = parseGoInt(newRevision);
  if (newRevisionInt === undefined) return false;
  if (oldRevisionInt < newRevisionInt) {
    annotations[revisionAnnotation] = newRevision;
    changed = true;
  }
  if (hadRevision && oldRevisionInt < newRevisionInt) {
    const history = annotations[revisionHistoryAnnotation] ?? '';
    const oldRevisions = history.split(',');
    if (oldRevisions[0].length === 0) {
      annotations[revisionHistoryAnnotation] = oldRevision;
    } else {
      let totalLen = history.length + oldRevision.length + 1;
      let start = 0;
      while (totalLen > revHistoryLimitInChars && start < oldRevisions.length) {
        totalLen -= oldRevisions[start].length + 1;
        start++;
      }
      if (totalLen <= revHistoryLimitInChars) annotations[revisionHistoryAnnotation] = [...oldRevisions.slice(start), oldRevision].join(',');
    }
  }
  if (!exists && setReplicasAnnotations(rs, specReplicas(d), specReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

/** Records the new ReplicaSet's revision on the deployment; true when it changed. */
export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const annotations = annotationsOf(d);
  if (annotations[revisionAnnotation] === revision) return false;
  annotations[revisionAnnotation] = revision;
  return true;
}

/**
 * On a rollback the deployment takes the annotations of the ReplicaSet it returns to (keeping its own bookkeeping
 * ones), or its current change-cause would be copied onto the revived ReplicaSet.
 */
export function setDeploymentAnnotationsTo(d: Deployment, rollbackToRS: ReplicaSet): void {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(d.metadata.annotations ?? {})) if (annotationsToSkip.has(key)) kept[key] = value;
  for (const [key, value] of Object.entries(rollbackToRS.metadata.annotations ?? {})) if (!annotationsToSkip.has(key)) kept[key] = value;
  d.metadata.annotations = kept;
}

export function getRollbackTo(d: Deployment): { revision: number } | undefined {
  const value = d.metadata.annotations?.[rollbackToAnnotation];
  if (!value) return undefined;
  const revision = parseGoInt(value);
  return revision === undefined ? undefined : { revision };
}

export function clearRollbackTo(d: Deployment): void {
  if (d.metadata.annotations) delete d.metadata.annotations[rollbackToAnnotation];
}
