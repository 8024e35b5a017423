// Tests for label selector parsing, matching and conversion, using upstream's selector_test.go vectors.
import { ApiError } from './errors.js';
import {
  everythingSelector,
  labelSelectorFromObject,
  nothingSelector,
  parseLabelSelector,
  selectorFromSet,
} from './label-selector.js';

function parseError(s: string): ApiError {
  try {
    parseLabelSelector(s);
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(s)} to fail`);
}

const labelKeyRegex = "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'";
const labelValueMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseLabelSelector', () => {
  it.each(['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5'])(
    'accepts %j and prints it back without spaces',
    (s) => {
      expect(parseLabelSelector(s).toString()).toBe(s.replace(/ /g, ''));
    },
  );

  it.each(['x=a||y=b', 'x==a==b', '!x=a', 'x<a'])('rejects %j', (s) => {
    const err = parseError(s);
    expect(err.code).toBe(400);
    expect(err.reason).toBe('BadRequest');
  });

  it('parses deterministically (sorted by key)', () => {
    expect(parseLabelSelector('x=a,a=x').toString()).toBe(parseLabelSelector('a=x,x=a').toString());
    expect(parseLabelSelector('x=a,a=x').toString()).toBe('a=x,x=a');
  });

  it('handles set syntax, empty values and whitespace', () => {
    expect(parseLabelSelector('x in (foo,,baz),y,z notin ()').toString()).toBe('x in (,baz,foo),y,z notin ()');
    expect(parseLabelSelector('key in ( value )').toString()).toBe('key in (value)');
    expect(parseLabelSelector('key notin ( value1, value2 )').toString()).toBe('key notin (value1,value2)');
    expect(parseLabelSelector('x in (,a,)').requirements[0].values).toEqual(['', 'a']);
    expect(parseLabelSelector(' \tx == y\n').toString()).toBe('x==y');
    expect(parseLabelSelector('x=in,y=notin').toString()).toBe('x=in,y=notin');
    expect(parseLabelSelector('x in (in,notin)').toString()).toBe('x in (in,notin)');
  });

  it('exposes requirements with upstream operator names', () => {
    expect(parseLabelSelector('a,!b,c=1,d==2,e!=3,f in (4),g notin (5),h>6,i<7').requirements).toEqual([
      { key: 'a', operator: 'exists', values: [] },
      { key: 'b', operator: '!', values: [] },
      { key: 'c', operator: '=', values: ['1'] },
      { key: 'd', operator: '==', values: ['2'] },
      { key: 'e', operator: '!=', values: ['3'] },
      { key: 'f', operator: 'in', values: ['4'] },
      { key: 'g', operator: 'notin', values: ['5'] },
      { key: 'h', operator: 'gt', values: ['6'] },
      { key: 'i', operator: 'lt', values: ['7'] },
    ]);
  });

  it.each([
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x=a,', "found '', expected: identifier after ','"],
    [',', "found ',', expected: !, identifier, or 'end of string'"],
    ['x y', "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"],
    ['x !', "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
    ['x exists', "unable to parse requirement: found 'exists', expected: in, notin, =, ==, !=, gt, lt"],
    ['x (', "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['x in (=', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['x in (,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['x=(', "unable to parse requirement: found '(', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['x<a', "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"],
    [
      'x>9223372036854775808',
      "unable to parse requirement: values[0]: Invalid value: \"9223372036854775808\": for 'Gt', 'Lt' operators, the value must be an integer",
    ],
    ['x=a_', `unable to parse requirement: values[0][x]: Invalid value: "a_": ${labelValueMsg}`],
    ['x=a||y=b', `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${labelValueMsg}`],
    [
      'x>a_',
      `unable to parse requirement: [values[0]: Invalid value: "a_": for 'Gt', 'Lt' operators, the value must be an integer, values[0][x]: Invalid value: "a_": ${labelValueMsg}]`,
    ],
    [
      'a/b/c',
      `unable to parse requirement: <nil>: Invalid value: "a/b/c": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is ${labelKeyRegex}) with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    [
      'Foo.com/bar=1',
      `unable to parse requirement: <nil>: Invalid value: "Foo.com/bar": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ],
    [
      '-x',
      `unable to parse requirement: <nil>: Invalid value: "-x": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is ${labelKeyRegex})`,
    ],
  ])('reports %j exactly as upstream', (s, message) => {
    expect(parseError(s).message).toBe(message);
  });

  it('treats a NUL character like the end of input, as upstream does', () => {
    expect(parseLabelSelector('x\u0000').toString()).toBe('x');
  });
});

describe('LabelSelector.matches', () => {
  const match = (s: string, labels: Record<string, string> | undefined) => parseLabelSelector(s).matches(labels);

  it('follows upstream TestSelectorMatches', () => {
    expect(match('', { x: 'y' })).toBe(true);
    expect(match('x=y', { x: 'y' })).toBe(true);
    expect(match('x=y,z=w', { x: 'y', z: 'w' })).toBe(true);
    expect(match('x!=y,z!=w', { x: 'z', z: 'a' })).toBe(true);
    expect(match('notin=in', { notin: 'in' })).toBe(true);
    expect(match('x', { x: 'z' })).toBe(true);
    expect(match('!x', { y: 'z' })).toBe(true);
    expect(match('x>1', { x: '2' })).toBe(true);
    expect(match('x<1', { x: '0' })).toBe(true);
    expect(match('x=z', {})).toBe(false);
    expect(match('x=y', { x: 'z' })).toBe(false);
    expect(match('x=y,z=w', { x: 'w', z: 'w' })).toBe(false);
    expect(match('x!=y,z!=w', { x: 'z', z: 'w' })).toBe(false);
    expect(match('x', { y: 'z' })).toBe(false);
    expect(match('!x', { x: 'z' })).toBe(false);
    expect(match('x>1', { x: '0' })).toBe(false);
    expect(match('x<1', { x: '2' })).toBe(false);

    const labels = { foo: 'bar', baz: 'blah' };
    expect(match('foo=bar', labels)).toBe(true);
    expect(match('baz=blah', labels)).toBe(true);
    expect(match('foo=bar,baz=blah', labels)).toBe(true);
    expect(match('foo=blah', labels)).toBe(false);
    expect(match('baz=bar', labels)).toBe(false);
    expect(match('foo=bar,foobar=bar,baz=blah', labels)).toBe(false);
  });

  it('handles sets, missing labels and empty values', () => {
    expect(match('x in (a,b)', { x: 'b' })).toBe(true);
    expect(match('x in (a,b)', { x: 'c' })).toBe(false);
    expect(match('x in (a,b)', {})).toBe(false);
    expect(match('x notin (a,b)', {})).toBe(true);
    expect(match('x notin (a,b)', { x: 'a' })).toBe(false);
    expect(match('x in ()', { x: '' })).toBe(true);
    expect(match('x=', { x: '' })).toBe(true);
    expect(match('x=', {})).toBe(false);
    expect(match('x!=', {})).toBe(true);
    const many = Array.from({ length: 20 }, (_, i) => `v${i}`).join(',');
    expect(match(`x in (${many})`, { x: 'v17' })).toBe(true);
    expect(match(`x notin (${many})`, { x: 'v17' })).toBe(false);
  });

  it('treats undefined labels as an empty set', () => {
    expect(match('!x', undefined)).toBe(true);
    expect(match('x notin (a)', undefined)).toBe(true);
    expect(match('x', undefined)).toBe(false);
    expect(match('', undefined)).toBe(true);
  });

  it('compares gt/lt as 64-bit integers and never matches non-integers', () => {
    expect(match('x>9007199254740992', { x: '9007199254740993' })).toBe(true);
    // A signed bound is not a valid label value, so upstream rejects it even though ParseInt would accept it.
    expect(() => parseLabelSelector('x<-5')).toThrow(ApiError);
    expect(() => parseLabelSelector('x>+5')).toThrow(ApiError);
    expect(match('x>5', { x: '-6' })).toBe(false);
    expect(match('x>5', { x: '+6' })).toBe(true);
    expect(match('x>5', { x: 'six' })).toBe(false);
    expect(match('x<5', { x: '' })).toBe(false);
    expect(match('x<5', { x: '99999999999999999999' })).toBe(false);
  });

  it('does not see inherited object properties as labels', () => {
    expect(match('constructor', {})).toBe(false);
    expect(match('!toString', {})).toBe(true);
    expect(match('hasOwnProperty notin (a)', {})).toBe(true);
  });
});

describe('helpers', () => {
  it('reports emptiness and exact matches', () => {
    expect(parseLabelSelector('').empty).toBe(true);
    expect(everythingSelector().empty).toBe(true);
    expect(parseLabelSelector('x').empty).toBe(false);
    const s = parseLabelSelector('a=1,b in (2),c in (3,4),d!=5');
    expect(s.requiresExactMatch('a')).toBe('1');
    expect(s.requiresExactMatch('b')).toBe('2');
    expect(s.requiresExactMatch('c')).toBeUndefined();
    expect(s.requiresExactMatch('d')).toBeUndefined();
    expect(s.requiresExactMatch('z')).toBeUndefined();
  });

  it('selectorFromSet matches exactly the set', () => {
    expect(selectorFromSet({}).empty).toBe(true);
    expect(selectorFromSet(undefined).matches({ a: 'b' })).toBe(true);
    const s = selectorFromSet({ foo: 'bar', baz: 'blah' });
    expect(s.toString()).toBe('baz=blah,foo=bar');
    expect(s.matches({ foo: 'bar', baz: 'blah', x: 'y' })).toBe(true);
    expect(s.matches({ foo: '=blah', baz: 'blah' })).toBe(false);
  });
});

describe('labelSelectorFromObject', () => {
  function objectError(sel: Parameters<typeof labelSelectorFromObject>[0]): string {
    try {
      labelSelectorFromObject(sel);
    } catch (e) {
      if (e instanceof ApiError) return e.message;
      throw e;
    }
    throw new Error('expected failure');
  }

  it('maps nil to nothing and empty to everything', () => {
    expect(labelSelectorFromObject(undefined)).toBe(nothingSelector());
    expect(nothingSelector().matches({})).toBe(false);
    expect(nothingSelector().empty).toBe(false);
    expect(labelSelectorFromObject({})).toBe(everythingSelector());
    expect(labelSelectorFromObject({ matchLabels: {}, matchExpressions: [] }).matches({ a: 'b' })).toBe(true);
  });

  it('combines matchLabels and matchExpressions', () => {
    const s = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'back'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist', values: [] },
      ],
    });
    expect(s.toString()).toBe('app=web,env notin (prod),!legacy,team,tier in (back,front)');
    expect(s.matches({ app: 'web', tier: 'front', team: 'a' })).toBe(true);
    expect(s.matches({ app: 'web', tier: 'front', team: 'a', env: 'prod' })).toBe(false);
    expect(s.matches({ app: 'web', tier: 'front', team: 'a', legacy: '' })).toBe(false);
    expect(s.matches({ app: 'web', tier: 'mid', team: 'a' })).toBe(false);
  });

  it('reports invalid requirements with upstream text', () => {
    expect(objectError({ matchExpressions: [{ key: 'a', operator: 'Foo' }] })).toBe(
      '"Foo" is not a valid label selector operator',
    );
    expect(objectError({ matchExpressions: [{ key: 'a', operator: 'In' }] })).toBe(
      "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
    );
    expect(objectError({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['b'] }] })).toBe(
      'values: Invalid value: ["b"]: values set must be empty for exists and does not exist',
    );
    expect(objectError({ matchLabels: { a: 'b_' } })).toBe(`values[0][a]: Invalid value: "b_": ${labelValueMsg}`);
    expect(objectError({ matchLabels: { 'a b': 'c' } })).toBe(
      `key: Invalid value: "a b": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is ${labelKeyRegex})`,
    );
    expect(objectError({ matchExpressions: [{ key: 'k', operator: 'Exists', values: ['a_'] }] })).toBe(
      `[values: Invalid value: ["a_"]: values set must be empty for exists and does not exist, values[0][k]: Invalid value: "a_": ${labelValueMsg}]`,
    );
  });
});
