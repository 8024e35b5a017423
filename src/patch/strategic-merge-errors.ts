// Strategic merge patch failures as kube-apiserver reports them, with Go's fmt rendering of the values they quote.
import { ApiError } from '../meta/errors.js';

/**
 * A plain Go error from the patcher. Upstream passes it through untouched and answers 500; kubefake keeps upstream's
 * text but answers 400 BadRequest, because a malformed patch is the client's mistake and no bad input may yield a 5xx.
 */
export class GoError extends ApiError {
  constructor(message: string) {
    super(400, 'BadRequest', message);
  }
}

export const smpErrors = {
  // Sentinels upstream maps to 400 BadRequest.
  badPrimitiveList: () => new ApiError(400, 'BadRequest', 'invalid patch format of primitive list'),
  badRetainKeys: () => new ApiError(400, 'BadRequest', 'invalid patch format of retainKeys'),
  badSetElementOrder: () => new ApiError(400, 'BadRequest', 'invalid patch format of setElementOrder list'),
  /** The body must decode into a map[string]interface{}. */
  notAnObject: (body: unknown) =>
    new ApiError(400, 'BadRequest', `json: cannot unmarshal ${jsonTypeName(body)} into Go value of type map[string]interface {}`),
  /** ErrNoListOfLists goes out through NewGenericServerResponse(422), which keeps none of the error's text. */
  noListOfLists: () => new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request', {}),
  noMergeKey: (m: Record<string, unknown>, key: string) => new GoError(`map: ${goV(m)} does not contain declared merge key: ${key}`),
  badArgType: (expected: 'map' | 'slice', actual: unknown) =>
    new GoError(`expected a ${expected === 'map' ? 'map[string]interface {}' : '[]interface {}'}, but received a ${goTypeName(actual)}`),
  badPatchType: (directive: unknown, m: Record<string, unknown>) => new GoError(`unknown patch type: ${goS(directive)} in map: ${goV(m)}`),
  /**
   * Where Go panics (hashing or comparing maps, a null first list element) upstream answers 500 after recovering;
   * kubefake names the malformed patch instead (400), for the same reason as GoError.
   */
  panic: () => new ApiError(400, 'BadRequest', 'the strategic merge patch is malformed: its directives cannot be applied to this object'),
  go: (message: string) => new GoError(message),
};

function jsonTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'number' ? 'number' : 'string';
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Integers decode as int64 (UnmarshalCaseSensitivePreserveInts, ToUnstructured); everything else numeric as float64. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'object':
      return 'map[string]interface {}';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return isInt64(v) ? 'int64' : 'float64';
    default:
      return typeof v;
  }
}

/** Whether Go decoded this JSON number as int64 (integral and in range) rather than float64. */
export function isInt64(n: number): boolean {
  return Number.isInteger(n) && Math.abs(n) < 2 ** 63;
}

/** strconv.FormatFloat(f, 'g', -1, 64), which %v uses for float64: exponent form from 1e+06 up and below 1e-04. */
function goFloat(f: number): string {
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : f < 0 ? '-Inf' : 'NaN';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mantissa, exponent] = f.toExponential().split('e');
  const exp = Number(exponent);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(f);
}

function goNumber(n: number): string {
  return isInt64(n) ? String(n) : goFloat(n);
}

/** fmt's %v of a decoded JSON value: `map[a:1 b:[x y]]`, keys sorted, strings bare, null as `<nil>`. */
export function goV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goV).join(' ')}]`;
  if (isMap(v)) return `map[${sortedKeys(v).map((k) => `${k}:${goV(v[k])}`).join(' ')}]`;
  if (typeof v === 'number') return goNumber(v);
  return String(v);
}

/** fmt's %s: strings as they are, every other scalar as a `%!s(type=value)` complaint. */
export function goS(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (Array.isArray(v)) return `[${v.map(goS).join(' ')}]`;
  if (isMap(v)) return `map[${sortedKeys(v).map((k) => `${k}:${goS(v[k])}`).join(' ')}]`;
  return `%!s(${goTypeName(v)}=${goV(v)})`;
}

function sortedKeys(m: Record<string, unknown>): string[] {
  // Go orders string keys bytewise; code-unit order matches it outside astral characters.
  return Object.keys(m).sort();
}
