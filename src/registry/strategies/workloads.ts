// Strategies of apps/v1 and batch/v1 workloads: defaults, generation tracking, selectable fields and table columns.
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from '../defaults/apps.js';
import { defaultCronJob, defaultJob } from '../defaults/batch.js';
import { cronJobTable, jobTable } from '../printers/batch-tables.js';
import { daemonSetTable, deploymentTable, replicaSetTable, statefulSetTable } from '../printers/workload-tables.js';
import { isPlainObject, type KubeObject } from '../../meta/types.js';
import { deepEqual } from '../../meta/deep-equal.js';
import { checkTimeZone, parseCronSchedule } from '../../meta/cron-schedule.js';
import { invalidCause, requiredCause } from '../../meta/field-errors.js';
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

interface CronJobSpecFields {
  schedule?: unknown;
  timeZone?: unknown;
}

/** upstream validateScheduleFormat: robfig's ParseStandard, and TZ in the schedule only where the stored one had it. */
function validateSchedule(schedule: string, allowTZInSchedule: boolean, hasTimeZone: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  try {
    parseCronSchedule(schedule);
  } catch (err) {
    causes.push(invalidCause('spec.schedule', schedule, (err as Error).message));
  }
  // Upstream looks for "TZ" anywhere in the schedule, not only as its prefix.
  if (allowTZInSchedule && schedule.includes('TZ') && hasTimeZone) {
    causes.push(invalidCause('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  } else if (!allowTZInSchedule && schedule.includes('TZ')) {
    causes.push(invalidCause('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  return causes;
}

/** upstream validTimeZoneCharacters: one component of an IANA name, digits and '+' tolerated for legacy names. */
const validTimeZoneCharacters = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** upstream validateTimeZone: a non-empty, well-formed IANA name other than Local, that Go's LoadLocation loads. */
function validateTimeZone(timeZone: string): StatusCause[] {
  const field = 'spec.timeZone';
  if (timeZone === '') return [invalidCause(field, timeZone, 'timeZone must be nil or non-empty string')];
  for (const part of timeZone.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !validTimeZoneCharacters.test(part)) {
      return [invalidCause(field, timeZone, `unknown time zone ${timeZone}`)];
    }
  }
  const causes: StatusCause[] = [];
  if (timeZone.toLowerCase() === 'local') {
    causes.push(invalidCause(field, timeZone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  }
  const problem = checkTimeZone(timeZone);
  if (problem) causes.push(invalidCause(field, timeZone, problem));
  return causes;
}

/** The schedule and time zone rules of upstream ValidateCronJobCreate / ValidateCronJobUpdate. */
function validateCronJob(cronJob: KubeObject, old?: KubeObject, subresource?: string): StatusCause[] {
  // cronJobStatusStrategy.ValidateUpdate validates nothing: a status write never fails on a spec stored long ago.
  if (subresource === 'status') return [];
  const spec = (isPlainObject(cronJob.spec) ? cronJob.spec : {}) as CronJobSpecFields;
  const oldSpec = old && ((isPlainObject(old.spec) ? old.spec : {}) as CronJobSpecFields);
  // A null or absent timeZone is Go's nil pointer.
  const timeZone = typeof spec.timeZone === 'string' ? spec.timeZone : undefined;
  const causes: StatusCause[] = [];
  const schedule = typeof spec.schedule === 'string' ? spec.schedule : '';
  if (schedule === '') {
    causes.push(requiredCause('spec.schedule'));
  } else {
    const allowTZInSchedule = typeof oldSpec?.schedule === 'string' && oldSpec.schedule.includes('TZ');
    causes.push(...validateSchedule(schedule, allowTZInSchedule, timeZone !== undefined));
  }
  const oldTimeZone = typeof oldSpec?.timeZone === 'string' ? oldSpec.timeZone : undefined;
  // An update keeping the stored zone is not checked again: the apiserver's zone database may have lost it since.
  if (timeZone !== undefined && (!oldSpec || timeZone !== oldTimeZone)) causes.push(...validateTimeZone(timeZone));
  return causes;
}

export function cronJobStrategy(): Strategy {
  return { tracksGeneration: true, applyDefaults: defaultCronJob, validate: validateCronJob, table: cronJobTable };
}
