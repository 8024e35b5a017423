// The OpenAPI v3 document set served under /openapi/v3: one document per API root (group-version, group, /api, /version, ...) plus the hash-stamped index.
import { createHash } from 'node:crypto';
import type { OpenAPIV2, OpenAPIV3 } from 'openapi-types';
import {
  collectSchemaRefs,
  convertPathItem,
  convertSchema,
  convertSecurityDefinitions,
  isObject,
  type Json,
  type JsonObject,
  type V2Context,
} from './openapi-v3-convert.js';

export interface OpenApiV3Document {
  bytes: Buffer;
  /** Uppercase hex SHA-512 of `bytes`, as kube-openapi's handler3 computes it. */
  hash: string;
}

export interface OpenApiV3Set {
  /** The discovery document served at /openapi/v3. */
  index(): Buffer;
  /** The document for `api/v1`, `apis/apps/v1`, `version`, ...; undefined when not served. */
  document(path: string): OpenApiV3Document | undefined;
  /** Every served document path, sorted. */
  paths(): string[];
}

/** What a later feature (CustomResourceDefinitions) can hand over: a document, or its bytes. */
export type OpenApiV3Source = OpenAPIV3.Document | JsonObject | Buffer;

/** Uppercase hex SHA-512, the hash and ETag format of kube-openapi. */
export function openApiHash(bytes: Buffer): string {
  return createHash('sha512').update(bytes).digest('hex').toUpperCase();
}

/** The index entry's URL, as handler3 builds it (path.Join plus `?hash=`). */
export function openApiV3ServerRelativeUrl(path: string, hash: string): string {
  return `/openapi/v3/${path}?hash=${encodeURIComponent(hash)}`;
}

/** Normalises `/apis/apps/v1/` and `apis/apps/v1` to the index key form. */
export function normaliseDocumentPath(path: string): string {
  return path.replace(/^\/+/, '').replace(/\/+$/, '');
}

/**
 * The document a v2 URL path belongs to. kube-apiserver publishes one v3 document per
 * go-restful WebService, keyed by its root path: `/api`, `/api/v1`, `/apis`, `/apis/<group>`,
 * `/apis/<group>/<version>`, and single-purpose roots such as `/version` or `/logs`.
 */
export function documentPathFor(urlPath: string): string {
  const segments = normaliseDocumentPath(urlPath).split('/');
  if (segments[0] === 'api') return segments.slice(0, 2).join('/');
  if (segments[0] === 'apis') return segments.slice(0, 3).join('/');
  const fixed: string[] = [];
  for (const segment of segments) {
    if (segment.startsWith('{')) break;
    fixed.push(segment);
  }
  return fixed.join('/');
}

// Everything derived from one v2 document, shared by every set built from it: tests start
// many servers in one process and converting the 4 MB document once is what keeps that cheap.
interface BuiltinCache {
  swagger: JsonObject;
  ctx: V2Context;
  groups: Map<string, string[]>;
  schemas: Map<string, Json>;
  schemaRefs: Map<string, string[]>;
  docs: Map<string, OpenApiV3Document>;
  securitySchemes: JsonObject | undefined;
}

const caches = new WeakMap<object, BuiltinCache>();

function builtinCache(swagger: OpenAPIV2.Document): BuiltinCache {
  let cache = caches.get(swagger);
  if (cache !== undefined) return cache;
  const raw = swagger as unknown as JsonObject;
  const groups = new Map<string, string[]>();
  for (const urlPath of Object.keys(isObject(raw.paths) ? raw.paths : {})) {
    const key = documentPathFor(urlPath);
    const list = groups.get(key);
    if (list === undefined) groups.set(key, [urlPath]);
    else list.push(urlPath);
  }
  cache = {
    swagger: raw,
    ctx: {
      parameters: isObject(raw.parameters) ? raw.parameters : undefined,
      consumes: raw.consumes,
      produces: raw.produces,
    },
    groups,
    schemas: new Map(),
    schemaRefs: new Map(),
    docs: new Map(),
    securitySchemes: convertSecurityDefinitions(raw.securityDefinitions),
  };
  caches.set(swagger, cache);
  return cache;
}

function v3Schema(cache: BuiltinCache, name: string): Json | undefined {
  const known = cache.schemas.get(name);
  if (known !== undefined) return known;
  const definitions = cache.swagger.definitions;
  const source = isObject(definitions) ? definitions[name] : undefined;
  if (source === undefined) return undefined;
  const converted = convertSchema(source, name);
  const refs = new Set<string>();
  collectSchemaRefs(converted, refs);
  cache.schemas.set(name, converted);
  cache.schemaRefs.set(name, [...refs]);
  return converted;
}

/** The converted definitions reachable from `roots`, sorted by name. */
function schemaClosure(cache: BuiltinCache, roots: Iterable<string>): JsonObject {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    if (v3Schema(cache, name) === undefined) continue;
    seen.add(name);
    for (const ref of cache.schemaRefs.get(name) ?? []) if (!seen.has(ref)) queue.push(ref);
  }
  const out: JsonObject = {};
  for (const name of [...seen].sort()) out[name] = cache.schemas.get(name)!;
  return out;
}

function info(cache: BuiltinCache): Json {
  return isObject(cache.swagger.info) ? cache.swagger.info : { title: 'Kubernetes', version: 'unversioned' };
}

