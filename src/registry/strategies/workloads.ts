// Strategies of apps/v1 and batch/v1 workloads: defaults, generation tracking, selectable fields and table columns.
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from '../defaults/apps.js';
import { defaultCronJob, defaultJob } from '../defaults/batch.js';
import { cronJobTable, jobTable } from '../printers/batch-tables.js';
import { daemonSetTable, deploymentTable, replicaSetTable, statefulSetTable } from '../printers/workload-tables.js';
import { isPlainObject, type KubeObject } from '../../meta/types.js';
import { deepEqual } from '../../meta/deep-equal.js';
import { invalidCause } from '../../meta/field-errors.js';
import type { StatusCause } from '../../meta/types.js';
import type { Strategy } from '../strategy.js';
import { fieldGetter } from './fields.js';

/** apps/v1 workloads may not change `spec.selector` once created (upstream ValidateDeploymentUpdate and kin). */
function immutableSelector(obj: KubeObject, old?: KubeObject): StatusCause[] {
  if (!old) return [];
  const selector = (obj.spec as { selector?: unknown } | undefined)?.selector;
  const oldSelector = (old.spec as { selector?: unknown } | undefined)?.selector;
  return deepEqual(selector, oldSelector) ? [] : [invalidCause('spec.selector', selector, 'field is immutable')];
}

export function deploymentStrategy(): Strategy {
  return {
    tracksGeneration: true,
    // The deployment controller records deployment.kubernetes.io/revision through its /status writes.
    statusKeepsMetadataExceptLabels: true,
    applyDefaults: defaultDeployment,
    validate: immutableSelector,
    table: deploymentTable,
  };
}

export function replicaSetStrategy(): Strategy {
  return {
    tracksGeneration: true,
    applyDefaults: defaultReplicaSet,
    validate: immutableSelector,
    selectableFieldNames: ['status.replicas'],
    selectableFields: fieldGetter(['status.replicas']),
    table: replicaSetTable,
  };
}

export function statefulSetStrategy(): Strategy {
  return { tracksGeneration: true, applyDefaults: defaultStatefulSet, validate: immutableSelector, table: statefulSetTable };
}

const templateGenerationAnnotation = 'deprecated.daemonset.template.generation';

function templateGenerationOf(ds: KubeObject): number {
  const value = Number(ds.metadata.annotations?.[templateGenerationAnnotation]);
  return Number.isInteger(value) ? value : 0;
}

function setTemplateGeneration(ds: KubeObject, generation: number): void {
  ds.metadata.annotations = { ...(ds.metadata.annotations ?? {}), [templateGenerationAnnotation]: String(generation) };
}

export function daemonSetStrategy(): Strategy {
  return {
    tracksGeneration: true,
    applyDefaults: defaultDaemonSet,
    validate: immutableSelector,
    table: daemonSetTable,
    // apps/v1 carries the internal spec.templateGeneration as an annotation: 1 on create, +1 whenever the template
    // changes (upstream's daemonset strategy and v1 conversion); the controller labels pods with it.
    prepareForCreate(ds) {
      setTemplateGeneration(ds, Math.max(1, templateGenerationOf(ds)));
    },
    prepareForUpdate(ds, old) {
      const template = (o: KubeObject) => (o.spec as { template?: unknown } | undefined)?.template;
      setTemplateGeneration(ds, templateGenerationOf(old) + (deepEqual(template(ds), template(old)) ? 0 : 1));
    },
  };
}

export function controllerRevisionStrategy(): Strategy {
  return {};
}

/**
 * Upstream's job generateSelector: unless the user manages the selector, the pods carry the job's uid and name
 * (legacy and batch.kubernetes.io keys) and the selector matches the uid. Jobs without labels take the pods' labels.
 */
function generateJobSelector(job: KubeObject): void {
  const spec = job.spec;
  if (!isPlainObject(spec) || spec.manualSelector === true) return;
  const template = isPlainObject(spec.template) ? spec.template : (spec.template = {});
  const meta = isPlainObject(template.metadata) ? template.metadata : (template.metadata = {});
  const labels = isPlainObject(meta.labels) ? (meta.labels as Record<string, string>) : (meta.labels = {});
  const uid = job.metadata.uid ?? '';
  const name = job.metadata.name ?? '';
  labels['controller-uid'] = uid;
  labels['batch.kubernetes.io/controller-uid'] = uid;
  labels['job-name'] = name;
  labels['batch.kubernetes.io/job-name'] = name;
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  if (!job.metadata.labels || Object.keys(job.metadata.labels).length === 0) job.metadata.labels = { ...labels };
}

export function jobStrategy(): Strategy {
  return {
    tracksGeneration: true,
    applyDefaults: defaultJob,
    prepareForCreate: generateJobSelector,
    selectableFieldNames: ['status.successful'],
    selectableFields: fieldGetter(['status.successful']),
    table: jobTable,
  };
}

export function cronJobStrategy(): Strategy {
  return { tracksGeneration: true, applyDefaults: defaultCronJob, table: cronJobTable };
}
