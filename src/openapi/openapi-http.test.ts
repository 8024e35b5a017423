// Tests for the /openapi/v2 and /openapi/v3 response planning and the v2 loader.
import { createHash } from 'node:crypto';
import { negotiateOpenApiFormat, parseAccept, serveOpenApiV2, serveOpenApiV3Document, serveOpenApiV3Index } from './openapi-http.js';
import { loadSwagger, openApiV2ETag, openApiV2Json } from './openapi-v2.js';
import { buildOpenApiV3 } from './openapi-v3.js';

const swagger = loadSwagger();
const set = buildOpenApiV3(swagger);

describe('openapi v2', () => {
  it('loads the bundled document once', () => {
    expect(loadSwagger()).toBe(swagger);
    expect(swagger.swagger).toBe('2.0');
    expect(swagger.definitions?.['io.k8s.api.apps.v1.Deployment']).toBeDefined();
  });

  it('serialises once, compactly, with a SHA-512 ETag', () => {
    const bytes = openApiV2Json(swagger);
    expect(openApiV2Json(swagger)).toBe(bytes);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual(swagger);
    expect(openApiV2ETag(swagger)).toBe(`"${createHash('sha512').update(bytes).digest('hex').toUpperCase()}"`);
  });

  it('serves JSON and honours If-None-Match', () => {
    const ok = serveOpenApiV2(swagger, { accept: 'application/json' });
    expect(ok.status).toBe(200);
    expect(ok.headers['Content-Type']).toBe('application/json');
    const cached = serveOpenApiV2(swagger, { ifNoneMatch: ok.headers.ETag });
    expect(cached.status).toBe(304);
    expect(cached.body.length).toBe(0);
    expect(serveOpenApiV2(swagger, { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' }).status).toBe(406);
  });
});

describe('negotiation', () => {
  it('orders clauses by q, then specificity', () => {
    expect(parseAccept('*/*;q=0.8, application/json').map((c) => `${c.type}/${c.subType}`)).toEqual(['application/json', '*/*']);
  });

  it('answers JSON to kubectl and to wildcards, and nothing to protobuf-only clients', () => {
    expect(negotiateOpenApiFormat('application/json', 'v3')).toBe('json');
    expect(negotiateOpenApiFormat(undefined, 'v3')).toBe('json');
    expect(negotiateOpenApiFormat('application/com.github.proto-openapi.spec.v3@v1.0+protobuf, */*;q=0.1', 'v3')).toBe('json');
    expect(negotiateOpenApiFormat('application/com.github.proto-openapi.spec.v3.v1.0+protobuf', 'v3')).toBeUndefined();
    expect(
      negotiateOpenApiFormat('application/com.github.proto-openapi.spec.v3.v1.0+protobuf', 'v3', ['json', 'protobuf']),
    ).toBe('protobuf');
  });
});

describe('openapi v3 responses', () => {
  const current = set.document('apis/apps/v1')!;

  it('serves the index with an ETag', () => {
    const res = serveOpenApiV3Index(set);
    expect(res.status).toBe(200);
    expect(res.headers['Content-Type']).toBe('application/json');
    expect(serveOpenApiV3Index(set, { ifNoneMatch: res.headers.ETag }).status).toBe(304);
  });

  it('marks a hash-pinned document immutable', () => {
    const res = serveOpenApiV3Document(set, 'apis/apps/v1', {
      accept: 'application/json',
      hash: current.hash,
      now: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)),
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe(current.bytes);
    expect(res.headers).toMatchObject({
      'Content-Type': 'application/json',
      'Cache-Control': 'public, immutable',
      ETag: `"${current.hash}"`,
      Vary: 'Accept',
      Expires: 'Fri, 02 Jan 2026 03:04:05 GMT',
    });
  });

  it('redirects a stale hash to the current one', () => {
    const res = serveOpenApiV3Document(set, 'apis/apps/v1', { hash: 'STALE' });
    expect(res.status).toBe(301);
    expect(res.headers.Location).toBe(`/openapi/v3/apis/apps/v1?hash=${current.hash}`);
  });

  it('serves without caching headers when no hash is given, and 304s on a matching ETag', () => {
    const res = serveOpenApiV3Document(set, 'apis/apps/v1');
    expect(res.status).toBe(200);
    expect(res.headers['Cache-Control']).toBeUndefined();
    expect(serveOpenApiV3Document(set, 'apis/apps/v1', { ifNoneMatch: `"${current.hash}"` }).status).toBe(304);
  });

  it('refuses unknown documents and unacceptable formats', () => {
    expect(serveOpenApiV3Document(set, 'apis/nope/v1').status).toBe(404);
    expect(serveOpenApiV3Document(set, 'apis/apps/v1', { accept: 'text/html' }).status).toBe(406);
  });
});
