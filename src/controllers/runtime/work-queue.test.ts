// Work queue semantics on a virtual clock: de-duplication, no concurrent processing of a key, delays and backoff.
import { VirtualClock } from '../../clock/virtual-clock.js';
import { BucketRateLimiter, defaultControllerRateLimiter, ExponentialBackoff, MaxOfRateLimiter, WorkQueue } from './work-queue.js';

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

test('the default limiter is client-go\'s: per-key 5 ms doubling, and an overall bucket of 100 retries refilled at 10/s', () => {
  const clock = new VirtualClock();
  const limiter = defaultControllerRateLimiter(clock);
  expect([limiter.when('a'), limiter.when('a'), limiter.when('a')]).toEqual([5, 10, 20]);
  limiter.forget('a');
  expect(limiter.when('a')).toBe(5);
  // 4 tokens spent; 96 more keys fail at once and empty the bucket, then each retry waits for its own token.
  for (let i = 0; i < 96; i++) expect(limiter.when(`k${i}`)).toBe(5);
  expect(limiter.when('x')).toBe(100);
  expect(limiter.when('y')).toBe(200);
  clock.advance(10_000);
  expect(limiter.when('z')).toBe(5);
});

test('a storm of failing keys is spread out by the bucket instead of retried all at once', () => {
  const clock = new VirtualClock();
  const q = new WorkQueue(clock);
  for (let i = 0; i < 150; i++) q.addRateLimited(`k${i}`);
  clock.advance(5);
  expect(q.len()).toBe(100);
  clock.advance(5_000 - 5);
  expect(q.len()).toBe(150);
});

test('MaxOfRateLimiter and BucketRateLimiter keep their own counts', () => {
  const clock = new VirtualClock();
  const max = new MaxOfRateLimiter(new ExponentialBackoff(1, 8), new BucketRateLimiter(clock, 1, 2));
  expect([max.when('a'), max.when('a'), max.when('a'), max.when('a')]).toEqual([1, 2, 1000, 2000]);
  expect(max.numRequeues('a')).toBe(4);
});
