// What one sync of a Job has gathered about it, passed between the job controller's files (upstream syncJobCtx).
import type { KubeObject } from '../../meta/types.js';
import type { BackoffRecord } from './job-backoff.js';
import type { OrderedIntervals } from './job-index-intervals.js';
import type { JobCondition } from './job-util.js';

export interface SyncJobContext {
  /** A private copy of the Job; status writes replace it with what the server returned. */
  job: KubeObject;
  pods: KubeObject[];
  /** The terminal (or interim SuccessCriteriaMet / FailureTarget) condition this sync works towards. */
  finishedCondition?: JobCondition;
  activePods: KubeObject[];
  succeeded: number;
  failed: number;
  prevSucceededIndexes: OrderedIntervals;
  succeededIndexes: OrderedIntervals;
  /** Only for Indexed Jobs with backoffLimitPerIndex. */
  failedIndexes?: OrderedIntervals;
  newBackoffRecord: BackoffRecord;
  /** Pods whose finalizer removal was sent but not yet seen: they are treated as already counted. */
  expectedRmFinalizers: Set<string>;
  uncounted: { succeeded: Set<string>; failed: Set<string> };
  /** Per index, the failed pod kept (finalizer held) until its replacement exists to inherit its failure count. */
  podsWithDelayedDeletionPerIndex: Map<number, KubeObject>;
  terminating: number;
  ready: number;
}
