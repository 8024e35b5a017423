// The job controller's long-lived state that its sync, tracking and handler files share.
import type { KubeObject } from '../../meta/types.js';
import type { BackoffStore } from './job-backoff.js';
import { controllerFieldManager, jobStatus, type JobStatus } from './job-util.js';
import type { ControllerContext, ControllerExpectations, SharedInformer } from '../runtime/index.js';

export interface JobControllerState {
  ctx: ControllerContext;
  jobs: SharedInformer;
  pods: SharedInformer;
  expectations: ControllerExpectations;
  finalizerExpectations: FinalizerExpectations;
  backoff: BackoffStore;
  /** Re-syncs the Job after `ms`, never sooner than the batch period (upstream enqueueSyncJobWithDelay). */
  enqueueAfter(job: KubeObject, ms: number): void;
}

/** Upstream MaxUncountedPods and MaxPodCreateDeletePerSync: bounds on the work one sync does. */
export const maxUncountedPods = 500;
export const maxPodCreateDeletePerSync = 500;

/** Upstream uidTrackingExpectations (tracking_utils.go): pods whose tracking finalizer removal was sent, per Job key. */
export class FinalizerExpectations {
  private readonly byKey = new Map<string, Set<string>>();

  expectedUids(key: string): Set<string> {
    return new Set(this.byKey.get(key) ?? []);
  }

  expectRemoved(key: string, uids: string[]): void {
    const set = this.byKey.get(key) ?? new Set<string>();
    for (const uid of uids) set.add(uid);
    this.byKey.set(key, set);
  }

  removalObserved(key: string, uid: string): void {
    const set = this.byKey.get(key);
    if (!set) return;
    set.delete(uid);
    if (set.size === 0) this.byKey.delete(key);
  }

  forget(key: string): void {
    this.byKey.delete(key);
  }
}

/** The status as Go would serialize it: zero counters, an empty completedIndexes and empty UID lists are omitted. */
function wireStatus(status: JobStatus): JobStatus {
  const out: JobStatus = { ...status };
  if (!out.conditions || out.conditions.length === 0) delete out.conditions;
  for (const counter of ['active', 'succeeded', 'failed'] as const) if (!out[counter]) delete out[counter];
  if (!out.completedIndexes) delete out.completedIndexes;
  if (out.failedIndexes === undefined) delete out.failedIndexes;
  if (!out.startTime) delete out.startTime;
  if (!out.completionTime) delete out.completionTime;
  const uncounted = out.uncountedTerminatedPods ?? {};
  out.uncountedTerminatedPods = {};
  if (uncounted.succeeded && uncounted.succeeded.length > 0) out.uncountedTerminatedPods.succeeded = [...uncounted.succeeded];
  if (uncounted.failed && uncounted.failed.length > 0) out.uncountedTerminatedPods.failed = [...uncounted.failed];
  return out;
}

/** Writes the Job's status (optimistically, at the resourceVersion read) and returns the Job the server stored. */
export async function updateJobStatus(state: JobControllerState, job: KubeObject): Promise<KubeObject> {
  const body = { ...job, status: wireStatus(jobStatus(job)) };
  return state.ctx.client.update('batch/v1', 'jobs', job.metadata.namespace, body, { ...controllerFieldManager, subresource: 'status' });
}
