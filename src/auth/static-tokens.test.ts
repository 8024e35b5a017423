// The token table: the CLI's --token form, the options' checks, and what a token authenticates as.
import { parseTokenFlag, StaticTokens } from './static-tokens.js';

describe('parseTokenFlag (--token token[:user[:group1,group2]])', () => {
  test('a bare token is the admin in system:masters', () => {
    expect(parseTokenFlag('s3cret')).toEqual({ token: 's3cret', user: 'kubefake-admin', groups: ['system:masters'] });
  });

  test('a named user is in the groups given, and only those', () => {
    expect(parseTokenFlag('t1:alice')).toEqual({ token: 't1', user: 'alice', groups: [] });
    expect(parseTokenFlag('t1:alice:')).toEqual({ token: 't1', user: 'alice', groups: [] });
    expect(parseTokenFlag('t2:bob:dev,qa')).toEqual({ token: 't2', user: 'bob', groups: ['dev', 'qa'] });
  });

  test.each([
    ['', 'the token is empty'],
    [':alice', 'the token is empty'],
    ['t:', 'the user after the first ":" is empty'],
    ['t:alice:dev,,qa', 'a group in "dev,,qa" is empty'],
    ['t:alice:dev:more', 'expected token[:user[:group1,group2]] (a ":" too many)'],
  ])('%j is refused: %s', (spec, message) => {
    expect(() => parseTokenFlag(spec)).toThrow(message);
  });
});

describe('StaticTokens', () => {
  test('a token is its user with system:authenticated added; unknown tokens are nobody', () => {
    const tokens = new StaticTokens([
      { token: 'a', user: 'alice', uid: 'u-1', groups: ['dev'] },
      { token: 'b', user: 'bob' },
      { token: 'c', user: 'carol', groups: ['system:unauthenticated'] },
    ]);
    expect(tokens.lookup('a')).toEqual({ username: 'alice', uid: 'u-1', groups: ['dev', 'system:authenticated'] });
    expect(tokens.lookup('b')).toEqual({ username: 'bob', groups: ['system:authenticated'] });
    // Upstream's group adder leaves a user that already names either group alone.
    expect(tokens.lookup('c')).toEqual({ username: 'carol', groups: ['system:unauthenticated'] });
    expect(tokens.lookup('A')).toBeUndefined();
  });

  test('each lookup is a copy: a caller cannot change the table', () => {
    const tokens = new StaticTokens([{ token: 'a', user: 'alice', groups: ['dev'] }]);
    tokens.lookup('a')!.groups.push('system:masters');
    expect(tokens.lookup('a')!.groups).toEqual(['dev', 'system:authenticated']);
  });

  test.each([
    [[{ token: '', user: 'x' }], 'auth.tokens[0].token must be a non-empty string'],
    [[{ token: 'has space', user: 'x' }], 'auth.tokens[0].token must not contain whitespace'],
    [[{ token: 't', user: '' }], 'auth.tokens[0].user must be a non-empty string'],
    [[{ token: 't', user: 'x', groups: [''] }], 'auth.tokens[0].groups must be non-empty strings'],
    [[{ token: 't', user: 'x' }, { token: 't', user: 'y' }], 'auth.tokens[1].token is listed twice'],
  ])('a bad table fails at once (%#)', (entries, message) => {
    expect(() => new StaticTokens(entries)).toThrow(message);
  });
});
