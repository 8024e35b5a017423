// Work queue semantics on a virtual clock: de-duplication, no concurrent processing of a key, delays and backoff.
import { VirtualClock } from '../../clock/virtual-clock.js';
import { ExponentialBackoff, WorkQueue } from './work-queue.js';

test('adds de-duplicate and keep order', () => {
  const q = new WorkQueue(new VirtualClock());
  q.add('a');
  q.add('b');
  q.add('a');
  expect(q.len()).toBe(2);
  expect(q.get()).toBe('a');
  expect(q.get()).toBe('b');
  expect(q.get()).toBeUndefined();
});

test('a key added while processing is handed out again only after done', () => {
  const q = new WorkQueue(new VirtualClock());
  q.add('a');
  expect(q.get()).toBe('a');
  q.add('a');
  q.add('a');
  expect(q.len()).toBe(0);
  expect(q.get()).toBeUndefined();
  q.done('a');
  expect(q.len()).toBe(1);
  expect(q.get()).toBe('a');
  q.done('a');
  expect(q.isIdle()).toBe(true);
});

test('addAfter waits for the clock and keeps the earliest time per key', () => {
  const clock = new VirtualClock();
  const q = new WorkQueue(clock);
  q.addAfter('a', 100);
  q.addAfter('a', 50);
  q.addAfter('a', 500);
  expect(q.waitingKeys()).toEqual(['a']);
  clock.advance(49);
  expect(q.len()).toBe(0);
  clock.advance(1);
  expect(q.len()).toBe(1);
  expect(clock.nextDueTime()).toBeUndefined();
});

test('addRateLimited backs off exponentially per key, and forget resets it', () => {
  const clock = new VirtualClock();
  const q = new WorkQueue(clock);
  const delays: number[] = [];
  for (let i = 0; i < 4; i++) {
    q.addRateLimited('a');
    const start = clock.now();
    clock.advance(clock.nextDueTime()! - start);
    delays.push(clock.now() - start);
    expect(q.get()).toBe('a');
    q.done('a');
  }
  expect(delays).toEqual([5, 10, 20, 40]);
  expect(q.numRequeues('a')).toBe(4);
  q.forget('a');
  q.addRateLimited('a');
  expect(clock.nextDueTime()! - clock.now()).toBe(5);
});

test('backoff is capped at 1000 s', () => {
  const b = new ExponentialBackoff();
  let last = 0;
  for (let i = 0; i < 40; i++) last = b.when('x');
  expect(last).toBe(1_000_000);
  expect(b.when('y')).toBe(5);
});

test('shutDown drops pending work and timers', () => {
  const clock = new VirtualClock();
  const q = new WorkQueue(clock);
  q.add('a');
  q.addAfter('b', 10);
  q.shutDown();
  expect(q.len()).toBe(0);
  expect(clock.nextDueTime()).toBeUndefined();
  q.add('c');
  expect(q.len()).toBe(0);
});
