// Tests for batch/v1 defaulting, following the cases of upstream's batch/v1 defaults_test.go.
import { defaultCronJob, defaultJob } from './batch.js';
import { defaulted, expectIdempotent, expectTolerant } from './test-helpers.js';

const template = { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34.0' }] } };

const defaultedTemplateSpec = {
  restartPolicy: 'Never',
  containers: [
    {
      name: 'pi',
      image: 'perl:5.34.0',
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      resources: {},
    },
  ],
  dnsPolicy: 'ClusterFirst',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
  schedulerName: 'default-scheduler',
};

function job(spec: object = {}, metadata: object = { name: 'pi' }): object {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: { template, ...spec } };
}

describe('defaultJob', () => {
  it('defaults a minimal job', () => {
    expect(defaulted(defaultJob, job())).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi' },
      spec: {
        template: { spec: defaultedTemplateSpec },
        completions: 1,
        parallelism: 1,
        backoffLimit: 6,
        completionMode: 'NonIndexed',
        suspend: false,
        podReplacementPolicy: 'TerminatingOrFailed',
        manualSelector: false,
      },
    });
  });

  it.each([
    ['only completions', { completions: 5 }, { completions: 5, parallelism: 1 }],
    ['only parallelism', { parallelism: 3 }, { parallelism: 3 }],
    ['both', { completions: 4, parallelism: 2 }, { completions: 4, parallelism: 2 }],
    ['zero parallelism', { parallelism: 0 }, { parallelism: 0 }],
  ])('completions/parallelism with %s', (_name, given, expected) => {
    const spec = defaulted(defaultJob, job(given)).spec as Record<string, unknown>;
    expect({ completions: spec.completions, parallelism: spec.parallelism }).toEqual({ completions: undefined, ...expected });
  });

  it('sets backoffLimit to MaxInt32 when a per-index limit is given', () => {
    const spec = defaulted(defaultJob, job({ completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 1 })).spec;
    expect(spec).toMatchObject({ backoffLimit: 2147483647, completionMode: 'Indexed' });
  });

  it('uses Failed pod replacement with a podFailurePolicy and defaults condition patterns to True', () => {
    const spec = defaulted(
      defaultJob,
      job({
        podFailurePolicy: {
          rules: [
            { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }, { type: 'X', status: 'False' }] },
            { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } },
          ],
        },
      }),
    ).spec;
    expect(spec).toMatchObject({
      podReplacementPolicy: 'Failed',
      podFailurePolicy: {
        rules: [
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }, { type: 'X', status: 'False' }] },
          { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } },
        ],
      },
    });
  });

  it('keeps explicit values', () => {
    const spec = defaulted(
      defaultJob,
      job({ backoffLimit: 0, suspend: true, manualSelector: true, podReplacementPolicy: 'Failed', completionMode: 'Indexed' }),
    ).spec;
    expect(spec).toMatchObject({ backoffLimit: 0, suspend: true, manualSelector: true, podReplacementPolicy: 'Failed' });
  });

  it('copies template labels to a job without labels, sharing the map as upstream does', () => {
    const obj = defaulted(defaultJob, {
      metadata: { name: 'pi' },
      spec: { template: { metadata: { labels: { app: 'pi' } }, spec: template.spec } },
    });
    const templateLabels = (obj.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    expect(obj.metadata.labels).toEqual({ app: 'pi' });
    // The job strategy adds its selector labels to the template in place; upstream they show on the Job too.
    templateLabels['job-name'] = 'pi';
    expect(obj.metadata.labels).toEqual({ app: 'pi', 'job-name': 'pi' });
  });

  it('keeps existing job labels and ignores empty template labels', () => {
    const labelled = defaulted(defaultJob, {
      metadata: { labels: { team: 'a' } },
      spec: { template: { metadata: { labels: { app: 'pi' } }, spec: template.spec } },
    });
    expect(labelled.metadata.labels).toEqual({ team: 'a' });
    const bare = defaulted(defaultJob, { metadata: {}, spec: { template: { metadata: { labels: {} }, spec: template.spec } } });
    expect(bare.metadata).toEqual({});
  });

  it('is idempotent and tolerates malformed input', () => {
    const rich = job(
      { podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } },
      { name: 'pi', labels: {} },
    );
    expectIdempotent(defaultJob, rich);
    expectTolerant(defaultJob, rich);
  });
});

describe('defaultCronJob', () => {
  const cronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello' },
    spec: { schedule: '*/1 * * * *', jobTemplate: { spec: { template } } },
  };

  it('defaults a minimal cronjob without applying Job defaults to the jobTemplate', () => {
    expect(defaulted(defaultCronJob, cronJob)).toEqual({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'hello' },
      spec: {
        schedule: '*/1 * * * *',
        concurrencyPolicy: 'Allow',
        suspend: false,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
        jobTemplate: { spec: { template: { spec: defaultedTemplateSpec } } },
      },
    });
  });

  it('keeps explicit values', () => {
    const spec = defaulted(defaultCronJob, {
      metadata: {},
      spec: { concurrencyPolicy: 'Forbid', suspend: true, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0 },
    }).spec;
    expect(spec).toMatchObject({ concurrencyPolicy: 'Forbid', suspend: true, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0 });
  });

  it('defaults podFailurePolicy patterns inside the jobTemplate', () => {
    const spec = defaulted(defaultCronJob, {
      metadata: {},
      spec: { jobTemplate: { spec: { template, podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'A' }] }] } } } },
    }).spec;
    expect(spec).toMatchObject({ jobTemplate: { spec: { podFailurePolicy: { rules: [{ onPodConditions: [{ type: 'A', status: 'True' }] }] } } } });
  });

  it('is idempotent and tolerates malformed input', () => {
    expectIdempotent(defaultCronJob, cronJob);
    expectTolerant(defaultCronJob, cronJob);
  });
});
