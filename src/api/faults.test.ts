// FaultInjector: which requests a rule picks, how often, what it does, the Status it answers, and which rules it refuses.
import { FaultInjector, validateFaultRule } from './faults.js';
import type { ResourceRequest } from './request-info.js';

const request = (resource: string, name?: string, extra: Partial<ResourceRequest> = {}): ResourceRequest => ({
  group: '', version: 'v1', namespace: 'default', resource, name, subresource: undefined, rest: [], ...extra,
});

test('selectors: verbs, resource (with subresource), group, namespace and name globs', () => {
  const faults = new FaultInjector();
  faults.add({ verbs: ['update'], resource: 'deployments/scale', group: 'apps', namespace: 'prod', name: 'web-*', code: 409 });
  const scale = request('deployments', 'web-1', { group: 'apps', namespace: 'prod', subresource: 'scale' });
  expect(faults.check({ verb: 'update', request: scale })?.error?.code).toBe(409);
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
  expect([faults.check(get)?.error?.code, faults.check(get)?.error?.code, faults.check(get)]).toEqual([500, 500, undefined]);
  expect(faults.list()).toEqual([]);
  const remove = faults.add({ resource: 'secrets', code: 503 });
  remove();
  expect(faults.check({ verb: 'list', request: request('secrets') })).toBeUndefined();
  faults.add({ resource: 'pods', code: 504, probability: 0.4 });
  expect(faults.check({ verb: 'list', request: request('pods') })).toBeUndefined();
  faults.add({ resource: 'pods', code: 504, probability: 0.6 });
  expect(faults.check({ verb: 'list', request: request('pods') })?.error?.code).toBe(504);
});

test('ids: list() shows each active rule with its id and the times it has left; remove(id) and the remover agree', () => {
  const faults = new FaultInjector();
  const first = faults.add({ verbs: ['get'], code: 500, times: 3 });
  const second = faults.add({ delayMs: 50 });
  expect(first.id).not.toBe(second.id);
  faults.check({ verb: 'get', request: request('configmaps', 'a') });
  expect(faults.list()).toEqual([
    { id: first.id, verbs: ['get'], code: 500, times: 2 },
    { id: second.id, delayMs: 50 },
  ]);
  expect(faults.remove(second.id)).toBe(true);
  expect(faults.remove(second.id)).toBe(false);
  first();
  expect(faults.list()).toEqual([]);
});

test('latency adds up over every picked rule; the first rule that fails or cuts decides, later ones keep their times', () => {
  const faults = new FaultInjector();
  faults.add({ delayMs: 100 });
  faults.add({ verbs: ['get'], code: 503, delayMs: 20, times: 1 });
  const later = faults.add({ verbs: ['get'], code: 500, times: 1 });
  const decision = faults.check({ verb: 'get', request: request('configmaps', 'a') })!;
  expect(decision.delayMs).toBe(120);
  expect(decision.error?.code).toBe(503);
  expect(faults.list().find((r) => r.id === later.id)?.times).toBe(1);
  expect(faults.check({ verb: 'list', request: request('configmaps') })).toEqual({ delayMs: 100 });
});

test('dropWatch and 410 apply only to the verbs that can carry them out', () => {
  const faults = new FaultInjector();
  faults.add({ dropWatch: true, afterEvents: 2 });
  faults.add({ code: 410 });
  const pods = request('pods');
  expect(faults.check({ verb: 'watch', request: pods })).toEqual({ delayMs: 0, dropWatchAfter: 2 });
  expect(faults.check({ verb: 'list', request: pods, resourceVersion: '42' })?.error?.toStatus()).toEqual({
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version: 42 (43)',
  });
  expect(faults.check({ verb: 'get', request: request('pods', 'a') })).toBeUndefined();
  expect(faults.check({ verb: 'create', request: pods })).toBeUndefined();
});

test('429 and 503 carry Retry-After and details.retryAfterSeconds; statuses read like upstream', () => {
  const faults = new FaultInjector();
  faults.add({ verbs: ['list'], code: 429, retryAfterSeconds: 3 });
  const error = faults.check({ verb: 'list', request: request('configmaps') })!.error!;
  expect(error.headers).toEqual({ 'Retry-After': '3' });
  expect(error.toStatus()).toMatchObject({
    code: 429,
    reason: 'TooManyRequests',
    message: 'Too many requests, please try again later.',
    details: { retryAfterSeconds: 3 },
  });
});

test.each([
  [[], 'invalid fault rule: expected a JSON object'],
  [{ code: 418 }, 'code: 418 is not one of 409, 410, 429, 500, 503, 504'],
  [{ code: '500' }, 'code: "500" is not one of'],
  [{ code: 500, probability: 1.5 }, 'probability: must be a number from 0 to 1'],
  [{ code: 500, times: 0 }, 'times: must be a positive whole number'],
  [{ code: 500, verbs: 'get' }, 'verbs: must be a non-empty list of strings'],
  [{ code: 500, verbs: ['fetch'] }, 'verbs: "fetch" is not one of get, list, watch'],
  [{ code: 500, resource: 7 }, 'resource: must be a string'],
  [{ code: 500, sometimes: true, id: 'x' }, 'unknown fields "sometimes", "id"'],
  [{ verbs: ['get'] }, 'the rule does nothing: give a code, a delayMs above 0 or dropWatch: true'],
  [{ delayMs: -1 }, 'delayMs: must be a number of milliseconds (0 or more)'],
  [{ code: 410, verbs: ['get'] }, 'verbs: code 410 (Expired) applies to watch and list only'],
  [{ dropWatch: true, verbs: ['watch', 'list'] }, 'verbs: dropWatch applies to watch only'],
  [{ dropWatch: true, code: 500 }, 'dropWatch and code exclude each other'],
  [{ code: 500, afterEvents: 1 }, 'afterEvents: only means something with dropWatch: true'],
  [{ code: 500, retryAfterSeconds: 2 }, 'retryAfterSeconds: only codes 429 and 503 carry a Retry-After'],
])('refuses %j', (rule, message) => {
  expect(() => validateFaultRule(rule)).toThrow(message);
  expect(() => new FaultInjector().add(rule as never)).toThrow('invalid fault rule');
});
