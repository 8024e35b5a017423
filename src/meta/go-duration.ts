// Go's time.ParseDuration, for the `@every <duration>` schedules robfig/cron (and so the CronJob controller) accepts.
import { goQuote } from './field-errors.js';

/** Nanoseconds per unit, as Go spells the units. */
const unitNanos: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const maxDurationNanos = 9_223_372_036_854_775_807n;

/** Parses a Go duration ("1h30m", "90s", "1.5h", "-2m") into nanoseconds; throws with Go's error text. */
export function parseGoDuration(text: string): bigint {
  const invalid = () => new Error(`time: invalid duration ${goQuote(text)}`);
  let s = text;
  let negative = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const whole = number[1];
    const fraction = number[2] ?? '';
    // Go needs a digit on one side of the dot: "1.", ".5" and "1.5" pass, "." does not.
    if (whole === '' && fraction === '') throw invalid();
    s = s.slice(number[0].length);
    const unit = /^[^\d.]*/.exec(s)![0];
    if (unit === '') throw new Error(`time: missing unit in duration ${goQuote(text)}`);
    s = s.slice(unit.length);
    const perUnit = unitNanos[unit];
    if (perUnit === undefined) throw new Error(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(text)}`);
    let value = BigInt(whole || '0') * perUnit;
    if (fraction !== '') {
      // Go keeps the fraction's value to the nanosecond, truncating the rest.
      value += (BigInt(fraction) * perUnit) / 10n ** BigInt(fraction.length);
    }
    total += value;
    if (total > maxDurationNanos + (negative ? 1n : 0n)) throw invalid();
  }
  return negative ? -total : total;
}
