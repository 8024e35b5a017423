// Converts pieces of the Kubernetes OpenAPI v2 document (schemas, path items) into the OpenAPI 3.0 shapes kube-apiserver publishes.
//
// The converted values share unchanged leaves (descriptions, enums, extension values) with the
// v2 input, so neither side may be mutated afterwards; the documents built from them are only
// ever serialised.

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

const V2_DEF_PREFIX = '#/definitions/';
const V3_DEF_PREFIX = '#/components/schemas/';
const V2_PARAM_PREFIX = '#/parameters/';

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

// Keywords whose value is a map of name → schema; the names are data (JSONSchemaProps has a
// property literally called "$ref"), so only the values are walked.
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);
// Keywords holding a schema, or a boolean in the SchemaOrBool case.
const SCHEMA_OR_BOOL = new Set(['additionalProperties', 'additionalItems', 'not']);

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rewrites a v2 definition reference to its v3 components location; other refs pass through. */
export function v3Ref(ref: string): string {
  return ref.startsWith(V2_DEF_PREFIX) ? V3_DEF_PREFIX + ref.slice(V2_DEF_PREFIX.length) : ref;
}

/** Name of the component schema a v3 ref points at, or undefined for any other ref. */
export function componentName(ref: string): string | undefined {
  return ref.startsWith(V3_DEF_PREFIX) ? ref.slice(V3_DEF_PREFIX.length) : undefined;
}

/**
 * Converts one v2 schema to v3. `$ref`s move to #/components/schemas, and a `$ref` carrying
 * sibling keywords becomes `allOf: [{$ref}]` because OpenAPI 3.0 ignores a ref's siblings
 * (kubernetes/kubernetes#106387). IntOrString turns into the `oneOf` that the Go type's
 * OpenAPIV3OneOfTypes makes kube-apiserver publish.
 */
export function convertSchema(schema: Json, definitionName?: string): Json {
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string') {
      out.$ref = v3Ref(value);
    } else if (SCHEMA_MAPS.has(key) && isObject(value)) {
      const converted: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) converted[name] = convertSchema(sub);
      out[key] = converted;
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map((sub) => convertSchema(sub));
    } else if (key === 'items') {
      out.items = Array.isArray(value) ? value.map((sub) => convertSchema(sub)) : convertSchema(value);
    } else if (SCHEMA_OR_BOOL.has(key)) {
      out[key] = convertSchema(value);
    } else {
      out[key] = value;
    }
  }
  if (out.format === 'int-or-string' && out.type === 'string' && out.oneOf === undefined) {
    delete out.type;
    out.oneOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (definitionName === QUANTITY && out.type === 'string' && out.oneOf === undefined) {
    delete out.type;
    out.oneOf = [{ type: 'string' }, { type: 'number' }];
  }
  return wrapRef(out);
}

function wrapRef(schema: JsonObject): JsonObject {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || Object.keys(schema).length === 1) return schema;
  const existing = Array.isArray(schema.allOf) ? schema.allOf : [];
  const wrapped: JsonObject = { allOf: [{ $ref: ref }, ...existing] };
  for (const [key, value] of Object.entries(schema)) {
    if (key !== '$ref' && key !== 'allOf') wrapped[key] = value;
  }
  return wrapped;
}

/** Adds to `into` every component name referenced anywhere inside a (converted) schema. */
export function collectSchemaRefs(schema: Json, into: Set<string>): void {
  if (Array.isArray(schema)) {
    for (const sub of schema) collectSchemaRefs(sub, into);
    return;
  }
  if (!isObject(schema)) return;
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref') {
      const name = typeof value === 'string' ? componentName(value) : undefined;
      if (name !== undefined) into.add(name);
    } else if (SCHEMA_MAPS.has(key) && isObject(value)) {
      for (const sub of Object.values(value)) collectSchemaRefs(sub, into);
    } else if (SCHEMA_LISTS.has(key) || SCHEMA_OR_BOOL.has(key) || key === 'items') {
      collectSchemaRefs(value, into);
    }
  }
}

/** The parts of the v2 document a path item conversion needs to look things up in. */
export interface V2Context {
  parameters?: JsonObject;
  consumes?: Json;
  produces?: Json;
}

function resolveParameter(param: Json, ctx: V2Context): JsonObject | undefined {
  if (!isObject(param)) return undefined;
  const ref = param.$ref;
  if (typeof ref !== 'string') return param;
  // kube-apiserver's v3 documents inline parameters; kubectl's field-validation probe only
  // looks at inline ones (and v3 has no #/parameters anyway).
  if (!ref.startsWith(V2_PARAM_PREFIX)) return undefined;
  const target = ctx.parameters?.[ref.slice(V2_PARAM_PREFIX.length)];
  return isObject(target) ? target : undefined;
}

// Simple-schema keywords a v2 non-body parameter carries directly; v3 moves them under `schema`.
const PARAM_SCHEMA_KEYS = [
  'type', 'format', 'items', 'default', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'enum', 'multipleOf',
];

