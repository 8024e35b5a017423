// CronJob schedules' next times: robfig/cron's parse (shared with API validation in meta) walked with cron-parser.
import { CronExpressionParser } from 'cron-parser';
import { type CronField, type CronFields, parseCronSchedule } from '../../meta/cron-schedule.js';

export interface CronSchedule {
  /** The first activation strictly after `afterMs` (to the second), or undefined when none comes within 5 years. */
  next(afterMs: number): number | undefined;
}

const fiveYearsMs = 5 * 366 * 24 * 3600_000;

class SpecSchedule implements CronSchedule {
  private readonly expression: string;

  constructor(
    fields: CronFields,
    private readonly timeZone: string,
  ) {
    const text = (f: CronField) => (f.star ? '*' : [...f.values].sort((a, b) => a - b).join(','));
    // A field with no values never matches: robfig then finds no time, which the controller reports.
    const empty = Object.values(fields).some((f: CronField) => f.values.size === 0);
    this.expression = empty ? '' : [fields.minute, fields.hour, fields.dom, fields.month, fields.dow].map(text).join(' ');
  }

  next(afterMs: number): number | undefined {
    if (this.expression === '') return undefined;
    try {
      const interval = CronExpressionParser.parse(this.expression, {
        currentDate: new Date(afterMs),
        endDate: new Date(afterMs + fiveYearsMs),
        tz: this.timeZone,
      });
      // Callers walk schedules with next(next(t)): a time not after `afterMs` (a DST corner) would never end.
      for (let attempt = 0; attempt < 3; attempt++) {
        const at = interval.next().getTime();
        if (at > afterMs) return at;
      }
      return undefined;
    } catch {
      // Days no month has (e.g. February 30th), or nothing within five years: robfig returns no time either.
      return undefined;
    }
  }
}

/** robfig's ConstantDelaySchedule: whole seconds (at least one) after the given time, whatever the zone. */
class EverySchedule implements CronSchedule {
  constructor(private readonly delayMs: number) {}

  next(afterMs: number): number {
    return Math.floor(afterMs / 1000) * 1000 + this.delayMs;
  }
}

/** robfig/cron's ParseStandard: throws with robfig's error text, which the controller puts in its UnparseableSchedule Event. */
export function parseStandardSchedule(spec: string): CronSchedule {
  const parsed = parseCronSchedule(spec);
  return parsed.kind === 'every' ? new EverySchedule(parsed.delayMs) : new SpecSchedule(parsed.fields, parsed.timeZone);
}
