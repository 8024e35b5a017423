// CronJob schedules: robfig/cron's standard syntax and errors, descriptors, @every, time zones, Go durations.
import { parseGoDuration } from './cronjob-duration.js';
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

  it('rejects what robfig/cron rejects, with its messages', () => {
    const error = (spec: string) => {
      try {
        parseStandardSchedule(spec);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(error('')).toBe('empty spec string');
    expect(error('* * * *')).toBe('expected exactly 5 fields, found 4: [* * * *]');
    expect(error('0 * * * * *')).toBe('expected exactly 5 fields, found 6: [0 * * * * *]');
    expect(error('61 * * * *')).toBe('end of range (61) above maximum (59): 61');
    expect(error('* * * * 7')).toBe('end of range (7) above maximum (6): 7');
    expect(error('* * 0 * *')).toBe('beginning of range (0) below minimum (1): 0');
    expect(error('5-2 * * * *')).toBe('beginning of range (5) beyond end of range (2): 5-2');
    expect(error('*/0 * * * *')).toBe('step of range should be a positive number: */0');
    expect(error('0 0 L * *')).toBe('failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax');
    expect(error('@reboot')).toBe('unrecognized descriptor: @reboot');
    expect(error('@every 1d')).toBe('failed to parse duration @every 1d: time: unknown unit "d" in duration "1d"');
    expect(error('TZ=Nowhere/Land * * * * *')).toBe('provided bad location Nowhere/Land: unknown time zone Nowhere/Land');
  });
});

describe('parseGoDuration', () => {
  it('reads Go durations to the nanosecond', () => {
    expect(parseGoDuration('1h30m')).toBe(5_400_000_000_000n);
    expect(parseGoDuration('1.5h')).toBe(5_400_000_000_000n);
    expect(parseGoDuration('-2m')).toBe(-120_000_000_000n);
    expect(parseGoDuration('300ms')).toBe(300_000_000n);
    expect(parseGoDuration('0')).toBe(0n);
  });

  it('fails as Go does', () => {
    expect(() => parseGoDuration('')).toThrow('time: invalid duration ""');
    expect(() => parseGoDuration('1')).toThrow('time: missing unit in duration "1"');
    expect(() => parseGoDuration('.h')).toThrow('time: invalid duration ".h"');
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
