// Bad input of every kind: each is answered with the right metav1.Status, never a 5xx, and leaves the store untouched.
import { expectCode, expectStatus, expectUnchanged, snapshot, WatchStream, type Json, type Reply } from './http.js';
import { useCluster } from './suite.js';

const h = useCluster();

const configMaps = '/api/v1/namespaces/default/configmaps';
const existing = `${configMaps}/existing`;
let existingObject: Json;

beforeAll(async () => {
  existingObject = expectCode(await h.api.post(configMaps, { metadata: { name: 'existing', labels: { a: 'b' } }, data: { k: 'v' } }), 201);
});

/** Sends a request that must be rejected: checks the Status it gets and that nothing in the store changed. */
async function rejected(send: () => Promise<Reply>, code: number, reason?: string): Promise<Json> {
  const before = await snapshot(h.cluster);
  const status = expectStatus(await send(), code, reason);
  await expectUnchanged(h.cluster, before);
  return status;
}

describe('bodies', () => {
  test('malformed JSON is a 400 on create, update and patch', async () => {
    await rejected(() => h.api.post(configMaps, '{"metadata": {"name": "x"'), 400, 'BadRequest');
    await rejected(() => h.api.post(configMaps, ''), 400, 'BadRequest');
    await rejected(() => h.api.put(existing, '{not json}'), 400, 'BadRequest');
    await rejected(() => h.api.patch(existing, '{"metadata":', 'application/merge-patch+json'), 400, 'BadRequest');
    await rejected(() => h.api.patch(existing, '[{"op":', 'application/json-patch+json'), 400, 'BadRequest');
    await rejected(() => h.api.delete(existing, '{"propagationPolicy":'), 400, 'BadRequest');
  });

  test('a body that is not an object is a 400', async () => {
    await rejected(() => h.api.post(configMaps, '[1, 2, 3]'), 400, 'BadRequest');
    await rejected(() => h.api.post(configMaps, '"a string"'), 400, 'BadRequest');
    await rejected(() => h.api.post(configMaps, { metadata: 'not-an-object' }), 400, 'BadRequest');
  });

  test('a kind or apiVersion other than the URL names is a 400', async () => {
    await rejected(() => h.api.post(configMaps, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'wrong-kind' } }), 400, 'BadRequest');
    await rejected(() => h.api.post(configMaps, { apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'wrong-gv' } }), 400, 'BadRequest');
    await rejected(() => h.api.put(existing, { ...existingObject, kind: 'Secret' }), 400, 'BadRequest');
  });

  test('a body name other than the URL one is a 400', async () => {
    const status = await rejected(() => h.api.put(existing, { ...existingObject, metadata: { ...existingObject.metadata, name: 'other' } }), 400, 'BadRequest');
    expect(status.message).toBe('the name of the object (other) does not match the name on the URL (existing)');
  });

  test('an invalid name is a 422 naming metadata.name', async () => {
    const status = await rejected(() => h.api.post(configMaps, { metadata: { name: 'Not..Valid' } }), 422, 'Invalid');
    expect(status.details.causes[0]).toMatchObject({ field: 'metadata.name', reason: 'FieldValueInvalid' });
  });

  test('a body over 3 MiB is a 413, with or without a Content-Length', async () => {
    const big = JSON.stringify({ metadata: { name: 'big' }, data: { k: 'x'.repeat(3 * 1024 * 1024) } });
    const status = await rejected(() => h.api.post(configMaps, big), 413, 'RequestEntityTooLarge');
    expect(status.message).toBe('Request entity too large: limit is 3145728');
    await rejected(async () => {
      const chunks = [Buffer.from(big.slice(0, 1024 * 1024)), Buffer.from(big.slice(1024 * 1024))];
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      });
      const res = await fetch(h.api.baseUrl + configMaps, {
        method: 'POST', body: stream, headers: { 'Content-Type': 'application/json' }, duplex: 'half',
      } as RequestInit);
      const text = await res.text();
      return { status: res.status, contentType: res.headers.get('content-type') ?? '', text, body: JSON.parse(text) as Json };
    }, 413, 'RequestEntityTooLarge');
  });

  test('an unsupported Content-Type is a 415', async () => {
    await rejected(() => h.api.post(configMaps, '{"metadata":{"name":"plain"}}', 'text/plain'), 415, 'UnsupportedMediaType');
    await rejected(() => h.api.request('PUT', existing, { body: JSON.stringify(existingObject), contentType: 'application/xml' }), 415, 'UnsupportedMediaType');
    await rejected(() => h.api.patch(existing, '{"data":{"k":"x"}}', 'application/json'), 415, 'UnsupportedMediaType');
    await rejected(() => h.api.patch(existing, '{"data":{"k":"x"}}', 'text/plain'), 415, 'UnsupportedMediaType');
  });

  test('a strategic merge patch that is not a JSON object is a 400; a bad directive is a 400', async () => {
    await rejected(() => h.api.patch(existing, '[1]', 'application/strategic-merge-patch+json'), 400, 'BadRequest');
    await rejected(() => h.api.patch(existing, { data: { k: 'smp' }, $patch: 'bogus' }, 'application/strategic-merge-patch+json'), 400, 'BadRequest');
  });

  test('a JSON patch that is not a list of operations is a 400; one whose test fails is a 422', async () => {
    await rejected(() => h.api.patch(existing, { op: 'add' }, 'application/json-patch+json'), 400, 'BadRequest');
    await rejected(() => h.api.patch(existing, [{ op: 'bogus', path: '/data/k' }], 'application/json-patch+json'), 400, 'BadRequest');
    await rejected(() => h.api.patch(existing, [{ op: 'test', path: '/data/k', value: 'nope' }], 'application/json-patch+json'), 422);
    await rejected(() => h.api.patch(existing, [{ op: 'remove', path: '/data/missing' }], 'application/json-patch+json'), 422);
  });

  test('deeply nested JSON (10,000 levels) is a 4xx, not a crash', async () => {
    const depth = 10_000;
    const nested = `{"metadata":{"name":"deep"},"data":{"k":"v"},"extra":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const before = await snapshot(h.cluster);
    const reply = await h.api.post(configMaps, nested);
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expectStatus(reply, reply.status);
    await expectUnchanged(h.cluster, before);
    const patch = await h.api.patch(existing, `{"metadata":{"annotations":{"a":"b"}},"extra":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expectStatus(patch, patch.status);
    expect(patch.status).toBeLessThan(500);
    expect(expectCode(await h.api.get('/api/v1/namespaces/default'), 200).metadata.name).toBe('default');
  });

  // Found by test/fuzz: each of these answered 500 before.
  test('a JSON patch moving the document into itself is a 422, not a cycle that cannot be encoded', async () => {
    await rejected(() => h.api.patch(existing, [{ op: 'move', from: '', path: '/x' }], 'application/json-patch+json'), 422, 'Invalid');
    await rejected(() => h.api.patch(existing, [{ op: 'move', from: '/metadata', path: '/metadata/labels/x' }], 'application/json-patch+json'), 422, 'Invalid');
  });

  test('a null label value or finalizer decodes as "" (as Go does) and fails validation with a 422', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: null-label\n  labels: {a:b c}\n';
    await rejected(() => h.api.post(configMaps, yaml, 'application/yaml'), 422, 'Invalid');
    await rejected(() => h.api.post(configMaps, { metadata: { name: 'null-finalizer', finalizers: [null] } }), 422, 'Invalid');
  });

  test('deeply nested YAML (20,000 levels, flow or block) is a 400 for the depth limit, not a stack overflow', async () => {
    const depth = 20_000;
    for (const yaml of [`metadata: {name: deep}\nextra: ${'['.repeat(depth)}${']'.repeat(depth)}\n`, `metadata: {name: deep}\nextra:\n  ${'- '.repeat(depth)}x\n`]) {
      const status = await rejected(() => h.api.post(configMaps, yaml, 'application/yaml'), 400, 'BadRequest');
      expect(status.message).toContain('exceeded max depth');
    }
  });

  test('an unknown field named in Unicode is warned about in the Warning header, UTF-8 encoded', async () => {
    const reply = await h.api.post(configMaps, '{"metadata":{"name":"unicode-field"},"dätä\ud800":1}');
    expectCode(reply, 201);
    expectCode(await h.api.delete(`${configMaps}/unicode-field`), 200);
  });
});