function convertParameter(param: JsonObject, refs: Set<string>): JsonObject {
  const out: JsonObject = { name: param.name ?? '', in: param.in ?? 'query' };
  if (param.description !== undefined) out.description = param.description;
  if (param.required !== undefined) out.required = param.required;
  if (param.allowEmptyValue !== undefined) out.allowEmptyValue = param.allowEmptyValue;
  if (param.collectionFormat === 'multi') {
    out.style = 'form';
    out.explode = true;
  } else if (param.collectionFormat === 'csv') {
    out.explode = false;
  }
  let schema: JsonObject;
  if (param.schema !== undefined) {
    schema = convertSchema(param.schema) as JsonObject;
  } else {
    schema = {};
    for (const key of PARAM_SCHEMA_KEYS) {
      if (param[key] !== undefined) schema[key] = key === 'items' ? convertSchema(param[key]) : param[key];
    }
  }
  collectSchemaRefs(schema, refs);
  out.schema = schema;
  for (const [key, value] of Object.entries(param)) if (key.startsWith('x-')) out[key] = value;
  return out;
}

function mediaTypes(list: Json | undefined): string[] | undefined {
  return Array.isArray(list) ? list.filter((entry): entry is string => typeof entry === 'string') : undefined;
}

function contentFor(types: string[], schema: Json): JsonObject {
  const content: JsonObject = {};
  for (const type of types) content[type] = { schema };
  return content;
}

function convertResponses(responses: Json, produces: string[] | undefined, refs: Set<string>): JsonObject {
  const out: JsonObject = {};
  if (!isObject(responses)) return out;
  for (const [code, response] of Object.entries(responses)) {
    if (!isObject(response)) continue;
    const converted: JsonObject = { description: response.description ?? '' };
    if (response.schema !== undefined && produces !== undefined) {
      const schema = convertSchema(response.schema);
      collectSchemaRefs(schema, refs);
      converted.content = contentFor(produces, schema);
    }
    for (const [key, value] of Object.entries(response)) if (key.startsWith('x-')) converted[key] = value;
    out[code] = converted;
  }
  return out;
}

function convertOperation(op: JsonObject, ctx: V2Context, refs: Set<string>): JsonObject {
  const out: JsonObject = {};
  for (const key of ['tags', 'summary', 'description', 'externalDocs', 'operationId']) {
    if (op[key] !== undefined) out[key] = op[key];
  }
  const consumes = mediaTypes(op.consumes) ?? mediaTypes(ctx.consumes);
  const produces = mediaTypes(op.produces) ?? mediaTypes(ctx.produces);
  const parameters: JsonObject[] = [];
  let requestBody: JsonObject | undefined;
  for (const raw of Array.isArray(op.parameters) ? op.parameters : []) {
    const param = resolveParameter(raw, ctx);
    if (param === undefined) continue;
    if (param.in === 'body') {
      const schema = convertSchema(param.schema ?? {});
      collectSchemaRefs(schema, refs);
      // An OpenAPI 3 requestBody must list content; `*/*` is what kube-apiserver advertises
      // for every non-patch verb.
      requestBody = { content: contentFor(consumes ?? ['*/*'], schema) };
      if (param.description !== undefined) requestBody.description = param.description;
      if (param.required === true) requestBody.required = true;
    } else {
      parameters.push(convertParameter(param, refs));
    }
  }
  if (parameters.length > 0) out.parameters = parameters;
  if (requestBody !== undefined) out.requestBody = requestBody;
  out.responses = convertResponses(op.responses ?? {}, produces, refs);
  if (op.deprecated !== undefined) out.deprecated = op.deprecated;
  if (op.security !== undefined) out.security = op.security;
  for (const [key, value] of Object.entries(op)) if (key.startsWith('x-')) out[key] = value;
  return out;
}

/**
 * Converts one v2 path item. Every component schema its operations reference is added to
 * `refs` so the caller can include exactly the reachable definitions.
 */
export function convertPathItem(item: Json, ctx: V2Context, refs: Set<string>): JsonObject {
  const out: JsonObject = {};
  if (!isObject(item)) return out;
  for (const [key, value] of Object.entries(item)) {
    if (HTTP_METHODS.has(key) && isObject(value)) {
      out[key] = convertOperation(value, ctx, refs);
    } else if (key === 'parameters' && Array.isArray(value)) {
      const params: JsonObject[] = [];
      for (const raw of value) {
        const param = resolveParameter(raw, ctx);
        // A path-level body parameter has no v3 equivalent; Kubernetes never declares one.
        if (param !== undefined && param.in !== 'body') params.push(convertParameter(param, refs));
      }
      if (params.length > 0) out.parameters = params;
    } else if (key.startsWith('x-')) {
      out[key] = value;
    }
  }
  return out;
}

/** Converts v2 securityDefinitions to v3 securitySchemes (Kubernetes only uses apiKey). */
export function convertSecurityDefinitions(defs: Json | undefined): JsonObject | undefined {
  if (!isObject(defs)) return undefined;
  const out: JsonObject = {};
  for (const [name, def] of Object.entries(defs)) {
    if (!isObject(def)) continue;
    const scheme: JsonObject = {};
    for (const [key, value] of Object.entries(def)) {
      if (key === 'flow' || key === 'authorizationUrl' || key === 'tokenUrl' || key === 'scopes') continue;
      scheme[key] = value;
    }
    if (typeof def.flow === 'string') {
      const flow: JsonObject = {};
      if (def.authorizationUrl !== undefined) flow.authorizationUrl = def.authorizationUrl;
      if (def.tokenUrl !== undefined) flow.tokenUrl = def.tokenUrl;
      flow.scopes = def.scopes ?? {};
      scheme.flows = { [def.flow]: flow };
    }
    out[name] = scheme;
  }
  return out;
}
