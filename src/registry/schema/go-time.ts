// Go's time.Parse error text for the two layouts metav1.Time and metav1.MicroTime unmarshal with.

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

type Std = '2006' | '01' | '02' | '15' | '04' | '05' | '.000000' | 'Z07:00';

// Each layout as Go's nextStdChunk splits it: literal prefix, then one std element.
const CHUNKS: Record<string, ReadonlyArray<readonly [string, Std]>> = {
  [RFC3339]: [['', '2006'], ['-', '01'], ['-', '02'], ['T', '15'], [':', '04'], [':', '05'], ['', 'Z07:00']],
  [RFC3339_MICRO]: [['', '2006'], ['-', '01'], ['-', '02'], ['T', '15'], [':', '04'], [':', '05'], ['', '.000000'], ['', 'Z07:00']],
};

const HEX = '0123456789abcdef';
const encoder = new TextEncoder();

/** time's own quote(): non-ASCII and control bytes as \xNN, unlike strconv.Quote. */
export function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x80 || code < 0x20) {
      for (const b of encoder.encode(ch)) out += `\\x${HEX[b >> 4]}${HEX[b & 15]}`;
    } else {
      if (ch === '"' || ch === '\\') out += '\\';
      out += ch;
    }
  }
  return `${out}"`;
}

const isDigit = (s: string, i: number): boolean => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** getnum: one or two digits (exactly two when fixed); undefined when there is no number. */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : [s.charCodeAt(0) - 48, s.slice(1)];
  return [(s.charCodeAt(0) - 48) * 10 + s.charCodeAt(1) - 48, s.slice(2)];
}

/** Go's time-package atoi: an optional sign, then nothing but digits. */
function atoi(s: string): number | undefined {
  let i = s.length > 0 && (s[0] === '-' || s[0] === '+') ? 1 : 0;
  const negative = s[0] === '-';
  let n = 0;
  for (; i < s.length; i++) {
    if (!isDigit(s, i)) return undefined;
    n = n * 10 + s.charCodeAt(i) - 48;
  }
  return negative ? -n : n;
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/**
 * The error time.Parse(layout, value) returns, or undefined when it parses. Only RFC3339 and
 * RFC3339Micro (metav1.MicroTime's layout) are modelled, step for step as Go's generic parser
 * walks them, since the text names the element that failed.
 */
export function timeParseError(layout: string, input: string): string | undefined {
  const chunks = CHUNKS[layout];
  if (!chunks) throw new Error(`unsupported layout ${layout}`);
  const cannotParse = (elem: string, std: string): string =>
    `parsing time ${timeQuote(input)} as ${timeQuote(layout)}: cannot parse ${timeQuote(elem)} as ${timeQuote(std)}`;
  const withMessage = (message: string): string => `parsing time ${timeQuote(input)}${message}`;

  let value = input;
  let year = 0;
  let month = -1;
  let day = -1;
  for (let c = 0; c < chunks.length; c++) {
    const [prefix, std] = chunks[c];
    if (!value.startsWith(prefix)) {
      // skip() stops at the first differing byte; the error shows what is left of the value there.
      let i = 0;
      while (i < prefix.length && value[i] === prefix[i]) i++;
      return cannotParse(value.slice(i), prefix);
    }
    value = value.slice(prefix.length);
    const hold = value;
    let bad = false;
    let range = '';
    switch (std) {
      case '2006': {
        const n = value.length >= 4 && isDigit(value, 0) ? atoi(value.slice(0, 4)) : undefined;
        if (n === undefined) bad = true;
        else [year, value] = [n, value.slice(4)];
        break;
      }
      case '01': {
        const got = getnum(value, true);
        if (!got) bad = true;
        else {
          [month, value] = got;
          if (month <= 0 || month > 12) range = 'month';
        }
        break;
      }
      case '02': {
        const got = getnum(value, true);
        if (!got) bad = true;
        else [day, value] = got;
        break;
      }
      case '15':
      case '04':
      case '05': {
        const got = getnum(value, std !== '15');
        if (!got) {
          bad = true;
          break;
        }
        const [n, rest] = got;
        value = rest;
        if (n >= (std === '15' ? 24 : 60)) {
          range = std === '15' ? 'hour' : std === '04' ? 'minute' : 'second';
          break;
        }
        // A fraction the layout does not spell out is still accepted after the seconds.
        if (std === '05' && chunks[c + 1][1] !== '.000000' && value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigit(value, 1)) {
          let n2 = 2;
          while (isDigit(value, n2)) n2++;
          value = value.slice(n2);
        }
        break;
      }
      case '.000000': {
        if (value.length < 7 || (value[0] !== '.' && value[0] !== ',')) {
          bad = true;
          break;
        }
        const ns = atoi(value.slice(1, 7));
        if (ns === undefined) bad = true;
        else if (ns < 0) range = 'fractional second';
        value = value.slice(7);
        break;
      }
      case 'Z07:00': {
        if (value.startsWith('Z')) {
          value = value.slice(1);
          break;
        }
        if (value.length < 6 || value[3] !== ':') {
          bad = true;
          break;
        }
        const sign = value[0];
        const hh = getnum(value.slice(1, 3), true);
        const mm = hh ? getnum(value.slice(4, 6), true) : undefined;
        value = value.slice(6);
        if (!hh || !mm) bad = true;
        if ((hh?.[0] ?? 0) > 24) range = 'time zone offset hour';
        if ((mm?.[0] ?? 0) > 60) range = 'time zone offset minute';
        if (sign !== '+' && sign !== '-') bad = true;
        break;
      }
    }
    if (range) return withMessage(`: ${range} out of range`);
    if (bad) return cannotParse(hold, std);
  }
  if (value !== '') return withMessage(`: extra text: ${timeQuote(value)}`);
  if (day < 1 || day > daysIn(month, year)) return withMessage(': day out of range');
  return undefined;
}
