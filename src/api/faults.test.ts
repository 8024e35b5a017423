// FaultInjector: which requests a rule picks, how often, and the Status it answers.
import { FaultInjector } from './faults.js';
import type { ResourceRequest } from './request-info.js';

const request = (resource: string, name?: string, extra: Partial<ResourceRequest> = {}): ResourceRequest => ({
  group: '', version: 'v1', namespace: 'default', resource, name, subresource: undefined, rest: [], ...extra,
});

test('selectors: verbs, resource (with subresource), group, namespace and name globs', () => {
  const faults = new FaultInjector();
  faults.add({ verbs: ['update'], resource: 'deployments/scale', group: 'apps', namespace: 'prod', name: 'web-*', code: 409 });
  const scale = request('deployments', 'web-1', { group: 'apps', namespace: 'prod', subresource: 'scale' });
  expect(faults.check({ verb: 'update', request: scale })?.code).toBe(409);
  expect(faults.check({ verb: 'get', request: scale })).toBeUndefined();
  expect(faults.check({ verb: 'update', request: { ...scale, name: 'api-1' } })).toBeUndefined();
  expect(faults.check({ verb: 'update', request: { ...scale, namespace: 'dev' } })).toBeUndefined();
  expect(faults.check({ verb: 'update', request: { ...scale, subresource: undefined } })).toBeUndefined();
  expect(faults.check({ verb: 'update', request: { ...scale, group: 'extensions' } })).toBeUndefined();
});

test('times retires a rule; removing it stops it at once; probability draws from the injected source', () => {
  const faults = new FaultInjector(() => 0.5);
  faults.add({ resource: 'configmaps', code: 500, times: 2 });
  const get = { verb: 'get', request: request('configmaps', 'a') };
  expect([faults.check(get)?.code, faults.check(get)?.code, faults.check(get)?.code]).toEqual([500, 500, undefined]);
  const remove = faults.add({ resource: 'secrets', code: 503 });
  remove();
  expect(faults.check({ verb: 'list', request: request('secrets') })).toBeUndefined();
  faults.add({ resource: 'pods', code: 504, probability: 0.4 });
  expect(faults.check({ verb: 'list', request: request('pods') })).toBeUndefined();
  faults.add({ resource: 'pods', code: 504, probability: 0.6 });
  expect(faults.check({ verb: 'list', request: request('pods') })?.code).toBe(504);
});

test('429 and 503 carry Retry-After and details.retryAfterSeconds; statuses read like upstream', () => {
  const faults = new FaultInjector();
  faults.add({ verbs: ['list'], code: 429, retryAfterSeconds: 3 });
  const error = faults.check({ verb: 'list', request: request('configmaps') })!;
  expect(error.headers).toEqual({ 'Retry-After': '3' });
  expect(error.toStatus()).toMatchObject({
    code: 429,
    reason: 'TooManyRequests',
    message: 'Too many requests, please try again later.',
    details: { retryAfterSeconds: 3 },
  });
  expect(() => faults.add({ code: 418 as never })).toThrow('fault code 418 is not one of 409, 429, 500, 503, 504');
});
