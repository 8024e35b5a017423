// Tests for humanDuration / translateTimestampSince against upstream duration.HumanDuration's boundaries.
import { humanDuration, parseTimestamp, translateTimestampSince } from './human-duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('humanDuration', () => {
  it.each([
    [-2 * S, '<invalid>'],
    [-1999, '0s'],
    [-500, '0s'],
    [0, '0s'],
    [999, '0s'],
    [5 * S, '5s'],
    [90 * S, '90s'],
    [2 * M - 1, '119s'],
    [2 * M, '2m'],
    [3 * M + 5 * S, '3m5s'],
    [10 * M - 1, '9m59s'],
    [10 * M, '10m'],
    [45 * M, '45m'],
    [3 * H - 1, '179m'],
    [3 * H, '3h'],
    [5 * H + 3 * M, '5h3m'],
    [8 * H - 1, '7h59m'],
    [8 * H, '8h'],
    [30 * H, '30h'],
    [48 * H - 1, '47h'],
    [48 * H, '2d'],
    [3 * D + 5 * H, '3d5h'],
    [8 * D - 1, '7d23h'],
    [8 * D, '8d'],
    [45 * D, '45d'],
    [730 * D - 1, '729d'],
    [730 * D, '2y'],
    [(730 + 45) * D, '2y45d'],
    [8 * 365 * D - 1, '7y364d'],
    [8 * 365 * D, '8y'],
    [3652 * D, '10y'],
  ])('%d ms → %s', (ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });
});

describe('translateTimestampSince', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');

  it('formats the age of a timestamp', () => {
    expect(translateTimestampSince('2025-06-01T11:57:00Z', now)).toBe('3m');
    expect(translateTimestampSince('2025-05-29T07:00:00Z', now)).toBe('3d5h');
  });

  it('accepts MicroTime precision', () => {
    expect(translateTimestampSince('2025-06-01T11:59:30.123456Z', now)).toBe('29s');
  });

  it('is <unknown> for a missing, empty, zero or malformed timestamp', () => {
    expect(translateTimestampSince(undefined, now)).toBe('<unknown>');
    expect(translateTimestampSince('', now)).toBe('<unknown>');
    expect(translateTimestampSince('0001-01-01T00:00:00Z', now)).toBe('<unknown>');
    expect(translateTimestampSince('yesterday', now)).toBe('<unknown>');
  });

  it('treats slight clock skew as now and larger as invalid', () => {
    expect(translateTimestampSince('2025-06-01T12:00:01Z', now)).toBe('0s');
    expect(translateTimestampSince('2025-06-01T12:00:05Z', now)).toBe('<invalid>');
  });

  it('parseTimestamp ignores non-strings', () => {
    expect(parseTimestamp(42)).toBeUndefined();
    expect(parseTimestamp(null)).toBeUndefined();
  });
});
