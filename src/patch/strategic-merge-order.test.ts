// Ordering helpers of strategic merge patch: Go's stable sort replayed, and upstream's interleaving of live and patch elements.
import { ApiError } from '../meta/errors.js';
import { goEqual, goKind, goStable, normalizeElementOrder, partitionMaps, partitionPrimitives } from './strategic-merge-order.js';

/** sort.SliceStable over item indexes with upstream's comparator ("less" whenever an index is -1). */
function goSortPermutation(indexes: number[]): number[] {
  const items = indexes.map((index, position) => ({ index, position }));
  goStable(items, (a, b) => (a.index >= 0 && b.index >= 0 ? a.index < b.index : true));
  return items.map((i) => i.position);
}

describe('goStable', () => {
  // Expected permutations were produced by Go's sort.SliceStable with the same comparator.
  it.each([5, 20, 21, 45])('reverses %i elements none of which is found', (n) => {
    const expected = Array.from({ length: n }, (_, i) => n - 1 - i);
    expect(goSortPermutation(Array(n).fill(-1))).toEqual(expected);
  });

  it('matches Go on a short mixed list', () => {
    expect(goSortPermutation([3, -1, 0, 2, -1, 1])).toEqual([4, 2, 5, 3, 1, 0]);
  });

  it('matches Go on a mixed list long enough for symMerge', () => {
    const indexes = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? -1 : (i * 7) % 30));
    expect(goSortPermutation(indexes)).toEqual([27, 26, 24, 22, 18, 15, 13, 12, 9, 6, 5, 3, 1, 14, 10, 23, 19, 2, 28, 21, 11, 7, 20, 16, 29, 25, 8, 4, 17, 0]);
  });

  it('is an ordinary stable sort when the comparator is consistent', () => {
    const data = Array.from({ length: 50 }, (_, i) => ({ key: (i * 13) % 7, i }));
    goStable(data, (a, b) => a.key < b.key);
    const expected = [...data].sort((a, b) => a.key - b.key || a.i - b.i);
    expect(data).toEqual(expected);
  });
});

describe('normalizeElementOrder', () => {
  const named = (...names: string[]) => names.map((name) => ({ name }));

  it('puts live elements before patch elements that come later in the live list', () => {
    const live = named('a', 'b', 'c');
    // c is in the patch; a and b are server-only and precede it in the live list.
    expect(normalizeElementOrder(named('c'), named('a', 'b'), named('c'), live, 'name', 'map')).toEqual(named('a', 'b', 'c'));
  });

  it('puts patch elements unknown to the live list first', () => {
    expect(normalizeElementOrder(named('new'), named('a', 'b'), named('new'), named('a', 'b'), 'name', 'map')).toEqual(named('new', 'a', 'b'));
  });

  it('orders the patch side by the order list and the server side by the live list', () => {
    const out = normalizeElementOrder(named('c', 'a'), named('d', 'b'), named('a', 'c'), named('a', 'b', 'c', 'd'), 'name', 'map');
    expect(out).toEqual(named('a', 'b', 'c', 'd'));
  });

  it('orders primitives by value; a value new to the live list goes before the live ones still waiting', () => {
    expect(normalizeElementOrder(['z', 'x'], ['y'], ['x', 'z'], ['x', 'y'], '', 'string')).toEqual(['x', 'z', 'y']);
  });

  it('leaves $patch: delete elements at the end of their side', () => {
    const out = normalizeElementOrder([{ name: 'b', $patch: 'delete' }, { name: 'a' }], [], named('a', 'b'), [], 'name', 'map');
    expect(out).toEqual([{ name: 'a' }, { name: 'b', $patch: 'delete' }]);
  });
});

describe('partitions and Go equality', () => {
  it('splits maps by merge key presence', () => {
    expect(partitionMaps([{ name: 'a' }, { name: 'b' }], [{ name: 'b' }], 'name')).toEqual([[{ name: 'b' }], [{ name: 'a' }]]);
  });

  it('splits primitives by value', () => {
    expect(partitionPrimitives(['a', 'b', 1], [1, 'a'])).toEqual([['a', 1], ['b']]);
  });

  it('panics like Go when hashing a map', () => {
    expect(() => partitionPrimitives([{ key: 'a' }], [{ key: 'a' }])).toThrow(ApiError);
  });

  it('compares like Go interface values', () => {
    expect(goEqual(1, 1)).toBe(true);
    expect(goEqual(1, 1.5)).toBe(false);
    expect(goEqual(null, undefined)).toBe(true);
    expect(goEqual('1', 1)).toBe(false);
    expect(goEqual({}, [])).toBe(false);
    expect(() => goEqual({}, {})).toThrow(ApiError);
  });

  it('tells int64 from float64 as Go decoding does', () => {
    expect([goKind(3), goKind(3.5), goKind(2 ** 64), goKind(null), goKind([]), goKind({})]).toEqual(['int64', 'float64', 'float64', 'nil', 'slice', 'map']);
  });
});
