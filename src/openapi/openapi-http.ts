// Framework-free response planning for /openapi/v2, /openapi/v3 and /openapi/v3/<path>, mirroring kube-openapi's handler and handler3.
import type { OpenAPIV2 } from 'openapi-types';
import { openApiV2ETag, openApiV2Json } from './openapi-v2.js';
import { normaliseDocumentPath, openApiHash, openApiV3ServerRelativeUrl, type OpenApiV3Set } from './openapi-v3.js';

export interface OpenApiHttpRequest {
  /** The Accept header; absent means `*\/*`. */
  accept?: string;
  /** The If-None-Match header. */
  ifNoneMatch?: string;
  /** The `hash` query parameter (v3 documents only). */
  hash?: string;
  /** The request time, for the one-year Expires header on hash-pinned v3 documents. */
  now?: Date;
}

export interface OpenApiHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type OpenApiFormat = 'json' | 'protobuf';

interface AcceptClause {
  type: string;
  subType: string;
  q: number;
}

/** Parses an Accept header the way github.com/munnerz/goautoneg does, best clause first. */
export function parseAccept(header: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const part of header.split(',')) {
    const [mediaRange, ...params] = part.split(';');
    const slash = mediaRange.split('/');
    const type = slash[0].trim();
    let subType: string;
    if (slash.length === 1 && type === '*') subType = '*';
    else if (slash.length === 2) subType = slash[1].trim();
    else continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=').map((s) => s.trim());
      if (name === 'q' && value !== undefined) {
        const parsed = Number.parseFloat(value);
        if (!Number.isNaN(parsed)) q = parsed;
      }
    }
    clauses.push({ type, subType, q });
  }
  const rank = (c: AcceptClause): number => (c.type === '*' ? 0 : 2) + (c.subType === '*' ? 0 : 1);
  // Stable sort: among equally preferred clauses the client's order decides.
  return clauses.sort((a, b) => b.q - a.q || rank(b) - rank(a));
}

const SUBTYPES: Record<'v2' | 'v3', Array<[string, OpenApiFormat]>> = {
  v2: [
    ['json', 'json'],
    ['com.github.proto-openapi.spec.v2@v1.0+protobuf', 'protobuf'],
    ['com.github.proto-openapi.spec.v2.v1.0+protobuf', 'protobuf'],
  ],
  v3: [
    ['json', 'json'],
    ['com.github.proto-openapi.spec.v3.v1.0+protobuf', 'protobuf'],
    ['com.github.proto-openapi.spec.v3@v1.0+protobuf', 'protobuf'],
  ],
};

/**
 * Picks the format to answer with, or undefined for 406. Only formats in `supported` are
 * considered, so a client that prefers protobuf but also takes JSON (or `*\/*`) gets JSON.
 */
export function negotiateOpenApiFormat(
  accept: string | undefined,
  version: 'v2' | 'v3',
  supported: readonly OpenApiFormat[] = ['json'],
): OpenApiFormat | undefined {
  for (const clause of parseAccept(accept === undefined || accept === '' ? '*/*' : accept)) {
    if (clause.q <= 0) continue;
    for (const [subType, format] of SUBTYPES[version]) {
      if (!supported.includes(format)) continue;
      if (clause.type !== 'application' && clause.type !== '*') continue;
      if (clause.subType !== subType && clause.subType !== '*') continue;
      return format;
    }
  }
  return undefined;
}

/** Whether If-None-Match names `etag` (weak comparison, like Go's http.ServeContent). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const strip = (tag: string): string => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || strip(tag) === strip(etag));
}

function content(headers: Record<string, string>, body: Buffer, ifNoneMatch: string | undefined): OpenApiHttpResponse {
  if (etagMatches(ifNoneMatch, headers.ETag)) {
    const { 'Content-Type': _dropped, ...rest } = headers;
    return { status: 304, headers: rest, body: Buffer.alloc(0) };
  }
  return { status: 200, headers: { ...headers, 'Content-Length': String(body.length) }, body };
}

function text(status: number, message: string, headers: Record<string, string> = {}): OpenApiHttpResponse {
  return {
    status,
    headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
    body: Buffer.from(`${message}\n`),
  };
}

/** GET /openapi/v2: JSON only (protobuf would need gnostic's message mapping). */
export function serveOpenApiV2(swagger: OpenAPIV2.Document, req: OpenApiHttpRequest = {}): OpenApiHttpResponse {
  if (negotiateOpenApiFormat(req.accept, 'v2') === undefined) return { status: 406, headers: { Vary: 'Accept' }, body: Buffer.alloc(0) };
  const headers = { Vary: 'Accept', 'Content-Type': 'application/json', ETag: openApiV2ETag(swagger) };
  return content(headers, openApiV2Json(swagger), req.ifNoneMatch);
}

/** GET /openapi/v3: the index; handler3 ignores Accept here. */
export function serveOpenApiV3Index(set: OpenApiV3Set, req: OpenApiHttpRequest = {}): OpenApiHttpResponse {
  const body = set.index();
  // Hashing the few-KB index per request is cheaper than tracking when it changes.
  const etag = `"${openApiHash(body)}"`;
  return content({ 'Content-Type': 'application/json', ETag: etag }, body, req.ifNoneMatch);
}

/**
 * GET /openapi/v3/<path>[?hash=]: a stale hash is answered with a 301 to the current one; a
 * matching hash marks the response immutable. Unknown paths get 404 (handler3 itself writes
 * an empty 200, which no client can use).
 */
export function serveOpenApiV3Document(set: OpenApiV3Set, path: string, req: OpenApiHttpRequest = {}): OpenApiHttpResponse {
  const key = normaliseDocumentPath(path);
  if (negotiateOpenApiFormat(req.accept, 'v3') === undefined) return { status: 406, headers: { Vary: 'Accept' }, body: Buffer.alloc(0) };
  const doc = set.document(key);
  if (doc === undefined) return text(404, '404 page not found', { Vary: 'Accept' });
  const headers: Record<string, string> = { Vary: 'Accept', 'Content-Type': 'application/json', ETag: `"${doc.hash}"` };
  if (req.hash !== undefined && req.hash !== '') {
    if (req.hash !== doc.hash) {
      // http.Redirect writes no body when a Content-Type is already set, as it is here.
      return { status: 301, headers: { ...headers, Location: openApiV3ServerRelativeUrl(key, doc.hash) }, body: Buffer.alloc(0) };
    }
    headers['Cache-Control'] = 'public, immutable';
    if (req.now !== undefined) {
      const expires = new Date(req.now.getTime());
      expires.setUTCFullYear(expires.getUTCFullYear() + 1);
      headers.Expires = expires.toUTCString();
    }
  }
  return content(headers, doc.bytes, req.ifNoneMatch);
}
