// podFailurePolicy rules and ttlSecondsAfterFinished on the virtual clock.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import { jobController } from './job-controller.js';
import { ttlAfterFinishedController } from './job-ttl.js';
import { activePods, condition, eventsAbout, finishPod, getJob, jobManifest, jobPods, namespace } from './job-test-helpers.js';

let tb: ControllerTestbed;

afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

describe('podFailurePolicy', () => {
  const podFailurePolicy = {
    rules: [
      { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] },
    ],
  };

  beforeEach(async () => {
    tb = await startControllerTestbed([jobController()]);
  });

  it('does not count a failure an Ignore rule matches, and fails the Job on a FailJob rule', async () => {
    await tb.client.create('batch/v1', 'jobs', namespace, jobManifest('policy', { podFailurePolicy, backoffLimit: 0 }));
    await tb.settle();
    const first = (await jobPods(tb, 'policy'))[0];
    await finishPod(tb, first, 'Failed', { exitCode: 137, conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI' }] });
    await tb.advance(1000);
    // Ignored: backoffLimit 0 is not exceeded, and a replacement follows the pod failure backoff.
    let job = await getJob(tb, 'policy');
    expect(job.status.failed).toBeUndefined();
    expect(condition(job, 'FailureTarget')).toBeUndefined();
    await tb.advance(9000);
    const second = (await activePods(tb, 'policy'))[0];
    expect(second).toBeDefined();

    await finishPod(tb, second, 'Failed', { exitCode: 42 });
    await tb.advance(1000);
    job = await getJob(tb, 'policy');
    const message = `Container main for pod default/${second.metadata.name} failed with exit code 42 matching FailJob rule at index 0`;
    expect(condition(job, 'FailureTarget')).toMatchObject({ status: 'True', reason: 'PodFailurePolicy', message });
    expect(condition(job, 'Failed')).toMatchObject({ status: 'True', reason: 'PodFailurePolicy', message });
    expect(job.status.failed).toBe(1);
    expect((await eventsAbout(tb, 'policy')).at(-1)).toBe(`PodFailurePolicy: ${message}`);
  });

  it('counts failures no rule matches against backoffLimit', async () => {
    await tb.client.create('batch/v1', 'jobs', namespace, jobManifest('counted', { podFailurePolicy, backoffLimit: 0 }));
    await tb.settle();
    await finishPod(tb, (await jobPods(tb, 'counted'))[0], 'Failed', { exitCode: 1 });
    await tb.advance(1000);
    const job = await getJob(tb, 'counted');
    expect(condition(job, 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded' });
    expect(job.status.failed).toBe(1);
  });
});

describe('ttlSecondsAfterFinished', () => {
  beforeEach(async () => {
    tb = await startControllerTestbed([jobController(), ttlAfterFinishedController()]);
  });

  it('deletes the Job in the foreground once the TTL after it finished has passed', async () => {
    await tb.client.create('batch/v1', 'jobs', namespace, jobManifest('short-lived', { ttlSecondsAfterFinished: 100 }));
    await tb.settle();
    await finishPod(tb, (await jobPods(tb, 'short-lived'))[0], 'Succeeded');
    await tb.advance(1000);
    const finished = await getJob(tb, 'short-lived');
    expect(condition(finished, 'Complete')?.lastTransitionTime).toBe('2026-01-01T00:00:01Z');
    await tb.advance(99_999);
    expect((await getJob(tb, 'short-lived')).metadata.deletionTimestamp).toBeUndefined();
    await tb.advance(1);
    // No garbage collector runs here, so the foreground deletion's finalizer holds the Job.
    const deleting = await getJob(tb, 'short-lived');
    expect(deleting.metadata.deletionTimestamp).toBe('2026-01-01T00:01:41Z');
    expect(deleting.metadata.finalizers).toEqual(['foregroundDeletion']);
  });

  it('leaves Jobs without a TTL', async () => {
    await tb.client.create('batch/v1', 'jobs', namespace, jobManifest('kept'));
    await tb.settle();
    await finishPod(tb, (await jobPods(tb, 'kept'))[0], 'Succeeded');
    await tb.advance(3_600_000);
    const job = await getJob(tb, 'kept');
    expect(condition(job, 'Complete')?.status).toBe('True');
    expect(job.metadata.deletionTimestamp).toBeUndefined();
  });
});
