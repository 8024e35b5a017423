// CronJob controller with the Job controller on the virtual clock: schedules, concurrency policies, history, deadlines.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import type { KubeObject } from '../../meta/types.js';
import { cronJobController } from './cronjob-controller.js';
import type { CronJobStatus } from './cronjob-util.js';
import { jobController } from '../job/job-controller.js';
import {
  activePods,
  condition,
  cronJobJobs,
  cronJobManifest,
  eventCount,
  eventsAbout,
  finishJob,
  jobPods,
  namespace,
} from '../job/job-test-helpers.js';

/** 2026-01-01T00:00:00Z, where the virtual clock starts, in minutes since the epoch. */
const startMinute = 29_453_760;
const minute = 60_000;
const hour = 60 * minute;

let tb: ControllerTestbed;

beforeEach(async () => {
  tb = await startControllerTestbed([jobController(), cronJobController()]);
});

afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

async function cronStatus(name: string): Promise<CronJobStatus> {
  return ((await tb.client.get('batch/v1', 'cronjobs', namespace, name)).status ?? {}) as CronJobStatus;
}

const names = (jobs: KubeObject[]) => jobs.map((j) => j.metadata.name);

/** Advances the virtual clock to `offset` ms after 2026-01-01T00:00:00Z. */
async function advanceTo(offset: number): Promise<void> {
  await tb.advance(Date.UTC(2026, 0, 1) + offset - tb.clock.now());
}

