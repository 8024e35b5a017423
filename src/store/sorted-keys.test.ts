// The chunked key index agrees with a plain sorted array through inserts, deletes, chunk splits and prefix ranges.
import { ArrayKeys, SortedKeys, upperBound, upperBoundAfter, type KeyIndex } from './sorted-keys.js';

function all(keys: KeyIndex, from = 0, end = keys.length): string[] {
  const out: string[] = [];
  keys.scan(from, end, (k) => out.push(k) > 0);
  return out;
}

describe('SortedKeys', () => {
  test('stays equal to a sorted array across thousands of random inserts and deletes', () => {
    const index = new SortedKeys();
    const present = new Set<string>();
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    for (let step = 0; step < 6000; step++) {
      const key = `/registry/${['pods', 'nodes', 'pods2'][rand(3)]}/ns${rand(3)}/k${rand(2500)}`;
      if (rand(4) === 0) {
        index.delete(key);
        present.delete(key);
      } else {
        index.insert(key);
        present.add(key);
      }
      if (step % 500 === 0 || step === 5999) {
        const sorted = [...present].sort();
        expect(index.length).toBe(sorted.length);
        expect(all(index)).toEqual(sorted);
        const plain = new ArrayKeys(sorted);
        for (const prefix of ['', '/registry/pods/', '/registry/pods', '/registry/pods/ns1/', '/registry/pods/ns1/k1', '/zz']) {
          expect(index.lowerBound(prefix)).toBe(plain.lowerBound(prefix));
          expect(upperBound(index, prefix)).toBe(upperBound(plain, prefix));
          expect(all(index, index.lowerBound(prefix), upperBound(index, prefix))).toEqual(sorted.filter((k) => k.startsWith(prefix)));
        }
        const some = sorted[rand(sorted.length)]!;
        expect(upperBoundAfter(index, some)).toBe(sorted.indexOf(some) + 1);
        expect(upperBoundAfter(index, some + '!')).toBe(plain.lowerBound(some + '!'));
      }
    }
  });

  test('a key continuing with U+FFFF after the prefix is still inside the prefix range', () => {
    const index = new SortedKeys();
    for (const k of ['/a/x', '/a/\uffff', '/a/\uffff\uffffz', '/a0', '/b']) index.insert(k);
    expect(all(index, index.lowerBound('/a/'), upperBound(index, '/a/'))).toEqual(['/a/x', '/a/\uffff', '/a/\uffff\uffffz']);
  });

  test('inserting a present key or deleting an absent one changes nothing', () => {
    const index = new SortedKeys();
    index.insert('/a');
    index.insert('/a');
    index.delete('/b');
    expect(all(index)).toEqual(['/a']);
    index.delete('/a');
    expect(index.length).toBe(0);
    expect(all(index)).toEqual([]);
    expect(upperBound(index, '/')).toBe(0);
  });
});
