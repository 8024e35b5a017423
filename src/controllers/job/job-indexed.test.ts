// Indexed Jobs on the virtual clock: index labels and hostnames, completedIndexes, backoffLimitPerIndex, successPolicy.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import { formatIntervals, parseIntervals, withOrderedIndexes } from './job-index-intervals.js';
import { jobController } from './job-controller.js';
import { activePods, condition, finishPod, getJob, jobManifest, jobPods, namespace } from './job-test-helpers.js';
import type { KubeObject } from '../../meta/types.js';

const indexOf = (pod: KubeObject) => pod.metadata.annotations?.['batch.kubernetes.io/job-completion-index'];
const byIndex = (pods: KubeObject[], ix: number) => pods.find((p) => indexOf(p) === String(ix))!;

describe('completed index intervals', () => {
  it('compress as upstream writes them: pairs with a comma, three or more as a range', () => {
    expect(formatIntervals(withOrderedIndexes([], [1, 3, 4, 5]))).toBe('1,3-5');
    expect(formatIntervals(withOrderedIndexes([], [0, 1, 3, 4]))).toBe('0,1,3,4');
    expect(formatIntervals(withOrderedIndexes(parseIntervals('0,1,3,4', 10), [2]))).toBe('0-4');
    // Indexes at or past completions are dropped; corrupt pieces are skipped.
    expect(formatIntervals(parseIntervals('x,1-8,9', 5))).toBe('1-4');
  });
});

