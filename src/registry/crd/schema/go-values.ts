// Go-flavoured views of JSON values that kube-openapi's messages depend on: int64 vs float64, %v of numbers.

/** How Go's unstructured decoding sees a JSON value: the kube-openapi type name of its reflect kind. */
export type JsonKind = 'null' | 'boolean' | 'string' | 'integer' | 'number' | 'array' | 'object';

const int64Limit = 2 ** 63;

/** Whole numbers within int64 decode as int64 (kube-openapi's "integer"), the rest as float64 ("number"). */
export function jsonKind(value: unknown): JsonKind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(value) && Math.abs(value) < int64Limit ? 'integer' : 'number';
    case 'bigint':
      return 'integer';
    default:
      return 'object';
  }
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Go's %v of a float64 (strconv 'g', shortest): exponent form when the exponent is below -4 or at least 6. */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, expText] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const abs = Math.abs(exp);
    return `${mantissa}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' + abs : abs}`;
  }
  return String(n);
}

/** Go's %v of an int64 or float64 JSON number as kube-openapi holds it. */
export function goNumber(n: number): string {
  return jsonKind(n) === 'integer' ? String(n) : goFloat(n);
}

/** Go's %v of a []interface{} as kube-openapi's enum message prints it: `[a 1 map[k:v]]`. */
export function goSliceV(values: readonly unknown[]): string {
  return `[${values.map(goValueV).join(' ')}]`;
}

function goValueV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return goSliceV(v);
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[${entries.map(([k, x]) => `${k}:${goValueV(x)}`).join(' ')}]`;
}

/** A copy with map keys sorted, so the cause prints the value as Go's json.Marshal of a map does. */
export function goMapOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(goMapOrder);
  if (!isJsonObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, goMapOrder(value[k])]));
}
