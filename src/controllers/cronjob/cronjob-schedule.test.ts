// CronJob schedules' next times: robfig/cron's standard syntax, descriptors, @every, time zones, and time formats.
import { parseStandardSchedule } from './cronjob-schedule.js';
import { rfc1123z, rfc3339InZone } from './cronjob-util.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const next = (spec: string, from: string) => iso(parseStandardSchedule(spec).next(at(from)));

describe('parseStandardSchedule', () => {
  it('finds the next time strictly after the given one', () => {
    expect(next('*/15 * * * *', '2026-01-01T00:00:00Z')).toBe('2026-01-01T00:15:00.000Z');
    expect(next('*/15 * * * *', '2026-01-01T00:15:00Z')).toBe('2026-01-01T00:30:00.000Z');
    expect(next('*/15 * * * *', '2026-01-01T00:14:59.900Z')).toBe('2026-01-01T00:15:00.000Z');
    expect(next('5-10/5 2 * * *', '2026-01-01T00:00:00Z')).toBe('2026-01-01T02:05:00.000Z');
    expect(next('0 0 1 jan,Jul *', '2026-02-01T00:00:00Z')).toBe('2026-07-01T00:00:00.000Z');
  });

  it('matches day of month or day of week when both are restricted, both when either is *', () => {
    // 2026-01-01 is a Thursday: the 13th or any Friday, whichever comes first.
    expect(next('0 0 13 * fri', '2026-01-01T00:00:00Z')).toBe('2026-01-02T00:00:00.000Z');
    expect(next('0 0 * * FRI', '2026-01-01T00:00:00Z')).toBe('2026-01-02T00:00:00.000Z');
    expect(next('0 0 13 * ?', '2026-01-01T00:00:00Z')).toBe('2026-01-13T00:00:00.000Z');
  });

  it('accepts the descriptors robfig/cron knows', () => {
    const from = '2026-01-01T10:20:00Z';
    expect(next('@hourly', from)).toBe('2026-01-01T11:00:00.000Z');
    expect(next('@daily', from)).toBe('2026-01-02T00:00:00.000Z');
    expect(next('@midnight', from)).toBe('2026-01-02T00:00:00.000Z');
    expect(next('@weekly', from)).toBe('2026-01-04T00:00:00.000Z');
    expect(next('@monthly', from)).toBe('2026-02-01T00:00:00.000Z');
    expect(next('@yearly', from)).toBe('2027-01-01T00:00:00.000Z');
    expect(next('@annually', from)).toBe('2027-01-01T00:00:00.000Z');
    // @every counts from the given time, in whole seconds, at least one.
    expect(next('@every 1h30m', '2026-01-01T10:20:30.500Z')).toBe('2026-01-01T11:50:30.000Z');
    expect(next('@every 200ms', '2026-01-01T10:20:30Z')).toBe('2026-01-01T10:20:31.000Z');
  });

  it('honours a TZ= or CRON_TZ= prefix', () => {
    expect(next('TZ=Europe/Berlin 0 9 * * *', '2026-01-01T00:00:00Z')).toBe('2026-01-01T08:00:00.000Z');
    expect(next('CRON_TZ=Europe/Berlin 0 9 * * *', '2026-07-01T00:00:00Z')).toBe('2026-07-01T07:00:00.000Z');
    expect(next('TZ=America/New_York 30 2 * * *', '2026-01-01T00:00:00Z')).toBe('2026-01-01T07:30:00.000Z');
  });

  it('reports no time for schedules that never fire', () => {
    expect(next('0 0 30 2 *', '2026-01-01T00:00:00Z')).toBeUndefined();
  });
});

describe('time formats', () => {
  it('formats RFC 3339 with the zone offset and RFC 1123Z in UTC', () => {
    expect(rfc3339InZone(at('2026-01-01T08:00:00Z'), 'Europe/Berlin')).toBe('2026-01-01T09:00:00+01:00');
    expect(rfc3339InZone(at('2026-01-01T14:00:00Z'), 'America/New_York')).toBe('2026-01-01T09:00:00-05:00');
    expect(rfc3339InZone(at('2026-01-01T14:00:00Z'), 'UTC')).toBe('2026-01-01T14:00:00Z');
    expect(rfc1123z(at('2026-01-01T00:15:00Z'))).toBe('Thu, 01 Jan 2026 00:15:00 +0000');
  });
});
