// Admission webhooks end to end: a real cluster, a real HTTPS webhook, writes through the in-process client and HTTP.
import { RealClock } from '../clock/clock.js';
import { startCluster, type Cluster } from '../cluster.js';
import { ApiError } from '../meta/errors.js';
import type { KubeObject } from '../meta/types.js';
import type { Webhook } from './admission-types.js';
import { createAdmission } from './index.js';
import { patchResponse, startWebhookServer, type WebhookTestServer } from './webhook-test-server.js';

let cluster: Cluster;
let server: WebhookTestServer;
let admission: ReturnType<typeof createAdmission>;
const group = 'admissionregistration.k8s.io/v1';

beforeAll(async () => {
  [cluster, server] = await Promise.all([startCluster({ controllers: '', nodes: 0 }), startWebhookServer()]);
  // Replaces whatever chain startCluster installed, so webhooks are never called twice.
  admission = createAdmission({ store: cluster.store, clock: cluster.clock, resources: () => cluster.registry.resources });
  cluster.registry.useAdmission(admission);
  for (const name of ['labelled', 'plain']) {
    await cluster.client.create('v1', 'namespaces', undefined, { metadata: { name, labels: name === 'labelled' ? { webhooks: 'on' } : {} } });
  }
});

afterAll(async () => {
  admission.close();
  await Promise.all([cluster.close(), server.close()]);
});

const configurations: { resource: string; name: string }[] = [];

afterEach(async () => {
  for (const { resource, name } of configurations.splice(0)) await cluster.client.delete(group, resource, undefined, name);
  server.received.length = 0;
});

function webhook(name: string, path: string, extra: Partial<Webhook> = {}): Webhook {
  return {
    name,
    clientConfig: { url: `${server.url}${path}`, caBundle: server.caBundle },
    rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    ...extra,
  };
}

async function install(kind: 'mutating' | 'validating', name: string, webhooks: Webhook[]): Promise<void> {
  const resource = `${kind}webhookconfigurations`;
  await cluster.client.create(group, resource, undefined, { metadata: { name }, webhooks } as unknown as KubeObject);
  configurations.push({ resource, name });
}

function configMap(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { a: '1' } };
}

