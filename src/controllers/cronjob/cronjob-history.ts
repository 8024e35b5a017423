// CronJob history: deleting the oldest finished Jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit.
import type { KubeObject } from '../../meta/types.js';
import { compareJobStartTime, cronJobSpec, cronJobStatus, finishedType } from './cronjob-util.js';
import type { ControllerContext } from '../runtime/index.js';

/** Deletes a child Job (its pods follow in the background) and drops it from the active list; false if that failed. */
export async function deleteCronJobChild(ctx: ControllerContext, cj: KubeObject, job: KubeObject): Promise<boolean> {
  try {
    await ctx.client.delete('batch/v1', 'jobs', job.metadata.namespace, job.metadata.name!, { propagationPolicy: 'Background' });
  } catch (err) {
    ctx.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(err as Error).message}`);
    ctx.logError(err);
    return false;
  }
  const status = cronJobStatus(cj);
  status.active = (status.active ?? []).filter((ref) => ref.uid !== job.metadata.uid);
  ctx.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
  return true;
}

async function removeOldestJobs(ctx: ControllerContext, cj: KubeObject, finished: KubeObject[], limit: number): Promise<boolean> {
  const excess = finished.length - limit;
  if (excess <= 0) return false;
  let updated = false;
  for (const job of [...finished].sort(compareJobStartTime).slice(0, excess)) {
    if (await deleteCronJobChild(ctx, cj, job)) updated = true;
  }
  return updated;
}

/**
 * Keeps at most the history limits of succeeded and failed Jobs, oldest (by start time) going first. Every Job the
 * CronJob controls counts, those started by hand (`kubectl create job --from=cronjob/…`) included, as upstream.
 */
export async function cleanupFinishedJobs(ctx: ControllerContext, cj: KubeObject, children: KubeObject[]): Promise<boolean> {
  const { successfulJobsHistoryLimit, failedJobsHistoryLimit } = cronJobSpec(cj);
  const limited = (v: number | null | undefined): v is number => v !== undefined && v !== null;
  if (!limited(successfulJobsHistoryLimit) && !limited(failedJobsHistoryLimit)) return false;
  const succeeded = children.filter((j) => finishedType(j) === 'Complete');
  const failed = children.filter((j) => finishedType(j) === 'Failed');
  let updated = false;
  if (limited(successfulJobsHistoryLimit) && (await removeOldestJobs(ctx, cj, succeeded, successfulJobsHistoryLimit))) updated = true;
  if (limited(failedJobsHistoryLimit) && (await removeOldestJobs(ctx, cj, failed, failedJobsHistoryLimit))) updated = true;
  return updated;
}
