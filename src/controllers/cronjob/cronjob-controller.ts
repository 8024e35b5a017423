// The CronJob controller (kube-controller-manager's `cronjob`, upstream ControllerV2): starts Jobs on schedule.
import { rfc3339 } from '../../clock/clock.js';
import { checkTimeZone, zoneFor } from '../../meta/cron-schedule.js';
import { deepEqual } from '../../meta/deep-equal.js';
import { goQuote } from '../../meta/field-errors.js';
import type { KubeObject } from '../../meta/types.js';
import { type CronSchedule, parseStandardSchedule } from './cronjob-schedule.js';
import { cleanupFinishedJobs, deleteCronJobChild } from './cronjob-history.js';
import {
  cronJobSpec,
  cronJobStatus,
  finishedType,
  jobFromTemplate,
  jobNameFor,
  nextScheduleTime,
  nextScheduleTimeDuration,
  type ObjectReference,
  rfc1123z,
} from './cronjob-util.js';
import { controllerFieldManager } from '../job/job-util.js';
import { type Controller, type ControllerContext, controllerOf, keyOf, type SharedInformer, splitKey } from '../runtime/index.js';

interface SyncResult {
  requeueAfter?: number;
  updateStatus: boolean;
  error?: unknown;
}

/** The schedule robfig parses: a TZ= prefix in the schedule wins (with a warning), else spec.timeZone is prefixed. */
function formatSchedule(cj: KubeObject, ctx?: ControllerContext): string {
  const { schedule, timeZone } = cronJobSpec(cj);
  if (schedule.includes('TZ')) {
    ctx?.recorder.event(
      cj,
      'Warning',
      'UnsupportedSchedule',
      `CRON_TZ or TZ used in schedule ${goQuote(schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`,
    );
    return schedule;
  }
  if (timeZone !== undefined && timeZone !== null) return checkTimeZone(timeZone) ? schedule : `TZ=${timeZone} ${schedule}`;
  return schedule;
}

function inActiveList(cj: KubeObject, uid: string | undefined): boolean {
  return (cronJobStatus(cj).active ?? []).some((ref) => ref.uid === uid);
}

function removeFromActiveList(cj: KubeObject, uid: string | undefined): void {
  const status = cronJobStatus(cj);
  status.active = (status.active ?? []).filter((ref) => ref.uid !== uid);
}

function referenceTo(job: KubeObject): ObjectReference {
  const meta = job.metadata;
  return { kind: 'Job', namespace: meta.namespace, name: meta.name, uid: meta.uid, apiVersion: 'batch/v1', resourceVersion: meta.resourceVersion };
}

function isCode(err: unknown, code: number): boolean {
  return (err as { code?: number })?.code === code;
}