describe('paths and methods', () => {
  test('an unknown resource or group is a 404', async () => {
    const status = await rejected(() => h.api.get('/api/v1/namespaces/default/foos'), 404, 'NotFound');
    expect(status.message).toBe('the server could not find the requested resource');
    await rejected(() => h.api.post('/api/v1/foos', { metadata: { name: 'x' } }), 404, 'NotFound');
    await rejected(() => h.api.get('/apis/nope.example.com/v1/things'), 404, 'NotFound');
    await rejected(() => h.api.get('/apis/apps/v99/deployments'), 404, 'NotFound');
    await rejected(() => h.api.get('/api/v1/namespaces/default/configmaps/existing/nosuchsub'), 404, 'NotFound');
  });

  test('a namespaced path for a cluster-scoped kind (and the reverse) is a 404', async () => {
    await rejected(() => h.api.get('/api/v1/namespaces/default/nodes'), 404, 'NotFound');
    await rejected(() => h.api.get('/api/v1/configmaps/existing'), 404, 'NotFound');
  });

  test('a method the path does not serve is a 405', async () => {
    await rejected(() => h.api.post(existing, { metadata: { name: 'existing' } }), 405, 'MethodNotAllowed');
    await rejected(() => h.api.put(configMaps, { metadata: { name: 'x' } }), 405, 'MethodNotAllowed');
    await rejected(() => h.api.patch(configMaps, { metadata: { labels: { a: 'b' } } }), 405, 'MethodNotAllowed');
    await rejected(() => h.api.delete('/api/v1/namespaces'), 405, 'MethodNotAllowed');
  });
});

