// The linearizability checker accepts histories a register could produce and rejects planted violations.
import { canonical, type Operation, type Value } from './history-support.js';
import { checkHistory, checkKey, describeVerdict } from './linearizability-support.js';

let nextId = 0;
const value = (v: string, labels: Record<string, string> = {}): Value => ({ data: { v }, labels });
const obj = (rv: string, v: Value, uid = 'u1') => ({ uid, rv, value: v, canonical: canonical(v) });

/** An operation over [from, to] (arbitrary time units). */
function op(from: number, to: number, o: Partial<Operation> & Pick<Operation, 'kind' | 'status'>): Operation {
  return { id: nextId++, client: 0, key: 'k', invoke: BigInt(from), complete: BigInt(to), ...o };
}

const created = (from: number, to: number, v: Value, rv: string, uid = 'u1') =>
  op(from, to, { kind: 'create', status: 201, value: v, object: obj(rv, v, uid) });
const updated = (from: number, to: number, v: Value, rv: string, expectedRv?: string) =>
  op(from, to, { kind: 'update', status: 200, value: v, expectedRv, object: obj(rv, v) });
const read = (from: number, to: number, v: Value, rv: string, uid = 'u1') => op(from, to, { kind: 'get', status: 200, object: obj(rv, v, uid) });
const conflict = (from: number, to: number, v: Value, expectedRv: string) =>
  op(from, to, { kind: 'update', status: 409, reason: 'Conflict', value: v, expectedRv });

const a = value('a');
const b = value('b');
const c = value('c');

test('a sequential create, update, read, delete, read history is linearizable', () => {
  const v = checkKey('k', [
    created(0, 1, a, '5'),
    updated(2, 3, b, '7', '5'),
    read(4, 5, b, '7'),
    op(6, 7, { kind: 'delete', status: 200, expectedRv: '7' }),
    op(8, 9, { kind: 'get', status: 404, reason: 'NotFound' }),
  ]);
  expect(v.linearizable).toBe(true);
});

test('concurrent operations are accepted when some order explains them, even if it is not the invocation order', () => {
  // The read overlaps both writes and sees the second: the search must try the orders, not take them as invoked.
  const v = checkKey('k', [
    created(0, 1, a, '5'),
    read(2, 20, c, '9'),
    updated(3, 10, b, '7', '5'),
    updated(4, 11, c, '9'),
    conflict(5, 12, value('x'), '5'),
  ]);
  expect(describeVerdict(v)).toMatch(/: linearizable/);
});

test('rejects a lost update: two compare-and-swaps from the same resourceVersion both succeed', () => {
  const v = checkKey('k', [created(0, 1, a, '5'), updated(2, 6, b, '7', '5'), updated(3, 7, c, '8', '5')]);
  expect(v.linearizable).toBe(false);
  expect(describeVerdict(v)).toMatch(/NOT linearizable/);
});

test('rejects a stale read: a read that starts after a write completed shows the older version', () => {
  const v = checkKey('k', [created(0, 1, a, '5'), updated(2, 3, b, '7'), read(4, 5, a, '5')]);
  expect(v.linearizable).toBe(false);
});

test('rejects a read of a value never written, and a write whose resourceVersion does not move forward', () => {
  expect(checkKey('k', [created(0, 1, a, '5'), read(2, 3, c, '5')]).linearizable).toBe(false);
  expect(checkKey('k', [created(0, 1, a, '5'), updated(2, 3, b, '4')]).linearizable).toBe(false);
});

test('rejects a 409 for a compare-and-swap that held the current resourceVersion, and a 409 without one', () => {
  expect(checkKey('k', [created(0, 1, a, '5'), conflict(2, 3, b, '5')]).linearizable).toBe(false);
  const unpinned = op(2, 3, { kind: 'update', status: 409, reason: 'Conflict', value: b });
  expect(checkKey('k', [created(0, 1, a, '5'), unpinned]).linearizable).toBe(false);
});

test('rejects two creates of one name that both succeed, and a read of a deleted object after the delete', () => {
  expect(checkKey('k', [created(0, 5, a, '5', 'u1'), created(1, 6, b, '6', 'u2')]).linearizable).toBe(false);
  const deleted = op(2, 3, { kind: 'delete', status: 200 });
  expect(checkKey('k', [created(0, 1, a, '5'), deleted, read(4, 5, a, '5')]).linearizable).toBe(false);
});

test('a merge patch must show the stored value with the patch applied', () => {
  const patch = { data: { p: 'x' }, labels: { color: 'red' } };
  const good = { data: { v: 'a', p: 'x' }, labels: { color: 'red' } };
  const patched = (v: Value) => op(2, 3, { kind: 'patch', status: 200, patch, object: obj('6', v) });
  expect(checkKey('k', [created(0, 1, a, '5'), patched(good)]).linearizable).toBe(true);
  expect(checkKey('k', [created(0, 1, a, '5'), patched({ data: { p: 'x' }, labels: { color: 'red' } })]).linearizable).toBe(false);
});

test('a list is a read of every key: one that misses an object created before it began is rejected', () => {
  const create = { ...created(0, 1, a, '5'), key: 'k1' };
  const list = (items: [string, ReturnType<typeof obj>][]) => op(2, 3, { kind: 'list', key: '', status: 200, items: new Map(items), listRv: '5' });
  expect(checkHistory([create, list([['k1', obj('5', a)]])], ['k1', 'k2']).every((v) => v.linearizable)).toBe(true);
  const verdicts = checkHistory([create, list([])], ['k1', 'k2']);
  expect(verdicts.find((v) => v.key === 'k1')!.linearizable).toBe(false);
  expect(verdicts.find((v) => v.key === 'k2')!.linearizable).toBe(true);
});
