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
  [{ code: 500, clients: 'controllers' }, 'clients: "controllers" is not one of http, in-process, all'],
  [{ code: 500, seed: 1.5 }, 'seed: must be a whole number'],
  [{ delayMs: 10, clients: 'in-process' }, 'delayMs: in-process requests take no real-time delay'],
])('refuses %j', (rule, message) => {
  expect(() => validateFaultRule(rule)).toThrow(message);
  expect(() => new FaultInjector().add(rule as never)).toThrow('invalid fault rule');
});

test('clients: rules reach HTTP requests by default, in-process ones only when they say so', () => {
  const faults = new FaultInjector();
  faults.add({ resource: 'configmaps', code: 500 });
  faults.add({ resource: 'secrets', code: 409, clients: 'in-process' });
  faults.add({ resource: 'pods', code: 503, clients: 'all' });
  const at = (resource: string, origin?: 'http' | 'in-process') => faults.check({ verb: 'get', request: request(resource, 'a'), origin })?.error?.code;
  expect([at('configmaps'), at('configmaps', 'http'), at('configmaps', 'in-process')]).toEqual([500, 500, undefined]);
  expect([at('secrets', 'http'), at('secrets', 'in-process')]).toEqual([undefined, 409]);
  expect([at('pods', 'http'), at('pods', 'in-process')]).toEqual([503, 503]);
  expect(faults.list().map((r) => r.clients)).toEqual([undefined, 'in-process', 'all']);
});

test('clients: all — latency stays with HTTP requests; the in-process request gets only the error', () => {
  const faults = new FaultInjector();
  faults.add({ clients: 'all', delayMs: 50 });
  faults.add({ clients: 'all', verbs: ['update'], code: 409, delayMs: 5 });
  const update = { verb: 'update', request: request('configmaps', 'a') };
  expect(faults.check({ ...update, origin: 'http' })).toMatchObject({ delayMs: 55 });
  expect(faults.check({ ...update, origin: 'in-process' })).toMatchObject({ delayMs: 5, error: { code: 409 } });
  expect(faults.check({ verb: 'get', request: request('configmaps', 'a'), origin: 'in-process' })).toBeUndefined();
});

test('seed: a rule with a seed picks the same requests on every run, whatever else draws meanwhile', () => {
  const picks = (noise: boolean) => {
    const faults = new FaultInjector();
    faults.add({ resource: 'configmaps', code: 500, probability: 0.3, seed: 42 });
    if (noise) faults.add({ resource: 'secrets', code: 500, probability: 0.5 });
    return Array.from({ length: 200 }, (_, i) => {
      if (noise) faults.check({ verb: 'get', request: request('secrets', 's') });
      return faults.check({ verb: 'get', request: request('configmaps', `c${i}`) }) ? 1 : 0;
    });
  };
  const first = picks(false);
  expect(picks(true)).toEqual(first);
  // About the asked-for share, and not a trivial pattern.
  const share = first.reduce<number>((a, b) => a + b, 0) / first.length;
  expect(share).toBeGreaterThan(0.2);
  expect(share).toBeLessThan(0.4);
  const other = new FaultInjector();
  other.add({ resource: 'configmaps', code: 500, probability: 0.3, seed: 43 });
  expect(Array.from({ length: 200 }, (_, i) => (other.check({ verb: 'get', request: request('configmaps', `c${i}`) }) ? 1 : 0))).not.toEqual(first);
});

test('seed(): the injector-wide source becomes reproducible for rules without a seed of their own', () => {
  const run = () => {
    const faults = new FaultInjector();
    faults.seed(9);
    faults.add({ verbs: ['list'], code: 503, probability: 0.5 });
    return Array.from({ length: 64 }, () => faults.check({ verb: 'list', request: request('pods') })?.error?.code ?? 0);
  };
  const first = run();
  expect(run()).toEqual(first);
  expect(new Set(first)).toEqual(new Set([0, 503]));
  expect(() => new FaultInjector().seed(Number.NaN)).toThrow('invalid fault seed');
});
