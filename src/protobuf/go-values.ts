// Go-compatible text forms for apimachinery value types (metav1.Time, MicroTime, Duration, Quantity) and int64s.
/** Thrown for input that upstream would reject while unmarshalling; kube-protobuf wraps it. */
export class ValueError extends Error {}

/** Seconds of Go's zero time.Time (0001-01-01T00:00:00Z) since the Unix epoch. */
const GO_ZERO_TIME_SECONDS = -62135596800;
/** Date's documented range, in seconds. */
const MAX_DATE_SECONDS = 8.64e12;

interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}

// protobufjs hands out 64-bit integers as Long objects when the `long` package is
// resolvable and as numbers otherwise; duck typing keeps `long` an indirect dependency.
function isLongLike(value: unknown): value is LongLike {
  return typeof value === 'object' && value !== null && typeof (value as LongLike).low === 'number' && typeof (value as LongLike).high === 'number';
}

export function int64ToNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (isLongLike(value)) return (value.unsigned ? value.high >>> 0 : value.high) * 2 ** 32 + (value.low >>> 0);
  return 0;
}

function int64ToBigInt(value: unknown): bigint {
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (isLongLike(value)) {
    const high = value.unsigned ? BigInt(value.high >>> 0) : BigInt(value.high);
    return (high << 32n) | BigInt(value.low >>> 0);
  }
  return 0n;
}

/** True when seconds/nanos denote Go's zero time, which metav1 marshals as JSON null. */
export function isGoZeroTime(seconds: number, nanos: number): boolean {
  return seconds === GO_ZERO_TIME_SECONDS && nanos === 0;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** RFC 3339 in UTC, second precision (metav1.Time), or with 6 fraction digits (metav1.MicroTime). */
export function formatRfc3339(seconds: number, nanos: number, micro: boolean): string {
  // time.Unix normalises nanos outside [0, 1e9) into the seconds.
  const carry = Math.floor(nanos / 1e9);
  seconds += carry;
  nanos -= carry * 1e9;
  if (!Number.isFinite(seconds) || Math.abs(seconds) > MAX_DATE_SECONDS) {
    throw new ValueError(`timestamp ${seconds}s is out of range`);
  }
  const d = new Date(seconds * 1000);
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999) throw new ValueError(`timestamp year ${year} is out of range`);
  const base =
    `${pad(year, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  return micro ? `${base}.${pad(Math.floor(nanos / 1000), 6)}Z` : `${base}Z`;
}

/** Go's time.Duration.String(): "0s", "1.5µs", "300ms", "5m0s", "1h2m3.5s". */
export function formatGoDuration(value: unknown): string {
  let d = int64ToBigInt(value);
  if (d === 0n) return '0s';
  const negative = d < 0n;
  if (negative) d = -d;
  let text: string;
  if (d < 1_000_000_000n) {
    // Sub-second durations switch to the largest unit that keeps an integer part.
    const [unit, scale] = d < 1000n ? ['ns', 1n] : d < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n];
    text = fraction(d, scale) + unit;
  } else {
    const hours = d / 3_600_000_000_000n;
    const rem = d % 3_600_000_000_000n;
    const minutes = rem / 60_000_000_000n;
    const secs = fraction(rem % 60_000_000_000n, 1_000_000_000n) + 's';
    text = hours > 0n ? `${hours}h${minutes}m${secs}` : minutes > 0n ? `${minutes}m${secs}` : secs;
  }
  return negative ? `-${text}` : text;
}

/** value/scale with the fraction's trailing zeros (and a bare dot) removed, as Go prints it. */
function fraction(value: bigint, scale: bigint): string {
  const whole = value / scale;
  const frac = value % scale;
  if (frac === 0n) return String(whole);
  const digits = String(scale).length - 1;
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`;
}

// resource.ParseQuantity's grammar: <signedNumber><suffix>, suffix binary SI, decimal SI or exponent.
const QUANTITY_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** Validates a Quantity's wire string the way its proto Unmarshal (ParseQuantity) would. */
export function checkQuantity(text: string): string {
  if (!QUANTITY_RE.test(text)) throw new ValueError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${JSON.stringify(text)}`);
  return text;
}
