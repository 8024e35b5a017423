// The ttl-after-finished controller: deletes a finished Job (and, in the foreground, its pods) once its TTL expires.
import type { KubeObject } from '../../meta/types.js';
import { isNotFound } from './job-pod-control.js';
import { jobSpec, jobStatus } from './job-util.js';
import { type Controller, type ControllerContext, type SharedInformer, splitKey } from '../runtime/index.js';

/** When a Job with a TTL finished: its Complete or Failed condition's transition time. */
function finishedAt(job: KubeObject): number {
  for (const c of jobStatus(job).conditions ?? []) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') {
      const at = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
      if (Number.isNaN(at)) throw new Error(`unable to find the time when the Job ${job.metadata.namespace}/${job.metadata.name} finished`);
      return at;
    }
  }
  throw new Error(`unable to find the status of the finished Job ${job.metadata.namespace}/${job.metadata.name}`);
}

function needsCleanup(job: KubeObject): boolean {
  const ttl = jobSpec(job).ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null) return false;
  return (jobStatus(job).conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export function ttlAfterFinishedController(): Controller {
  let ctx: ControllerContext;
  let jobs: SharedInformer;

  /** Milliseconds until the TTL expires (≤ 0 once expired), or undefined when the Job is not for this controller. */
  const timeLeft = (job: KubeObject): number | undefined => {
    if (job.metadata.deletionTimestamp || !needsCleanup(job)) return undefined;
    return finishedAt(job) + jobSpec(job).ttlSecondsAfterFinished! * 1000 - ctx.clock.now();
  };

  const enqueueIfDue = (job: KubeObject) => {
    if (!job.metadata.deletionTimestamp && needsCleanup(job)) ctx.enqueue(job);
  };

  return {
    name: 'ttl-after-finished',
    component: 'ttl-after-finished-controller',
    start(context: ControllerContext) {
      ctx = context;
      jobs = ctx.informers.informerFor('batch/v1', 'jobs');
      jobs.addEventHandler({ onAdd: enqueueIfDue, onUpdate: (_old, job) => enqueueIfDue(job) });
    },
    async reconcile(key: string) {
      const cached = jobs.get(key);
      if (!cached) return;
      const left = timeLeft(cached);
      if (left === undefined) return;
      if (left > 0) return { requeueAfter: left };
      // The cached TTL may be stale: decide on a fresh read, and delete only that very Job.
      const { namespace, name } = splitKey(key);
      let fresh: KubeObject;
      try {
        fresh = await ctx.client.get('batch/v1', 'jobs', namespace, name);
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      const freshLeft = timeLeft(fresh);
      if (freshLeft === undefined) return;
      if (freshLeft > 0) return { requeueAfter: freshLeft };
      await ctx.client
        .delete('batch/v1', 'jobs', namespace, name, { propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata.uid } })
        .catch((err) => {
          if (!isNotFound(err)) throw err;
        });
    },
  };
}
