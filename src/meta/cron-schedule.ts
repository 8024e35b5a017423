// robfig/cron's ParseStandard as a pure parse (fields, descriptors, @every, TZ=) with its errors, and Go's LoadLocation check.
import { parseGoDuration } from './go-duration.js';

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const minutes: Bounds = { min: 0, max: 59 };
const hours: Bounds = { min: 0, max: 23 };
const daysOfMonth: Bounds = { min: 1, max: 31 };
const months: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const daysOfWeek: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** One field's allowed values; `star` marks `*` or `?` (without a step), which decides how day-of-month and day-of-week combine. */
export interface CronField {
  values: Set<number>;
  star: boolean;
}

export interface CronFields {
  minute: CronField;
  hour: CronField;
  dom: CronField;
  month: CronField;
  dow: CronField;
}

/** What robfig's ParseStandard yields: a SpecSchedule read in a zone, or a ConstantDelaySchedule (`@every`). */
export type ParsedCronSchedule = { kind: 'spec'; fields: CronFields; timeZone: string } | { kind: 'every'; delayMs: number };

/** Go's strconv.Atoi, with robfig's refusal of negatives. */
function mustParseInt(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new Error(`failed to parse int from ${expr}: strconv.Atoi: parsing "${expr}": invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, bounds: Bounds): number {
  const named = bounds.names?.[expr.toLowerCase()];
  return named !== undefined ? named : mustParseInt(expr);
}

/** robfig getRange: `*`, `?`, `n`, `n-m`, each optionally `/step`; `n/step` runs from n to the maximum. */
function parseRange(expr: string, bounds: Bounds, into: CronField): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = bounds.min;
    end = bounds.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0], bounds);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], bounds);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]);
    if (lowAndHigh.length === 1) end = bounds.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new Error(`too many slashes: ${expr}`);
  }
  if (start < bounds.min) throw new Error(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
  if (end > bounds.max) throw new Error(`end of range (${end}) above maximum (${bounds.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) into.values.add(v);
  into.star ||= star;
}

function parseField(text: string, bounds: Bounds): CronField {
  const field: CronField = { values: new Set(), star: false };
  // Like Go's strings.FieldsFunc, empty pieces between commas are dropped.
  for (const piece of text.split(',').filter((p) => p !== '')) parseRange(piece, bounds, field);
  return field;
}

function all(bounds: Bounds): CronField {
  const values = new Set<number>();
  for (let v = bounds.min; v <= bounds.max; v++) values.add(v);
  return { values, star: true };
}

function only(value: number): CronField {
  return { values: new Set([value]), star: false };
}

/**
 * Go's time.LoadLocation: undefined when the zone loads, else its error text. "" and "UTC" are UTC and "Local" the
 * process's zone; other names are IANA and case-sensitive, as the zoneinfo files are.
 */
export function checkTimeZone(name: string): string | undefined {
  if (name === '' || name === 'UTC' || name === 'Local') return undefined;
  // No IANA name contains "..", or begins with a slash; Go refuses these before looking anything up.
  if (name.includes('..') || name.startsWith('/') || name.startsWith('\\')) return 'time: invalid location name';
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    if (resolved.toLowerCase() === name.toLowerCase() && resolved !== name) return `unknown time zone ${name}`;
    return undefined;
  } catch {
    return `unknown time zone ${name}`;
  }
}

/** kube-controller-manager's Local is its container's zone; here that is UTC. */
export function zoneFor(name: string): string {
  return name === '' || name === 'Local' ? 'UTC' : name;
}

function parseDescriptor(descriptor: string, timeZone: string): ParsedCronSchedule {
  const daily: CronFields = { minute: only(0), hour: only(0), dom: all(daysOfMonth), month: all(months), dow: all(daysOfWeek) };
  const spec = (fields: CronFields): ParsedCronSchedule => ({ kind: 'spec', fields, timeZone });
  switch (descriptor) {
    case '@yearly':
    case '@annually':
      return spec({ ...daily, dom: only(1), month: only(1) });
    case '@monthly':
      return spec({ ...daily, dom: only(1) });
    case '@weekly':
      return spec({ ...daily, dow: only(0) });
    case '@daily':
    case '@midnight':
      return spec(daily);
    case '@hourly':
      return spec({ ...daily, hour: all(hours) });
  }
  const every = '@every ';
  if (descriptor.startsWith(every)) {
    let nanos: bigint;
    try {
      nanos = parseGoDuration(descriptor.slice(every.length));
    } catch (err) {
      throw new Error(`failed to parse duration ${descriptor}: ${(err as Error).message}`);
    }
    // robfig's Every: at least one second, sub-second parts dropped.
    const seconds = nanos < 1_000_000_000n ? 1n : nanos / 1_000_000_000n;
    return { kind: 'every', delayMs: Number(seconds) * 1000 };
  }
  throw new Error(`unrecognized descriptor: ${descriptor}`);
}

/**
 * robfig/cron's ParseStandard: an optional `TZ=<zone> ` or `CRON_TZ=<zone> ` prefix, then a descriptor or exactly
 * five fields. Throws with robfig's error text, which the API server puts in its 422 and the controller in its Event.
 */
export function parseCronSchedule(spec: string): ParsedCronSchedule {
  if (spec.length === 0) throw new Error('empty spec string');
  let timeZone = 'UTC';
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    const zone = spec.slice(spec.indexOf('=') + 1, space < 0 ? spec.length : space);
    const problem = space < 0 ? `unknown time zone ${zone}` : checkTimeZone(zone);
    if (problem) throw new Error(`provided bad location ${zone}: ${problem}`);
    timeZone = zoneFor(zone);
    spec = spec.slice(space).trim();
  }
  if (spec.startsWith('@')) return parseDescriptor(spec, timeZone);
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  return {
    kind: 'spec',
    fields: {
      minute: parseField(fields[0], minutes),
      hour: parseField(fields[1], hours),
      dom: parseField(fields[2], daysOfMonth),
      month: parseField(fields[3], months),
      dow: parseField(fields[4], daysOfWeek),
    },
    timeZone,
  };
}
