// Field-level validation causes rendered exactly like upstream field.Error.ErrorBody(), plus Go value formatting.
import type { StatusCause } from './types.js';

/** Pass as the value to leave it out of the message, like upstream's omitValue. */
export const omitValue: unique symbol = Symbol('omitValue');

export type FieldErrorReason =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTooFew'
  | 'InternalError'
  | 'FieldValueTypeInvalid'
  | 'FieldValueTooShort';

const typeText: Record<FieldErrorReason, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTooFew: 'Too few',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueTooShort: 'Too short',
};

// Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const plainAscii = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Go's strconv.Quote / %q: printable runes kept, everything else escaped Go-style. */
export function goQuote(s: string): string {
  if (plainAscii.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (r >= 0xd800 && r <= 0xdfff) out += '\ufffd'; // a lone surrogate reaches Go as invalid UTF-8, shown as U+FFFD
    else if (printable.test(ch)) out += ch;
    else if (r === 7) out += '\\a';
    else if (r === 8) out += '\\b';
    else if (r === 12) out += '\\f';
    else if (r === 10) out += '\\n';
    else if (r === 13) out += '\\r';
    else if (r === 9) out += '\\t';
    else if (r === 11) out += '\\v';
    else if (r < 0x20 || r === 0x7f) out += '\\x' + hex(r, 2);
    else if (r < 0x10000) out += '\\u' + hex(r, 4);
    else out += '\\U' + hex(r, 8);
  }
  return out + '"';
}

const htmlUnsafe = /[<>&\u2028\u2029]/g;

/**
 * Go's json.Marshal output for plain JSON data: like JSON.stringify but with HTML-safe escaping.
 * Go sorts map keys; callers serialising structs must build objects in the struct's field order.
 */
export function goJSON(v: unknown): string {
  const s = JSON.stringify(v === undefined ? null : v);
  return s.replace(htmlUnsafe, (c) => '\\u' + hex(c.charCodeAt(0), 4));
}

/** A bad value as upstream's ErrorBody prints it: strings %q, numbers and bools bare, the rest JSON. */
export function formatValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return goQuote(v);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    default:
      return goJSON(v);
  }
}

function cause(reason: FieldErrorReason, field: string, value: unknown, detail: string): StatusCause {
  let message = typeText[reason];
  if (value !== omitValue) message += ': ' + formatValue(value);
  if (detail) message += ': ' + detail;
  return { reason, message, field };
}

function valueless(reason: FieldErrorReason, field: string, detail: string): StatusCause {
  const message = detail ? `${typeText[reason]}: ${detail}` : typeText[reason];
  return { reason, message, field };
}

export function invalidCause(field: string, value: unknown, detail: string): StatusCause {
  return cause('FieldValueInvalid', field, value, detail);
}

export function typeInvalidCause(field: string, value: unknown, detail: string): StatusCause {
  return cause('FieldValueTypeInvalid', field, value, detail);
}

export function notFoundCause(field: string, value: unknown): StatusCause {
  return cause('FieldValueNotFound', field, value, '');
}

export function duplicateCause(field: string, value: unknown): StatusCause {
  return cause('FieldValueDuplicate', field, value, '');
}

export function requiredCause(field: string, detail = ''): StatusCause {
  return valueless('FieldValueRequired', field, detail);
}

export function forbiddenCause(field: string, detail: string): StatusCause {
  return valueless('FieldValueForbidden', field, detail);
}

export function internalCause(field: string, detail: string): StatusCause {
  return valueless('InternalError', field, detail);
}

export function notSupportedCause(field: string, value: unknown, valid: readonly string[]): StatusCause {
  const detail = valid.length > 0 ? 'supported values: ' + valid.map(goQuote).join(', ') : '';
  return cause('FieldValueNotSupported', field, value, detail);
}

/** upstream TooLong: the value is never shown; the limit is in bytes. */
export function tooLongCause(field: string, maxLength: number): StatusCause {
  const detail =
    maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return valueless('FieldValueTooLong', field, detail);
}

/** upstream TooLongCharacters: like tooLongCause but counting characters. */
export function tooLongCharactersCause(field: string, maxLength: number): StatusCause {
  const detail =
    maxLength >= 0
      ? `may not be more than ${maxLength} ${maxLength === 1 ? 'character' : 'characters'}`
      : 'value is too long';
  return valueless('FieldValueTooLong', field, detail);
}

/** upstream TooShort: upstream prints the Type only, the value is not shown. */
export function tooShortCause(field: string, minLength: number): StatusCause {
  const detail =
    minLength >= 0 ? `must be at least ${minLength} ${minLength === 1 ? 'character' : 'characters'}` : 'value is too short';
  return valueless('FieldValueTooShort', field, detail);
}

/** upstream TooMany: a negative actual count leaves the count out. */
export function tooManyCause(field: string, actual: number, max: number): StatusCause {
  const detail = max >= 0 ? `must have at most ${max} ${max === 1 ? 'item' : 'items'}` : 'has too many items';
  return cause('FieldValueTooMany', field, actual >= 0 ? actual : omitValue, detail);
}

/** The Go error string of one field.Error: `field: body`. */
export function causeString(c: StatusCause): string {
  return `${c.field ?? ''}: ${c.message ?? ''}`;
}

/**
 * What upstream prints for an ErrorList turned into an aggregate error (ToAggregate().Error()):
 * duplicates dropped, a single error bare, several in brackets. Used in 422 messages and selector errors.
 */
export function aggregateMessage(causes: readonly StatusCause[]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const c of causes) {
    const s = causeString(c);
    if (seen.has(s)) continue;
    seen.add(s);
    parts.push(s);
  }
  return parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
}
