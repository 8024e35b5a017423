// The CronJob strategy's schedule and time zone rules, with the causes upstream's batch validation gives.
import type { KubeObject } from '../../meta/types.js';
import { cronJobStrategy } from './workloads.js';

const validate = cronJobStrategy().validate!;

function cronJob(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj', namespace: 'default' }, spec };
}

/** The causes as `field: message`, as they read in a 422's message. */
function problems(obj: KubeObject, old?: KubeObject, subresource?: string): string[] {
  return validate(obj, old, subresource).map((c) => `${c.field}: ${c.message}`);
}

describe('cronJobStrategy schedule', () => {
  it('accepts robfig standard schedules and descriptors', () => {
    for (const schedule of ['*/5 * * * *', '0 0 13 * fri', '@hourly', '@every 1h30m', '0 9 * jan,jul mon-fri']) {
      expect(problems(cronJob({ schedule }))).toEqual([]);
    }
  });

  it('requires a schedule', () => {
    expect(problems(cronJob({}))).toEqual(['spec.schedule: Required value']);
    expect(problems(cronJob({ schedule: '' }))).toEqual(['spec.schedule: Required value']);
  });

  it("rejects what robfig's ParseStandard rejects, with its error", () => {
    expect(problems(cronJob({ schedule: 'bad' }))).toEqual(['spec.schedule: Invalid value: "bad": expected exactly 5 fields, found 1: [bad]']);
    expect(problems(cronJob({ schedule: '61 * * * *' }))).toEqual([
      'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
    ]);
    expect(problems(cronJob({ schedule: '@reboot' }))).toEqual(['spec.schedule: Invalid value: "@reboot": unrecognized descriptor: @reboot']);
    expect(validate(cronJob({ schedule: 'bad' }))[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'spec.schedule' });
  });

  it('rejects TZ or CRON_TZ in a new schedule, parse error first', () => {
    expect(problems(cronJob({ schedule: 'TZ=UTC 0 * * * *' }))).toEqual([
      'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    ]);
    expect(problems(cronJob({ schedule: 'CRON_TZ=Nowhere/Land 0 * * * *' }))).toEqual([
      'spec.schedule: Invalid value: "CRON_TZ=Nowhere/Land 0 * * * *": provided bad location Nowhere/Land: unknown time zone Nowhere/Land',
      'spec.schedule: Invalid value: "CRON_TZ=Nowhere/Land 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    ]);
  });

  it('lets an update keep TZ in a schedule that already had it, but not with timeZone set', () => {
    const old = cronJob({ schedule: 'TZ=UTC 0 * * * *' });
    expect(problems(cronJob({ schedule: 'TZ=Europe/Berlin 30 * * * *' }), old)).toEqual([]);
    expect(problems(cronJob({ schedule: 'TZ=UTC 0 * * * *', timeZone: 'UTC' }), old)).toEqual([
      'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use both timeZone field and TZ or CRON_TZ in schedule',
    ]);
    expect(problems(cronJob({ schedule: 'TZ=UTC 0 * * * *' }), cronJob({ schedule: '0 * * * *' }))).toEqual([
      'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    ]);
  });
});

describe('cronJobStrategy timeZone', () => {
  const withZone = (timeZone: unknown) => cronJob({ schedule: '0 9 * * *', timeZone });

  it('accepts IANA zones, and null or absent as none', () => {
    for (const zone of ['UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT+1', null]) expect(problems(withZone(zone))).toEqual([]);
  });

  it("rejects an unknown zone with the error of Go's LoadLocation", () => {
    expect(problems(withZone('Nowhere/Land'))).toEqual(['spec.timeZone: Invalid value: "Nowhere/Land": unknown time zone Nowhere/Land']);
    expect(problems(withZone('europe/berlin'))).toEqual(['spec.timeZone: Invalid value: "europe/berlin": unknown time zone europe/berlin']);
  });

  it('rejects names no IANA zone could have before looking them up', () => {
    for (const zone of ['Europe/Berlin/', '/Europe', 'Europe/..', 'Europe/-Berlin', 'America/Buenos Aires', 'Europe/VeryLongCityNameHere']) {
      expect(problems(withZone(zone))).toEqual([`spec.timeZone: Invalid value: "${zone}": unknown time zone ${zone}`]);
    }
  });

  it('rejects an empty zone and Local in any case', () => {
    expect(problems(withZone(''))).toEqual(['spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string']);
    expect(problems(withZone('Local'))).toEqual([
      'spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
    ]);
    expect(problems(withZone('local'))).toEqual([
      'spec.timeZone: Invalid value: "local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
      'spec.timeZone: Invalid value: "local": unknown time zone local',
    ]);
  });

  it('checks the zone on update only when it changes', () => {
    const stored = withZone('Nowhere/Land');
    expect(problems(withZone('Nowhere/Land'), stored)).toEqual([]);
    expect(problems(withZone('Else/Where'), stored)).toEqual(['spec.timeZone: Invalid value: "Else/Where": unknown time zone Else/Where']);
  });

  it('validates nothing on a status write, as cronJobStatusStrategy', () => {
    const stored = cronJob({ schedule: '61 * * * *', timeZone: 'Nowhere/Land' });
    expect(problems({ ...stored, status: { lastScheduleTime: '2026-01-01T00:00:00Z' } }, stored, 'status')).toEqual([]);
    expect(problems({ ...stored, metadata: { ...stored.metadata, labels: { a: 'b' } } }, stored)).toHaveLength(1);
  });
});
