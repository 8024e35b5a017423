// Test helpers for the defaulter suites: deep copies, idempotence checks and malformed-input mutation.
import type { KubeObject } from '../../meta/types.js';

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Applies a defaulter to a copy and returns it, so fixtures stay untouched. */
export function defaulted(fn: (obj: KubeObject) => void, obj: object): KubeObject {
  const copy = clone(obj) as KubeObject;
  fn(copy);
  return copy;
}

/** Defaulting twice must give exactly what defaulting once gives. */
export function expectIdempotent(fn: (obj: KubeObject) => void, obj: object): void {
  const once = defaulted(fn, obj);
  const twice = clone(once);
  fn(twice);
  expect(twice).toEqual(JSON.parse(JSON.stringify(once)));
}

/** Every path (as key lists) to a value inside `value`, the root excluded. */
export function allPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = [];
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      paths.push([...prefix, index], ...allPaths(item, [...prefix, index]));
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      paths.push([...prefix, key], ...allPaths(item, [...prefix, key]));
    }
  }
  return paths;
}

/** A copy of `obj` with the value at `path` replaced. */
export function withValueAt(obj: object, path: (string | number)[], replacement: unknown): KubeObject {
  const copy = clone(obj) as Record<string | number, unknown>;
  let cursor: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) cursor = cursor[key] as Record<string | number, unknown>;
  cursor[path[path.length - 1] as string | number] = replacement;
  return copy as unknown as KubeObject;
}

/** Values of every wrong shape a client could send where the defaulter expects something else. */
export const MALFORMED_VALUES: unknown[] = [null, 'x', '', 0, 7, -1, true, [], [null, 1, 'a', [], {}], {}];

/**
 * Replaces every value in `obj` (at every depth) by every malformed value and checks the defaulter neither
 * throws nor stops being idempotent on the result.
 */
export function expectTolerant(fn: (obj: KubeObject) => void, obj: object): void {
  for (const path of allPaths(obj)) {
    for (const bad of MALFORMED_VALUES) {
      const mutated = withValueAt(obj, path, clone(bad));
      expect(() => fn(clone(mutated))).not.toThrow();
      expectIdempotent(fn, mutated);
    }
  }
}
