// cloneJson copies exactly as a JSON round trip does, and clonePlain as structuredClone does, on plain and odd values.
import { inspect, isDeepStrictEqual } from 'node:util';
import { cloneJson, clonePlain, deepFreeze } from './deep-equal.js';

const roundTrip = (v: unknown): unknown => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

const odd: unknown[] = [
  1,
  -0,
  NaN,
  Infinity,
  'x',
  '\ud800',
  true,
  null,
  [1, undefined, () => 1, NaN, Symbol('s')],
  { a: undefined, b: () => 1, c: [undefined], d: { e: -0 }, s: Symbol('s') },
  JSON.parse('{"__proto__": {"x": 1}, "y": 2}'),
  { 1: 'a', b: 2, 0: 'z' },
  new Date(0),
  { d: new Date(0), m: new Map([[1, 2]]) },
  Object.assign(Object.create(null), { a: 1 }),
  // eslint-disable-next-line no-sparse-arrays
  [, 1],
  { toJSON: () => 5 },
  { x: { toJSON: () => 'q' } },
  [new Uint8Array([1, 2])],
  Buffer.from('ab'),
];

/** Same value, shape, key order and kind of prototype (structuredClone builds its objects in another realm under jest). */
function sameCopy(a: unknown, b: unknown): boolean {
  return inspect(a, { depth: null, showHidden: true }) === inspect(b, { depth: null, showHidden: true });
}

describe('cloneJson', () => {
  test.each(odd.map((v, i) => [i, v]))('case %i matches JSON.parse(JSON.stringify(v))', (_i, v) => {
    expect(sameCopy(cloneJson(v), roundTrip(v))).toBe(true);
  });

  test('random nested values match the round trip, key order and own __proto__ keys included', () => {
    let seed = 3;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const leaf = [1.5, -0, 's', true, null, undefined, NaN];
    const gen = (d: number): unknown => {
      const r = rand(10);
      if (d > 4 || r < 3) return leaf[rand(leaf.length)];
      if (r < 6) return Array.from({ length: rand(4) }, () => gen(d + 1));
      const o: Record<string, unknown> = {};
      for (const k of ['a', 'b', '1', '__proto__'].slice(0, rand(5))) Object.defineProperty(o, k, { value: gen(d + 1), enumerable: true, writable: true, configurable: true });
      return o;
    };
    for (let i = 0; i < 3000; i++) {
      const v = gen(0);
      const copy = cloneJson(v);
      expect(JSON.stringify(copy)).toBe(JSON.stringify(roundTrip(v)));
      expect(isDeepStrictEqual(copy, roundTrip(v))).toBe(true);
    }
  });

  test('the copy shares nothing with the original; cycles and bigints still throw TypeError', () => {
    const v = { a: { b: [{ c: 1 }] } };
    const copy = cloneJson(v);
    copy.a.b[0]!.c = 2;
    expect(v.a.b[0]!.c).toBe(1);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => cloneJson(cycle)).toThrow(TypeError);
    expect(() => cloneJson({ n: 1n })).toThrow(TypeError);
  });
});

describe('clonePlain', () => {
  test.each(odd.filter((v) => !hasFunctionOrSymbol(v)).map((v, i) => [i, v]))('case %i matches structuredClone', (_i, v) => {
    expect(sameCopy(clonePlain(v), structuredClone(v))).toBe(true);
  });

  test('keeps undefined members and throws as structuredClone does for functions', () => {
    const copy = clonePlain({ a: undefined, b: [undefined, NaN] });
    expect(Object.keys(copy)).toEqual(['a', 'b']);
    expect(copy.b).toEqual([undefined, NaN]);
    expect(() => clonePlain({ f: () => 1 })).toThrow();
  });
});

function hasFunctionOrSymbol(v: unknown): boolean {
  if (typeof v === 'function' || typeof v === 'symbol') return true;
  if (v === null || typeof v !== 'object') return false;
  return Object.values(v).some(hasFunctionOrSymbol);
}

describe('deepFreeze', () => {
  test('freezes every object and array inside, in place', () => {
    const value = { metadata: { labels: { a: '1' } }, spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }] }] }, n: 1, s: null };
    expect(deepFreeze(value)).toBe(value);
    for (const part of [value, value.metadata, value.metadata.labels, value.spec, value.spec.containers, value.spec.containers[0], value.spec.containers[0]!.ports[0]]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => {
      value.spec.containers[0]!.name = 'x';
    }).toThrow(TypeError);
  });

  test('a new version that shares frozen parts with an old one still has its own new parts frozen', () => {
    const old = deepFreeze({ metadata: { name: 'a' }, spec: { replicas: 1, template: { labels: { a: '1' } } } });
    const next = { ...old, metadata: { ...old.metadata, resourceVersion: '2' }, status: { conditions: [{ type: 'Ready' }] } };
    deepFreeze(next);
    expect(next.spec).toBe(old.spec);
    expect(Object.isFrozen(next.metadata) && Object.isFrozen(next.status.conditions[0])).toBe(true);
  });

  test('leaves primitives and typed arrays alone', () => {
    expect(deepFreeze('s')).toBe('s');
    expect(deepFreeze(null)).toBe(null);
    const holder = deepFreeze({ bytes: new Uint8Array([1, 2]) });
    expect(Object.isFrozen(holder)).toBe(true);
    holder.bytes[0] = 9;
    expect(holder.bytes[0]).toBe(9);
  });
});
