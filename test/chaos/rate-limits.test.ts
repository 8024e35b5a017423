// Controllers retry on the clock as upstream's do: default limiter for most, the namespace controller's own 60 s cap.
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { defaultControllers } from '../../src/controllers/index.js';

const failures = (limiter: { when(key: string): number }, n: number) => Array.from({ length: n }, () => limiter.when('k'));

test('the namespace controller retries a failing namespace at least once a minute (nsControllerRateLimiter)', () => {
  const namespace = defaultControllers().find((c) => c.name === 'namespace')!;
  const delays = failures(namespace.rateLimiter!(new VirtualClock()), 20);
  expect(delays.slice(0, 4)).toEqual([5, 10, 20, 40]);
  expect(Math.max(...delays)).toBe(60_000);
});

test('the other controllers keep client-go\'s default: a key failing 20 times waits over an hour, capped at 1000 s', () => {
  for (const controller of defaultControllers().filter((c) => c.name !== 'namespace')) expect([controller.name, controller.rateLimiter]).toEqual([controller.name, undefined]);
});
