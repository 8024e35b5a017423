// Kubernetes' CEL quantity library (k8s.io/apiserver/pkg/cel/library/quantity.go) over exact nano-unit integers.
import { celFunc, celMethod, CelScalar, type CelFunc, type CelValue } from '@bufbuild/cel';
import { makeQuantity, opaqueText, QUANTITY } from './cel-types.js';

const { BOOL, INT, STRING, DOUBLE } = CelScalar;

const formatWrong =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const binarySuffixes: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const nanosPerUnit = 1_000_000_000n;
const maxInt = (1n << 63n) - 1n;
const minInt = -(1n << 63n);

/** A quantity string in nano-units, rounded up past nano precision as resource.ParseQuantity rounds; throws upstream's text. */
export function parseQuantityNanos(text: string): bigint {
  const match = /^([+-]?)([0-9]*\.?[0-9]*)(.*)$/.exec(text);
  if (!match || text === '' || !/[0-9]/.test(match[2]!)) throw new Error(formatWrong);
  const [, sign, digits, suffix] = match;
  let exponent10 = 0;
  let multiplier = 1n;
  if (suffix! in binarySuffixes) multiplier = binarySuffixes[suffix!]!;
  else if (suffix! in decimalSuffixes) exponent10 = decimalSuffixes[suffix!]!;
  else if (/^[eE][+-]?[0-9]+$/.test(suffix!)) exponent10 = Number(suffix!.slice(1));
  else throw new Error(formatWrong);
  const [whole = '', fraction = ''] = digits!.split('.');
  let scaled = BigInt((whole || '0') + fraction) * multiplier;
  const exponent = exponent10 - fraction.length + 9;
  if (exponent >= 0) scaled *= 10n ** BigInt(exponent);
  else {
    const divisor = 10n ** BigInt(-exponent);
    scaled = (scaled + divisor - 1n) / divisor;
  }
  return sign === '-' ? -scaled : scaled;
}

function nanosOf(quantity: CelValue): bigint {
  return BigInt(opaqueText(quantity));
}

function quantityFromNanos(nanos: bigint): CelValue {
  return makeQuantity(nanos.toString()) as unknown as CelValue;
}

function compare(a: bigint, b: bigint): bigint {
  return a < b ? -1n : a > b ? 1n : 0n;
}

function integerValue(quantity: CelValue): bigint | undefined {
  const nanos = nanosOf(quantity);
  if (nanos % nanosPerUnit !== 0n) return undefined;
  const value = nanos / nanosPerUnit;
  return value > maxInt || value < minInt ? undefined : value;
}

export const quantityLibrary: CelFunc[] = [
  celFunc('quantity', [STRING], QUANTITY, (text) => quantityFromNanos(parseQuantityNanos(text)) as never),
  celFunc('isQuantity', [STRING], BOOL, (text) => {
    try {
      parseQuantityNanos(text);
      return true;
    } catch {
      return false;
    }
  }),
  celMethod('sign', QUANTITY, [], INT, function () {
    return compare(nanosOf(this), 0n);
  }),
  celMethod('isInteger', QUANTITY, [], BOOL, function () {
    return integerValue(this) !== undefined;
  }),
  celMethod('asInteger', QUANTITY, [], INT, function () {
    const value = integerValue(this);
    if (value === undefined) throw new Error('cannot convert value to integer');
    return value;
  }),
  celMethod('asApproximateFloat', QUANTITY, [], DOUBLE, function () {
    return Number(nanosOf(this)) / 1e9;
  }),
  celMethod('add', QUANTITY, [QUANTITY], QUANTITY, function (other) {
    return quantityFromNanos(nanosOf(this) + nanosOf(other)) as never;
  }),
  celMethod('add', QUANTITY, [INT], QUANTITY, function (other) {
    return quantityFromNanos(nanosOf(this) + other * nanosPerUnit) as never;
  }),
  celMethod('sub', QUANTITY, [QUANTITY], QUANTITY, function (other) {
    return quantityFromNanos(nanosOf(this) - nanosOf(other)) as never;
  }),
  celMethod('sub', QUANTITY, [INT], QUANTITY, function (other) {
    return quantityFromNanos(nanosOf(this) - other * nanosPerUnit) as never;
  }),
  celMethod('isGreaterThan', QUANTITY, [QUANTITY], BOOL, function (other) {
    return nanosOf(this) > nanosOf(other);
  }),
  celMethod('isLessThan', QUANTITY, [QUANTITY], BOOL, function (other) {
    return nanosOf(this) < nanosOf(other);
  }),
  celMethod('compareTo', QUANTITY, [QUANTITY], INT, function (other) {
    return compare(nanosOf(this), nanosOf(other));
  }),
];
