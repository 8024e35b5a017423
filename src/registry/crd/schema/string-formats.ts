// The string formats CRD schemas validate: apiextensions' supported list over kube-openapi's strfmt registry checks.
import { parseGoDuration } from '../../../meta/go-duration.js';

type FormatCheck = (value: string) => boolean;

const uuidPattern = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuid3Pattern = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuid4Pattern = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const uuid5Pattern = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const hostnamePattern =
  /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9\-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;
const base64Pattern = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
const hexColorPattern = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const rgbByte = '\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*';
const rgbColorPattern = new RegExp(`^rgb\\(${rgbByte},${rgbByte},${rgbByte}\\)$`);
const ssnPattern = /^\d{3}[- ]?\d{2}[- ]?\d{4}$/;
const creditCardPattern =
  /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11}|6[27][0-9]{14})$/;
const shortNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const longNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const timeOfDayPattern = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/;
const durationPart = /(\d+)\s*([A-Za-zµ]+)/g;
const durationUnits = [['ns', 'nano'], ['us', 'µs', 'micro'], ['ms', 'milli'], ['s', 'sec'], ['m', 'min'], ['h', 'hr', 'hour'], ['d', 'day'], ['w', 'wk', 'week']];

const utf8 = new TextEncoder();

/** Go's time.Parse with layout "2006-01-02": exactly four, two and two digits, and a real calendar day. */
function isDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isDateTime(value: string): boolean {
  if (value.length < 4) return false;
  const parts = value.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0])) return false;
  const m = timeOfDayPattern.exec(parts[1]);
  return m !== null && m[1] <= '23' && m[2] <= '59' && m[3] <= '59';
}

/** kube-openapi's ParseDuration: Go durations, or "<n> <unit>" runs such as "3 days 4 hours". */
function isDuration(value: string): boolean {
  try {
    parseGoDuration(value);
    return true;
  } catch {
    // not a Go duration; try the word forms
  }
  for (const [, , word] of value.matchAll(durationPart)) {
    const unit = word.toLowerCase().trim();
    for (const variants of durationUnits) {
      const last = variants.length - 1;
      if (variants.some((v, i) => (i === last && unit.startsWith(v)) || v.toLowerCase() === unit)) return true;
    }
  }
  return false;
}

/** Go's net.ParseIP for dotted IPv4: four decimal parts, no leading zeros (sloppy parsing allows them). */
function parseIPv4(value: string, sloppy: boolean): boolean {
  const parts = value.split('.');
  return (
    parts.length === 4 &&
    parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && (sloppy || p.length === 1 || p[0] !== '0'))
  );
}

function parseIPv6(value: string, sloppy: boolean): boolean {
  let groups = 0;
  let ellipsis = false;
  let rest = value;
  if (rest.startsWith('::')) {
    ellipsis = true;
    rest = rest.slice(2);
    if (rest === '') return true;
  }
  while (rest !== '') {
    const m = /^[0-9a-fA-F]{1,4}/.exec(rest);
    if (!m) return false;
    if (rest[m[0].length] === '.') {
      if ((!ellipsis && groups !== 6) || groups > 6 || !parseIPv4(rest, sloppy)) return false;
      groups += 2;
      rest = '';
      break;
    }
    groups++;
    rest = rest.slice(m[0].length);
    if (rest === '') break;
    if (rest[0] !== ':' || groups >= 8) return false;
    rest = rest.slice(1);
    if (rest.startsWith(':')) {
      if (ellipsis) return false;
      ellipsis = true;
      rest = rest.slice(1);
      if (rest === '') break;
    } else if (rest === '') return false;
  }
  return ellipsis ? groups < 8 : groups === 8;
}

function parseIP(value: string, sloppy: boolean): boolean {
  return value.includes(':') ? parseIPv6(value, sloppy) : parseIPv4(value, sloppy);
}

