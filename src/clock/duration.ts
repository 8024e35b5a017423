// Go's time.ParseDuration ("1h30m", "250ms", "2.5s") in milliseconds, for clock:advance and CLI flags.

const unitMs: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a Go duration string; throws with Go's wording when it is not one. */
export function parseDuration(text: string): number {
  const invalid = () => new Error(`time: invalid duration "${text}"`);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  let total = 0;
  while (rest !== '') {
    const m = /^(\d*\.?\d*)([^\d.]*)/.exec(rest)!;
    if (m[1] === '' || m[1] === '.') throw invalid();
    if (m[2] === '') throw new Error(`time: missing unit in duration "${text}"`);
    const unit = unitMs[m[2]!];
    if (unit === undefined) throw new Error(`time: unknown unit "${m[2]}" in duration "${text}"`);
    total += Number(m[1]) * unit;
    rest = rest.slice(m[0].length);
  }
  return sign * total;
}

/** Accepts a number of milliseconds or a Go duration string. */
export function toMilliseconds(duration: number | string): number {
  return typeof duration === 'number' ? duration : parseDuration(duration);
}
