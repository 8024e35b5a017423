// /openapi/v2 and /openapi/v3 with every served CustomResourceDefinition version merged in, rebuilt lazily when the served set changes.
import type { OpenAPIV2 } from 'openapi-types';
import type { CustomResourceDefinition } from '../registry/crd/crd-types.js';
import { crdPathItems, parameterCatalog, type ParameterCatalog } from './crd-openapi-paths.js';
import { crdDefinitions, crdVersionNames, sortKeys } from './crd-openapi-schema.js';
import { collectSchemaRefs, convertPathItem, convertSchema, isObject, type JsonObject, type V2Context } from './openapi-v3-convert.js';
import { addOpenApiV3Document, openApiV3Schemas, type OpenApiV3Set } from './openapi-v3.js';

/** What the OpenAPI documents are built from: the registry's served CRDs and a counter that moves when they change. */
export interface CrdSource {
  /** Must move whenever the served CRDs or their specs change; the registry's does (its served fingerprint holds the spec). */
  readonly generation: number;
  customResourceDefinitions(): readonly CustomResourceDefinition[];
}

function isEstablished(crd: CustomResourceDefinition): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}

const CRD_INFO = { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' };

function servedVersions(crd: CustomResourceDefinition): string[] {
  return crd.spec.versions.filter((v) => v.served).map((v) => v.name);
}

// Stable across calls in any order: CRDs by name, as the document bytes (and so the hashes) must not depend on listing order.
function byName(crds: readonly CustomResourceDefinition[]): CustomResourceDefinition[] {
  return [...crds].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0));
}

const catalogs = new WeakMap<object, ParameterCatalog>();

function catalogFor(swagger: OpenAPIV2.Document): ParameterCatalog {
  let catalog = catalogs.get(swagger);
  if (catalog === undefined) {
    catalog = parameterCatalog(swagger as unknown as JsonObject);
    catalogs.set(swagger, catalog);
  }
  return catalog;
}

function mergeSorted(base: JsonObject, extra: Record<string, JsonObject>): JsonObject {
  const merged: JsonObject = { ...base, ...extra };
  const out: JsonObject = {};
  for (const key of Object.keys(merged).sort()) out[key] = merged[key]!;
  return out;
}

/**
 * The static swagger with the definitions and paths of every served version of `crds` added,
 * as apiextensions-apiserver's MergeSpecs does: the static spec wins every conflict, so a CRD
 * path that collides is left out, and so is a version whose definition name is taken.
 * The static document is shared, not copied.
 */
export function mergeCrdSwagger(swagger: OpenAPIV2.Document, crds: readonly CustomResourceDefinition[]): OpenAPIV2.Document {
  if (crds.length === 0) return swagger;
  const raw = swagger as unknown as JsonObject;
  const staticDefinitions = isObject(raw.definitions) ? raw.definitions : {};
  const staticPaths = isObject(raw.paths) ? raw.paths : {};
  const catalog = catalogFor(swagger);
  const definitions: Record<string, JsonObject> = {};
  const paths: Record<string, JsonObject> = {};
  for (const crd of byName(crds)) {
    for (const version of servedVersions(crd)) {
      const names = crdVersionNames(crd, version);
      if (names.definition in staticDefinitions || names.listDefinition in staticDefinitions) continue;
      const built = crdDefinitions(crd, version, staticDefinitions, true);
      definitions[names.definition] = built.kind;
      definitions[names.listDefinition] = built.list;
      for (const [path, item] of Object.entries(crdPathItems(crd, version, catalog))) if (!(path in staticPaths)) paths[path] = item;
    }
  }
  return {
    ...swagger,
    definitions: mergeSorted(staticDefinitions, definitions),
    paths: mergeSorted(staticPaths, paths),
  } as unknown as OpenAPIV2.Document;
}

/** `apis/<group>/<version>`: the v3 document path of a CRD group-version. */
export function crdGroupVersionPath(group: string, version: string): string {
  return `apis/${group}/${version}`;
}