describe('query parameters', () => {
  test('an invalid label selector is a 400', async () => {
    await rejected(() => h.api.get(`${configMaps}?labelSelector=${encodeURIComponent('a in b')}`), 400, 'BadRequest');
    await rejected(() => h.api.get(`${configMaps}?labelSelector=${encodeURIComponent('a=(b')}`), 400, 'BadRequest');
    await rejected(() => h.api.delete(`${configMaps}?labelSelector=${encodeURIComponent('a in b')}`), 400, 'BadRequest');
  });

  test('an unsupported field selector is a 400 naming the field', async () => {
    // ConfigMaps register no field label conversion: upstream's DefaultMetaV1FieldSelectorConversion answers.
    const cm = await rejected(() => h.api.get(`${configMaps}?fieldSelector=${encodeURIComponent('spec.foo=bar')}`), 400, 'BadRequest');
    expect(cm.message).toBe('"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"');
    // Secrets and pods register one, whose error is "field label not supported".
    const secret = await rejected(() => h.api.get(`/api/v1/namespaces/default/secrets?fieldSelector=${encodeURIComponent('spec.foo=bar')}`), 400, 'BadRequest');
    expect(secret.message).toBe('field label not supported: spec.foo');
    const pod = await rejected(() => h.api.get(`/api/v1/pods?fieldSelector=${encodeURIComponent('spec.foo=bar')}`), 400, 'BadRequest');
    expect(pod.message).toBe('field label not supported: spec.foo');
    await rejected(() => h.api.get(`${configMaps}?fieldSelector=${encodeURIComponent('metadata.name')}`), 400, 'BadRequest');
  });

  test('an invalid resourceVersion or continue token on a list is a 400', async () => {
    await rejected(() => h.api.get(`${configMaps}?resourceVersion=abc`), 400, 'BadRequest');
    await rejected(() => h.api.get(`${configMaps}?resourceVersion=-1`), 400, 'BadRequest');
    await rejected(() => h.api.get(`${configMaps}?limit=1&continue=not-a-token`), 400, 'BadRequest');
    await rejected(() => h.api.get(`${configMaps}?limit=1&continue=${Buffer.from('{"v":"meta.k8s.io/v1","rv":0}').toString('base64')}`), 400, 'BadRequest');
    await rejected(() => h.api.get(`${configMaps}?limit=abc`), 400, 'BadRequest');
    await rejected(() => h.api.get(`${configMaps}?watch=true&resourceVersion=abc`), 400, 'BadRequest');
  });

  test('an invalid dryRun value is a 422 on every write', async () => {
    const create = await rejected(() => h.api.post(`${configMaps}?dryRun=Some`, { metadata: { name: 'dry' } }), 422, 'Invalid');
    expect(create.details.causes[0]).toMatchObject({ field: 'dryRun', reason: 'FieldValueNotSupported' });
    await rejected(() => h.api.put(`${existing}?dryRun=true`, existingObject), 422, 'Invalid');
    await rejected(() => h.api.patch(`${existing}?dryRun=yes`, { data: { k: 'dry' } }), 422, 'Invalid');
    await rejected(() => h.api.delete(`${existing}?dryRun=1`), 422, 'Invalid');
    await rejected(() => h.api.delete(existing, { dryRun: ['Nope'] }), 422, 'Invalid');
  });

  test('booleans decode as upstream does: only "false" and "0" are false, so watch=maybe watches', async () => {
    // Upstream's query decoder (runtime.Convert_Slice_string_To_bool) never rejects a boolean.
    const before = await snapshot(h.cluster);
    const watch = await WatchStream.open(h.api, `${configMaps}?watch=maybe&resourceVersion=${before.revision}`);
    try {
      expect(watch.status).toBe(200);
      expectCode(await h.api.patch(existing, { metadata: { labels: { watched: 'maybe' } } }), 200);
      expect((await watch.next((e) => e.type === 'MODIFIED')).object.metadata.name).toBe('existing');
    } finally {
      watch.close();
    }
    const list = expectCode(await h.api.get(`${configMaps}?watch=FALSE`), 200);
    expect(list.kind).toBe('ConfigMapList');
  });

  test('a malformed integer option is a 400', async () => {
    await rejected(() => h.api.delete(`${existing}?gracePeriodSeconds=soon`), 400, 'BadRequest');
    await rejected(() => h.api.get(`${configMaps}?watch=true&timeoutSeconds=forever`), 400, 'BadRequest');
  });
});

