// Conversion webhooks against a real local HTTPS server: reviews sent, answers checked as upstream checks them.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { startCluster, type Cluster } from '../../cluster.js';
import type { InProcessClient } from '../../client/client.js';
import type { KubeObject } from '../../meta/types.js';
import { subjectAltName } from '../../tls/certificate-builder.js';
import { clusterCA } from '../../tls/cluster-ca.js';
import { issueLeafCertificate } from '../../tls/leaf-certificate.js';
import type { CustomResourceDefinition, JSONSchemaProps } from './crd-types.js';
import { installCrd } from './crd-test-kit.js';

type Mode = 'convert' | 'wrong-uid' | 'failure' | 'too-many' | 'wrong-version' | 'rename' | 'relabel' | 'http-500';

interface Review {
  kind: string;
  apiVersion: string;
  request: { uid: string; desiredAPIVersion: string; objects: KubeObject[] };
}

let cluster: Cluster;
let client: InProcessClient;
let server: Server;
let mode: Mode = 'convert';
const reviews: Review[] = [];

/** v1 calls it spec.color, v2 spec.colour: the webhook renames the field both ways. */
function convert(object: KubeObject, to: string): KubeObject {
  const spec = { ...(object.spec as Record<string, unknown>) };
  if (to.endsWith('/v2') && 'color' in spec) {
    spec.colour = spec.color;
    delete spec.color;
  }
  if (to.endsWith('/v1') && 'colour' in spec) {
    spec.color = spec.colour;
    delete spec.colour;
  }
  return { ...object, apiVersion: to, spec };
}

function answer(review: Review): unknown {
  const { uid, desiredAPIVersion, objects } = review.request;
  let converted = objects.map((o) => convert(o, desiredAPIVersion));
  const response: Record<string, unknown> = { uid, result: { status: 'Success' }, convertedObjects: converted };
  switch (mode) {
    case 'wrong-uid':
      response.uid = 'not-the-uid';
      break;
    case 'failure':
      response.result = { status: 'Failure', message: 'cannot convert colours on Tuesdays' };
      break;
    case 'too-many':
      response.convertedObjects = [...converted, ...converted];
      break;
    case 'wrong-version':
      response.convertedObjects = converted.map((o) => ({ ...o, apiVersion: 'conv.example.com/v3' }));
      break;
    case 'rename':
      response.convertedObjects = converted.map((o) => ({ ...o, metadata: { ...o.metadata, name: 'other' } }));
      break;
    case 'relabel':
      converted = converted.map((o) => ({ ...o, metadata: { ...o.metadata, labels: { converted: 'yes' }, generation: 42 } }));
      response.convertedObjects = converted;
      break;
    default:
      break;
  }
  return { kind: 'ConversionReview', apiVersion: 'apiextensions.k8s.io/v1', response };
}

async function servingCertificate(): Promise<{ key: string; cert: string; ca: string }> {
  const { certPem, keyPem } = await issueLeafCertificate([{ CN: ['conversion-webhook'] }], [subjectAltName(['127.0.0.1'])]);
  return { key: keyPem, cert: certPem, ca: (await clusterCA()).certificatePem };
}

const specSchema = (field: string): { openAPIV3Schema: JSONSchemaProps } => ({
  openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { [field]: { type: 'string' } } } } },
});

beforeAll(async () => {
  const tls = await servingCertificate();
  server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Review;
      reviews.push(review);
      if (mode === 'http-500') {
        res.writeHead(500).end('boom');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer(review)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  cluster = await startCluster({ controllers: '', nodes: 0 });
  client = cluster.client;
  const crd: CustomResourceDefinition = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gadgets.conv.example.com' },
    spec: {
      group: 'conv.example.com',
      scope: 'Namespaced',
      names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
      versions: [
        { name: 'v1', served: true, storage: true, schema: specSchema('color') },
        { name: 'v2', served: true, storage: false, schema: specSchema('colour') },
      ],
      conversion: {
        strategy: 'Webhook',
        webhook: {
          conversionReviewVersions: ['v1'],
          clientConfig: { url: `https://127.0.0.1:${port}/convert`, caBundle: Buffer.from(tls.ca).toString('base64') },
        },
      },
    },
  };
  await installCrd(client, crd, () => cluster.settle());
});
afterAll(async () => {
  await cluster.close();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  mode = 'convert';
  reviews.length = 0;
});

const gadget = (name: string, version: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: `conv.example.com/${version}`,
  kind: 'Gadget',
  metadata: { name },
  spec,
});

test('a write in another version is converted to the storage version and back', async () => {
  const created = await client.create('conv.example.com/v2', 'gadgets', 'default', gadget('a', 'v2', { colour: 'red' }));
  expect(created).toMatchObject({ apiVersion: 'conv.example.com/v2', spec: { colour: 'red' } });
  const stored = await cluster.store.get('/registry/conv.example.com/gadgets/default/a');
  expect(stored?.object).toMatchObject({ apiVersion: 'conv.example.com/v1', spec: { color: 'red' } });
  expect(reviews.map((r) => r.request.desiredAPIVersion)).toEqual(['conv.example.com/v1', 'conv.example.com/v2']);
  const sent = reviews[0]!;
  expect(sent.kind).toBe('ConversionReview');
  expect(sent.apiVersion).toBe('apiextensions.k8s.io/v1');
  expect(sent.request.uid).toMatch(/^[0-9a-f-]{36}$/);
  expect(sent.request.objects[0]!.metadata.resourceVersion).toBeUndefined();
});

