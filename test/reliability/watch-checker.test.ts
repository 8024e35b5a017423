// The event-log and watch-consistency checkers accept a faithful watcher and reject planted violations.
import { buildEventLog, everything, type Selection } from './event-log-support.js';
import { canonical, type Observed, type Operation, type Value } from './history-support.js';
import { checkReflector, type RecordedWatch, type SeenEvent } from './watch-checker-support.js';

const obj = (rv: number, v: string, color?: string, uid = 'u1'): Observed => {
  const value: Value = { data: { v }, labels: color ? { color } : {} };
  return { uid, rv: String(rv), value, canonical: canonical(value) };
};
const ev = (type: SeenEvent['type'], name: string, object: Observed): SeenEvent => ({ type, name, object });

// a created red (rv 2), b created (rv 3), a turned blue (rv 4), b deleted (rv 5), a back to red (rv 6).
const stream = [
  ev('ADDED', 'a', obj(2, 'a1', 'red')),
  ev('ADDED', 'b', obj(3, 'b1', 'red', 'u2')),
  ev('MODIFIED', 'a', obj(4, 'a2', 'blue')),
  ev('DELETED', 'b', obj(5, 'b1', 'red', 'u2')),
  ev('MODIFIED', 'a', obj(6, 'a3', 'red')),
];
let id = 0;
const ack = (kind: Operation['kind'], key: string, object?: Observed): Operation => ({
  id: id++, client: 0, kind, key, invoke: 0n, complete: 0n, status: kind === 'create' ? 201 : 200, object,
});
const history = [
  ack('create', 'a', stream[0]!.object),
  ack('create', 'b', stream[1]!.object),
  ack('update', 'a', stream[2]!.object),
  ack('delete', 'b'),
  ack('patch', 'a', stream[4]!.object),
];
const { log, problems } = buildEventLog(stream, history, 1);
const red: Selection = { description: 'color=red', labelSelector: 'color=red', matches: (_n, o) => o.value.labels.color === 'red' };
const finalAll = new Map([['a', stream[4]!.object]]);

function watcher(selection: Selection, segments: RecordedWatch['segments'], state = finalAll): RecordedWatch {
  return { spec: { name: 'w', selection, start: 'list' }, segments, state: new Map(state), problems: [] };
}
const listed = (start: number, items: [string, Observed][] = []) => ({ start, initial: new Map(items), events: [], bookmarks: [] });

test('the log built from a faithful stream has no problems, and replays to any resourceVersion', () => {
  expect(problems).toEqual([]);
  expect([...log.stateAt(3).keys()]).toEqual(['a', 'b']);
  expect(log.stateAt(5).get('a')!.rv).toBe('4');
  expect([...log.stateAt(6, red).keys()]).toEqual(['a']);
});

test('the log rejects a stream that misses an acknowledged write, invents one, or loses a delete', () => {
  expect(buildEventLog(stream.filter((_, i) => i !== 2), history, 1).problems.join('\n')).toMatch(/acknowledged update of a at rv 4 is not in the log/);
  const phantom = [...stream, ev('MODIFIED', 'a', obj(7, 'a4', 'red'))];
  expect(buildEventLog(phantom, history, 1).problems.join('\n')).toMatch(/MODIFIED a at rv 7 matches no acknowledged write/);
  expect(buildEventLog(stream.filter((_, i) => i !== 3), history, 1).problems.join('\n')).toMatch(/b: 1 acknowledged deletes but 0 DELETED/);
});

test('a faithful watcher of everything, cut after rv 3 and resumed, passes', () => {
  const w = watcher(everything, [listed(1), { start: 1, events: stream.slice(0, 2), bookmarks: [{ rv: 3, after: 2 }] }, { start: 3, events: stream.slice(2), bookmarks: [] }]);
  expect(checkReflector(w, log, 6, finalAll)).toEqual([]);
});

test('a selector watcher must see a label change as DELETED and ADDED, carrying the new version', () => {
  const good = [ev('ADDED', 'a', obj(2, 'a1', 'red')), ev('ADDED', 'b', obj(3, 'b1', 'red', 'u2')), ev('DELETED', 'a', obj(4, 'a2', 'blue')), ev('DELETED', 'b', obj(5, 'b1', 'red', 'u2')), ev('ADDED', 'a', obj(6, 'a3', 'red'))];
  expect(checkReflector(watcher(red, [listed(1), { start: 1, events: good, bookmarks: [] }]), log, 6, finalAll)).toEqual([]);
  const missingLeave = good.filter((_, i) => i !== 2);
  expect(checkReflector(watcher(red, [listed(1), { start: 1, events: missingLeave, bookmarks: [] }]), log, 6, finalAll).join('\n')).toMatch(/event 2 is DELETED b@5, expected DELETED a@4/);
});

test('rejects a duplicated, a missing and an out-of-order event, and a watcher that never caught up', () => {
  const check = (events: SeenEvent[]) => checkReflector(watcher(everything, [listed(1), { start: 1, events, bookmarks: [] }]), log, 6, finalAll).join('\n');
  expect(check([stream[0]!, stream[0]!, ...stream.slice(1)])).toMatch(/event 1 is ADDED a@2, expected ADDED b@3/);
  expect(check(stream.filter((_, i) => i !== 1))).toMatch(/event 1 is MODIFIED a@4, expected ADDED b@3/);
  expect(check([stream[1]!, stream[0]!, ...stream.slice(2)])).toMatch(/event 0 is ADDED b@3, expected ADDED a@2/);
  expect(check(stream.slice(0, 4))).toMatch(/event 4 is nothing, expected MODIFIED a@6/);
});

test('rejects a resume from the wrong resourceVersion, a wrong listed state and a wrong rebuilt state', () => {
  const gap = watcher(everything, [listed(1), { start: 1, events: stream.slice(0, 2), bookmarks: [] }, { start: 4, events: stream.slice(3), bookmarks: [] }]);
  expect(checkReflector(gap, log, 6, finalAll).join('\n')).toMatch(/resumed from rv 4, not from the last rv seen \(3\)/);
  const staleList = watcher(everything, [listed(3, [['a', stream[0]!.object]]), { start: 3, events: stream.slice(2), bookmarks: [] }]);
  expect(checkReflector(staleList, log, 6, finalAll).join('\n')).toMatch(/state handed over at rv 3 differs from the log: b missing/);
  const wrongState = watcher(everything, [listed(1), { start: 1, events: stream, bookmarks: [] }], new Map([['a', stream[2]!.object]]));
  expect(checkReflector(wrongState, log, 6, finalAll).join('\n')).toMatch(/rebuilt state differs from the final list: a at rv 4, expected rv 6/);
});

test('rejects a bookmark that goes backwards, or that claims a resourceVersion before its events were all sent', () => {
  const backwards = watcher(everything, [listed(1), { start: 1, events: stream, bookmarks: [{ rv: 5, after: 4 }, { rv: 3, after: 5 }] }]);
  expect(checkReflector(backwards, log, 6, finalAll).join('\n')).toMatch(/bookmark at rv 3 after one at rv 5/);
  const early = watcher(everything, [listed(1), { start: 1, events: stream, bookmarks: [{ rv: 4, after: 2 }] }]);
  expect(checkReflector(early, log, 6, finalAll).join('\n')).toMatch(/bookmark at rv 4 after 2 events, but 3 changes up to it were due/);
});
