// Tests for upstream field.Error body formatting and Go value quoting.
import {
  aggregateMessage,
  causeString,
  duplicateCause,
  forbiddenCause,
  formatValue,
  goJSON,
  goQuote,
  internalCause,
  invalidCause,
  notFoundCause,
  notSupportedCause,
  omitValue,
  requiredCause,
  tooLongCause,
  tooLongCharactersCause,
  tooManyCause,
  tooShortCause,
  typeInvalidCause,
} from './field-errors.js';

describe('goQuote', () => {
  it('quotes like strconv.Quote', () => {
    expect(goQuote('plain')).toBe('"plain"');
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('\u0007\b\f\n\r\t\u000b')).toBe('"\\a\\b\\f\\n\\r\\t\\v"');
    expect(goQuote('\u0000\u001f\u007f')).toBe('"\\x00\\x1f\\x7f"');
    expect(goQuote('é 日本 😀')).toBe('"é 日本 😀"');
    expect(goQuote('\u00a0\u200b\u2028')).toBe('"\\u00a0\\u200b\\u2028"');
    expect(goQuote('\u{e0001}')).toBe('"\\U000e0001"');
    expect(goQuote('\ud800')).toBe('"\ufffd"');
  });
});

describe('goJSON and formatValue', () => {
  it('escapes HTML characters like encoding/json', () => {
    expect(goJSON(['<a>&'])).toBe('["\\u003ca\\u003e\\u0026"]');
    expect(goJSON(undefined)).toBe('null');
  });

  it('prints strings quoted, numbers and booleans bare, everything else as JSON', () => {
    expect(formatValue('x')).toBe('"x"');
    expect(formatValue(-1)).toBe('-1');
    expect(formatValue(1.5)).toBe('1.5');
    expect(formatValue(true)).toBe('true');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(['a', 'b'])).toBe('["a","b"]');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });
});

describe('cause builders', () => {
  it('render upstream ErrorBody texts', () => {
    expect(invalidCause('spec.x', 'v', 'bad')).toEqual({ reason: 'FieldValueInvalid', message: 'Invalid value: "v": bad', field: 'spec.x' });
    expect(invalidCause('spec.x', omitValue, 'bad').message).toBe('Invalid value: bad');
    expect(invalidCause('spec.x', 3, '').message).toBe('Invalid value: 3');
    expect(typeInvalidCause('spec.x', 'v', 'must be an integer')).toEqual({
      reason: 'FieldValueTypeInvalid',
      message: 'Invalid value: "v": must be an integer',
      field: 'spec.x',
    });
    expect(requiredCause('spec.x')).toEqual({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.x' });
    expect(requiredCause('spec.x', 'must set').message).toBe('Required value: must set');
    expect(forbiddenCause('spec.x', 'no')).toEqual({ reason: 'FieldValueForbidden', message: 'Forbidden: no', field: 'spec.x' });
    expect(duplicateCause('spec.ports[1].name', 'http')).toEqual({
      reason: 'FieldValueDuplicate',
      message: 'Duplicate value: "http"',
      field: 'spec.ports[1].name',
    });
    expect(notFoundCause('spec.x', 'y').message).toBe('Not found: "y"');
    expect(notSupportedCause('spec.type', 'Bogus', ['ClusterIP', 'NodePort'])).toEqual({
      reason: 'FieldValueNotSupported',
      message: 'Unsupported value: "Bogus": supported values: "ClusterIP", "NodePort"',
      field: 'spec.type',
    });
    expect(notSupportedCause('spec.type', 'Bogus', []).message).toBe('Unsupported value: "Bogus"');
    expect(tooLongCause('data', 1048576)).toEqual({
      reason: 'FieldValueTooLong',
      message: 'Too long: may not be more than 1048576 bytes',
      field: 'data',
    });
    expect(tooLongCause('x', 1).message).toBe('Too long: may not be more than 1 byte');
    expect(tooLongCause('x', -1).message).toBe('Too long: value is too long');
    expect(tooLongCharactersCause('x', 63).message).toBe('Too long: may not be more than 63 characters');
    expect(tooShortCause('x', 1).message).toBe('Too short: must be at least 1 character');
    expect(tooManyCause('x', 5, 3)).toEqual({ reason: 'FieldValueTooMany', message: 'Too many: 5: must have at most 3 items', field: 'x' });
    expect(tooManyCause('x', -1, 1).message).toBe('Too many: must have at most 1 item');
    expect(internalCause('x', 'boom')).toEqual({ reason: 'InternalError', message: 'Internal error: boom', field: 'x' });
  });

  it('aggregates like ErrorList.ToAggregate().Error()', () => {
    const a = requiredCause('a');
    const b = forbiddenCause('b', 'no');
    expect(causeString(a)).toBe('a: Required value');
    expect(aggregateMessage([a])).toBe('a: Required value');
    expect(aggregateMessage([a, a])).toBe('a: Required value');
    expect(aggregateMessage([a, b, a])).toBe('[a: Required value, b: Forbidden: no]');
  });
});