/**
 * One OpenAPI v3 document per group-version served by `crds` (what handler3 publishes at
 * /openapi/v3/apis/<group>/<version>), each holding every CRD of that group-version with
 * the built-in schemas they reference (ObjectMeta, Status, Scale, ...).
 */
export function crdOpenApiV3Documents(swagger: OpenAPIV2.Document, crds: readonly CustomResourceDefinition[]): Map<string, JsonObject> {
  const raw = swagger as unknown as JsonObject;
  const staticDefinitions = isObject(raw.definitions) ? raw.definitions : {};
  const catalog = catalogFor(swagger);
  const ctx: V2Context = { parameters: isObject(raw.parameters) ? raw.parameters : undefined };
  const byPath = new Map<string, { paths: JsonObject; schemas: JsonObject; refs: Set<string> }>();
  for (const crd of byName(crds)) {
    for (const version of servedVersions(crd)) {
      const names = crdVersionNames(crd, version);
      const key = crdGroupVersionPath(names.group, version);
      let doc = byPath.get(key);
      if (doc === undefined) byPath.set(key, (doc = { paths: {}, schemas: {}, refs: new Set() }));
      const built = crdDefinitions(crd, version, staticDefinitions, false);
      doc.schemas[names.definition] = convertSchema(built.kind);
      doc.schemas[names.listDefinition] = convertSchema(built.list);
      collectSchemaRefs(doc.schemas[names.definition]!, doc.refs);
      collectSchemaRefs(doc.schemas[names.listDefinition]!, doc.refs);
      for (const [path, item] of Object.entries(crdPathItems(crd, version, catalog))) doc.paths[path] = convertPathItem(item, ctx, doc.refs);
    }
  }
  const out = new Map<string, JsonObject>();
  for (const [key, doc] of byPath) {
    const own = new Set(Object.keys(doc.schemas));
    const builtins = openApiV3Schemas(swagger, [...doc.refs].filter((name) => !own.has(name))) as unknown as JsonObject;
    const schemas = sortKeys({ ...builtins, ...doc.schemas }) as JsonObject;
    out.set(key, { openapi: '3.0.0', info: CRD_INFO, paths: sortKeys(doc.paths), components: { schemas } });
  }
  return out;
}

/**
 * The documents the server answers /openapi/v2 and /openapi/v3 with. Each is rebuilt on the
 * first request after the source's generation moved (at most once per generation), never per
 * request; a new document object also gives it new bytes and hashes.
 */
export class CrdOpenApi {
  private v2: { key: number; swagger: OpenAPIV2.Document } | undefined;
  private v3: { key: number; set: OpenApiV3Set } | undefined;

  constructor(
    private readonly swagger: OpenAPIV2.Document,
    private readonly source: CrdSource | undefined,
    /** A fresh set of the served built-in v3 documents, to add the CRD documents to. */
    private readonly builtinV3: () => OpenApiV3Set,
  ) {}

  private crds(): readonly CustomResourceDefinition[] {
    // The registry serves a CRD once its names are accepted; upstream's OpenAPI controllers wait for Established.
    return (this.source?.customResourceDefinitions() ?? []).filter(isEstablished);
  }

  private key(): number {
    return this.source?.generation ?? 0;
  }

  /** The merged swagger 2.0 document; the same object until the served CRDs change. */
  swaggerV2(): OpenAPIV2.Document {
    const key = this.key();
    if (this.v2?.key !== key) this.v2 = { key, swagger: mergeCrdSwagger(this.swagger, this.crds()) };
    return this.v2.swagger;
  }

  /** The v3 document set (built-ins plus one document per CRD group-version). */
  openApiV3(): OpenApiV3Set {
    const key = this.key();
    if (this.v3?.key !== key) {
      const set = this.builtinV3();
      for (const [path, doc] of crdOpenApiV3Documents(this.swagger, this.crds())) addOpenApiV3Document(set, path, doc);
      this.v3 = { key, set };
    }
    return this.v3.set;
  }
}
