// Conversion between JSON (as the apiserver decodes it) and @bufbuild/cel values, in both directions.
import { isCelList, isCelMap, isCelUint, type CelInput, type CelValue } from '@bufbuild/cel';
import { isReflectMessage, type ReflectMessage } from '@bufbuild/protobuf/reflect';
import { isOpaque, OPTIONAL, opaqueText, optionalValue } from './cel-types.js';

/**
 * A JSON value as a dynamically typed CEL value. Like Go's unstructured decoding, whole numbers become
 * CEL ints (so `object.spec.replicas > 3` type-checks at run time) and the rest doubles.
 */
export function jsonToCel(value: unknown): CelInput {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'number':
      return Number.isSafeInteger(value) ? BigInt(value) : value;
    case 'bigint':
    case 'string':
    case 'boolean':
      return value;
    case 'object':
      if (Array.isArray(value)) return value.map(jsonToCel);
      return new Map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, jsonToCel(v)]));
    default:
      return null;
  }
}

/** RFC 3339 as Go's time.Time marshals it: fractional seconds only when present, trailing zeros dropped. */
export function timestampText(seconds: bigint, nanos: number): string {
  const ms = Number(seconds) * 1000;
  const iso = new Date(ms).toISOString().slice(0, 19);
  const fraction = nanos > 0 ? '.' + String(nanos).padStart(9, '0').replace(/0+$/, '') : '';
  return `${iso}${fraction}Z`;
}

/** Go's time.Duration.String(): `1h2m3.5s`, `0s`, `1.5ms`. */
export function durationText(seconds: bigint, nanos: number): string {
  let total = seconds * 1_000_000_000n + BigInt(nanos);
  if (total === 0n) return '0s';
  const sign = total < 0n ? '-' : '';
  if (total < 0n) total = -total;
  if (total < 1_000_000_000n) {
    const units: [bigint, string][] = [
      [1_000_000n, 'ms'],
      [1_000n, 'µs'],
      [1n, 'ns'],
    ];
    for (const [size, unit] of units) {
      if (total >= size) return sign + fractionText(total, size) + unit;
    }
  }
  const hours = total / 3_600_000_000_000n;
  const minutes = (total / 60_000_000_000n) % 60n;
  const secondNanos = total % 60_000_000_000n;
  let out = sign;
  if (hours > 0n) out += `${hours}h`;
  if (hours > 0n || minutes > 0n) out += `${minutes}m`;
  return out + fractionText(secondNanos, 1_000_000_000n) + 's';
}

function fractionText(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const rest = value % unit;
  if (rest === 0n) return String(whole);
  const digits = String(unit).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}

function messageToJson(message: ReflectMessage): unknown {
  const typeName = message.desc.typeName;
  const fields = message.message as unknown as { seconds?: bigint; nanos?: number };
  if (typeName === 'google.protobuf.Timestamp') {
    return timestampText(BigInt(fields.seconds ?? 0n), fields.nanos ?? 0);
  }
  if (typeName === 'google.protobuf.Duration') return durationText(BigInt(fields.seconds ?? 0n), fields.nanos ?? 0);
  if (isOpaque(message, OPTIONAL)) {
    const payload = optionalValue(message);
    return payload === undefined ? null : celToJson(payload);
  }
  return opaqueText(message);
}

/** A CEL result as plain JS: ints and doubles as numbers, lists as arrays, maps as objects, timestamps as RFC 3339. */
export function celToJson(value: CelValue | unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return Number(value);
    case 'number':
    case 'string':
    case 'boolean':
      return value;
  }
  if (value === null || value === undefined) return null;
  if (isCelUint(value)) return Number(value.value);
  // Library functions may hand back plain arrays and Maps that never passed through the evaluator.
  if (Array.isArray(value)) return value.map(celToJson);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), celToJson(v)]));
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (isCelList(value)) return [...value].map(celToJson);
  if (isCelMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(isCelUint(k) ? k.value : k)] = celToJson(v);
    return out;
  }
  if (isReflectMessage(value)) return messageToJson(value);
  if (typeof value === 'object' && 'name' in value) return String((value as { name: string }).name);
  return null;
}
