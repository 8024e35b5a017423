// Job controller on the virtual clock: completions and parallelism, backoffLimit with pod failure backoff, deadlines, suspend.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import { jobController } from './job-controller.js';
import {
  activePods,
  condition,
  eventCount,
  eventsAbout,
  finishAll,
  finishPod,
  getJob,
  jobManifest,
  jobPods,
  namespace,
  podPhaseOf,
} from './job-test-helpers.js';

let tb: ControllerTestbed;

beforeEach(async () => {
  tb = await startControllerTestbed([jobController()]);
});

afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

describe('completions and parallelism', () => {
  it('runs at most parallelism pods, never more than the completions left, then completes', async () => {
    await tb.client.create('batch/v1', 'jobs', namespace, jobManifest('work', { completions: 5, parallelism: 2 }));
    await tb.settle();

    let pods = await jobPods(tb, 'work');
    expect(pods).toHaveLength(2);
    const job = await getJob(tb, 'work');
    expect(job.status).toEqual({ startTime: '2026-01-01T00:00:00Z', active: 2, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    const pod = pods[0];
    expect(pod.metadata.generateName).toBe('work-');
    expect(pod.metadata.name).toMatch(/^work-[a-z0-9]{5}$/);
    expect(pod.metadata.finalizers).toEqual(['batch.kubernetes.io/job-tracking']);
    expect(pod.metadata.labels).toMatchObject({
      'batch.kubernetes.io/controller-uid': job.metadata.uid,
      'batch.kubernetes.io/job-name': 'work',
      'controller-uid': job.metadata.uid,
      'job-name': 'work',
    });
    expect(pod.metadata.ownerReferences).toEqual([
      { apiVersion: 'batch/v1', kind: 'Job', name: 'work', uid: job.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    expect((await eventsAbout(tb, 'work')).sort()).toEqual(pods.map((p) => `SuccessfulCreate: Created pod: ${p.metadata.name}`).sort());

    await finishAll(tb, pods, 'Succeeded');
    // Pod events reach the Job after upstream's one-second batching.
    await tb.advance(1000);
    pods = await jobPods(tb, 'work');
    expect(pods).toHaveLength(4);
    expect((await activePods(tb, 'work')).length).toBe(2);
    // Counted pods lose the tracking finalizer but stay (a TTL or the garbage collector removes them).
    for (const p of pods.filter((x) => podPhaseOf(x) === 'Succeeded')) expect(p.metadata.finalizers ?? []).toEqual([]);
    expect((await getJob(tb, 'work')).status).toMatchObject({ active: 2, succeeded: 2 });

    await finishAll(tb, await activePods(tb, 'work'), 'Succeeded');
    await tb.advance(1000);
    // One completion left: only one pod runs.
    expect(await activePods(tb, 'work')).toHaveLength(1);
    expect((await getJob(tb, 'work')).status).toMatchObject({ active: 1, succeeded: 4 });

    await finishAll(tb, await activePods(tb, 'work'), 'Succeeded');
    await tb.advance(1000);
    const done = await getJob(tb, 'work');
    expect(done.status.succeeded).toBe(5);
    expect(done.status.active).toBeUndefined();
    expect(done.status.completionTime).toBe('2026-01-01T00:00:03Z');
    expect(done.status.conditions).toEqual([
      {
        type: 'SuccessCriteriaMet',
        status: 'True',
        reason: 'CompletionsReached',
        message: 'Reached expected number of succeeded pods',
        lastProbeTime: '2026-01-01T00:00:03Z',
        lastTransitionTime: '2026-01-01T00:00:03Z',
      },
      {
        type: 'Complete',
        status: 'True',
        reason: 'CompletionsReached',
        message: 'Reached expected number of succeeded pods',
        lastProbeTime: '2026-01-01T00:00:03Z',
        lastTransitionTime: '2026-01-01T00:00:03Z',
      },
    ]);
    expect(await jobPods(tb, 'work')).toHaveLength(5);
    expect((await eventsAbout(tb, 'work')).at(-1)).toBe('Completed: Job completed');
    expect(tb.errors).toEqual([]);
  });

  it('without completions, completes after the first success once the other pods are done', async () => {
    await tb.client.create('batch/v1', 'jobs', namespace, jobManifest('queue', { parallelism: 3 }));
    await tb.settle();
    const pods = await jobPods(tb, 'queue');
    expect(pods).toHaveLength(3);
    await finishPod(tb, pods[0], 'Succeeded');
    await tb.advance(1000);
    // No new pods start, the others may finish.
    expect(await jobPods(tb, 'queue')).toHaveLength(3);
    expect(condition(await getJob(tb, 'queue'), 'Complete')).toBeUndefined();
    await finishAll(tb, pods.slice(1), 'Succeeded');
    await tb.advance(1000);
    const job = await getJob(tb, 'queue');
    expect(condition(job, 'Complete')?.status).toBe('True');
    expect(job.status.succeeded).toBe(3);
  });
});

describe('backoffLimit', () => {
  it('waits 10s, then 20s before replacing failed pods, and fails the Job past the limit', async () => {
    await tb.client.create('batch/v1', 'jobs', namespace, jobManifest('flaky', { backoffLimit: 2 }));
    await tb.settle();

    await finishPod(tb, (await jobPods(tb, 'flaky'))[0], 'Failed');
    await tb.advance(1000);
    expect((await getJob(tb, 'flaky')).status).toMatchObject({ failed: 1, uncountedTerminatedPods: {} });
    expect(await activePods(tb, 'flaky')).toHaveLength(0);
    // The replacement waits for 10s after the failure.
    await tb.advance(8999);
    expect(await jobPods(tb, 'flaky')).toHaveLength(1);
    await tb.advance(1);
    expect(await activePods(tb, 'flaky')).toHaveLength(1);

    await finishPod(tb, (await activePods(tb, 'flaky'))[0], 'Failed');
    await tb.advance(19_999);
    expect(await activePods(tb, 'flaky')).toHaveLength(0);
    await tb.advance(1);
    expect(await activePods(tb, 'flaky')).toHaveLength(1);
    expect((await getJob(tb, 'flaky')).status.failed).toBe(2);

    await finishPod(tb, (await activePods(tb, 'flaky'))[0], 'Failed');
    await tb.advance(1000);
    const job = await getJob(tb, 'flaky');
    expect(job.status.failed).toBe(3);
    expect(condition(job, 'FailureTarget')).toMatchObject({
      status: 'True',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
    expect(condition(job, 'Failed')).toMatchObject({
      status: 'True',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
    expect(job.status.completionTime).toBeUndefined();
    expect(await jobPods(tb, 'flaky')).toHaveLength(3);
    expect((await eventsAbout(tb, 'flaky')).at(-1)).toBe('BackoffLimitExceeded: Job has reached the specified backoff limit');
    // A finished Job is left alone: time passing creates nothing.
    await tb.advance(600_000);
    expect(await jobPods(tb, 'flaky')).toHaveLength(3);
  });
});

describe('activeDeadlineSeconds', () => {
  it('fails the Job at the deadline, deleting and counting its running pods', async () => {
    await tb.client.create('batch/v1', 'jobs', namespace, jobManifest('slow', { activeDeadlineSeconds: 60, parallelism: 2, completions: 4 }));
    await tb.settle();
    expect(await activePods(tb, 'slow')).toHaveLength(2);
    await tb.advance(59_999);
    expect(condition(await getJob(tb, 'slow'), 'FailureTarget')).toBeUndefined();
    await tb.advance(1);
    let job = await getJob(tb, 'slow');
    expect(condition(job, 'FailureTarget')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    // Unscheduled pods go as soon as their finalizer is removed.
    expect(await jobPods(tb, 'slow')).toHaveLength(0);
    await tb.advance(1000);
    job = await getJob(tb, 'slow');
    expect(condition(job, 'Failed')).toMatchObject({ status: 'True', reason: 'DeadlineExceeded' });
    expect(job.status).toMatchObject({ failed: 2, ready: 0, terminating: 0 });
    expect(job.status.active).toBeUndefined();
    const events = await eventsAbout(tb, 'slow');
    expect(events.filter((e) => e.startsWith('SuccessfulDelete: Deleted pod: slow-'))).toHaveLength(2);
    expect(events.at(-1)).toBe('DeadlineExceeded: Job was active longer than specified deadline');
  });
});

describe('suspend', () => {
  it('creates nothing while suspended, deletes running pods on suspend, and restarts the clock on resume', async () => {
    await tb.client.create('batch/v1', 'jobs', namespace, jobManifest('paused', { suspend: true, parallelism: 2, completions: 2, activeDeadlineSeconds: 100 }));
    await tb.settle();
    let job = await getJob(tb, 'paused');
    expect(await jobPods(tb, 'paused')).toHaveLength(0);
    expect(job.status.startTime).toBeUndefined();
    expect(condition(job, 'Suspended')).toMatchObject({ status: 'True', reason: 'JobSuspended', message: 'Job suspended' });

    await tb.advance(30_000);
    await tb.client.patch('batch/v1', 'jobs', namespace, 'paused', 'merge', { spec: { suspend: false } });
    await tb.settle();
    job = await getJob(tb, 'paused');
    expect(await activePods(tb, 'paused')).toHaveLength(2);
    expect(job.status.startTime).toBe('2026-01-01T00:00:30Z');
    expect(condition(job, 'Suspended')).toMatchObject({ status: 'False', reason: 'JobResumed', message: 'Job resumed' });

    await tb.advance(50_000);
    await tb.client.patch('batch/v1', 'jobs', namespace, 'paused', 'merge', { spec: { suspend: true } });
    await tb.settle();
    job = await getJob(tb, 'paused');
    expect(await jobPods(tb, 'paused')).toHaveLength(0);
    // Pods removed for suspension are not failures.
    expect(job.status).toMatchObject({ ready: 0, terminating: 2 });
    expect(job.status.failed).toBeUndefined();
    expect(condition(job, 'Suspended')).toMatchObject({ status: 'True', reason: 'JobSuspended' });

    // Resuming restarts the activeDeadlineSeconds clock: it measures continuous activity.
    await tb.advance(40_000);
    await tb.client.patch('batch/v1', 'jobs', namespace, 'paused', 'merge', { spec: { suspend: false } });
    await tb.settle();
    job = await getJob(tb, 'paused');
    expect(job.status.startTime).toBe('2026-01-01T00:02:00Z');
    expect(job.status).toMatchObject({ active: 2 });
    // The first start's deadline (00:02:10) passes without effect; the new one (00:03:40) fails the Job.
    await tb.advance(99_999);
    expect(condition(await getJob(tb, 'paused'), 'FailureTarget')).toBeUndefined();
    await tb.advance(1);
    expect(condition(await getJob(tb, 'paused'), 'FailureTarget')).toMatchObject({ reason: 'DeadlineExceeded' });
    const events = await eventsAbout(tb, 'paused');
    // Repeated Events are counted on the first one, as client-go's correlator does.
    expect(events.filter((e) => /^(Suspended|Resumed):/.test(e))).toEqual(['Suspended: Job suspended', 'Resumed: Job resumed']);
    expect(await eventCount(tb, 'paused', 'Suspended')).toBe(2);
    expect(await eventCount(tb, 'paused', 'Resumed')).toBe(2);
  });
});

describe('ownership', () => {
  it('leaves a Job managed by another controller alone', async () => {
    await tb.client.create('batch/v1', 'jobs', namespace, jobManifest('external', { managedBy: 'example.com/batch' }));
    await tb.settle();
    expect(await jobPods(tb, 'external')).toHaveLength(0);
    expect((await getJob(tb, 'external')).status).toEqual({});
  });

  it('adopts an orphan pod its selector matches, adding the tracking finalizer', async () => {
    const job = await tb.client.create('batch/v1', 'jobs', namespace, jobManifest('adopter', { suspend: true }));
    await tb.settle();
    const labels = (job.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    await tb.client.create('v1', 'pods', namespace, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', labels },
      spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] },
    });
    await tb.client.patch('batch/v1', 'jobs', namespace, 'adopter', 'merge', { spec: { suspend: false } });
    await tb.settle();
    const pods = await jobPods(tb, 'adopter');
    expect(pods.map((p) => p.metadata.name)).toEqual(['stray']);
    expect(pods[0].metadata.finalizers).toEqual(['batch.kubernetes.io/job-tracking']);
    expect(pods[0].metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: 'adopter', uid: job.metadata.uid, controller: true });
    expect((await getJob(tb, 'adopter')).status.active).toBe(1);
  });

  it('removes the tracking finalizer of pods whose Job was deleted', async () => {
    await tb.client.create('batch/v1', 'jobs', namespace, jobManifest('gone', { parallelism: 2, completions: 2 }));
    await tb.settle();
    const pods = await jobPods(tb, 'gone');
    await finishPod(tb, pods[0], 'Succeeded');
    await tb.client.delete('batch/v1', 'jobs', namespace, 'gone');
    await tb.settle();
    for (const p of await jobPods(tb, 'gone')) expect(p.metadata.finalizers ?? []).toEqual([]);
  });
});