describe('scheduling', () => {
  it('runs exactly the scheduled Jobs of the hour advanced, named after their minute, and lets Allow overlap', async () => {
    const cj = await tb.client.create('batch/v1', 'cronjobs', namespace, cronJobManifest('every15', { schedule: '*/15 * * * *' }));
    await tb.settle();
    expect(await cronJobJobs(tb, 'every15')).toEqual([]);

    await tb.advance(hour);
    let jobs = await cronJobJobs(tb, 'every15');
    expect(names(jobs)).toEqual([`every15-${startMinute + 15}`, `every15-${startMinute + 30}`, `every15-${startMinute + 45}`]);
    const first = jobs[0];
    expect(first.metadata.annotations).toEqual({ team: 'batch', 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-01-01T00:15:00Z' });
    expect(first.metadata.labels).toMatchObject({ app: 'every15' });
    expect(first.metadata.ownerReferences).toEqual([
      { apiVersion: 'batch/v1', kind: 'CronJob', name: 'every15', uid: cj.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    // The Job controller ran each one; nothing finished, so under Allow all three run at once.
    for (const job of jobs) expect(await activePods(tb, job.metadata.name!)).toHaveLength(1);
    let status = await cronStatus('every15');
    expect(status.lastScheduleTime).toBe('2026-01-01T00:45:00Z');
    expect(status.active).toEqual(
      jobs.map((j) => ({ kind: 'Job', namespace, name: j.metadata.name, uid: j.metadata.uid, apiVersion: 'batch/v1', resourceVersion: expect.any(String) })),
    );
    // The 01:00 run starts 100ms after the hour, as upstream's requeue delta has it.
    await tb.advance(100);
    jobs = await cronJobJobs(tb, 'every15');
    expect(jobs).toHaveLength(4);
    expect((await eventsAbout(tb, 'every15')).filter((e) => e.startsWith('SuccessfulCreate'))).toEqual(
      jobs.map((j) => `SuccessfulCreate: Created job ${j.metadata.name}`),
    );

    await finishJob(tb, jobs[0].metadata.name!, 'Succeeded');
    await tb.advance(1000);
    status = await cronStatus('every15');
    expect(status.active?.map((r) => r.name)).toEqual(names(jobs.slice(1)));
    expect(status.lastSuccessfulTime).toBe('2026-01-01T01:00:01Z');
    expect(await eventsAbout(tb, 'every15')).toContain(`SawCompletedJob: Saw completed job: ${jobs[0].metadata.name}, status: Complete`);
  });

  it('Forbid skips runs while one is active; over a day, history limits keep the newest finished Jobs', async () => {
    await tb.client.create(
      'batch/v1',
      'cronjobs',
      namespace,
      cronJobManifest('hourly', { schedule: '@hourly', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3 }),
    );
    await tb.settle();
    await tb.advance(hour + 100);
    const firstRun = `hourly-${startMinute + 60}`;
    expect(names(await cronJobJobs(tb, 'hourly'))).toEqual([firstRun]);
    // Still running at 02:00: that run is skipped.
    await tb.advance(hour);
    expect(names(await cronJobJobs(tb, 'hourly'))).toEqual([firstRun]);
    expect(await eventsAbout(tb, 'hourly')).toContain(
      'JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid',
    );
    await tb.advance(30 * minute);
    await finishJob(tb, firstRun, 'Succeeded');
    await tb.advance(1000);
    // With no startingDeadlineSeconds the skipped 02:00 run is still due: it starts as soon as the first one is done.
    const lateRun = `hourly-${startMinute + 120}`;
    expect((await cronStatus('hourly')).active?.map((r) => r.name)).toEqual([lateRun]);
    const late = await tb.client.get('batch/v1', 'jobs', namespace, lateRun);
    expect(late.metadata.creationTimestamp).toBe('2026-01-01T02:30:01Z');
    expect(late.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2026-01-01T02:00:00Z');
    await finishJob(tb, lateRun, 'Succeeded');
    await tb.advance(1000);

    // The rest of the day: each run finishes a second after it starts.
    for (let h = 3; h < 24; h++) {
      await advanceTo(h * hour + 200);
      const current = (await cronStatus('hourly')).active ?? [];
      expect(current.map((r) => r.name)).toEqual([`hourly-${startMinute + h * 60}`]);
      await finishJob(tb, current[0].name!, 'Succeeded');
      await tb.advance(1000);
    }
    expect(await eventCount(tb, 'hourly', 'SuccessfulCreate')).toBe(23);
    // Every sync while the 01:00 run was still going saw the 02:00 run due and declined it.
    expect(await eventCount(tb, 'hourly', 'JobAlreadyActive')).toBeGreaterThanOrEqual(1);
    // Only the three newest successful Jobs are kept.
    expect(names(await cronJobJobs(tb, 'hourly'))).toEqual([21, 22, 23].map((h) => `hourly-${startMinute + h * 60}`));
    expect(await eventCount(tb, 'hourly', 'SuccessfulDelete')).toBe(20);
    const status = await cronStatus('hourly');
    expect(status.lastScheduleTime).toBe('2026-01-01T23:00:00Z');
    expect(status.lastSuccessfulTime).toBe('2026-01-01T23:00:01Z');
  });

  it('Replace deletes the running Job when the next run is due', async () => {
    await tb.client.create('batch/v1', 'cronjobs', namespace, cronJobManifest('replace', { schedule: '*/15 * * * *', concurrencyPolicy: 'Replace' }));
    await tb.settle();
    await tb.advance(15 * minute + 100);
    const [first] = await cronJobJobs(tb, 'replace');
    await tb.advance(15 * minute);
    const jobs = await cronJobJobs(tb, 'replace');
    expect(names(jobs)).toEqual([`replace-${startMinute + 30}`]);
    expect((await cronStatus('replace')).active?.map((r) => r.name)).toEqual([`replace-${startMinute + 30}`]);
    expect(await eventsAbout(tb, 'replace')).toContain(`SuccessfulDelete: Deleted job ${first.metadata.name}`);
    // The replaced Job's pods are the garbage collector's to remove; the Job controller has let go of them.
    for (const pod of await jobPods(tb, first.metadata.name!)) expect(pod.metadata.finalizers ?? []).toEqual([]);
  });

  it('reads the schedule in spec.timeZone and stamps the Job with the scheduled time in that zone', async () => {
    await tb.client.create('batch/v1', 'cronjobs', namespace, cronJobManifest('berlin', { schedule: '0 9 * * *', timeZone: 'Europe/Berlin' }));
    await tb.settle();
    await tb.advance(8 * hour - 1);
    expect(await cronJobJobs(tb, 'berlin')).toEqual([]);
    await tb.advance(101);
    const [job] = await cronJobJobs(tb, 'berlin');
    expect(job.metadata.name).toBe(`berlin-${startMinute + 8 * 60}`);
    expect(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2026-01-01T09:00:00+01:00');
    expect((await cronStatus('berlin')).lastScheduleTime).toBe('2026-01-01T08:00:00Z');
  });

  it('warns about TZ= in the schedule but follows it, and reports an unknown timeZone', async () => {
    // The API refuses both today: they stand for CronJobs stored before those rules, which the controller still meets.
    await tb.createUnvalidated('batch/v1', 'cronjobs', namespace, cronJobManifest('ny', { schedule: 'TZ=America/New_York 0 9 * * *' }));
    await tb.createUnvalidated('batch/v1', 'cronjobs', namespace, cronJobManifest('nowhere', { schedule: '@hourly', timeZone: 'Nowhere/Land' }));
    await tb.settle();
    await tb.advance(14 * hour + 100);
    expect(names(await cronJobJobs(tb, 'ny'))).toEqual([`ny-${startMinute + 14 * 60}`]);
    expect(await eventsAbout(tb, 'ny')).toContain(
      'UnsupportedSchedule: CRON_TZ or TZ used in schedule "TZ=America/New_York 0 9 * * *" is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details',
    );
    expect(await cronJobJobs(tb, 'nowhere')).toEqual([]);
    expect(await eventsAbout(tb, 'nowhere')).toEqual(['UnknownTimeZone: invalid timeZone: "Nowhere/Land": unknown time zone Nowhere/Land']);
  });

  it('reports an unparseable schedule', async () => {
    // Refused by the API today; a CronJob stored before that rule still reaches the controller.
    await tb.createUnvalidated('batch/v1', 'cronjobs', namespace, cronJobManifest('bad', { schedule: '61 * * * *' }));
    await tb.settle();
    expect(await eventsAbout(tb, 'bad')).toEqual(['UnparseableSchedule: unparseable schedule: "61 * * * *" : end of range (61) above maximum (59): 61']);
  });
});

describe('missed schedules', () => {
  it('starts a missed run late only within startingDeadlineSeconds', async () => {
    await tb.client.create(
      'batch/v1',
      'cronjobs',
      namespace,
      cronJobManifest('deadline', { schedule: '*/15 * * * *', startingDeadlineSeconds: 60, suspend: true }),
    );
    await tb.settle();
    const resumeAt = async (ms: number) => {
      await tb.advance(ms);
      await tb.client.patch('batch/v1', 'cronjobs', namespace, 'deadline', 'merge', { spec: { suspend: false } });
      await tb.settle();
    };
    // 30s late for 00:15: within the deadline, it starts now.
    await resumeAt(15 * minute + 30_000);
    expect(names(await cronJobJobs(tb, 'deadline'))).toEqual([`deadline-${startMinute + 15}`]);
    expect((await tb.client.get('batch/v1', 'jobs', namespace, `deadline-${startMinute + 15}`)).metadata.creationTimestamp).toBe(
      '2026-01-01T00:15:30Z',
    );
    await tb.client.patch('batch/v1', 'cronjobs', namespace, 'deadline', 'merge', { spec: { suspend: true } });
    await tb.settle();
    // 90s late for 00:30: too late, it is skipped and the next run is 00:45.
    await resumeAt(16 * minute);
    expect(await cronJobJobs(tb, 'deadline')).toHaveLength(1);
    await tb.advance(14 * minute);
    expect(names(await cronJobJobs(tb, 'deadline'))).toEqual([`deadline-${startMinute + 15}`, `deadline-${startMinute + 45}`]);
  });

  it('starts only the latest missed run, warning when more than 100 were missed', async () => {
    await tb.client.create('batch/v1', 'cronjobs', namespace, cronJobManifest('minutely', { schedule: '* * * * *', suspend: true }));
    await tb.settle();
    await tb.advance(2 * hour + 30_000);
    await tb.client.patch('batch/v1', 'cronjobs', namespace, 'minutely', 'merge', { spec: { suspend: false } });
    await tb.settle();
    expect(names(await cronJobJobs(tb, 'minutely'))).toEqual([`minutely-${startMinute + 120}`]);
    expect(await eventsAbout(tb, 'minutely')).toContain(
      'TooManyMissedTimes: too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
    );
  });
});

describe('history and manual runs', () => {
  it('keeps failedJobsHistoryLimit failed Jobs and successfulJobsHistoryLimit successful ones', async () => {
    await tb.client.create(
      'batch/v1',
      'cronjobs',
      namespace,
      cronJobManifest('limits', {
        schedule: '*/15 * * * *',
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 1,
        jobTemplate: {
          spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } } },
        },
      }),
    );
    await tb.settle();
    const outcomes: ('Succeeded' | 'Failed')[] = ['Failed', 'Succeeded', 'Failed', 'Succeeded'];
    for (const [i, outcome] of outcomes.entries()) {
      await advanceTo((i + 1) * 15 * minute + 200);
      const running = (await cronStatus('limits')).active ?? [];
      expect(running).toHaveLength(1);
      await finishJob(tb, running[0].name!, outcome);
      await tb.advance(1000);
      await tb.advance(1000);
    }
    const jobs = await cronJobJobs(tb, 'limits');
    expect(names(jobs)).toEqual([`limits-${startMinute + 45}`, `limits-${startMinute + 60}`]);
    expect(condition(jobs[0], 'Failed')?.status).toBe('True');
    expect(condition(jobs[1], 'Complete')?.status).toBe('True');
  });

  it('treats a Job created from the CronJob by hand as its own, without listing it as active', async () => {
    const cj = await tb.client.create(
      'batch/v1',
      'cronjobs',
      namespace,
      cronJobManifest('manual', { schedule: '@hourly', concurrencyPolicy: 'Forbid' }),
    );
    await tb.settle();
    // What `kubectl create job manual-run --from=cronjob/manual` sends.
    const template = (cj.spec as { jobTemplate: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: unknown } }).jobTemplate;
    await tb.client.create('batch/v1', 'jobs', namespace, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'manual-run',
        annotations: { 'cronjob.kubernetes.io/instantiate': 'manual', ...template.metadata.annotations },
        labels: template.metadata.labels,
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'manual', uid: cj.metadata.uid!, controller: true }],
      },
      spec: template.spec,
    } as KubeObject);
    await tb.settle();
    expect(await eventsAbout(tb, 'manual')).toEqual(['UnexpectedJob: Saw a job that the controller did not create or forgot: manual-run']);
    expect((await cronStatus('manual')).active).toBeUndefined();
    // It does not hold back the schedule under Forbid.
    await tb.advance(hour + 100);
    expect(names(await cronJobJobs(tb, 'manual'))).toEqual([`manual-${startMinute + 60}`, 'manual-run']);
    await finishJob(tb, 'manual-run', 'Succeeded');
    await tb.advance(1000);
    const status = await cronStatus('manual');
    expect(status.lastSuccessfulTime).toBe('2026-01-01T01:00:01Z');
    expect(status.lastScheduleTime).toBe('2026-01-01T01:00:00Z');
    expect(status.active?.map((r) => r.name)).toEqual([`manual-${startMinute + 60}`]);
  });

  it('starts nothing while suspended', async () => {
    await tb.client.create('batch/v1', 'cronjobs', namespace, cronJobManifest('off', { schedule: '*/15 * * * *', suspend: true }));
    await tb.settle();
    await tb.advance(3 * hour);
    expect(await cronJobJobs(tb, 'off')).toEqual([]);
    expect(await eventsAbout(tb, 'off')).toEqual([]);
  });
});