describe('validation', () => {
  const cronJobs = '/apis/batch/v1/namespaces/default/cronjobs';
  const cronJob = (name: string, spec: Json): Json => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    // Suspended so that the cronjob controller never writes while a test compares the store.
    spec: { suspend: true, jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } }, ...spec },
  });
  /** The causes of a rejected CronJob write, as `field: message`. */
  const causes = (status: Json) => (status.details.causes as Json[]).map((c) => `${c.field}: ${c.message}`);

  beforeAll(async () => {
    expectCode(await h.api.post(cronJobs, cronJob('nightly', { schedule: '0 3 * * *' })), 201);
    await h.cluster.settle();
  });

  test('a CronJob schedule robfig/cron cannot parse is a 422 with its error', async () => {
    const status = await rejected(() => h.api.post(cronJobs, cronJob('bad-schedule', { schedule: 'bad' })), 422, 'Invalid');
    expect(status.message).toBe('CronJob.batch "bad-schedule" is invalid: spec.schedule: Invalid value: "bad": expected exactly 5 fields, found 1: [bad]');
    expect(status.details).toMatchObject({ name: 'bad-schedule', group: 'batch', kind: 'CronJob' });
    expect(status.details.causes).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "bad": expected exactly 5 fields, found 1: [bad]', field: 'spec.schedule' },
    ]);
    const missing = await rejected(() => h.api.post(cronJobs, cronJob('no-schedule', {})), 422, 'Invalid');
    expect(causes(missing)).toEqual(['spec.schedule: Required value']);
  });

  test('TZ in a CronJob schedule, an unknown timeZone and Local are 422s', async () => {
    const tz = await rejected(() => h.api.post(cronJobs, cronJob('tz', { schedule: 'TZ=UTC 0 3 * * *' })), 422, 'Invalid');
    expect(causes(tz)).toEqual(['spec.schedule: Invalid value: "TZ=UTC 0 3 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']);
    const unknown = await rejected(() => h.api.post(cronJobs, cronJob('mars', { schedule: '0 3 * * *', timeZone: 'Mars/Olympus' })), 422, 'Invalid');
    expect(causes(unknown)).toEqual(['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']);
    const local = await rejected(() => h.api.post(cronJobs, cronJob('local', { schedule: '0 3 * * *', timeZone: 'Local' })), 422, 'Invalid');
    expect(causes(local)).toEqual(['spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones']);
  });

  test('updates and patches to a bad schedule or timeZone are 422s that leave the stored CronJob as it was', async () => {
    const nightly = `${cronJobs}/nightly`;
    const stored = expectCode(await h.api.get(nightly), 200);
    await rejected(() => h.api.put(nightly, { ...stored, spec: { ...stored.spec, schedule: '0 25 * * *' } }), 422, 'Invalid');
    await rejected(() => h.api.patch(nightly, { spec: { schedule: 'CRON_TZ=Europe/Berlin 0 3 * * *' } }), 422, 'Invalid');
    const zone = await rejected(() => h.api.patch(nightly, { spec: { timeZone: 'europe/berlin' } }), 422, 'Invalid');
    expect(causes(zone)).toEqual(['spec.timeZone: Invalid value: "europe/berlin": unknown time zone europe/berlin']);
    await rejected(() => h.api.patch(nightly, [{ op: 'replace', path: '/spec/schedule', value: '@fortnightly' }], 'application/json-patch+json'), 422, 'Invalid');
    expect(expectCode(await h.api.patch(nightly, { spec: { timeZone: 'Europe/Berlin' } }), 200).spec.timeZone).toBe('Europe/Berlin');
  });
});