async function failure(write: Promise<unknown>): Promise<ApiError> {
  try {
    await write;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('the write was admitted');
}

it('a patch that does not apply fails the write whatever the failurePolicy', async () => {
  server.handle('/mutate', () => patchResponse([{ op: 'add', path: '/metadata/labels/mutated', value: 'yes' }]));
  await install('mutating', 'add-label', [webhook('add-label.example.com', '/mutate', { failurePolicy: 'Ignore' })]);
  const failed = await failure(cluster.client.create('v1', 'configmaps', 'plain', configMap('unlabelled')));
  expect(failed.code).toBe(500);
  expect(failed.message).toBe('Internal error occurred: add operation does not apply: doc is missing path: "/metadata/labels/mutated": missing value');
});

it('a mutating webhook patch lands in the stored object, and the review carries upstream request fields', async () => {
  server.handle('/mutate', () => patchResponse([{ op: 'add', path: '/metadata/labels/mutated', value: 'yes' }]));
  await install('mutating', 'add-label', [webhook('add-label.example.com', '/mutate')]);
  const created = await cluster.client.create('v1', 'configmaps', 'plain', configMap('mutated', { app: 'demo' }));
  expect(created.metadata.labels).toEqual({ app: 'demo', mutated: 'yes' });
  const stored = await cluster.client.get('v1', 'configmaps', 'plain', 'mutated');
  expect(stored.metadata.labels).toEqual({ app: 'demo', mutated: 'yes' });
  expect(server.received).toHaveLength(1);
  const { path, review } = server.received[0]!;
  expect(path).toBe('/mutate?timeout=10s');
  expect(review.apiVersion).toBe('admission.k8s.io/v1');
  expect(review.request).toMatchObject({
    kind: { group: '', version: 'v1', kind: 'ConfigMap' },
    resource: { group: '', version: 'v1', resource: 'configmaps' },
    requestKind: { group: '', version: 'v1', kind: 'ConfigMap' },
    requestResource: { group: '', version: 'v1', resource: 'configmaps' },
    name: 'mutated',
    namespace: 'plain',
    operation: 'CREATE',
    userInfo: { username: 'kubernetes-admin' },
    oldObject: null,
    dryRun: false,
    options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
  });
  expect(review.request.uid).toMatch(/^[0-9a-f-]{36}$/);
  expect(review.request.object?.data).toEqual({ a: '1' });
});

it('a denial carries the webhook message, its code and reason, and 400 when it gives no code', async () => {
  server.handle('/deny', () => ({ allowed: false, status: { code: 403, reason: 'Forbidden', message: 'configmaps are closed' } }));
  server.handle('/deny-bare', () => ({ allowed: false, status: { message: 'no' } }));
  await install('validating', 'deny', [webhook('deny.example.com', '/deny')]);
  const denied = await failure(cluster.client.create('v1', 'configmaps', 'plain', configMap('denied')));
  expect(denied.code).toBe(403);
  expect(denied.reason).toBe('Forbidden');
  expect(denied.message).toBe('admission webhook "deny.example.com" denied the request: configmaps are closed');
  await cluster.client.delete(group, 'validatingwebhookconfigurations', undefined, 'deny');
  configurations.length = 0;
  await install('validating', 'deny-bare', [webhook('bare.example.com', '/deny-bare')]);
  const bare = await failure(cluster.client.create('v1', 'configmaps', 'plain', configMap('bare')));
  expect(bare.code).toBe(400);
  expect(bare.message).toBe('admission webhook "bare.example.com" denied the request: no');
});

it('an unreachable webhook fails the write under Fail and is skipped under Ignore', async () => {
  const unreachable = { url: 'https://127.0.0.1:1/hook', caBundle: server.caBundle };
  await install('validating', 'unreachable-ignore', [webhook('ignore.example.com', '', { clientConfig: unreachable, failurePolicy: 'Ignore' })]);
  await expect(cluster.client.create('v1', 'configmaps', 'plain', configMap('ignored'))).resolves.toBeDefined();
  await install('validating', 'unreachable-fail', [webhook('fail.example.com', '', { clientConfig: unreachable, failurePolicy: 'Fail' })]);
  const failed = await failure(cluster.client.create('v1', 'configmaps', 'plain', configMap('failed')));
  expect(failed.code).toBe(500);
  expect(failed.reason).toBe('InternalError');
  expect(failed.message).toBe(
    'Internal error occurred: failed calling webhook "fail.example.com": failed to call webhook: Post "https://127.0.0.1:1/hook?timeout=10s": dial tcp 127.0.0.1:1: connect: connection refused',
  );
});

it('a webhook slower than timeoutSeconds is a call failure', async () => {
  server.handle('/slow', () => new Promise((resolve) => new RealClock().after(2500, () => resolve({ allowed: true }))));
  await install('validating', 'slow', [webhook('slow.example.com', '/slow', { timeoutSeconds: 1 })]);
  const failed = await failure(cluster.client.create('v1', 'configmaps', 'plain', configMap('slow')));
  expect(failed.code).toBe(500);
  expect(failed.message).toBe(
    `Internal error occurred: failed calling webhook "slow.example.com": failed to call webhook: Post "${server.url}/slow?timeout=1s": context deadline exceeded`,
  );
});

it('namespaceSelector and objectSelector decide which writes reach the webhook', async () => {
  server.handle('/deny', () => ({ allowed: false, status: { message: 'selected' } }));
  await install('validating', 'selected', [
    webhook('selected.example.com', '/deny', {
      namespaceSelector: { matchLabels: { webhooks: 'on' } },
      objectSelector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] },
    }),
  ]);
  await expect(cluster.client.create('v1', 'configmaps', 'plain', configMap('other-namespace'))).resolves.toBeDefined();
  await expect(cluster.client.create('v1', 'configmaps', 'labelled', configMap('skipped', { skip: 'true' }))).resolves.toBeDefined();
  const denied = await failure(cluster.client.create('v1', 'configmaps', 'labelled', configMap('reached')));
  expect(denied.message).toBe('admission webhook "selected.example.com" denied the request: selected');
  expect(server.received).toHaveLength(1);
});

