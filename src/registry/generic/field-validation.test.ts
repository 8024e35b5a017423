// fieldValidation over HTTP: Strict rejects unknown fields, Warn answers Warning headers, both prune them from storage.
import { startCluster, type Cluster } from '../../cluster.js';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ port: 0 });
});
afterAll(() => cluster.close());

const deployment = (name: string) => ({
  metadata: { name, bogus: 1 },
  spec: {
    foo: 1,
    selector: { matchLabels: { a: 'b' } },
    template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i', bar: 2 }] } },
  },
});

function post(query: string, body: unknown) {
  return fetch(`${cluster.url}/apis/apps/v1/namespaces/default/deployments${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const unknown = ['metadata.bogus', 'spec.foo', 'spec.template.spec.containers[0].bar'];

test('Strict: 400 naming every unknown field, nothing stored', async () => {
  const before = cluster.store.currentRevision();
  const res = await post('?fieldValidation=Strict', deployment('strict'));
  expect(res.status).toBe(400);
  const status = await res.json();
  expect(status.reason).toBe('BadRequest');
  expect(status.message).toBe(
    `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`,
  );
  expect(cluster.store.currentRevision()).toBe(before);
});

test.each([['', 'Warn (default)'], ['?fieldValidation=Warn', 'Warn']])('%s %s: 299 warnings and the fields are dropped', async (query) => {
  const res = await post(query, deployment(`warn${query.length}`));
  expect(res.status).toBe(201);
  expect(res.headers.get('warning')).toBe(unknown.map((f) => `299 - "unknown field \\"${f}\\""`).join(', '));
  const body = await res.json();
  expect(body.metadata.bogus).toBeUndefined();
  expect(body.spec.foo).toBeUndefined();
  expect(body.spec.template.spec.containers[0].bar).toBeUndefined();
});

test('Ignore: no warning, fields dropped', async () => {
  const res = await post('?fieldValidation=Ignore', deployment('ignore'));
  expect(res.status).toBe(201);
  expect(res.headers.get('warning')).toBeNull();
  expect((await res.json()).spec.foo).toBeUndefined();
});

test('an unknown fieldValidation value is a 422 on the options kind', async () => {
  const res = await post('?fieldValidation=Loud', deployment('loud'));
  expect(res.status).toBe(422);
  expect((await res.json()).message).toBe(
    'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loud": supported values: "", "Ignore", "Strict", "Warn"',
  );
});

test('a merge patch adding an unknown field under Strict is rejected; under Warn it is dropped', async () => {
  await post('', { metadata: { name: 'patched' }, spec: deployment('x').spec });
  const url = `${cluster.url}/apis/apps/v1/namespaces/default/deployments/patched`;
  const strict = await fetch(`${url}?fieldValidation=Strict`, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: '{"spec":{"zzz":1}}' });
  // Upstream judges the patched object and answers an Invalid `patch` whose value is the patched JSON.
  expect(strict.status).toBe(422);
  const status = await strict.json();
  expect(status).toMatchObject({ reason: 'Invalid', details: { causes: [{ reason: 'FieldValueInvalid', field: 'patch' }] } });
  expect(status.details.causes[0].message).toMatch(/^Invalid value: "\{.*\\"zzz\\":1.*\}": strict decoding error: unknown field "spec\.zzz"$/);
  expect(status.message).toMatch(/^ "" is invalid: patch: Invalid value: /);
  const warn = await fetch(url, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: '{"spec":{"zzz":1}}' });
  expect(warn.status).toBe(200);
  expect(warn.headers.get('warning')).toBe('299 - "unknown field \\"spec.zzz\\""');
  expect((await warn.json()).spec.zzz).toBeUndefined();
});

test('duplicate keys are reported with unknown fields in document order, as upstream words them', async () => {
  const body = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"dupe","name":"dupe","unknownMeta":"x"},
    "spec":{"unknown1":"a","paused":true,"paused":false,"selector":{"matchLabels":{"app":"n"}},
    "template":{"metadata":{"labels":{"app":"n"}},"spec":{"containers":[{"name":"n","image":"i","unknownNested":1,"imagePullPolicy":"Always","imagePullPolicy":"Never"}]}}}}`;
  const strict = await fetch(`${cluster.url}/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  expect(strict.status).toBe(400);
  expect((await strict.json()).message).toBe(
    'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: duplicate field "metadata.name", unknown field "metadata.unknownMeta", unknown field "spec.unknown1", duplicate field "spec.paused", unknown field "spec.template.spec.containers[0].unknownNested", duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
  );
  const warn = await fetch(`${cluster.url}/apis/apps/v1/namespaces/default/deployments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(warn.status).toBe(201);
  expect(warn.headers.get('warning')).toContain('299 - "duplicate field \\"spec.paused\\""');
  // The last value wins, as Go's decoder keeps it.
  expect((await warn.json()).spec.paused).toBe(false);
});
