// resource.Quantity's canonical string form (what Quantity.String() prints), for capacity columns.

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

interface Parsed {
  negative: boolean;
  /** |value| = mantissa × 10^scale */
  mantissa: bigint;
  scale: number;
  format: Format;
  /** Set when upstream keeps the caller's spelling because it is already canonical. */
  verbatim?: string;
}

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));

const QUANTITY_RE = /^([+-]?)(\d*)(?:\.(\d*))?([eEinumkKMGTP]*[-+]?\d*)$/;
const INT64_MAX = (1n << 63n) - 1n;
// Anything finer than a nanounit is rounded up to one, so a tiny request still asks for something.
const MIN_SCALE = -9;

function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: Format } | undefined {
  if (suffix in DECIMAL_SUFFIXES) return { base: 10, exponent: DECIMAL_SUFFIXES[suffix], format: 'DecimalSI' };
  if (suffix in BINARY_SUFFIXES) return { base: 2, exponent: BINARY_SUFFIXES[suffix], format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[-+]?\d+$/.test(suffix.slice(1))) {
    return { base: 10, exponent: Number.parseInt(suffix.slice(1), 10), format: 'DecimalExponent' };
  }
  return undefined;
}

function parse(str: string): Parsed | undefined {
  if (str === '0') return { negative: false, mantissa: 0n, scale: 0, format: 'DecimalSI', verbatim: str };
  const m = QUANTITY_RE.exec(str);
  if (!m || (m[2] === '' && m[3] === undefined)) return undefined;
  const negative = m[1] === '-';
  const num = m[2].replace(/^0+/, '') || '0';
  const denom = m[3] ?? '';
  const suf = interpretSuffix(m[4]);
  if (!suf) return undefined;

  let mantissa = BigInt(num + denom);
  let scale = -denom.length;
  let format = suf.format;
  if (suf.base === 10) scale += suf.exponent;
  else mantissa <<= BigInt(suf.exponent);

  const verbatim = keepsSpelling(num, denom, suf.base, suf.exponent) ? str : undefined;

  if (mantissa !== 0n && scale < MIN_SCALE) {
    const div = 10n ** BigInt(MIN_SCALE - scale);
    mantissa = (mantissa + div - 1n) / div;
    scale = MIN_SCALE;
  }
  if (format === 'BinarySI' && mantissa !== 0n && scale < 0 && mantissa < 10n ** BigInt(-scale)) {
    format = 'DecimalSI';
  }
  return { negative, mantissa, scale, format, verbatim };
}

/**
 * Mirrors ParseQuantity's int64 fast path, which remembers the input string when it is provably
 * canonical already; that is the only way a non-canonical spelling (e.g. "+5" or "1E3") survives.
 */
function keepsSpelling(num: string, denom: string, base: 2 | 10, exponent: number): boolean {
  if (base === 10) {
    if (18 - (num.length + denom.length) < 0) return false;
    const scale = exponent - denom.length;
    if (scale < MIN_SCALE) return false;
    const shifted = num + denom;
    return scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
  }
  if (denom.length > 0 || exponent < 0) return false;
  const precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
  if (precision < 0) return false;
  const value = BigInt(num);
  if (value << BigInt(exponent) > INT64_MAX) return false;
  return exponent % 10 === 0 && (value & 7n) !== 0n;
}

function removeFactors(value: bigint, factor: bigint): [bigint, number] {
  let times = 0;
  while (value !== 0n && value % factor === 0n) {
    value /= factor;
    times++;
  }
  return [value, times];
}

function canonical(q: Parsed): string {
  if (q.mantissa === 0n) return '0';
  const sign = q.negative ? '-' : '';
  let format = q.format;
  let whole: bigint | undefined;
  if (format === 'BinarySI') {
    if (q.scale >= 0) whole = q.mantissa * 10n ** BigInt(q.scale);
    else {
      const div = 10n ** BigInt(-q.scale);
      if (q.mantissa % div === 0n) whole = q.mantissa / div;
    }
    // Small or fractional binary values would need rounding in base 1024, so they print in decimal.
    if (whole === undefined || whole < 1024n) format = 'DecimalSI';
  }
  if (format === 'BinarySI' && whole !== undefined) {
    const [amount, exp] = removeFactors(whole, 1024n);
    return sign + amount.toString() + (BINARY_BY_EXPONENT.get(exp * 10) ?? '');
  }
  let [amount, exp] = removeFactors(q.mantissa, 10n);
  exp += q.scale;
  while (exp % 3 !== 0) {
    amount *= 10n;
    exp--;
  }
  let suffix: string;
  if (format === 'DecimalExponent') suffix = exp === 0 ? '' : `e${exp}`;
  else suffix = DECIMAL_BY_EXPONENT.get(exp) ?? '';
  return sign + amount.toString() + suffix;
}

/**
 * The string upstream prints for a quantity field: canonical form ("1024Mi" → "1Gi", "1000M" → "1G",
 * "0.5Gi" → "512Mi"), "0" when the field is absent, and the raw value when it does not parse.
 */
export function formatQuantity(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
  if (typeof value !== 'string' || value === '') return '0';
  const q = parse(value);
  if (!q) return value;
  return q.verbatim ?? canonical(q);
}