it('matchConditions skip the webhook when false and fail the write when they cannot be evaluated', async () => {
  server.handle('/deny', () => ({ allowed: false, status: { message: 'matched' } }));
  await install('validating', 'conditions', [
    webhook('conditions.example.com', '/deny', { matchConditions: [{ name: 'prefixed', expression: "object.metadata.name.startsWith('deny-')" }] }),
  ]);
  await expect(cluster.client.create('v1', 'configmaps', 'plain', configMap('allow-me'))).resolves.toBeDefined();
  const denied = await failure(cluster.client.create('v1', 'configmaps', 'plain', configMap('deny-me')));
  expect(denied.message).toBe('admission webhook "conditions.example.com" denied the request: matched');
  await install('validating', 'broken-condition', [
    webhook('broken.example.com', '/', { matchConditions: [{ name: 'missing', expression: "object.data['absent'] == 'x'" }] }),
  ]);
  const broken = await failure(cluster.client.create('v1', 'configmaps', 'plain', configMap('allow-again')));
  expect(broken.code).toBe(403);
  expect(broken.message).toMatch(/^configmaps "allow-again" is forbidden: expression 'object\.data\['absent'\] == 'x'' resulted in error: /);
});

it('dry-run reaches webhooks without side effects and is refused by those with them', async () => {
  await install('validating', 'no-side-effects', [webhook('none.example.com', '/')]);
  const dry = await cluster.client.create('v1', 'configmaps', 'plain', configMap('dry'), { dryRun: true });
  expect(dry.metadata.name).toBe('dry');
  expect(server.received[0]?.review.request.dryRun).toBe(true);
  expect(server.received[0]?.review.request.options).toMatchObject({ dryRun: ['All'] });
  await install('validating', 'side-effects', [webhook('some.example.com', '/', { sideEffects: 'Some' })]);
  const refused = await failure(cluster.client.create('v1', 'configmaps', 'plain', configMap('dry2'), { dryRun: true }));
  expect(refused.code).toBe(400);
  expect(refused.message).toBe('admission webhook "some.example.com" does not support dry run');
  // Without dry-run the same webhook is called as usual.
  await expect(cluster.client.create('v1', 'configmaps', 'plain', configMap('wet'))).resolves.toBeDefined();
});

it('an IfNeeded webhook runs again when a later webhook changed the object', async () => {
  const seenByFirst: Record<string, string>[] = [];
  server.handle('/first', ({ review }) => {
    const labels = ((review.request.object?.metadata as KubeObject['metadata']).labels ?? {}) as Record<string, string>;
    seenByFirst.push(labels);
    return { allowed: true };
  });
  server.handle('/second', () => patchResponse([{ op: 'add', path: '/metadata/labels/second', value: 'ran' }]));
  await install('mutating', 'a-first', [webhook('first.example.com', '/first', { reinvocationPolicy: 'IfNeeded' })]);
  await install('mutating', 'b-second', [webhook('second.example.com', '/second')]);
  const created = await cluster.client.create('v1', 'configmaps', 'plain', configMap('reinvoked', { app: 'demo' }));
  expect(created.metadata.labels).toEqual({ app: 'demo', second: 'ran' });
  expect(seenByFirst).toEqual([{ app: 'demo' }, { app: 'demo', second: 'ran' }]);
});

it('a Never webhook is not reinvoked', async () => {
  let calls = 0;
  server.handle('/first', () => {
    calls++;
    return { allowed: true };
  });
  server.handle('/second', () => patchResponse([{ op: 'add', path: '/metadata/labels/second', value: 'ran' }]));
  await install('mutating', 'a-first', [webhook('first.example.com', '/first')]);
  await install('mutating', 'b-second', [webhook('second.example.com', '/second')]);
  await cluster.client.create('v1', 'configmaps', 'plain', configMap('not-reinvoked', { app: 'demo' }));
  expect(calls).toBe(1);
});

