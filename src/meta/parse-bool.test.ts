// Tests for strict and apiserver-lenient boolean query parameter parsing.
import { ApiError } from './errors.js';
import { parseBool, parseQueryBool } from './parse-bool.js';

describe('parseBool', () => {
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('reads %j as true', (v) => expect(parseBool(v, 'watch')).toBe(true));
  it.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('reads %j as false', (v) => expect(parseBool(v, 'watch')).toBe(false));

  it('leaves an absent parameter undefined', () => {
    expect(parseBool(undefined, 'watch')).toBeUndefined();
  });

  it.each(['', 'yes', 'tRUE', ' true'])('rejects %j with a 400 naming the parameter', (v) => {
    let err: unknown;
    try {
      parseBool(v, 'allowWatchBookmarks');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe(400);
    expect((err as ApiError).message).toBe(
      `invalid value for query parameter "allowWatchBookmarks": strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`,
    );
  });
});

describe('parseQueryBool', () => {
  it('is false only for 0 and any casing of false', () => {
    expect(parseQueryBool(undefined)).toBeUndefined();
    for (const v of ['0', 'false', 'FALSE', 'fAlSe', 'fal\u017fe']) expect(parseQueryBool(v)).toBe(false);
    for (const v of ['', '1', 'true', 'no', 'f', 'foo']) expect(parseQueryBool(v)).toBe(true);
  });
});
