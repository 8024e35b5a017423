// Tests for field selector parsing, escaping and matching, using upstream's fields/selector_test.go vectors.
import { ApiError } from './errors.js';
import {
  escapeFieldValue,
  everythingFieldSelector,
  parseFieldSelector,
  unknownFieldSelectorError,
  unsupportedFieldError,
} from './field-selector.js';

function parseError(s: string): ApiError {
  try {
    parseFieldSelector(s);
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(s)} to fail`);
}

const fromSet = (set: Record<string, string>) => (name: string) => set[name];

describe('parseFieldSelector', () => {
  it.each(['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=a||y\\=b', 'x=a\\=\\=b'])('accepts %j and prints it back', (s) => {
    expect(parseFieldSelector(s).toString()).toBe(s);
  });

  it.each(['x=a||y=b', 'x==a==b', 'x=a,b', 'x in (a)', 'x in (a,b,c)', 'x'])('rejects %j', (s) => {
    const err = parseError(s);
    expect(err.code).toBe(400);
    expect(err.reason).toBe('BadRequest');
  });

  it.each([
    ['x=a,b', "invalid selector: 'x=a,b'; can't understand 'b'"],
    ['x', "invalid selector: 'x'; can't understand 'x'"],
    ['x in (a)', "invalid selector: 'x in (a)'; can't understand 'x in (a)'"],
    ['x=a||y=b', 'invalid field selector: unescaped character in value: 61'],
    ['x=\\a', 'invalid field selector: invalid escape sequence: \\a'],
    ['x=\\', 'invalid field selector: invalid escape sequence: \\'],
    ['x=\\\\\\', 'invalid field selector: invalid escape sequence: \\'],
  ])('reports %j exactly as upstream', (s, message) => {
    expect(parseError(s).message).toBe(message);
  });

  it('sorts terms, folds == into = and drops empty terms', () => {
    const s = parseFieldSelector('b==2,,a!=1,=');
    expect(s.requirements).toEqual([
      { field: 'a', op: '!=', value: '1' },
      { field: 'b', op: '=', value: '2' },
    ]);
    expect(s.toString()).toBe('a!=1,b=2');
    expect(parseFieldSelector('x=a,a=x').toString()).toBe(parseFieldSelector('a=x,x=a').toString());
    expect(parseFieldSelector('=').empty).toBe(true);
    expect(parseFieldSelector('=v').requirements).toEqual([{ field: '', op: '=', value: 'v' }]);
    // An escaped comma stays inside its term.
    expect(parseFieldSelector('x=a\\,b,y=').requirements).toEqual([
      { field: 'x', op: '=', value: 'a,b' },
      { field: 'y', op: '=', value: '' },
    ]);
  });

  it('splits a term at the first operator and keeps whitespace', () => {
    expect(parseFieldSelector('a!b=c').requirements).toEqual([{ field: 'a!b', op: '=', value: 'c' }]);
    expect(parseFieldSelector('c!=value').requirements).toEqual([{ field: 'c', op: '!=', value: 'value' }]);
    expect(parseFieldSelector('k=\\,').requirements[0].value).toBe(',');
    expect(parseFieldSelector('k=\\=').requirements[0].value).toBe('=');
    expect(parseFieldSelector(' k = v ').requirements).toEqual([{ field: ' k ', op: '=', value: ' v ' }]);
    expect(parseFieldSelector('함=수,목=록').toString()).toBe('목=록,함=수');
  });

  it('escapes values like upstream EscapeValue', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['a', 'a'],
      ['=', '\\='],
      [',', '\\,'],
      ['\\', '\\\\'],
      ['\\=\\,\\', '\\\\\\=\\\\\\,\\\\'],
    ];
    for (const [raw, escaped] of cases) {
      expect(escapeFieldValue(raw)).toBe(escaped);
      expect(parseFieldSelector(`k=${escaped}`).requirements[0]?.value ?? '').toBe(raw);
    }
  });
});

describe('FieldSelector.matches', () => {
  const match = (s: string, set: Record<string, string>) => parseFieldSelector(s).matches(fromSet(set));

  it('follows upstream TestSelectorMatches', () => {
    expect(match('', { x: 'y' })).toBe(true);
    expect(match('x=y', { x: 'y' })).toBe(true);
    expect(match('x=y,z=w', { x: 'y', z: 'w' })).toBe(true);
    expect(match('x!=y,z!=w', { x: 'z', z: 'a' })).toBe(true);
    expect(match('notin=in', { notin: 'in' })).toBe(true);
    expect(match('x=y', { x: 'z' })).toBe(false);
    expect(match('x=y,z=w', { x: 'w', z: 'w' })).toBe(false);
    expect(match('x!=y,z!=w', { x: 'z', z: 'w' })).toBe(false);

    const fields = { foo: 'bar', baz: 'blah', complex: '=value\\,\\' };
    expect(match('foo=bar', fields)).toBe(true);
    expect(match('baz=blah', fields)).toBe(true);
    expect(match('foo=bar,baz=blah', fields)).toBe(true);
    expect(match('foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\', fields)).toBe(true);
    expect(match('foo=blah', fields)).toBe(false);
    expect(match('baz=bar', fields)).toBe(false);
    expect(match('foo=bar,foobar=bar,baz=blah', fields)).toBe(false);
  });

  it('reads a missing field as the empty string', () => {
    expect(match('spec.nodeName=', {})).toBe(true);
    expect(match('spec.nodeName!=', {})).toBe(false);
    expect(match('spec.nodeName!=n1', {})).toBe(true);
  });
});

describe('FieldSelector helpers', () => {
  it('reports emptiness and exact matches', () => {
    expect(everythingFieldSelector().empty).toBe(true);
    expect(parseFieldSelector('').empty).toBe(true);
    const s = parseFieldSelector('metadata.name=a,status.phase!=Running');
    expect(s.empty).toBe(false);
    expect(s.requiresExactMatch('metadata.name')).toBe('a');
    expect(s.requiresExactMatch('status.phase')).toBeUndefined();
  });

  it('transforms like upstream TestTransform', () => {
    const id = (f: string, v: string): [string, string] => [f, v];
    expect(parseFieldSelector('').transform(id).toString()).toBe('');
    expect(parseFieldSelector('a=b,c=d').transform(id).toString()).toBe('a=b,c=d');
    expect(
      parseFieldSelector('a=b,c=d')
        .transform((f, v) => (f === 'a' ? ['e', 'f'] : [f, v]))
        .toString(),
    ).toBe('e=f,c=d');
    const emptied = parseFieldSelector('a=b').transform(() => ['', '']);
    expect(emptied.empty).toBe(true);
    expect(
      parseFieldSelector('a=b,c=d,e=f')
        .transform((f, v) => (f === 'c' ? ['', ''] : [f, v]))
        .toString(),
    ).toBe('a=b,e=f');
  });

  it('lets a transform reject unsupported fields', () => {
    const podFields = new Set(['metadata.name', 'spec.nodeName']);
    const fn = (f: string, v: string): [string, string] => {
      if (f === 'spec.host') return ['spec.nodeName', v];
      if (!podFields.has(f)) throw unsupportedFieldError(f, 'pods');
      return [f, v];
    };
    expect(parseFieldSelector('spec.host=n1').transform(fn).toString()).toBe('spec.nodeName=n1');
    expect(() => parseFieldSelector('spec.foo=x').transform(fn)).toThrow('field label not supported: spec.foo');
  });

  it('builds the upstream 400s for unsupported fields', () => {
    const e = unsupportedFieldError('spec.foo', 'pods');
    expect(e.code).toBe(400);
    expect(e.reason).toBe('BadRequest');
    expect(e.message).toBe('field label not supported: spec.foo');
    const d = unknownFieldSelectorError('spec.foo');
    expect(d.code).toBe(400);
    expect(d.message).toBe('"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });
});
