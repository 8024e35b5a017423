// Merge results and list ordering, checked against upstream structured-merge-diff's merge cases.
import { deepEqual } from '../../meta/deep-equal.js';
import { schemaTree } from '../schema-tree.js';
import { compareValues } from './compare.js';
import { MergeError, mergeValues } from './merge.js';
import { typeOf } from './typed-schema.js';

const set = (type: string) => ({ type: 'array', items: { type }, 'x-kubernetes-list-type': 'set' });
const root = typeOf(
  schemaTree({
    'x.Root': {
      type: 'object',
      properties: {
        numeric: { type: 'number' },
        string: { type: 'string' },
        bool: { type: 'boolean' },
        setStr: set('string'),
        setBool: set('boolean'),
        setNumeric: set('number'),
        list: { type: 'array', items: { $ref: '#/definitions/x.Elem' }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['key', 'id'] },
        atomicList: { type: 'array', items: { type: 'string' } },
        inner: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    'x.Elem': {
      type: 'object',
      properties: {
        key: { type: 'string' },
        id: { type: 'number' },
        value: { type: 'object', additionalProperties: { type: 'string' } },
        bv: { type: 'boolean' },
        nv: { type: 'number' },
      },
    },
  }).root('x.Root')!,
);

// lhs (may repeat keys), rhs, expected merge.
const triplets: Array<[string, string, string]> = [
  ['{"numeric":1}', '{"numeric":3.14159}', '{"numeric":3.14159}'],
  ['{"string":"aoeu"}', '{"bool":true}', '{"string":"aoeu","bool":true}'],
  ['{}', '{"inner":{}}', '{"inner":{}}'],
  ['{"inner":{}}', '{"inner":null}', '{"inner":null}'],
  ['{"inner":{"a":"b"}}', '{"inner":{}}', '{"inner":{"a":"b"}}'],
  ['{"setStr":["a","b","c"]}', '{"setStr":["a","b"]}', '{"setStr":["a","b","c"]}'],
  ['{"setStr":["a","b","c"]}', '{"setStr":[]}', '{"setStr":["a","b","c"]}'],
  ['{"setStr":["a","b"]}', '{"setStr":["b","a"]}', '{"setStr":["b","a"]}'],
  ['{"setStr":["a","b","c"]}', '{"setStr":["c","d","e","f"]}', '{"setStr":["a","b","c","d","e","f"]}'],
  ['{"setStr":["a","b","c","g","f"]}', '{"setStr":["c","d","e","f"]}', '{"setStr":["a","b","c","g","d","e","f"]}'],
  ['{"setStr":["c","d","e","f"]}', '{"setStr":["a","c","e"]}', '{"setStr":["a","c","d","e","f"]}'],
  ['{"setStr":["a","b","c","x","y","z"]}', '{"setStr":["d","e","f","x","y","z"]}', '{"setStr":["a","b","c","d","e","f","x","y","z"]}'],
  ['{"setStr":["c","a","g","f"]}', '{"setStr":["c","f","a","g"]}', '{"setStr":["c","f","a","g"]}'],
  ['{"setStr":["a","b","c","d"]}', '{"setStr":["d","e","f","a"]}', '{"setStr":["b","c","d","e","f","a"]}'],
  ['{"setStr":["c","d","e","f","g","h","i","j"]}', '{"setStr":["2","h","3","e","4","k","l"]}', '{"setStr":["c","d","f","g","2","h","i","j","3","e","4","k","l"]}'],
  ['{"setStr":["a","b","c","d","e","f","g","h","i","j"]}', '{"setStr":["1","b","2","h","3","e","4","k","l"]}', '{"setStr":["a","1","b","c","d","f","g","2","h","i","j","3","e","4","k","l"]}'],
  ['{"setStr":["a","b","b"]}', '{"setStr":["c"]}', '{"setStr":["a","b","b","c"]}'],
  ['{"setStr":["a","b","b"]}', '{"setStr":["b"]}', '{"setStr":["a","b"]}'],
  ['{"setStr":["a","b","c","d","e","c"]}', '{"setStr":["1","b","2","e","d"]}', '{"setStr":["a","1","b","c","2","e","c","d"]}'],
  ['{"setStr":["a","b","c","d","e","c"]}', '{"setStr":["1","b","2","c","e","d"]}', '{"setStr":["a","1","b","2","c","e","d"]}'],
  ['{"setStr":["a","a","b","b"]}', '{"setStr":["b","c","d"]}', '{"setStr":["a","a","b","c","d"]}'],
  ['{"setBool":[true]}', '{"setBool":[false]}', '{"setBool":[true,false]}'],
  ['{"setNumeric":[1,2,3.14159]}', '{"setNumeric":[1,2,3]}', '{"setNumeric":[1,2,3.14159,3]}'],
  ['{"setBool":[true,false,true]}', '{"setBool":[true]}', '{"setBool":[true,false]}'],
  ['{"list":[{"key":"a","id":1,"value":{"a":"a"}}]}', '{"list":[{"key":"a","id":2,"value":{"a":"a"}}]}', '{"list":[{"key":"a","id":1,"value":{"a":"a"}},{"key":"a","id":2,"value":{"a":"a"}}]}'],
  ['{"list":[{"key":"b","id":2}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}'],
  ['{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"c","id":3},{"key":"a","id":1}]}', '{"list":[{"key":"b","id":2},{"key":"c","id":3},{"key":"a","id":1}]}'],
  ['{"atomicList":["a","b","c"]}', '{"atomicList":[]}', '{"atomicList":[]}'],
  [
    '{"list":[{"key":"a","id":1,"bv":true},{"key":"b","id":2},{"key":"a","id":1,"bv":false,"nv":2}]}',
    '{"list":[{"key":"a","id":1,"nv":3},{"key":"c","id":3},{"key":"b","id":2}]}',
    '{"list":[{"key":"a","id":1,"nv":3},{"key":"c","id":3},{"key":"b","id":2}]}',
  ],
  ['{"list":[{"key":"a","id":1,"nv":1},{"key":"a","id":1,"nv":2}]}', '{}', '{"list":[{"key":"a","id":1,"nv":1},{"key":"a","id":1,"nv":2}]}'],
];

test.each(triplets)('%s + %s', (lhs, rhs, out) => {
  const got = mergeValues(JSON.parse(lhs), JSON.parse(rhs), root);
  // Upstream compares values, so key order within objects does not matter but list order does.
  expect(deepEqual(got, JSON.parse(out)) ? JSON.parse(out) : got).toEqual(JSON.parse(out));
});

test('the applied side may not repeat a key', () => {
  expect(() => mergeValues({}, { setStr: ['a', 'a'] }, root)).toThrow(new MergeError('.setStr: duplicate entries for key [="a"]'));
});

describe('comparison', () => {
  test.each([
    ['a changed scalar', '{"numeric":1}', '{"numeric":2}', [[], ['.numeric'], []]],
    ['an added map is a member with its keys', '{}', '{"inner":{"a":"b"}}', [['.inner', '.inner.a'], [], []]],
    ['an emptied map loses its keys only', '{"inner":{"a":"b"}}', '{"inner":{}}', [[], [], ['.inner.a']]],
    ['set items', '{"setStr":["a","b"]}', '{"setStr":["b","c"]}', [['.setStr[="c"]'], [], ['.setStr[="a"]']]],
    ['an atomic list is one leaf', '{"atomicList":["a"]}', '{"atomicList":["a","b"]}', [[], ['.atomicList'], []]],
    ['a key repeated before: the whole item is removed and the new one added', '{"list":[{"key":"a","id":1,"nv":1},{"key":"a","id":1,"nv":2}]}', '{"list":[{"key":"a","id":1,"nv":3}]}', [
      ['.list[id=1,key="a"]', '.list[id=1,key="a"].id', '.list[id=1,key="a"].key', '.list[id=1,key="a"].nv'],
      [],
      ['.list[id=1,key="a"]'],
    ]],
  ] as Array<[string, string, string, [string[], string[], string[]]]>)('%s', (_name, lhs, rhs, [added, modified, removed]) => {
    const c = compareValues(JSON.parse(lhs), JSON.parse(rhs), root);
    const lines = (s: { toString(): string }) => (s.toString() ? s.toString().split('\n') : []);
    expect([lines(c.added), lines(c.modified), lines(c.removed)]).toEqual([added, modified, removed]);
  });
});
