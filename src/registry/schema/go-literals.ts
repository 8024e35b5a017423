// The errors upstream's decoders raise for malformed scalar text: resource.ParseQuantity and base64 []byte.

const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const QUANTITY_FORMAT_ERROR = `quantities must match the regular expression '${SPLIT_RE}'`;
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

const SUFFIX_CHARS = 'eEinumkKMGTP';
const DECIMAL_SUFFIXES = new Set(['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E']);
const BINARY_EXPONENTS: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
// JSON strings cannot hold raw control characters, so of Go's TrimSpace set only these can
// reach Quantity.UnmarshalJSON unescaped (an escaped "\t" arrives as a backslash, not a tab).
const TRIMMABLE = /^[ \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[ \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

/**
 * Why resource.ParseQuantity rejects the text of a JSON string (after Quantity.UnmarshalJSON trims
 * it), or undefined when it parses. Follows parseQuantityString's scanner rather than the
 * documented regular expression, which it is looser than ("." and "m" alone are valid).
 */
export function quantityError(raw: string): string | undefined {
  const str = raw.replace(TRIMMABLE, '');
  if (str.length === 0) return QUANTITY_FORMAT_ERROR;
  if (str === '0') return undefined;
  const end = str.length;
  let pos = 0;
  if (str[0] === '-' || str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return undefined; // a sign and zeros
  let num = pos;
  while (pos < end && isDigitCode(str.charCodeAt(pos))) pos++;
  const numLen = Math.max(pos - num, 1); // an empty numerator counts as "0"
  let denomLen = 0;
  if (pos < end && str[pos] === '.') {
    num = ++pos;
    while (pos < end && isDigitCode(str.charCodeAt(pos))) pos++;
    denomLen = pos - num;
  }
  if (pos >= end) return undefined;
  const value = str.slice(0, pos);
  const suffixStart = pos;
  while (pos < end && SUFFIX_CHARS.includes(str[pos])) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigitCode(str.charCodeAt(pos))) pos++;
  if (pos < end) return QUANTITY_FORMAT_ERROR;
  const suffix = str.slice(suffixStart);

  let exponent: number;
  let precision: number;
  let binary = false;
  if (DECIMAL_SUFFIXES.has(suffix)) {
    exponent = { '': 0, n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 }[suffix]!;
    precision = 18 - (numLen + denomLen);
  } else if (suffix in BINARY_EXPONENTS) {
    binary = true;
    exponent = BINARY_EXPONENTS[suffix];
    precision = denomLen === 0 ? 15 - numLen - Math.trunc((exponent * 3) / 10) - 1 : -1;
  } else if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    const parsed = BigInt(suffix.slice(1));
    if (parsed > 9223372036854775807n || parsed < -9223372036854775808n) return QUANTITY_SUFFIX_ERROR;
    exponent = Number(BigInt.asIntN(32, parsed)); // Go keeps int32(parsed)
    precision = 18 - (numLen + denomLen);
  } else {
    return QUANTITY_SUFFIX_ERROR;
  }
  // The int64 fast path cannot fail; only the inf.Dec fallback can, when no digit was written.
  const scale = (binary ? 0 : exponent) - denomLen;
  if (precision >= 0 && scale >= -9) return undefined;
  return /\d/.test(value) ? undefined : QUANTITY_NUMERIC_ERROR;
}

const BASE64_VALID = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Code(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
}

/**
 * The byte offset base64.StdEncoding.Decode reports for a JSON string bound for a []byte field
 * (`illegal base64 data at input byte N`), or undefined when it decodes. Newlines are skipped
 * as Go does; offsets count UTF-8 bytes.
 */
export function base64ErrorOffset(text: string): number | undefined {
  if (text.length % 4 === 0 && BASE64_VALID.test(text)) return undefined;
  const src = /^[\x00-\x7f]*$/.test(text) ? Array.from(text, (ch) => ch.charCodeAt(0)) : Array.from(Buffer.from(text, 'utf8'));
  const len = src.length;
  const NL = 10;
  const CR = 13;
  const PAD = 61;
  let si = 0;
  while (si < len) {
    // One decodeQuantum: up to four symbols, newlines ignored, padding only at the end.
    let j = 0;
    for (; j < 4; j++) {
      if (si === len) {
        if (j === 0) return undefined;
        return si - j;
      }
      const c = src[si++];
      if (base64Code(c)) continue;
      if (c === NL || c === CR) {
        j--;
        continue;
      }
      if (c !== PAD || j < 2) return si - 1;
      if (j === 2) {
        while (si < len && (src[si] === NL || src[si] === CR)) si++;
        if (si === len) return len;
        if (src[si] !== PAD) return si - 1;
        si++;
      }
      while (si < len && (src[si] === NL || src[si] === CR)) si++;
      return si < len ? si : undefined;
    }
  }
  return undefined;
}
