// Go duration parsing as time.ParseDuration accepts and refuses it.
import { parseDuration } from './duration.js';

test('parses Go durations into milliseconds', () => {
  expect(parseDuration('5m')).toBe(300_000);
  expect(parseDuration('1h30m')).toBe(5_400_000);
  expect(parseDuration('2.5s')).toBe(2500);
  expect(parseDuration('250ms')).toBe(250);
  expect(parseDuration('0')).toBe(0);
  expect(parseDuration('-1m')).toBe(-60_000);
  expect(parseDuration('1500us')).toBeCloseTo(1.5);
});

test('refuses what Go refuses', () => {
  expect(() => parseDuration('5')).toThrow('time: missing unit in duration "5"');
  expect(() => parseDuration('')).toThrow('time: invalid duration ""');
  expect(() => parseDuration('5d')).toThrow('time: unknown unit "d" in duration "5d"');
  expect(() => parseDuration('m')).toThrow('invalid duration');
  expect(() => parseDuration('1h x')).toThrow();
});