describe('Indexed Jobs', () => {
  let tb: ControllerTestbed;

  beforeEach(async () => {
    tb = await startControllerTestbed([jobController()]);
  });

  afterEach(async () => {
    expect(tb.errors).toEqual([]);
    await tb.close();
  });

  it('gives each pod its index, hostname and env, and tracks completedIndexes', async () => {
    await tb.client.create('batch/v1', 'jobs', namespace, jobManifest('idx', { completionMode: 'Indexed', completions: 4, parallelism: 2 }));
    await tb.settle();
    let pods = await jobPods(tb, 'idx');
    expect(pods.map(indexOf).sort()).toEqual(['0', '1']);
    const pod1 = byIndex(pods, 1);
    expect(pod1.metadata.generateName).toBe('idx-1-');
    expect(pod1.metadata.name).toMatch(/^idx-1-[a-z0-9]{5}$/);
    expect(pod1.metadata.labels?.['batch.kubernetes.io/job-completion-index']).toBe('1');
    const spec = pod1.spec as { hostname?: string; containers: { env?: unknown[] }[] };
    expect(spec.hostname).toBe('idx-1');
    expect(spec.containers[0].env).toEqual([
      { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } },
    ]);

    await finishPod(tb, pod1, 'Succeeded');
    await tb.advance(1000);
    let job = await getJob(tb, 'idx');
    expect(job.status).toMatchObject({ completedIndexes: '1', succeeded: 1, active: 2 });
    pods = await activePods(tb, 'idx');
    // The lowest index not yet done or running is next.
    expect(pods.map(indexOf).sort()).toEqual(['0', '2']);

    await finishPod(tb, byIndex(pods, 2), 'Succeeded');
    await tb.advance(1000);
    expect((await getJob(tb, 'idx')).status).toMatchObject({ completedIndexes: '1,2', succeeded: 2 });
    await finishPod(tb, byIndex(await activePods(tb, 'idx'), 3), 'Succeeded');
    await tb.advance(1000);
    expect((await getJob(tb, 'idx')).status).toMatchObject({ completedIndexes: '1-3', succeeded: 3, active: 1 });
    await finishPod(tb, byIndex(await activePods(tb, 'idx'), 0), 'Succeeded');
    await tb.advance(1000);
    job = await getJob(tb, 'idx');
    expect(job.status).toMatchObject({ completedIndexes: '0-3', succeeded: 4 });
    expect(condition(job, 'Complete')?.status).toBe('True');
  });

  it('fails an index after backoffLimitPerIndex retries, and the Job once every index is done', async () => {
    await tb.client.create(
      'batch/v1',
      'jobs',
      namespace,
      jobManifest('per-index', { completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimitPerIndex: 1 }),
    );
    await tb.settle();
    let pods = await jobPods(tb, 'per-index');
    expect(byIndex(pods, 0).metadata.annotations?.['batch.kubernetes.io/job-index-failure-count']).toBe('0');
    await finishPod(tb, byIndex(pods, 0), 'Failed');
    await tb.advance(1000);
    // The failed pod keeps its finalizer until the replacement inherits its failure count, 10s later.
    expect((await jobPods(tb, 'per-index')).find((p) => p.metadata.uid === byIndex(pods, 0).metadata.uid)?.metadata.finalizers).toEqual([
      'batch.kubernetes.io/job-tracking',
    ]);
    await tb.advance(9000);
    pods = await activePods(tb, 'per-index');
    const retry = byIndex(pods, 0);
    expect(retry.metadata.annotations?.['batch.kubernetes.io/job-index-failure-count']).toBe('1');
    await tb.advance(1000);
    expect((await getJob(tb, 'per-index')).status).toMatchObject({ failed: 1, failedIndexes: '' });

    await finishPod(tb, retry, 'Failed');
    await tb.advance(1000);
    let job = await getJob(tb, 'per-index');
    expect(job.status).toMatchObject({ failed: 2, failedIndexes: '0' });
    expect(condition(job, 'FailureTarget')).toBeUndefined();
    // No retry for a failed index.
    await tb.advance(60_000);
    expect((await activePods(tb, 'per-index')).map(indexOf)).toEqual(['1']);

    await finishPod(tb, byIndex(await activePods(tb, 'per-index'), 1), 'Succeeded');
    await tb.advance(1000);
    await tb.advance(1000);
    job = await getJob(tb, 'per-index');
    expect(job.status).toMatchObject({ completedIndexes: '1', failedIndexes: '0', succeeded: 1, failed: 2 });
    expect(condition(job, 'Failed')).toMatchObject({ status: 'True', reason: 'FailedIndexes', message: 'Job has failed indexes' });
  });

  it('fails an index at once on a FailIndex rule, and the Job past maxFailedIndexes', async () => {
    const podFailurePolicy = { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [3] } }] };
    await tb.client.create(
      'batch/v1',
      'jobs',
      namespace,
      jobManifest('fail-index', { completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimitPerIndex: 2, maxFailedIndexes: 1, podFailurePolicy }),
    );
    await tb.settle();
    await finishPod(tb, byIndex(await jobPods(tb, 'fail-index'), 0), 'Failed', { exitCode: 3 });
    await tb.advance(1000);
    let job = await getJob(tb, 'fail-index');
    expect(job.status).toMatchObject({ failedIndexes: '0', failed: 1 });
    await tb.advance(60_000);
    expect((await activePods(tb, 'fail-index')).map(indexOf).sort()).toEqual(['1', '2']);

    await finishPod(tb, byIndex(await activePods(tb, 'fail-index'), 2), 'Failed', { exitCode: 3 });
    await tb.advance(1000);
    await tb.advance(1000);
    job = await getJob(tb, 'fail-index');
    expect(job.status).toMatchObject({ failedIndexes: '0,2', failed: 3 });
    const reason = { reason: 'MaxFailedIndexesExceeded', message: 'Job has exceeded the specified maximal number of failed indexes' };
    expect(condition(job, 'FailureTarget')).toMatchObject(reason);
    expect(condition(job, 'Failed')).toMatchObject(reason);
    // Index 1 was still running: it was deleted, and counted as failed with the Job.
    expect(await activePods(tb, 'fail-index')).toHaveLength(0);
  });

  it('declares success once the successPolicy is met and removes the pods still running', async () => {
    await tb.client.create(
      'batch/v1',
      'jobs',
      namespace,
      jobManifest('leader', { completionMode: 'Indexed', completions: 3, parallelism: 3, successPolicy: { rules: [{ succeededIndexes: '0' }] } }),
    );
    await tb.settle();
    const pods = await jobPods(tb, 'leader');
    expect(pods).toHaveLength(3);
    await finishPod(tb, byIndex(pods, 0), 'Succeeded');
    await tb.advance(1000);
    let job = await getJob(tb, 'leader');
    expect(condition(job, 'SuccessCriteriaMet')).toMatchObject({ status: 'True', reason: 'SuccessPolicy', message: 'Matched rules at index 0' });
    expect(await activePods(tb, 'leader')).toHaveLength(0);
    await tb.advance(1000);
    job = await getJob(tb, 'leader');
    expect(condition(job, 'Complete')).toMatchObject({ status: 'True', reason: 'SuccessPolicy', message: 'Matched rules at index 0' });
    // The pods removed for success are not failures.
    expect(job.status).toMatchObject({ succeeded: 1, completedIndexes: '0', terminating: 0 });
    expect(job.status.failed).toBeUndefined();
  });
});
