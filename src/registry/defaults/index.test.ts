// Tests for the defaulter map: keys, lookup, and that every registered defaulter survives hostile input.
import { defaulterFor, defaulters, defaultPod } from './index.js';
import { MALFORMED_VALUES, clone, expectIdempotent } from './test-helpers.js';

describe('defaulters map', () => {
  it('keys resources by group and resource, with the core group empty', () => {
    expect(defaulters['/pods']).toBe(defaultPod);
    expect(Object.keys(defaulters)).toEqual(expect.arrayContaining(['apps/deployments', 'batch/jobs', '/services', 'batch/cronjobs']));
    for (const key of Object.keys(defaulters)) expect(key).toMatch(/^[a-z0-9.]*\/[a-z]+$/);
  });

  it('looks defaulters up without reaching the prototype', () => {
    expect(defaulterFor('', 'pods')).toBe(defaultPod);
    expect(defaulterFor('example.com', 'widgets')).toBeUndefined();
    expect(defaulterFor('', 'constructor')).toBeUndefined();
  });

  it.each(Object.entries(defaulters))('%s tolerates malformed top-level fields', (_key, fn) => {
    for (const field of ['spec', 'status', 'metadata', 'template', 'data', 'stringData', 'subsets', 'ports', 'roleRef', 'subjects']) {
      for (const bad of MALFORMED_VALUES) {
        const obj = { apiVersion: 'v1', kind: 'X', metadata: { name: 'n' }, [field]: clone(bad) };
        expect(() => fn(clone(obj) as never)).not.toThrow();
        expectIdempotent(fn, obj);
      }
    }
    for (const bad of MALFORMED_VALUES) expect(() => fn(clone(bad) as never)).not.toThrow();
  });

  it.each(Object.entries(defaulters))('%s is idempotent on an empty object', (_key, fn) => {
    expectIdempotent(fn, { metadata: { name: 'n' } });
  });
});
