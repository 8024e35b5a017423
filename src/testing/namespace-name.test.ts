// Per-test namespace names: a slug of the test's name, a random suffix, and always a valid DNS-1123 label.
import { randomSuffix, testNamespaceName } from './namespace-name.js';

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

test('the test name becomes a lowercase slug between test- and the suffix', () => {
  expect(testNamespaceName('Deployments › roll out: 2 replicas!', 'ab12c')).toBe('test-deployments-roll-out-2-replicas-ab12c');
});

test('a long name is cut to fit 63 characters, without a dash before the suffix separator', () => {
  const name = testNamespaceName(`${'a'.repeat(51)} b tail`, 'zzzzz');
  expect(name.length).toBeLessThanOrEqual(63);
  expect(name).toBe(`test-${'a'.repeat(51)}-zzzzz`);
  expect(name).toMatch(dns1123Label);
});

test('no name (outside a test) or a name of symbols only gives test-<suffix>', () => {
  expect(testNamespaceName(undefined, 'q1w2e')).toBe('test-q1w2e');
  expect(testNamespaceName('→ ✓ ✗', 'q1w2e')).toBe('test-q1w2e');
});

test('suffixes are five base-36 characters and differ between calls', () => {
  const suffixes = new Set(Array.from({ length: 50 }, () => randomSuffix()));
  for (const s of suffixes) expect(s).toMatch(/^[a-z0-9]{5}$/);
  expect(suffixes.size).toBeGreaterThan(45);
  expect(testNamespaceName('x')).toMatch(/^test-x-[a-z0-9]{5}$/);
});