function buildBuiltinDocument(cache: BuiltinCache, path: string): OpenApiV3Document | undefined {
  const known = cache.docs.get(path);
  if (known !== undefined) return known;
  const urlPaths = cache.groups.get(path);
  if (urlPaths === undefined) return undefined;
  const v2Paths = cache.swagger.paths as JsonObject;
  const refs = new Set<string>();
  const paths: JsonObject = {};
  for (const urlPath of urlPaths) paths[urlPath] = convertPathItem(v2Paths[urlPath], cache.ctx, refs);
  const components: JsonObject = {};
  const schemas = schemaClosure(cache, refs);
  if (Object.keys(schemas).length > 0) components.schemas = schemas;
  if (cache.securitySchemes !== undefined) components.securitySchemes = cache.securitySchemes;
  const doc: JsonObject = { openapi: '3.0.0', info: info(cache), paths, components };
  const bytes = Buffer.from(JSON.stringify(doc));
  const built = { bytes, hash: openApiHash(bytes) };
  cache.docs.set(path, built);
  return built;
}

/**
 * Component schemas for `roots` and everything they reference, converted from the v2
 * definitions — what a CustomResourceDefinition document needs for ObjectMeta, ListMeta,
 * Status, DeleteOptions, Patch, WatchEvent and friends. Returns fresh copies.
 */
export function openApiV3Schemas(swagger: OpenAPIV2.Document, roots: Iterable<string>): Record<string, OpenAPIV3.SchemaObject> {
  return structuredClone(schemaClosure(builtinCache(swagger), roots)) as Record<string, OpenAPIV3.SchemaObject>;
}

/** The v3 securitySchemes kube-apiserver puts in every document (BearerToken). */
export function openApiV3SecuritySchemes(swagger: OpenAPIV2.Document): Record<string, OpenAPIV3.SecuritySchemeObject> {
  return structuredClone(builtinCache(swagger).securitySchemes ?? {}) as unknown as Record<string, OpenAPIV3.SecuritySchemeObject>;
}

interface ExtraEntry {
  source: OpenApiV3Source;
  built?: OpenApiV3Document;
}

class MutableOpenApiV3Set implements OpenApiV3Set {
  private readonly extra = new Map<string, ExtraEntry>();
  private readonly removed = new Set<string>();
  private indexBytes: Buffer | undefined;

  constructor(private readonly cache: BuiltinCache) {}

  paths(): string[] {
    const out = new Set<string>();
    for (const path of this.cache.groups.keys()) if (!this.removed.has(path)) out.add(path);
    for (const path of this.extra.keys()) out.add(path);
    // Go marshals the index map with sorted keys; plain code-unit order matches its byte order for ASCII.
    return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  document(path: string): OpenApiV3Document | undefined {
    const key = normaliseDocumentPath(path);
    const entry = this.extra.get(key);
    if (entry !== undefined) {
      if (entry.built === undefined) {
        const bytes = Buffer.isBuffer(entry.source) ? entry.source : Buffer.from(JSON.stringify(entry.source));
        entry.built = { bytes, hash: openApiHash(bytes) };
      }
      return entry.built;
    }
    if (this.removed.has(key)) return undefined;
    return buildBuiltinDocument(this.cache, key);
  }

  index(): Buffer {
    if (this.indexBytes === undefined) {
      const paths: Record<string, { serverRelativeURL: string }> = {};
      for (const path of this.paths()) {
        const doc = this.document(path)!;
        paths[path] = { serverRelativeURL: openApiV3ServerRelativeUrl(path, doc.hash) };
      }
      this.indexBytes = Buffer.from(JSON.stringify({ paths }));
    }
    return this.indexBytes;
  }

  put(path: string, source: OpenApiV3Source): void {
    const key = normaliseDocumentPath(path);
    this.extra.set(key, { source });
    this.removed.delete(key);
    this.indexBytes = undefined;
  }

  remove(path: string): boolean {
    const key = normaliseDocumentPath(path);
    const hadExtra = this.extra.delete(key);
    const hadBuiltin = this.cache.groups.has(key) && !this.removed.has(key);
    if (hadBuiltin) this.removed.add(key);
    if (hadExtra || hadBuiltin) this.indexBytes = undefined;
    return hadExtra || hadBuiltin;
  }
}

/**
 * A fresh document set over the built-in documents of `swagger`. Built-in documents are
 * converted lazily, on the first request for each (the index needs them all for its hashes),
 * and shared by every set made from the same swagger object; additions and removals stay
 * private to the set.
 */
export function buildOpenApiV3(swagger: OpenAPIV2.Document): OpenApiV3Set {
  return new MutableOpenApiV3Set(builtinCache(swagger));
}

function mutable(set: OpenApiV3Set): MutableOpenApiV3Set {
  if (!(set instanceof MutableOpenApiV3Set)) throw new TypeError('not a set made by buildOpenApiV3');
  return set;
}

/**
 * Adds or replaces the document at `path` (e.g. `apis/stable.example.com/v1`); the index and
 * hash reflect it from the next request on. A document object is serialised once, lazily.
 */
export function addOpenApiV3Document(set: OpenApiV3Set, path: string, doc: OpenApiV3Source): void {
  mutable(set).put(path, doc);
}

/** Stops serving the document at `path`, built-in or added; reports whether it was served. */
export function removeOpenApiV3Document(set: OpenApiV3Set, path: string): boolean {
  return mutable(set).remove(path);
}
