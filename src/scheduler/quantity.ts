// resource.Quantity as the scheduler reads it: Value() and MilliValue(), both rounded up as upstream rounds them.

const DECIMAL_EXPONENTS: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXPONENTS: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?([a-zA-Z]*|[eE][+-]?\d+)$/;

/** An exact rational value: numerator / denominator, both positive apart from the numerator's sign. */
interface Rational {
  numerator: bigint;
  denominator: bigint;
}

function parse(text: string): Rational | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const fraction = m[3] ?? '';
  let numerator = BigInt((m[2] || '0') + fraction);
  let denominator = 10n ** BigInt(fraction.length);
  const suffix = m[4];
  if (suffix in BINARY_EXPONENTS) {
    numerator *= 2n ** BigInt(BINARY_EXPONENTS[suffix]);
  } else {
    const exponent = suffix in DECIMAL_EXPONENTS ? DECIMAL_EXPONENTS[suffix] : /^[eE]/.test(suffix) ? Number(suffix.slice(1)) : NaN;
    if (Number.isNaN(exponent)) return undefined;
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else denominator *= 10n ** BigInt(-exponent);
  }
  if (m[1] === '-') numerator = -numerator;
  return { numerator, denominator };
}

/** Ceiling division that rounds away from zero for positives, as Quantity's ScaledValue does. */
function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  const q = numerator / denominator;
  return numerator % denominator > 0n ? q + 1n : q;
}

/**
 * Parsed values by multiplier and text: a cluster uses a handful of distinct quantities ("100m", "128Mi", "110"), and
 * parsing them with BigInt on every pod and node showed up in profiles. Bounded so odd input cannot grow it forever.
 */
const parsedCache = new Map<string, number>();
const PARSED_CACHE_LIMIT = 10_000;

function scaled(quantity: unknown, multiplier: bigint): number {
  if (typeof quantity === 'number') return Math.ceil(quantity * Number(multiplier));
  if (typeof quantity !== 'string') return 0;
  const cacheKey = `${multiplier}|${quantity}`;
  const cached = parsedCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const value = parse(quantity);
  const result = value ? Number(ceilDiv(value.numerator * multiplier, value.denominator)) : 0;
  if (parsedCache.size >= PARSED_CACHE_LIMIT) parsedCache.clear();
  parsedCache.set(cacheKey, result);
  return result;
}

/** Quantity.Value(): whole units, rounded up (`100m` of memory is 1 byte). Unparseable input counts as 0. */
export function quantityValue(quantity: unknown): number {
  return scaled(quantity, 1n);
}

/** Quantity.MilliValue(): thousandths, rounded up; how CPU is counted (`1` → 1000, `0.5` → 500). */
export function quantityMilliValue(quantity: unknown): number {
  return scaled(quantity, 1000n);
}
