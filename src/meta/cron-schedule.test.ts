// robfig/cron's parse as the API server and the CronJob controller share it: fields, zones, errors, Go durations.
import { checkTimeZone, parseCronSchedule, zoneFor } from './cron-schedule.js';
import { parseGoDuration } from './go-duration.js';

const values = (spec: string) => {
  const parsed = parseCronSchedule(spec);
  if (parsed.kind !== 'spec') throw new Error('not a spec schedule');
  const f = parsed.fields;
  return [f.minute, f.hour, f.dom, f.month, f.dow].map((field) => (field.star ? '*' : [...field.values].sort((a, b) => a - b).join(',')));
};

describe('parseCronSchedule', () => {
  it('reads the five fields, names, ranges and steps', () => {
    expect(values('*/15 * * * *')).toEqual(['0,15,30,45', '*', '*', '*', '*']);
    expect(values('5-10/5 2 * jan,Jul FRI')).toEqual(['5,10', '2', '*', '1,7', '5']);
    expect(values('0 0 13 * ?')).toEqual(['0', '0', '13', '*', '*']);
    expect(values('@weekly')).toEqual(['0', '0', '*', '*', '0']);
  });

  it('keeps the zone of a TZ= or CRON_TZ= prefix, UTC otherwise', () => {
    expect(parseCronSchedule('TZ=Europe/Berlin 0 9 * * *')).toMatchObject({ kind: 'spec', timeZone: 'Europe/Berlin' });
    expect(parseCronSchedule('CRON_TZ=America/New_York @daily')).toMatchObject({ kind: 'spec', timeZone: 'America/New_York' });
    expect(parseCronSchedule('TZ=Local 0 9 * * *')).toMatchObject({ kind: 'spec', timeZone: 'UTC' });
    expect(parseCronSchedule('0 9 * * *')).toMatchObject({ kind: 'spec', timeZone: 'UTC' });
  });

  it('reads @every as whole seconds, at least one', () => {
    expect(parseCronSchedule('@every 1h30m')).toEqual({ kind: 'every', delayMs: 5_400_000 });
    expect(parseCronSchedule('@every 200ms')).toEqual({ kind: 'every', delayMs: 1000 });
  });

  it('rejects what robfig/cron rejects, with its messages', () => {
    const error = (spec: string) => {
      try {
        parseCronSchedule(spec);
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


describe('checkTimeZone', () => {
  it("accepts what Go's time.LoadLocation loads", () => {
    for (const zone of ['', 'UTC', 'Local', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT+1']) expect(checkTimeZone(zone)).toBeUndefined();
  });

  it("answers Go's errors for the rest, case-sensitively", () => {
    expect(checkTimeZone('Nowhere/Land')).toBe('unknown time zone Nowhere/Land');
    expect(checkTimeZone('europe/berlin')).toBe('unknown time zone europe/berlin');
    expect(checkTimeZone('utc')).toBe('unknown time zone utc');
    expect(checkTimeZone('local')).toBe('unknown time zone local');
    expect(checkTimeZone('Europe/../Berlin')).toBe('time: invalid location name');
    expect(checkTimeZone('/etc/localtime')).toBe('time: invalid location name');
  });

  it('runs Local in UTC', () => {
    expect(zoneFor('Local')).toBe('UTC');
    expect(zoneFor('')).toBe('UTC');
    expect(zoneFor('Asia/Tokyo')).toBe('Asia/Tokyo');
  });
});
