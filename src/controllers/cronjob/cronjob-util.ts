// CronJob time arithmetic and helpers (upstream cronjob utils.go): missed schedules, requeue delays, Jobs from templates.
import { rfc3339 } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import type { CronSchedule } from './cronjob-schedule.js';
import type { EventRecorder } from '../runtime/index.js';

export interface CronJobSpec {
  schedule: string;
  timeZone?: string | null;
  startingDeadlineSeconds?: number | null;
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace' | string;
  suspend?: boolean;
  jobTemplate?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> };
  successfulJobsHistoryLimit?: number | null;
  failedJobsHistoryLimit?: number | null;
}

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
}

export interface CronJobStatus {
  active?: ObjectReference[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

/** Upstream nextScheduleDelta: requeues land this long after the schedule time, against clock skew. */
const nextScheduleDeltaMs = 100;

export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export function cronJobSpec(cj: KubeObject): CronJobSpec {
  return (cj.spec ?? {}) as CronJobSpec;
}

export function cronJobStatus(cj: KubeObject): CronJobStatus {
  if (!cj.status) cj.status = {};
  return cj.status as CronJobStatus;
}

export type MissedSchedules = 'none' | 'few' | 'many';

interface MostRecent {
  /** The last schedule time, or the CronJob's creation (raised to the starting deadline when asked). */
  earliest: number;
  /** The latest schedule time at or before now that is after `earliest`, if any. */
  mostRecent?: number;
  missed: MissedSchedules;
  error?: Error;
}

/**
 * Upstream mostRecentScheduleTime: estimates the number of missed schedules from the gap between two consecutive
 * ones, so a CronJob unattended for years does not walk every missed time.
 */
export function mostRecentScheduleTime(cj: KubeObject, now: number, schedule: CronSchedule, includeStartingDeadline: boolean): MostRecent {
  const status = cronJobStatus(cj);
  let earliest = Date.parse(status.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '') || 0;
  const deadline = cronJobSpec(cj).startingDeadlineSeconds;
  if (includeStartingDeadline && deadline !== undefined && deadline !== null) {
    // The controller is not going to schedule anything before this point.
    earliest = Math.max(earliest, now - deadline * 1000);
  }
  const t1 = schedule.next(earliest);
  const t2 = t1 === undefined ? undefined : schedule.next(t1);
  if (t1 !== undefined && now < t1) return { earliest, missed: 'none' };
  if (t1 !== undefined && t2 !== undefined && now < t2) return { earliest, mostRecent: t1, missed: 'none' };
  // A schedule that is valid but never fires (February 31st) gives no second time, as upstream's zero time does.
  const between = t1 === undefined || t2 === undefined ? 0 : Math.round((t2 - t1) / 1000);
  if (between < 1) return { earliest, missed: 'none', error: new Error('time difference between two schedules is less than 1 second') };
  const elapsed = Math.trunc((now - t1!) / 1000);
  const missedCount = Math.trunc(elapsed / between) + 1;
  // Start a step early so irregular schedules (30 6-16/4 * * 1-5) still land on the right time.
  const potentialEarliest = t1! + (missedCount - 2) * between * 1000;
  let mostRecent: number | undefined;
  for (let t = schedule.next(potentialEarliest); t !== undefined && t <= now; t = schedule.next(t)) mostRecent = t;
  const missed: MissedSchedules = missedCount > 100 ? 'many' : missedCount > 0 ? 'few' : 'none';
  return mostRecent === undefined ? { earliest, missed } : { earliest, mostRecent, missed };
}

/** How long until the next schedule time (plus the skew delta): when the CronJob's key should come back. */
export function nextScheduleTimeDuration(cj: KubeObject, now: number, schedule: CronSchedule): number | undefined {
  const r = mostRecentScheduleTime(cj, now, schedule, false);
  let from: number;
  if (r.error) from = now;
  else if (r.mostRecent !== undefined) from = r.mostRecent;
  else from = r.missed === 'none' ? r.earliest : now;
  const next = schedule.next(from);
  return next === undefined ? undefined : next + nextScheduleDeltaMs - now;
}

/** The schedule time to start a Job for now, if one is due; warns when more than 100 were missed. */
export function nextScheduleTime(
  cj: KubeObject,
  now: number,
  schedule: CronSchedule,
  recorder: EventRecorder,
): { scheduled?: number; error?: Error } {
  const r = mostRecentScheduleTime(cj, now, schedule, true);
  if (r.mostRecent === undefined || r.mostRecent > now) return { error: r.error };
  if (r.missed === 'many') {
    recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
  }
  return { scheduled: r.mostRecent, error: r.error };
}

/** Scheduled Jobs are named after their time in minutes since the epoch, so one time never runs twice. */
export function jobNameFor(cj: KubeObject, scheduled: number): string {
  return `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`;
}

/** Go's time.RFC1123Z in UTC: "Thu, 01 Jan 2026 00:15:00 +0000". */
export function rfc1123z(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** Go's time.RFC3339 of an instant in a zone: "Z" in UTC, the zone's offset ("+01:00") elsewhere. */
export function rfc3339InZone(ms: number, timeZone: string): string {
  const utc = rfc3339(ms);
  if (timeZone === 'UTC') return utc;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(Math.floor(ms / 1000) * 1000));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  const wall = `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
  const offsetMinutes = Math.round((Date.parse(`${wall}Z`) - Math.floor(ms / 1000) * 1000) / 60_000);
  if (offsetMinutes === 0) return `${wall}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The Job a CronJob starts for a schedule time: its template's labels, annotations and spec, owned by the CronJob. */
export function jobFromTemplate(cj: KubeObject, scheduled: number, timeZone: string): KubeObject {
  const template = cronJobSpec(cj).jobTemplate ?? {};
  const labels = { ...(template.metadata?.labels ?? {}) };
  const annotations = { ...(template.metadata?.annotations ?? {}), [scheduledTimestampAnnotation]: rfc3339InZone(scheduled, timeZone) };
  const job: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj, scheduled),
      namespace: cj.metadata.namespace,
      annotations,
      ownerReferences: [
        { apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name!, uid: cj.metadata.uid!, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: structuredClone(template.spec ?? {}),
  };
  if (Object.keys(labels).length > 0) job.metadata.labels = labels;
  return job;
}

export function finishedType(job: KubeObject): 'Complete' | 'Failed' | undefined {
  for (const c of (job.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  }
  return undefined;
}

/** Upstream byJobStartTime: started before not started, earlier first, then by name. */
export function compareJobStartTime(a: KubeObject, b: KubeObject): number {
  const startA = (a.status as { startTime?: string } | undefined)?.startTime;
  const startB = (b.status as { startTime?: string } | undefined)?.startTime;
  const timeA = startA ? Date.parse(startA) : undefined;
  const timeB = startB ? Date.parse(startB) : undefined;
  if (timeA === undefined && timeB !== undefined) return 1;
  if (timeA !== undefined && timeB === undefined) return -1;
  if (timeA === timeB) {
    const nameA = a.metadata.name ?? '';
    const nameB = b.metadata.name ?? '';
    return nameA < nameB ? -1 : nameA > nameB ? 1 : 0;
  }
  return timeA! - timeB!;
}