export function cronJobController(): Controller {
  let ctx: ControllerContext;
  let cronJobs: SharedInformer;
  let jobs: SharedInformer;

  const resolveCronJob = (job: KubeObject, ref = controllerOf(job)): KubeObject | undefined => {
    if (!ref || ref.kind !== 'CronJob') return undefined;
    const cj = cronJobs.get(`${job.metadata.namespace}/${ref.name}`);
    return cj && cj.metadata.uid === ref.uid ? cj : undefined;
  };
  const enqueueOwner = (job: KubeObject, ref = controllerOf(job)) => {
    const cj = resolveCronJob(job, ref);
    if (cj) ctx.enqueue(cj);
  };

  /** A new schedule or zone moves the next visit; any other change is looked at now. */
  const updateCronJob = (old: KubeObject, cj: KubeObject) => {
    const before = cronJobSpec(old);
    const after = cronJobSpec(cj);
    if (before.schedule === after.schedule && (before.timeZone ?? undefined) === (after.timeZone ?? undefined)) {
      ctx.enqueue(cj);
      return;
    }
    let schedule: CronSchedule;
    try {
      schedule = parseStandardSchedule(formatSchedule(cj));
    } catch {
      ctx.recorder.event(cj, 'Warning', 'UnParseableCronJobSchedule', `unparseable schedule for cronjob: ${after.schedule}`);
      return;
    }
    const delay = nextScheduleTimeDuration(cj, ctx.clock.now(), schedule);
    if (delay !== undefined) ctx.queue.addAfter(keyOf(cj), delay);
  };

  /** Accounts for the CronJob's Jobs in its status, then starts the Job for the latest due schedule time, if any. */
  const syncCronJob = async (cj: KubeObject, children: KubeObject[]): Promise<SyncResult> => {
    const now = ctx.clock.now();
    const status = cronJobStatus(cj);
    let updateStatus = false;
    const childUids = new Set<string>();
    for (const job of children) {
      const uid = job.metadata.uid;
      childUids.add(uid ?? '');
      const found = inActiveList(cj, uid);
      const finished = finishedType(job);
      if (!found && !finished) {
        // The cache may predate the status that lists it: ask the server before calling the Job unexpected.
        let fresh: KubeObject;
        try {
          fresh = await ctx.client.get('batch/v1', 'cronjobs', cj.metadata.namespace, cj.metadata.name!);
        } catch (err) {
          return { updateStatus, error: err };
        }
        if (inActiveList(fresh, uid)) continue;
        ctx.recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${job.metadata.name}`);
      } else if (found && finished) {
        removeFromActiveList(cj, uid);
        ctx.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, status: ${finished}`);
        updateStatus = true;
      } else if (finished === 'Complete') {
        // Any successful child counts, listed as active or not (a Job started by hand, say).
        const completion = (job.status as { completionTime?: string } | undefined)?.completionTime;
        if (completion && (!status.lastSuccessfulTime || Date.parse(completion) > Date.parse(status.lastSuccessfulTime))) {
          status.lastSuccessfulTime = completion;
          updateStatus = true;
        }
      }
    }
    // An active Job that is gone would otherwise keep a Forbid CronJob waiting forever.
    for (const ref of [...(status.active ?? [])]) {
      if (childUids.has(ref.uid ?? '')) continue;
      try {
        await ctx.client.get('batch/v1', 'jobs', ref.namespace, ref.name ?? '');
      } catch (err) {
        if (!isCode(err, 404)) return { updateStatus, error: err };
        ctx.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        removeFromActiveList(cj, ref.uid);
        updateStatus = true;
      }
    }
    if (cj.metadata.deletionTimestamp) return { updateStatus };
    const spec = cronJobSpec(cj);
    if (spec.timeZone !== undefined && spec.timeZone !== null) {
      const problem = checkTimeZone(spec.timeZone);
      if (problem) {
        ctx.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${goQuote(spec.timeZone)}: ${problem}`);
        return { updateStatus };
      }
    }
    if (spec.suspend) return { updateStatus };
    let schedule: CronSchedule;
    try {
      schedule = parseStandardSchedule(formatSchedule(cj, ctx));
    } catch (err) {
      ctx.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${goQuote(spec.schedule)} : ${(err as Error).message}`);
      return { updateStatus };
    }
    const due = nextScheduleTime(cj, now, schedule, ctx.recorder);
    if (due.error) {
      ctx.recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${spec.schedule} : ${due.error.message}`);
      return { updateStatus };
    }
    const later = () => ({ requeueAfter: nextScheduleTimeDuration(cj, now, schedule), updateStatus });
    if (due.scheduled === undefined) return later();
    const scheduled = due.scheduled;
    const deadline = spec.startingDeadlineSeconds;
    if (deadline !== undefined && deadline !== null && scheduled + deadline * 1000 < now) {
      ctx.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return later();
    }
    const name = jobNameFor(cj, scheduled);
    const alreadyProcessed = (status.active ?? []).some((ref) => ref.name === name && ref.namespace === cj.metadata.namespace);
    if (alreadyProcessed || (status.lastScheduleTime && Date.parse(status.lastScheduleTime) === scheduled)) return later();
    if (spec.concurrencyPolicy === 'Forbid' && (status.active ?? []).length > 0) {
      ctx.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return later();
    }
    if (spec.concurrencyPolicy === 'Replace') {
      for (const ref of [...(status.active ?? [])]) {
        let running: KubeObject;
        try {
          running = await ctx.client.get('batch/v1', 'jobs', ref.namespace, ref.name ?? '');
        } catch (err) {
          ctx.recorder.event(cj, 'Warning', 'FailedGet', `Get job: ${(err as Error).message}`);
          return { updateStatus, error: err };
        }
        if (!(await deleteCronJobChild(ctx, cj, running))) return { updateStatus, error: new Error(`could not replace job ${ref.namespace}/${ref.name}`) };
        updateStatus = true;
      }
    }
    let created: KubeObject;
    let alreadyExists = false;
    try {
      created = await ctx.client.create('batch/v1', 'jobs', cj.metadata.namespace, jobFromTemplate(cj, scheduled, zoneFor(spec.timeZone ?? '')), controllerFieldManager);
    } catch (err) {
      const causes = (err as { details?: { causes?: { reason?: string }[] } }).details?.causes ?? [];
      if (causes.some((c) => c.reason === 'NamespaceTerminating')) return { updateStatus, error: err };
      if (!isCode(err, 409)) {
        ctx.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
        return { updateStatus, error: err };
      }
      // Created before, but the status update that should have listed it was lost: list it now.
      alreadyExists = true;
      try {
        created = await ctx.client.get('batch/v1', 'jobs', cj.metadata.namespace, name);
      } catch (getErr) {
        return { updateStatus, error: getErr };
      }
      if (controllerOf(created)?.uid !== cj.metadata.uid || inActiveList(cj, created.metadata.uid)) return { updateStatus };
    }
    if (!alreadyExists) ctx.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
    status.active = [...(status.active ?? []), referenceTo(created)];
    status.lastScheduleTime = rfc3339(scheduled);
    return { requeueAfter: nextScheduleTimeDuration(cj, now, schedule), updateStatus: true };
  };

  return {
    name: 'cronjob',
    component: 'cronjob-controller',
    start(context: ControllerContext) {
      ctx = context;
      cronJobs = ctx.informers.informerFor('batch/v1', 'cronjobs');
      jobs = ctx.informers.informerFor('batch/v1', 'jobs');
      cronJobs.addEventHandler({ onAdd: (cj) => ctx.enqueue(cj), onUpdate: updateCronJob, onDelete: (cj) => ctx.enqueue(cj) });
      jobs.addEventHandler({
        onAdd: (job) => enqueueOwner(job),
        onUpdate: (old, job) => {
          if (old.metadata.resourceVersion === job.metadata.resourceVersion) return;
          const ref = controllerOf(job);
          const oldRef = controllerOf(old);
          if (oldRef && !deepEqual(ref, oldRef)) enqueueOwner(old, oldRef);
          enqueueOwner(job, ref);
        },
        onDelete: (job) => enqueueOwner(job),
      });
    },
    async reconcile(key: string) {
      const cached = cronJobs.get(key);
      if (!cached) return;
      const { namespace } = splitKey(key);
      // Every Job whose controller reference names this CronJob, matching labels or not.
      const children = jobs.list().filter((j) => j.metadata.namespace === namespace && controllerOf(j)?.name === cached.metadata.name);
      const cj = structuredClone(cached);
      const cleaned = await cleanupFinishedJobs(ctx, cj, children);
      const result = await syncCronJob(cj, children);
      if (cleaned || result.updateStatus) {
        const status = cronJobStatus(cj);
        if (status.active && status.active.length === 0) delete status.active;
        await ctx.client.update('batch/v1', 'cronjobs', namespace, cj, { ...controllerFieldManager, subresource: 'status' });
      }
      if (result.requeueAfter !== undefined) return { requeueAfter: result.requeueAfter };
      if (result.error !== undefined) throw result.error;
    },
  };
}
