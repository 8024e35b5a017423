// E2E over HTTP: an Established CRD appears in /openapi/v2 (JSON and protobuf) and /openapi/v3, changes their hashes, and goes away on delete.
import { apiServerOnly, startTestCluster, type TestCluster } from '../helpers.js';
import { eventually, installEstablished, uninstall, widgetDefinition } from './crd-openapi-support.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster(apiServerOnly);
});
afterAll(async () => {
  await cluster.close();
});

const V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

async function get(path: string, accept = 'application/json'): Promise<Response> {
  return fetch(`${cluster.url}${path}`, { headers: { Accept: accept }, redirect: 'manual' });
}

async function v2(): Promise<{ etag: string; doc: Any }> {
  const res = await get('/openapi/v2');
  expect(res.status).toBe(200);
  return { etag: res.headers.get('etag') ?? '', doc: await res.json() };
}

async function v3Index(): Promise<Record<string, { serverRelativeURL: string }>> {
  const res = await get('/openapi/v3');
  expect(res.status).toBe(200);
  return ((await res.json()) as Any).paths;
}

test('an Established CRD is published in /openapi/v2 and /openapi/v3 until it is deleted', async () => {
  const before = await v2();
  expect(before.doc.definitions['com.example.v1.Widget']).toBeUndefined();
  expect((await v3Index())['apis/example.com/v1']).toBeUndefined();
  expect((await get('/openapi/v3/apis/example.com/v1')).status).toBe(404);

  await installEstablished(cluster, widgetDefinition());
  await eventually(async () => (await v3Index())['apis/example.com/v1'] !== undefined, 'the CRD in the v3 index');

  // v2: definitions, paths, and a new ETag.
  const after = await v2();
  expect(after.etag).not.toBe(before.etag);
  const widget = after.doc.definitions['com.example.v1.Widget'];
  expect(widget.description).toBe('Widget is a thing with gears.');
  expect(widget.properties.spec.properties.size.description).toBe('Number of gears in the widget.');
  expect(widget['x-kubernetes-group-version-kind']).toEqual([{ group: 'example.com', kind: 'Widget', version: 'v1' }]);
  expect(after.doc.definitions['com.example.v1.WidgetList']).toBeDefined();
  expect(Object.keys(after.doc.paths)).toEqual(expect.arrayContaining([
    '/apis/example.com/v1/widgets', '/apis/example.com/v1/namespaces/{namespace}/widgets',
    '/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/status', '/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/scale',
  ]));
  expect((await get('/openapi/v2', '*/*')).headers.get('etag')).toBe(after.etag);
  const notModified = await fetch(`${cluster.url}/openapi/v2`, { headers: { Accept: 'application/json', 'If-None-Match': after.etag } });
  expect(notModified.status).toBe(304);

  // v2 as gnostic protobuf, what kubectl 1.27/1.28 ask for.
  const protobuf = await get('/openapi/v2', V2_PROTOBUF);
  expect(protobuf.headers.get('content-type')).toBe('application/octet-stream');
  const bytes = Buffer.from(await protobuf.arrayBuffer());
  expect(bytes.includes(Buffer.from('com.example.v1.Widget'))).toBe(true);
  expect(bytes.includes(Buffer.from('Number of gears in the widget.'))).toBe(true);

  // v3: the index names the group-version with its hash; the document holds the kind and its paths.
  const url = (await v3Index())['apis/example.com/v1']!.serverRelativeURL;
  const hash = new URL(url, cluster.url).searchParams.get('hash')!;
  const pinned = await get(url);
  expect(pinned.status).toBe(200);
  expect(pinned.headers.get('etag')).toBe(`"${hash}"`);
  expect(pinned.headers.get('cache-control')).toBe('public, immutable');
  const doc = (await pinned.json()) as Any;
  expect(doc.components.schemas['com.example.v1.Widget'].properties.spec.description).toBe('WidgetSpec describes how the widget turns.');
  expect(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();
  expect(Object.keys(doc.paths)).toContain('/apis/example.com/v1/namespaces/{namespace}/widgets/{name}');
  // Built-in documents are still there.
  expect((await v3Index())['apis/apps/v1']).toBeDefined();

  // A schema change gives the document a new hash; the old one redirects to it.
  await installEstablished(cluster, widgetDefinition('Widget, revised.'));
  await eventually(async () => (await v3Index())['apis/example.com/v1']?.serverRelativeURL !== url, 'a new v3 hash');
  const stale = await get(url);
  expect(stale.status).toBe(301);
  const moved = stale.headers.get('location')!;
  expect(moved).not.toBe(url);
  expect(((await (await get(moved)).json()) as Any).components.schemas['com.example.v1.Widget'].description).toBe('Widget, revised.');
  expect((await v2()).doc.definitions['com.example.v1.Widget'].description).toBe('Widget, revised.');

  await uninstall(cluster, 'widgets.example.com');
  await eventually(async () => (await v3Index())['apis/example.com/v1'] === undefined, 'the CRD to leave the v3 index');
  expect((await get('/openapi/v3/apis/example.com/v1')).status).toBe(404);
  const gone = await v2();
  expect(gone.doc.definitions['com.example.v1.Widget']).toBeUndefined();
  expect(gone.doc.paths['/apis/example.com/v1/widgets']).toBeUndefined();
  expect(gone.etag).toBe(before.etag);
});
