// Names for per-test namespaces: `test-<slug of the test's name>-<random>`, always a valid DNS-1123 label.
import { randomBytes } from 'node:crypto';

const maxLabel = 63;
const suffixLength = 5;

export function testNamespaceName(testName: string | undefined, random = randomSuffix()): string {
  // 'test-' + slug + '-' + suffix must fit in 63 characters.
  const room = maxLabel - 'test-'.length - 1 - random.length;
  const slug = (testName ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, room)
    .replace(/^-+|-+$/g, '');
  return slug ? `test-${slug}-${random}` : `test-${random}`;
}

/** Five base-36 characters: unique enough for the namespaces one run creates, and short. */
export function randomSuffix(): string {
  const n = randomBytes(4).readUInt32BE(0);
  return n.toString(36).padStart(suffixLength, '0').slice(-suffixLength);
}
