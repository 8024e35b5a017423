// /kubefake/v1/faults over HTTP (add, list, remove, clear, validation, times counting down) and injected latency seen by client-node.
import { apiServerOnly, startTestCluster, type TestCluster } from '../helpers.js';
import { apiError, clientsFor, type Clients } from './client-node-support.js';

let cluster: TestCluster;
let c: Clients;
beforeAll(async () => {
  cluster = await startTestCluster(apiServerOnly);
  c = clientsFor(cluster);
  await c.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'slow' } } });
  await c.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'fast' } } });
});
afterAll(() => cluster.close());
afterEach(() => cluster.faults.clear());

const faults = (path = '', init: RequestInit = {}) => fetch(`${cluster.url}/kubefake/v1/faults${path}`, init);
const post = (body: unknown, contentType = 'application/json') =>
  faults('', { method: 'POST', headers: { 'Content-Type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

test('POST adds a rule and answers it with its id; GET lists it with the times it has left; the rule acts on clients', async () => {
  const added = await post({ verbs: ['get'], resource: 'configmaps', name: 'fast', code: 503, retryAfterSeconds: 0, times: 2 });
  expect(added.status).toBe(201);
  const rule = (await added.json()) as { id: string };
  expect(rule).toEqual({ apiVersion: 'kubefake/v1', kind: 'Fault', id: expect.any(String), verbs: ['get'], resource: 'configmaps', name: 'fast', code: 503, retryAfterSeconds: 0, times: 2 });

  expect((await apiError(c.core.readNamespacedConfigMap({ namespace: 'default', name: 'fast' }))).code).toBe(503);
  const { apiVersion, kind, ...fields } = rule as Record<string, unknown>;
  expect([apiVersion, kind]).toEqual(['kubefake/v1', 'Fault']);
  expect(await (await faults()).json()).toEqual({ apiVersion: 'kubefake/v1', kind: 'FaultList', items: [{ ...fields, times: 1 }] });
  expect((await (await faults(`/${rule.id}`)).json()).times).toBe(1);

  expect((await apiError(c.core.readNamespacedConfigMap({ namespace: 'default', name: 'fast' }))).code).toBe(503);
  // Used up: gone from the list, and the next request goes through.
  expect(await (await faults()).json()).toMatchObject({ items: [] });
  await expect(c.core.readNamespacedConfigMap({ namespace: 'default', name: 'fast' })).resolves.toMatchObject({ metadata: { name: 'fast' } });
  expect((await faults(`/${rule.id}`)).status).toBe(404);
});

test('DELETE /faults/<id> removes one rule (404 when unknown); DELETE /faults clears them all', async () => {
  const first = (await (await post({ verbs: ['list'], resource: 'secrets', code: 500 })).json()) as { id: string };
  const second = (await (await post('verbs: [create]\nresource: secrets\ncode: 409\n', 'application/yaml')).json()) as { id: string };
  expect(cluster.faults.list().map((r) => r.id)).toEqual([first.id, second.id]);

  const removed = await faults(`/${first.id}`, { method: 'DELETE' });
  expect(removed.status).toBe(200);
  expect(await removed.json()).toMatchObject({ kind: 'Fault', id: first.id, code: 500 });
  await expect(c.core.listNamespacedSecret({ namespace: 'default' })).resolves.toBeDefined();

  const unknown = await faults(`/${first.id}`, { method: 'DELETE' });
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toMatchObject({ kind: 'Status', code: 404, reason: 'NotFound', message: `fault "${first.id}" not found` });

  const cleared = await faults('', { method: 'DELETE' });
  expect(await cleared.json()).toEqual({ apiVersion: 'kubefake/v1', kind: 'FaultList', items: [] });
  expect(cluster.faults.list()).toEqual([]);
});

test.each([
  [{ code: 418 }, 'invalid fault rule: code: 418 is not one of 409, 410, 429, 500, 503, 504'],
  [{ code: 500, probability: 2 }, 'invalid fault rule: probability: must be a number from 0 to 1'],
  [{ code: 500, verbz: ['get'] }, 'invalid fault rule: unknown field "verbz"'],
  [{ resource: 'pods' }, 'invalid fault rule: the rule does nothing: give a code, a delayMs above 0 or dropWatch: true'],
  [{ code: 410, verbs: ['update'] }, 'invalid fault rule: verbs: code 410 (Expired) applies to watch and list only'],
  ['{"code": 500', 'invalid fault rule: the body is not JSON: '],
  [[{ code: 500 }], 'invalid fault rule: expected a JSON object'],
])('POST %j is refused with 400 BadRequest', async (body, message) => {
  const refused = await post(body);
  expect(refused.status).toBe(400);
  const status = (await refused.json()) as { message: string };
  expect(status).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest' });
  expect(status.message.startsWith(message)).toBe(true);
  expect(cluster.faults.list()).toEqual([]);
});

test('methods the endpoints lack are answered 405', async () => {
  const response = await faults('', { method: 'PUT', body: '{}' });
  expect(response.status).toBe(405);
  expect(response.headers.get('allow')).toBe('GET, POST, DELETE');
});

test('delayMs: a matching request takes at least that long in real time, the others do not wait', async () => {
  await post({ verbs: ['get'], resource: 'configmaps', name: 'slow', delayMs: 200 });
  const timed = async (name: string) => {
    const started = performance.now();
    await c.core.readNamespacedConfigMap({ namespace: 'default', name });
    return performance.now() - started;
  };
  await timed('fast'); // the first request pays for connection set-up
  expect(await timed('slow')).toBeGreaterThanOrEqual(200);
  expect(await timed('fast')).toBeLessThan(150);
});

test('delayMs with a code: the error comes after the delay', async () => {
  cluster.faults.add({ verbs: ['get'], resource: 'configmaps', name: 'slow', code: 504, delayMs: 150, times: 1 });
  const started = performance.now();
  expect((await apiError(c.core.readNamespacedConfigMap({ namespace: 'default', name: 'slow' }))).code).toBe(504);
  expect(performance.now() - started).toBeGreaterThanOrEqual(150);
});
