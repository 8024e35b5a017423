// apps/v1 defaulting: Deployments, ReplicaSets, StatefulSets and DaemonSets (selectors are never defaulted here).
import type { KubeObject } from '../../meta/types.js';
import { defaultPersistentVolumeClaimSpec, defaultPodTemplateSpec } from './pod.js';
import { type Json, eachObject, ensureObject, objectAt, setIfEmptyString, setIfUnset, specOf } from './util.js';

function defaultTemplate(spec: Json): void {
  const template = ensureObject(spec, 'template');
  if (template) defaultPodTemplateSpec(template);
}

export function defaultDeployment(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!spec) return;
  setIfUnset(spec, 'replicas', 1);
  const strategy = ensureObject(spec, 'strategy');
  if (strategy) {
    setIfEmptyString(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const rollingUpdate = ensureObject(strategy, 'rollingUpdate');
      if (rollingUpdate) {
        setIfUnset(rollingUpdate, 'maxUnavailable', '25%');
        setIfUnset(rollingUpdate, 'maxSurge', '25%');
      }
    }
  }
  setIfUnset(spec, 'revisionHistoryLimit', 10);
  setIfUnset(spec, 'progressDeadlineSeconds', 600);
  defaultTemplate(spec);
}

export function defaultReplicaSet(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!spec) return;
  setIfUnset(spec, 'replicas', 1);
  defaultTemplate(spec);
}

/** A StatefulSet claim template gets the PersistentVolumeClaim object defaults, status phase included. */
function defaultClaimTemplate(claim: Json): void {
  // The apps/v1 conversion stamps apiVersion/kind on every claim template it outputs (kubernetes#87583).
  claim.apiVersion = 'v1';
  claim.kind = 'PersistentVolumeClaim';
  const claimSpec = ensureObject(claim, 'spec');
  if (claimSpec) defaultPersistentVolumeClaimSpec(claimSpec);
  const status = ensureObject(claim, 'status');
  if (status) setIfEmptyString(status, 'phase', 'Pending');
}

export function defaultStatefulSet(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!spec) return;
  setIfEmptyString(spec, 'podManagementPolicy', 'OrderedReady');
  const updateStrategy = ensureObject(spec, 'updateStrategy');
  if (updateStrategy) {
    // Only an omitted type brings an empty rollingUpdate; an explicit RollingUpdate without one stays bare.
    if (updateStrategy.type === undefined || updateStrategy.type === null || updateStrategy.type === '') {
      updateStrategy.type = 'RollingUpdate';
      setIfUnset(updateStrategy, 'rollingUpdate', {});
    }
    const rollingUpdate = objectAt(updateStrategy, 'rollingUpdate');
    if (updateStrategy.type === 'RollingUpdate' && rollingUpdate) setIfUnset(rollingUpdate, 'partition', 0);
  }
  // StatefulSetAutoDeletePVC is GA (1.32), so the retention policy is always defaulted.
  const retention = ensureObject(spec, 'persistentVolumeClaimRetentionPolicy');
  if (retention) {
    setIfEmptyString(retention, 'whenDeleted', 'Retain');
    setIfEmptyString(retention, 'whenScaled', 'Retain');
  }
  setIfUnset(spec, 'replicas', 1);
  setIfUnset(spec, 'revisionHistoryLimit', 10);
  defaultTemplate(spec);
  eachObject(spec, 'volumeClaimTemplates', defaultClaimTemplate);
}

export function defaultDaemonSet(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!spec) return;
  const updateStrategy = ensureObject(spec, 'updateStrategy');
  if (updateStrategy) {
    setIfEmptyString(updateStrategy, 'type', 'RollingUpdate');
    if (updateStrategy.type === 'RollingUpdate') {
      const rollingUpdate = ensureObject(updateStrategy, 'rollingUpdate');
      if (rollingUpdate) {
        setIfUnset(rollingUpdate, 'maxUnavailable', 1);
        setIfUnset(rollingUpdate, 'maxSurge', 0);
      }
    }
  }
  setIfUnset(spec, 'revisionHistoryLimit', 10);
  defaultTemplate(spec);
}
