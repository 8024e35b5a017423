// Tests for the job and cron job printers: status precedence, completions, duration and last schedule.
import type { KubeObject } from '../../meta/types.js';
import { cronJobTable, jobTable } from './batch-tables.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString().replace('.000Z', 'Z');
const MIN = 60_000;

const podTemplate = { spec: { containers: [{ name: 'pi', image: 'perl:5.34' }], restartPolicy: 'Never' } };

function job(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', creationTimestamp: ago(12 * MIN), ...meta },
    spec: { selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } }, template: podTemplate, ...spec },
    status,
  };
}

describe('jobTable', () => {
  it('has the 1.33 columns', () => {
    expect(jobTable.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Status', 0],
      ['Completions', 0],
      ['Duration', 0],
      ['Age', 0],
      ['Containers', 1],
      ['Images', 1],
      ['Selector', 1],
    ]);
  });

  it('prints a completed job with start-to-completion duration', () => {
    const j = job(
      { completions: 3, parallelism: 1 },
      { succeeded: 3, startTime: ago(10 * MIN), completionTime: ago(7 * MIN), conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] },
    );
    expect(jobTable.cells(j, NOW)).toEqual([
      'Complete',
      '3/3',
      '3m',
      '12m',
      'pi',
      'perl:5.34',
      'batch.kubernetes.io/controller-uid=abc',
    ]);
  });

  it('prints a running work-queue job with elapsed duration', () => {
    const j = job({ parallelism: 2 }, { active: 2, startTime: ago(90_000) });
    expect(jobTable.cells(j, NOW).slice(0, 3)).toEqual(['Running', '0/1 of 2', '90s']);
    expect(jobTable.cells(job({ parallelism: 1 }, {}), NOW).slice(0, 3)).toEqual(['Running', '0/1', '']);
  });

  it.each([
    [[{ type: 'Failed', status: 'True' }], {}, 'Failed'],
    [[{ type: 'Suspended', status: 'True' }], {}, 'Suspended'],
    [[{ type: 'FailureTarget', status: 'True' }], {}, 'FailureTarget'],
    [[{ type: 'Suspended', status: 'True' }], { deletionTimestamp: ago(1000) }, 'Terminating'],
    [[{ type: 'Complete', status: 'True' }], { deletionTimestamp: ago(1000) }, 'Complete'],
    [[{ type: 'Complete', status: 'False' }, { type: 'Complete', status: 'True' }], {}, 'Running'],
  ])('conditions %j with %j print %s', (conditions, meta, expected) => {
    expect(jobTable.cells(job({ completions: 1 }, { conditions }, meta), NOW)[0]).toBe(expected);
  });
});

describe('cronJobTable', () => {
  const cronJob = (spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'default', creationTimestamp: ago(2 * 24 * 60 * MIN) },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: podTemplate } }, ...spec },
    status,
  });

  it('prints schedule, timezone, suspend, active and last schedule', () => {
    expect(cronJobTable.columns.map((c) => [c.name, c.type])).toEqual([
      ['Schedule', 'string'],
      ['Timezone', 'string'],
      ['Suspend', 'boolean'],
      ['Active', 'integer'],
      ['Last Schedule', 'string'],
      ['Age', 'string'],
      ['Containers', 'string'],
      ['Images', 'string'],
      ['Selector', 'string'],
    ]);
    const cj = cronJob({ suspend: false, timeZone: 'Etc/UTC' }, { active: [{ name: 'hello-1' }], lastScheduleTime: ago(3 * MIN) });
    expect(cronJobTable.cells(cj, NOW)).toEqual(['*/5 * * * *', 'Etc/UTC', 'False', 1, '3m', '2d', 'pi', 'perl:5.34', '<none>']);
  });

  it('prints placeholders for unset fields', () => {
    const cj = cronJob({}, {});
    expect(cronJobTable.cells(cj, NOW).slice(0, 5)).toEqual(['*/5 * * * *', '<none>', '<unset>', 0, '<none>']);
    expect(cronJobTable.cells(cronJob({ suspend: true }, {}), NOW)[2]).toBe('True');
  });
});
