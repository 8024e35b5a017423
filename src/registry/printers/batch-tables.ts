// Server-side printing of batch/v1 Jobs (STATUS COMPLETIONS DURATION) and CronJobs.
import type { KubeObject } from '../../meta/types.js';
import type { TablePrinter } from '../strategy.js';
import { docs } from './column-docs.js';
import { ageColumn, column, containerCells, containersColumn, imagesColumn, templateSpec } from './columns.js';
import { int, obj, objs, optInt, optStr, path, str, type Obj } from './fields.js';
import { humanDuration, parseTimestamp, translateTimestampSince } from './human-duration.js';
import { formatLabelSelector } from './label-selector.js';

/** Whether the first condition of this type is True (later duplicates are ignored, as upstream). */
function hasJobCondition(conditions: Obj[], type: string): boolean {
  const c = conditions.find((cond) => cond.type === type);
  return c !== undefined && c.status === 'True';
}

function jobStatus(job: KubeObject, conditions: Obj[]): string {
  if (hasJobCondition(conditions, 'Complete')) return 'Complete';
  if (hasJobCondition(conditions, 'Failed')) return 'Failed';
  if (parseTimestamp(job.metadata.deletionTimestamp) !== undefined) return 'Terminating';
  if (hasJobCondition(conditions, 'Suspended')) return 'Suspended';
  if (hasJobCondition(conditions, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function jobCompletions(spec: Obj, status: Obj): string {
  const succeeded = int(status.succeeded);
  const completions = optInt(spec.completions);
  if (completions !== undefined) return `${succeeded}/${completions}`;
  // A work-queue job (no completions) is done after one success, however many pods run in parallel.
  const parallelism = optInt(spec.parallelism) ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Empty until the job starts; running time so far while active; start-to-completion once done. */
function jobDuration(status: Obj, now: number): string {
  const start = parseTimestamp(status.startTime);
  if (start === undefined) return '';
  const completion = parseTimestamp(status.completionTime);
  return humanDuration((completion ?? now) - start);
}

export const jobTable: TablePrinter = {
  columns: [
    column('Status', 'string', 'Status of the job.'),
    column('Completions', 'string', docs.jobStatusSucceeded),
    column('Duration', 'string', 'Time required to complete the job.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', docs.jobSpecSelector, 1),
  ],
  cells(job, now) {
    const spec = obj(job.spec);
    const status = obj(job.status);
    const [names, images] = containerCells(templateSpec(spec));
    return [
      jobStatus(job, objs(status.conditions)),
      jobCompletions(spec, status),
      jobDuration(status, now),
      translateTimestampSince(job.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(spec.selector),
    ];
  },
};

/** printBoolPtr: "True"/"False", or "<unset>" for a nil pointer. */
function boolPtr(value: unknown): string {
  if (typeof value !== 'boolean') return '<unset>';
  return value ? 'True' : 'False';
}

export const cronJobTable: TablePrinter = {
  columns: [
    column('Schedule', 'string', docs.cronJobSpecSchedule),
    column('Timezone', 'string', docs.cronJobSpecTimeZone),
    column('Suspend', 'boolean', docs.cronJobSpecSuspend),
    column('Active', 'integer', docs.cronJobStatusActive),
    column('Last Schedule', 'string', docs.cronJobStatusLastScheduleTime),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', docs.jobSpecSelector, 1),
  ],
  cells(cj, now) {
    const spec = obj(cj.spec);
    const status = obj(cj.status);
    const jobSpec = path(spec, 'jobTemplate', 'spec');
    const [names, images] = containerCells(templateSpec(jobSpec));
    const lastSchedule = optStr(status.lastScheduleTime);
    return [
      str(spec.schedule),
      optStr(spec.timeZone) ?? '<none>',
      boolPtr(spec.suspend),
      objs(status.active).length,
      lastSchedule === undefined ? '<none>' : translateTimestampSince(lastSchedule, now),
      translateTimestampSince(cj.metadata.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(jobSpec.selector),
    ];
  },
};
