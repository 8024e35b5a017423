// namespaces/{name}/finalize over HTTP and through the in-process client: spec.finalizers only, then removal.
import { startCluster, type Cluster } from '../../cluster.js';
import type { KubeObject } from '../../meta/types.js';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ port: 0, controllers: '' });
});
afterAll(() => cluster.close());

type Json = KubeObject & { spec?: { finalizers?: string[] }; status?: Record<string, unknown>; code?: number; message?: string; reason?: string };

async function http(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${cluster.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function createNamespace(name: string): Promise<Json> {
  const { status, body } = await http('POST', '/api/v1/namespaces', { metadata: { name } });
  expect(status).toBe(201);
  return body;
}

describe('PUT /api/v1/namespaces/{name}/finalize', () => {
  test('replaces spec.finalizers, keeps status; a plain PUT cannot change them', async () => {
    const ns = await createNamespace('fin-spec');
    expect(ns.spec!.finalizers).toEqual(['kubernetes']);
    const plain = await http('PUT', '/api/v1/namespaces/fin-spec', { ...ns, spec: { finalizers: ['example.com/x'] } });
    expect(plain.body.spec!.finalizers).toEqual(['kubernetes']);

    const body = { ...plain.body, spec: { finalizers: ['kubernetes', 'example.com/x'] }, status: { phase: 'Terminating' } };
    const finalized = await http('PUT', '/api/v1/namespaces/fin-spec/finalize', body);
    expect(finalized.status).toBe(200);
    expect(finalized.body.spec!.finalizers).toEqual(['kubernetes', 'example.com/x']);
    expect(finalized.body.status).toEqual({ phase: 'Active' });
    expect((await http('GET', '/api/v1/namespaces/fin-spec')).body.spec!.finalizers).toEqual(['kubernetes', 'example.com/x']);
  });

  test('validates finalizer names as upstream ValidateNamespaceFinalizeUpdate', async () => {
    const ns = await createNamespace('fin-invalid');
    const { status, body } = await http('PUT', '/api/v1/namespaces/fin-invalid/finalize', { ...ns, spec: { finalizers: ['nope', 'example.com/ok'] } });
    expect(status).toBe(422);
    expect(body.message).toBe(
      'Namespace "fin-invalid" is invalid: spec.finalizers[0]: Invalid value: "nope": name is neither a standard finalizer name nor is it fully qualified',
    );
  });

  test('only PUT is served on finalize', async () => {
    await createNamespace('fin-verbs');
    expect((await http('GET', '/api/v1/namespaces/fin-verbs/finalize')).status).toBe(405);
  });

  test('a terminating namespace goes once finalize empties spec.finalizers', async () => {
    await createNamespace('fin-gone');
    const deleting = await http('DELETE', '/api/v1/namespaces/fin-gone');
    expect(deleting.body.status).toEqual({ phase: 'Terminating' });
    // A label change while terminating must not complete the delete: spec.finalizers still hold it.
    const labelled = await http('PUT', '/api/v1/namespaces/fin-gone', { ...deleting.body, metadata: { ...deleting.body.metadata, labels: { a: 'b' } } });
    expect(labelled.status).toBe(200);
    expect((await http('GET', '/api/v1/namespaces/fin-gone')).status).toBe(200);

    const done = await http('PUT', '/api/v1/namespaces/fin-gone/finalize', { ...labelled.body, spec: { finalizers: [] } });
    expect(done.status).toBe(200);
    expect((await http('GET', '/api/v1/namespaces/fin-gone')).status).toBe(404);
  });

  test('metadata.finalizers still hold a namespace whose spec.finalizers are empty', async () => {
    const ns = await createNamespace('fin-meta');
    await http('PUT', '/api/v1/namespaces/fin-meta', { ...ns, metadata: { ...ns.metadata, finalizers: ['example.com/hold'] } });
    const deleting = await http('DELETE', '/api/v1/namespaces/fin-meta');
    await http('PUT', '/api/v1/namespaces/fin-meta/finalize', { ...deleting.body, spec: { finalizers: [] } });
    const held = await http('GET', '/api/v1/namespaces/fin-meta');
    expect(held.status).toBe(200);
    expect(held.body.spec!.finalizers).toBeUndefined();
    await http('PUT', '/api/v1/namespaces/fin-meta', { ...held.body, metadata: { ...held.body.metadata, finalizers: [] } });
    expect((await http('GET', '/api/v1/namespaces/fin-meta')).status).toBe(404);
  });

  test('creating in a terminating namespace is refused with the NamespaceTerminating cause', async () => {
    await createNamespace('fin-create');
    await http('DELETE', '/api/v1/namespaces/fin-create');
    const { status, body } = await http('POST', '/api/v1/namespaces/fin-create/configmaps', { metadata: { name: 'late' } });
    expect(status).toBe(403);
    expect(body.message).toBe('configmaps "late" is forbidden: unable to create new content in namespace fin-create because it is being terminated');
    expect((body as { details?: { causes?: unknown[] } }).details!.causes).toEqual([
      { reason: 'NamespaceTerminating', message: 'namespace fin-create is being terminated', field: 'metadata.namespace' },
    ]);
  });
});

describe('the in-process client', () => {
  test('update with subresource finalize removes a terminating namespace', async () => {
    const client = cluster.client;
    await client.create('v1', 'namespaces', undefined, { metadata: { name: 'fin-client' } });
    const deleting = await client.delete('v1', 'namespaces', undefined, 'fin-client');
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    await client.update('v1', 'namespaces', undefined, { ...deleting, spec: { finalizers: [] } }, { subresource: 'finalize' });
    await expect(client.get('v1', 'namespaces', undefined, 'fin-client')).rejects.toMatchObject({ code: 404 });
  });

  test('finalize is refused where it is not served', async () => {
    const client = cluster.client;
    const cm = await client.create('v1', 'configmaps', 'default', { metadata: { name: 'fin-cm' } });
    await expect(client.update('v1', 'configmaps', 'default', cm, { subresource: 'finalize' })).rejects.toMatchObject({ code: 404 });
    await expect(client.patch('v1', 'namespaces', undefined, 'default', 'merge', {}, { subresource: 'finalize' })).rejects.toMatchObject({ code: 405 });
  });
});