function isCIDR(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const ip = value.slice(0, slash);
  const prefix = value.slice(slash + 1);
  if (!parseIP(ip, true) || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (ip.includes(':') ? 128 : 32);
}

/** Go's net.ParseMAC: 6, 8 or 20 octets as xx:xx…, xx-xx… or xxxx.xxxx…. */
function isMAC(value: string): boolean {
  const sizes = [6, 8, 20];
  for (const sep of [':', '-']) {
    const parts = value.split(sep);
    if (sizes.includes(parts.length) && parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return true;
  }
  const dotted = value.split('.');
  return sizes.includes(dotted.length * 2) && dotted.every((p) => /^[0-9a-fA-F]{4}$/.test(p));
}

/** Go's url.ParseRequestURI: an absolute URI (`scheme:…`) or an absolute path. */
function isRequestURI(value: string): boolean {
  if (value === '' || /[\x00-\x1f\x7f]/.test(value)) return false;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value);
  if (scheme) {
    const rest = value.slice(scheme[0].length);
    if (!rest.startsWith('//')) return true;
    const authority = rest.slice(2).split(/[/?#]/)[0];
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    return !/[\s<>"{}|\\^`]/.test(host) && !/%(?![0-9a-fA-F]{2})/.test(value);
  }
  return value.startsWith('/') && !/%(?![0-9a-fA-F]{2})/.test(value);
}

const atext = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const dotAtom = `${atext}(?:\\.${atext})*`;
const quoted = '"(?:[^"\\\\\\r\\n]|\\\\.)*"';
const addrSpec = `(?:${dotAtom}|${quoted})@(?:${dotAtom}|\\[[^\\[\\]\\\\]*\\])`;
const addressPattern = new RegExp(`^\\s*(?:${addrSpec}|(?:${dotAtom}(?:\\s+${dotAtom})*|${quoted})?\\s*<${addrSpec}>)\\s*$`, 'u');

/** Go's net/mail.ParseAddress, for the common shapes: `a@b.c` and `Name <a@b.c>`. */
function isEmail(value: string): boolean {
  return addressPattern.test(value);
}

function isISBN(value: string, length: 10 | 13): boolean {
  const s = value.replace(/[\s-]/g, '');
  if (length === 10) {
    if (!/^(?:[0-9]{9}X|[0-9]{10})$/.test(s)) return false;
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += (i + 1) * Number(s[i]);
    sum += s[9] === 'X' ? 100 : 10 * Number(s[9]);
    return sum % 11 === 0;
  }
  if (!/^(?:[0-9]{13})$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(s[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === Number(s[12]);
}

function isCreditCard(value: string): boolean {
  const s = value.replace(/[\s-]/g, '');
  if (!creditCardPattern.test(s)) return false;
  let sum = 0;
  let double = false;
  for (let i = s.length - 1; i >= 0; i--) {
    let d = Number(s[i]);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function isHostname(value: string): boolean {
  if (!hostnamePattern.test(value) || utf8.encode(value).length > 255) return false;
  return value.split('.').every((p) => utf8.encode(p).length <= 63);
}

/** kube-openapi's strfmt.Default registry, keyed by normalized name (dashes removed). */
const registry: Record<string, FormatCheck> = {
  bsonobjectid: (v) => /^[0-9a-fA-F]{24}$/.test(v),
  uri: isRequestURI,
  email: isEmail,
  hostname: isHostname,
  ipv4: (v) => parseIP(v, true) && v.includes('.'),
  ipv6: (v) => parseIP(v, false) && v.includes(':'),
  cidr: isCIDR,
  mac: isMAC,
  uuid: (v) => uuidPattern.test(v),
  uuid3: (v) => uuid3Pattern.test(v),
  uuid4: (v) => uuid4Pattern.test(v),
  uuid5: (v) => uuid5Pattern.test(v),
  isbn: (v) => isISBN(v, 10) || isISBN(v, 13),
  isbn10: (v) => isISBN(v, 10),
  isbn13: (v) => isISBN(v, 13),
  creditcard: isCreditCard,
  ssn: (v) => v.length === 11 && ssnPattern.test(v),
  hexcolor: (v) => hexColorPattern.test(v),
  rgbcolor: (v) => rgbColorPattern.test(v),
  byte: (v) => base64Pattern.test(v),
  password: () => true,
  date: isDate,
  duration: isDuration,
  datetime: isDateTime,
  k8sshortname: (v) => v.length <= 63 && shortNamePattern.test(v),
  k8slongname: (v) => v.length <= 253 && longNamePattern.test(v),
};

export function normalizeFormatName(format: string): string {
  return format.replaceAll('-', '');
}

/**
 * The format the validator sees after apiextensions strips unsupported ones: string formats from
 * the supported list, int32/int64 on integers, float/double on numbers; everything else is dropped.
 */
export function effectiveFormat(format: string | undefined, types: readonly string[]): string {
  if (!format) return '';
  const type = types.length === 1 ? types[0] : '';
  switch (type) {
    case '':
    case 'string':
      return normalizeFormatName(format) in registry ? format : '';
    case 'integer':
      return format === 'int32' || format === 'int64' ? format : '';
    case 'number':
      return format === 'float' || format === 'double' ? format : '';
    default:
      return '';
  }
}

/** Whether the registry knows the format (then strings are checked against it). */
export function isKnownFormat(format: string): boolean {
  return format !== '' && normalizeFormatName(format) in registry;
}

export function matchesFormat(format: string, value: string): boolean {
  return registry[normalizeFormatName(format)]?.(value) ?? true;
}