it('a DELETE review carries the old object and the DeleteOptions', async () => {
  await cluster.client.create('v1', 'configmaps', 'plain', configMap('doomed'));
  const deletes = webhook('deletes.example.com', '/', { rules: [{ operations: ['DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] });
  await install('validating', 'deletes', [deletes]);
  await cluster.client.delete('v1', 'configmaps', 'plain', 'doomed');
  expect(server.received).toHaveLength(1);
  const request = server.received[0]!.review.request;
  expect(request).toMatchObject({ operation: 'DELETE', name: 'doomed', namespace: 'plain', object: null, options: { kind: 'DeleteOptions' } });
  expect((request.oldObject as KubeObject).metadata.name).toBe('doomed');
});

it('webhook warnings reach the client as Warning headers', async () => {
  server.handle('/warn', () => ({ allowed: true, warnings: ['this configmap is deprecated'] }));
  await install('validating', 'warn', [webhook('warn.example.com', '/warn')]);
  const response = await fetch(`${cluster.url}/api/v1/namespaces/plain/configmaps`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(configMap('warned')),
  });
  expect(response.status).toBe(201);
  expect(response.headers.get('warning')).toBe('299 - "this configmap is deprecated"');
});

it('webhook warnings on a DELETE reach the client too', async () => {
  await cluster.client.create('v1', 'configmaps', 'plain', configMap('warned-delete'));
  server.handle('/warn-delete', () => ({ allowed: true, warnings: ['deleting configmaps is frowned upon'] }));
  const deletes = webhook('warn-delete.example.com', '/warn-delete', {
    rules: [{ operations: ['DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
  });
  await install('validating', 'warn-delete', [deletes]);
  const response = await fetch(`${cluster.url}/api/v1/namespaces/plain/configmaps/warned-delete`, { method: 'DELETE' });
  expect(response.status).toBe(200);
  expect(response.headers.get('warning')).toBe('299 - "deleting configmaps is frowned upon"');
});

it('bad responses are call failures with upstream texts', async () => {
  server.handle('/patching-validator', () => patchResponse([{ op: 'add', path: '/metadata/labels/x', value: 'y' }]));
  server.handle('/wrong-uid', () => ({ raw: { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'nope', allowed: true } } }));
  await install('validating', 'patching', [webhook('patching.example.com', '/patching-validator')]);
  const patching = await failure(cluster.client.create('v1', 'configmaps', 'plain', configMap('p1')));
  expect(patching.message).toBe(
    'Internal error occurred: failed calling webhook "patching.example.com": received invalid webhook response: validating webhook may not return response.patch',
  );
  await cluster.client.delete(group, 'validatingwebhookconfigurations', undefined, 'patching');
  configurations.length = 0;
  await install('validating', 'wrong-uid', [webhook('uid.example.com', '/wrong-uid')]);
  const wrongUid = await failure(cluster.client.create('v1', 'configmaps', 'plain', configMap('p2')));
  const uid = server.received.at(-1)?.review.request.uid;
  expect(wrongUid.message).toBe(
    `Internal error occurred: failed calling webhook "uid.example.com": received invalid webhook response: expected response.uid="${uid}", got "nope"`,
  );
});

it('webhook configurations themselves are never sent to webhooks', async () => {
  server.handle('/deny', () => ({ allowed: false, status: { message: 'everything' } }));
  const everything = webhook('everything.example.com', '/deny', { rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] });
  await install('validating', 'deny-everything', [everything]);
  await install('validating', 'another', [webhook('another.example.com', '/')]);
  expect(server.received).toHaveLength(0);
});

it('a scale write is admitted as the Scale the client wrote; a mutation of it moves the parent', async () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'scaled' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'scaled' } },
      template: { metadata: { labels: { app: 'scaled' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  };
  await cluster.client.create('apps/v1', 'deployments', 'plain', deployment as unknown as KubeObject);
  // Caps every scale at 5 replicas, as a quota-enforcing webhook might.
  server.handle('/cap', () => patchResponse([{ op: 'replace', path: '/spec/replicas', value: 5 }]));
  const scaleRule = { operations: ['UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments/scale'] };
  await install('mutating', 'cap-scale', [webhook('cap.example.com', '/cap', { rules: [scaleRule] })]);
  const response = await fetch(`${cluster.url}/apis/apps/v1/namespaces/plain/deployments/scaled/scale`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/merge-patch+json' },
    body: JSON.stringify({ spec: { replicas: 9 } }),
  });
  expect(response.status).toBe(200);
  expect(((await response.json()) as { spec: { replicas: number } }).spec.replicas).toBe(5);
  const stored = await cluster.client.get('apps/v1', 'deployments', 'plain', 'scaled');
  expect((stored.spec as { replicas: number }).replicas).toBe(5);
  const review = server.received[0]!.review.request as Record<string, unknown>;
  expect(review).toMatchObject({ subResource: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } });
  expect(review.object).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 9 } });
  expect(review.oldObject).toMatchObject({ kind: 'Scale', spec: { replicas: 1 } });
});
