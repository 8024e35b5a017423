// Exact comparison of resource.Quantity values (`1Gi` against `1073741824`, `500M` against `0.5G`) for capacity checks.

/** A quantity as the fraction numerator / denominator, so binary and decimal suffixes compare without rounding. */
interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

const DECIMAL_EXPONENTS: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_EXPONENTS: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(.*)$/;

const ZERO: Fraction = { numerator: 0n, denominator: 1n };

/** Parses a quantity; anything unparseable counts as zero, as an absent capacity or request does upstream. */
function parseQuantity(value: unknown): Fraction {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const match = QUANTITY.exec(text);
  if (!match || (match[2] === '' && !match[3])) return ZERO;
  const [, sign, whole, fraction = '', suffix] = match;
  let decimalExponent: number;
  let binaryExponent = 0;
  if (Object.hasOwn(DECIMAL_EXPONENTS, suffix)) decimalExponent = DECIMAL_EXPONENTS[suffix];
  else if (Object.hasOwn(BINARY_EXPONENTS, suffix)) {
    decimalExponent = 0;
    binaryExponent = BINARY_EXPONENTS[suffix];
  } else if (/^[eE][+-]?\d+$/.test(suffix)) decimalExponent = Number(suffix.slice(1));
  else return ZERO;
  let numerator = BigInt((whole || '0') + fraction) * 2n ** BigInt(binaryExponent);
  let denominator = 1n;
  const scale = decimalExponent - fraction.length;
  if (scale >= 0) numerator *= 10n ** BigInt(scale);
  else denominator = 10n ** BigInt(-scale);
  if (sign === '-') numerator = -numerator;
  return { numerator, denominator };
}

/** Quantity.Cmp: negative, zero or positive as `a` is less than, equal to or greater than `b`. */
export function compareQuantities(a: unknown, b: unknown): number {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  const left = x.numerator * y.denominator;
  const right = y.numerator * x.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}
