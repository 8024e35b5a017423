// The scheduling queue on a virtual clock: priority order, the unschedulable pool, backoff and the 5-minute flush.
import { VirtualClock } from '../clock/virtual-clock.js';
import { MAX_BACKOFF_MS, SchedulingQueue, type ClusterEvent } from './scheduling-queue.js';

const nodeAdded: ClusterEvent = { label: 'NodeAdd', plugins: 'all' };
const podDeleted: ClusterEvent = { label: 'AssignedPodDelete', plugins: new Set(['NodeResourcesFit']) };

function setup() {
  const clock = new VirtualClock();
  const ready: string[] = [];
  const queue = new SchedulingQueue(clock, (key) => ready.push(key));
  return { clock, ready, queue };
}

it('pops by priority, then first come first served', () => {
  const { clock, queue } = setup();
  queue.add('ns/low', 0);
  clock.advance(1);
  queue.add('ns/high', 1000);
  queue.add('ns/also-low', 0);
  expect([queue.pop(), queue.pop(), queue.pop(), queue.pop()]).toEqual(['ns/high', 'ns/low', 'ns/also-low', undefined]);
});

it('keeps an unschedulable pod until an event that concerns its rejecting plugins', () => {
  const { clock, queue } = setup();
  queue.add('ns/p', 0);
  queue.pop();
  queue.unschedulable('ns/p', new Set(['TaintToleration']));
  queue.moveAll(podDeleted);
  expect(queue.snapshot().unschedulable).toEqual(['ns/p']);
  queue.moveAll(nodeAdded);
  // Still inside its first backoff second, but with nothing else to do the scheduler pops it anyway.
  expect(queue.snapshot().backoff).toEqual(['ns/p']);
  expect(queue.pop()).toBe('ns/p');
  expect(clock.now()).toBe(Date.UTC(2026, 0, 1));
});

it('retries after backoff when a helpful event came while the pod was being scheduled', () => {
  const { queue } = setup();
  queue.add('ns/p', 0);
  queue.pop();
  queue.moveAll(podDeleted);
  queue.unschedulable('ns/p', new Set(['NodeResourcesFit']));
  expect(queue.snapshot().backoff).toEqual(['ns/p']);
});

it('prefers active pods over backing-off ones', () => {
  const { queue } = setup();
  queue.add('ns/a', 0);
  queue.pop();
  queue.unschedulable('ns/a', new Set());
  queue.moveAll(nodeAdded);
  queue.add('ns/b', 0);
  expect([queue.pop(), queue.pop()]).toEqual(['ns/b', 'ns/a']);
});

it('backs off errors 1s, 2s, 4s, 8s, then 10s, without popping early', () => {
  const { clock, queue, ready } = setup();
  queue.add('ns/p', 0);
  const waits: number[] = [];
  for (let i = 0; i < 5; i++) {
    expect(queue.pop()).toBe('ns/p');
    queue.error('ns/p');
    expect(queue.pop()).toBeUndefined();
    const start = clock.now();
    ready.length = 0;
    while (ready.length === 0) clock.advance(clock.nextDueTime()! - clock.now());
    waits.push(clock.now() - start);
  }
  expect(waits).toEqual([1000, 2000, 4000, 8000, 10000]);
});

it('flushes a pod left unschedulable for five minutes', () => {
  const { clock, queue } = setup();
  queue.add('ns/p', 0);
  queue.pop();
  queue.unschedulable('ns/p', new Set(['NodeAffinity']));
  clock.advance(5 * 60_000 - 1);
  expect(queue.snapshot().unschedulable).toEqual(['ns/p']);
  clock.advance(1);
  expect(queue.snapshot().active).toEqual(['ns/p']);
});

it('forgets deleted pods and their timers', () => {
  const { clock, queue } = setup();
  queue.add('ns/p', 0);
  queue.pop();
  queue.unschedulable('ns/p', new Set());
  queue.delete('ns/p');
  expect(clock.nextDueTime()).toBeUndefined();
  expect(queue.pop()).toBeUndefined();
});

it('pops by the latest priority of a pod already waiting in activeQ', () => {
  const { clock, queue } = setup();
  queue.add('ns/first', 0);
  clock.advance(1);
  queue.add('ns/second', 0);
  queue.add('ns/second', 500);
  queue.podUpdated('ns/first', 1000);
  expect([queue.pop(), queue.pop(), queue.pop()]).toEqual(['ns/first', 'ns/second', undefined]);
});

it('pops a pod once however often it moved between the queues', () => {
  const { clock, queue } = setup();
  queue.add('ns/p', 0);
  for (let i = 0; i < 5; i++) {
    expect(queue.pop()).toBe('ns/p');
    queue.unschedulable('ns/p', new Set());
    queue.moveAll(nodeAdded);
    clock.advance(MAX_BACKOFF_MS);
    expect(queue.snapshot().active).toEqual(['ns/p']);
    queue.add('ns/p', 0);
  }
  clock.advance(1);
  queue.add('ns/q', 0);
  expect([queue.pop(), queue.pop(), queue.pop()]).toEqual(['ns/p', 'ns/q', undefined]);
});

it('pops early from backoffQ by backoff end, then priority, never a pod backing off after an error', () => {
  const { queue } = setup();
  for (const [key, priority] of [['ns/a', 0], ['ns/b', 10], ['ns/err', 100]] as const) {
    queue.add(key, priority);
    queue.pop();
  }
  queue.error('ns/err');
  queue.unschedulable('ns/a', new Set());
  queue.unschedulable('ns/b', new Set());
  queue.moveAll(nodeAdded);
  expect(queue.snapshot().backoff).toEqual(['ns/a', 'ns/b', 'ns/err']);
  expect([queue.pop(), queue.pop(), queue.pop()]).toEqual(['ns/b', 'ns/a', undefined]);
});
