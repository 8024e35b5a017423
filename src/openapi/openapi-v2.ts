// Loads the bundled Kubernetes OpenAPI v2 document once per process and serialises it for /openapi/v2.
import { readFileSync } from 'node:fs';
import type { OpenAPIV2 } from 'openapi-types';
import type { DiscoveryExtras } from '../registry/resource-table.js';
import { openApiHash } from './openapi-v3.js';

// src/openapi/*.ts and dist/openapi/*.js both sit two levels below the package root, as does the bundled CLI
// (dist/cli/), so these relative URLs hold in every form kubefake runs in.
const SWAGGER_URL = new URL('../../openapi/swagger-1.36.json', import.meta.url);
const DISCOVERY_EXTRAS_URL = new URL('../../openapi/discovery-extras.json', import.meta.url);

let loaded: OpenAPIV2.Document | undefined;

/**
 * The upstream kube-apiserver 1.36 OpenAPI v2 document, parsed once per process. Callers
 * share the object (and the caches keyed by it), so it must be treated as read-only.
 */
export function loadSwagger(): OpenAPIV2.Document {
  if (loaded === undefined) loaded = JSON.parse(readFileSync(SWAGGER_URL, 'utf8')) as OpenAPIV2.Document;
  return loaded;
}

let extras: DiscoveryExtras | undefined;

/** Short names and categories discovery adds to the OpenAPI document's resources (openapi/discovery-extras.json). */
export function loadDiscoveryExtras(): DiscoveryExtras {
  extras ??= JSON.parse(readFileSync(DISCOVERY_EXTRAS_URL, 'utf8')) as DiscoveryExtras;
  return extras;
}

export interface OpenApiV2Bytes {
  bytes: Buffer;
  /** Uppercase hex SHA-512 of `bytes`; kube-openapi serves it, quoted, as the ETag. */
  hash: string;
}

const serialised = new WeakMap<object, OpenApiV2Bytes>();

function v2Bytes(swagger: OpenAPIV2.Document): OpenApiV2Bytes {
  let entry = serialised.get(swagger);
  if (entry === undefined) {
    // Compact like Go's json.Marshal: the bundled file is the pretty-printed copy of the same spec.
    const bytes = Buffer.from(JSON.stringify(swagger));
    entry = { bytes, hash: openApiHash(bytes) };
    serialised.set(swagger, entry);
  }
  return entry;
}

/** The bytes to serve at /openapi/v2, serialised once per swagger object. */
export function openApiV2Json(swagger: OpenAPIV2.Document): Buffer {
  return v2Bytes(swagger).bytes;
}

/** The ETag header value (quoted) for /openapi/v2. */
export function openApiV2ETag(swagger: OpenAPIV2.Document): string {
  return `"${v2Bytes(swagger).hash}"`;
}