test('reads in the storage version call nothing; others call once per stored version', async () => {
  await client.create('conv.example.com/v1', 'gadgets', 'default', gadget('b', 'v1', { color: 'blue' }));
  expect(reviews).toHaveLength(0);
  expect((await client.get('conv.example.com/v1', 'gadgets', 'default', 'b')).spec).toEqual({ color: 'blue' });
  expect(reviews).toHaveLength(0);
  const v2 = await client.get('conv.example.com/v2', 'gadgets', 'default', 'b');
  expect(v2).toMatchObject({ apiVersion: 'conv.example.com/v2', spec: { colour: 'blue' } });
  await client.get('conv.example.com/v2', 'gadgets', 'default', 'b');
  expect(reviews).toHaveLength(1);
  const listed = await client.list('conv.example.com/v2', 'gadgets', 'default', { limit: 1 });
  expect(listed.items.map((i) => [i.metadata.name, i.spec])).toEqual([['a', { colour: 'red' }]]);
  expect(listed.continue).toBeDefined();
});

test('watch events are converted and delivered in order', async () => {
  const list = await client.list('conv.example.com/v2', 'gadgets', 'default');
  const events: [string, string | undefined, unknown][] = [];
  let allSeen: () => void = () => undefined;
  const threeEvents = new Promise<void>((resolve) => (allSeen = resolve));
  const handle = await client.watch('conv.example.com/v2', 'gadgets', 'default', { resourceVersion: list.resourceVersion }, (e) => {
    events.push([e.type, e.object.metadata.name, e.object.spec]);
    if (events.length === 3) allSeen();
  });
  await client.create('conv.example.com/v1', 'gadgets', 'default', gadget('c', 'v1', { color: 'green' }));
  await client.create('conv.example.com/v1', 'gadgets', 'default', gadget('d', 'v1', { color: 'pink' }));
  await client.delete('conv.example.com/v1', 'gadgets', 'default', 'c');
  // Conversions take a webhook round trip each: the events arrive after the writes resolve.
  await threeEvents;
  handle.stop();
  expect(events).toEqual([
    ['ADDED', 'c', { colour: 'green' }],
    ['ADDED', 'd', { colour: 'pink' }],
    ['DELETED', 'c', { colour: 'green' }],
  ]);
});

test('the webhook may change labels and annotations only', async () => {
  await client.create('conv.example.com/v1', 'gadgets', 'default', gadget('labelled', 'v1', { color: 'teal' }));
  mode = 'relabel';
  const read = await client.get('conv.example.com/v2', 'gadgets', 'default', 'labelled');
  expect(read.metadata.labels).toEqual({ converted: 'yes' });
  expect(read.metadata.generation).toBe(1);
});

test.each([
  ['wrong-uid', /^Internal error occurred: conversion webhook for conv\.example\.com\/v1, Kind=Gadget failed: expected response\.uid="[0-9a-f-]+", got "not-the-uid"$/],
  ['failure', /^Internal error occurred: conversion webhook for conv\.example\.com\/v1, Kind=Gadget failed: cannot convert colours on Tuesdays$/],
  ['too-many', /^Internal error occurred: conversion webhook for conv\.example\.com\/v1, Kind=Gadget returned 2 objects, expected 1$/],
  [
    'wrong-version',
    /^Internal error occurred: conversion webhook for conv\.example\.com\/v1, Kind=Gadget returned invalid object at index 0: invalid groupVersion \(expected conv\.example\.com\/v2, received conv\.example\.com\/v3\)$/,
  ],
  ['rename', /^Internal error occurred: conversion webhook for conv\.example\.com\/v1, Kind=Gadget returned invalid object: must have the same name: e-rename != other$/],
  ['http-500', /^Internal error occurred: conversion webhook for conv\.example\.com\/v1, Kind=Gadget failed: /],
] as const)('a bad answer (%s) fails the read with upstream’s message', async (bad, message) => {
  const name = `e-${bad}`;
  await client.create('conv.example.com/v1', 'gadgets', 'default', gadget(name, 'v1', { color: 'grey' }));
  mode = bad;
  const failure = await client.get('conv.example.com/v2', 'gadgets', 'default', name).then(
    () => undefined,
    (err: unknown) => err as { code: number; message: string },
  );
  expect(failure?.code).toBe(500);
  expect(failure?.message).toMatch(message);
  // A failed conversion is not cached: once the webhook answers well, the read succeeds.
  mode = 'convert';
  expect((await client.get('conv.example.com/v2', 'gadgets', 'default', name)).spec).toEqual({ colour: 'grey' });
});
