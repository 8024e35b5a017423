// The OpenAPI definitions a served CustomResourceDefinition version publishes: its kind and list kind, as apiextensions-apiserver's openapi builder makes them.
import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from '../registry/crd/crd-types.js';
import { isObject, type Json, type JsonObject } from './openapi-v3-convert.js';

const DEFINITIONS = '#/definitions/';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
// A definition that embeds TypeMeta, for the apiVersion and kind property schemas every kind shares.
const TYPE_META_CARRIER = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';

// metav1.PartialObjectMetadata(List) swagger docs, which upstream attaches to the metadata references.
const OBJECT_METADATA_DOC = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_METADATA_DOC = 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const EMBEDDED_API_VERSION_DOC =
  'apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const EMBEDDED_KIND_DOC =
  'kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

const VALID_TYPES = new Set(['array', 'boolean', 'integer', 'number', 'object', 'string']);
const JUNCTORS = ['allOf', 'anyOf', 'oneOf'] as const;
// Keywords a structural schema cannot carry; a schema using them is published without its fields, as upstream does.
const NON_STRUCTURAL_KEYS = ['$ref', 'definitions', 'dependencies', 'patternProperties', 'additionalItems', 'id', '$schema'];
// Keywords that may not appear inside allOf/anyOf/oneOf/not of a structural schema.
const FORBIDDEN_IN_JUNCTORS = ['type', 'description', 'title', 'default', 'nullable', 'additionalProperties', 'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type'];

/** The names, scope and definition names one CRD version publishes under. */
export interface CrdVersionNames {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  namespaced: boolean;
  /** `com.example.v1.Widget` for group example.com: the reversed group, version and kind. */
  definition: string;
  listDefinition: string;
}

/** kube-openapi's model name for a CRD kind: the group's labels reversed, then version and kind. */
export function crdDefinitionName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

export function crdVersionNames(crd: CustomResourceDefinition, version: string): CrdVersionNames {
  const { group, names, scope } = crd.spec;
  const listKind = names.listKind || `${names.kind}List`;
  return {
    group,
    version,
    kind: names.kind,
    listKind,
    plural: names.plural,
    namespaced: scope === 'Namespaced',
    definition: crdDefinitionName(group, version, names.kind),
    listDefinition: crdDefinitionName(group, version, listKind),
  };
}

/** Whether upstream would publish the schema's fields: valid types only and structural (the subset a v1 CRD can hold). */
export function isPublishableSchema(schema: Json): boolean {
  return isObject(schema) && schema.type === 'object' && structural(schema, false);
}

function structural(node: JsonObject, inJunctor: boolean): boolean {
  if (NON_STRUCTURAL_KEYS.some((key) => key in node)) return false;
  if (node.type !== undefined && node.type !== '' && !(typeof node.type === 'string' && VALID_TYPES.has(node.type))) return false;
  if (Array.isArray(node.items)) return false;
  if (inJunctor) {
    if (FORBIDDEN_IN_JUNCTORS.some((key) => key in node)) return false;
  } else {
    const untyped = node.type === undefined || node.type === '';
    if (untyped && node['x-kubernetes-int-or-string'] !== true && node['x-kubernetes-preserve-unknown-fields'] !== true) return false;
    if (node.type === 'array' && node.items === undefined) return false;
  }
  const children: Json[] = [];
  if (isObject(node.properties)) children.push(...Object.values(node.properties));
  if (isObject(node.items)) children.push(node.items);
  if (isObject(node.additionalProperties)) children.push(node.additionalProperties);
  if (!children.every((child) => isObject(child) && structural(child, inJunctor))) return false;
  const nested: Json[] = [];
  for (const junctor of JUNCTORS) if (Array.isArray(node[junctor])) nested.push(...(node[junctor] as Json[]));
  if (node.not !== undefined) nested.push(node.not);
  // x-kubernetes-int-or-string may spell out its own anyOf of types; that is the one allowed exception.
  return nested.every((sub) => isObject(sub) && (isIntOrStringType(sub) || structural(sub, true)));
}

function isIntOrStringType(node: JsonObject): boolean {
  const keys = Object.keys(node);
  return keys.length === 1 && (node.type === 'integer' || node.type === 'string');
}

function isIntOrStringAnyOf(value: Json | undefined): boolean {
  return Array.isArray(value) && value.length === 2 && isObject(value[0]) && isObject(value[1])
    && Object.keys(value[0]).length === 1 && value[0].type === 'integer' && Object.keys(value[1]).length === 1 && value[1].type === 'string';
}

// Keywords Structural.ToKubeOpenAPI writes back, with Go's omitempty in mind (false and empty lists vanish).
const KEPT_KEYWORDS = [
  'type', 'nullable', 'description', 'title', 'default', 'externalDocs', 'example', 'format', 'maximum', 'exclusiveMaximum', 'minimum',
  'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'enum', 'maxProperties',
  'minProperties', 'required', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string',
  'x-kubernetes-list-map-keys', 'x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-validations',
];

// Go's omitempty drops false booleans, empty strings and empty lists; numbers are pointers there and stay.
function isGoEmpty(key: string, value: Json): boolean {
  if (value === false) return key !== 'default' && key !== 'example';
  if (value === '') return key !== 'default' && key !== 'example' && key !== 'x-kubernetes-list-type' && key !== 'x-kubernetes-map-type';
  return Array.isArray(value) && value.length === 0 && key !== 'default' && key !== 'example';
}

/** A faithful deep copy of the structural parts of `node`, with x-kubernetes-int-or-string unfolded into its anyOf. */
function kubeOpenApi(node: JsonObject, nested = false): JsonObject {
  const out: JsonObject = {};
  for (const key of KEPT_KEYWORDS) {
    const value = node[key];
    if (value === undefined || value === null || isGoEmpty(key, value)) continue;
    out[key] = structuredClone(value);
  }
  if (isObject(node.items)) out.items = kubeOpenApi(node.items, nested);
  if (isObject(node.properties)) {
    const properties: JsonObject = {};
    for (const [name, sub] of Object.entries(node.properties)) if (isObject(sub)) properties[name] = kubeOpenApi(sub, nested);
    out.properties = properties;
  }
  if (isObject(node.additionalProperties)) out.additionalProperties = kubeOpenApi(node.additionalProperties, nested);
  else if (typeof node.additionalProperties === 'boolean') out.additionalProperties = node.additionalProperties;
  for (const junctor of JUNCTORS) {
    const list = node[junctor];
    if (Array.isArray(list) && list.length > 0) out[junctor] = list.filter(isObject).map((sub) => kubeOpenApi(sub, true));
  }
  if (isObject(node.not)) out.not = kubeOpenApi(node.not, true);
  if (!nested && out['x-kubernetes-int-or-string'] === true) unfoldIntOrString(out);
  return out;
}

/** Structural.Unfold: an int-or-string node states its two alternatives as an anyOf (or first allOf). */
function unfoldIntOrString(node: JsonObject): void {
  if (isIntOrStringAnyOf(node.anyOf)) return;
  const allOf = Array.isArray(node.allOf) ? node.allOf : [];
  if (isObject(allOf[0]) && isIntOrStringAnyOf(allOf[0].anyOf)) return;
  const alternatives: Json[] = [{ type: 'integer' }, { type: 'string' }];
  if (node.anyOf === undefined) node.anyOf = alternatives;
  else node.allOf = [{ anyOf: alternatives }, ...allOf];
}

/**
 * ToStructuralOpenAPIV2: what swagger 2.0 (and kubectl's client-side validation) cannot take is
 * dropped top-down, because a parent's `required` reads its children's nullable before they lose it.
 */
function toOpenApiV2(node: JsonObject): void {
  for (const key of [...JUNCTORS, 'not']) delete node[key];
  if (node.nullable === true) {
    delete node.type;
    delete node.items;
    delete node.properties;
  }
  delete node.nullable;
  const preserveUnknown = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (preserveUnknown) {
    delete node.items;
    delete node.properties;
  }
  if (node.items === undefined && node.type === 'array') delete node.type;
  if (preserveUnknown && node.type === 'object') delete node.type;
  if (Array.isArray(node.required) && isObject(node.properties)) {
    const properties = node.properties;
    const required = node.required.filter((name) => !(typeof name === 'string' && isObject(properties[name]) && properties[name].nullable === true));
    if (required.length > 0) node.required = required;
    else delete node.required;
  }
  if (isObject(node.additionalProperties) && node.additionalProperties.nullable === true) delete node.required;
  if (isObject(node.items)) toOpenApiV2(node.items);
  if (isObject(node.properties)) for (const sub of Object.values(node.properties)) if (isObject(sub)) toOpenApiV2(sub);
  if (isObject(node.additionalProperties)) toOpenApiV2(node.additionalProperties);
}

/** handler.PruneDefaults: the v2 document carries no defaults, like the static spec it is merged into. */
function pruneDefaults(node: JsonObject): void {
  delete node.default;
  if (isObject(node.items)) pruneDefaults(node.items);
  if (isObject(node.properties)) for (const sub of Object.values(node.properties)) if (isObject(sub)) pruneDefaults(sub);
  if (isObject(node.additionalProperties)) pruneDefaults(node.additionalProperties);
  for (const key of [...JUNCTORS]) if (Array.isArray(node[key])) for (const sub of node[key] as Json[]) if (isObject(sub)) pruneDefaults(sub);
  if (isObject(node.not)) pruneDefaults(node.not);
}

function metadataRef(definition: string, description: string): JsonObject {
  return { $ref: DEFINITIONS + definition, description };
}

/** The apiVersion and kind property schemas of TypeMeta, taken from the static spec so descriptions match the release. */
export function typeMetaProperties(definitions: JsonObject): { apiVersion: JsonObject; kind: JsonObject } {
  const carrier = definitions[TYPE_META_CARRIER];
  const properties = isObject(carrier) && isObject(carrier.properties) ? carrier.properties : {};
  const pick = (name: string): JsonObject => (isObject(properties[name]) ? structuredClone(properties[name]) : { type: 'string' });
  return { apiVersion: pick('apiVersion'), kind: pick('kind') };
}

function addEmbeddedProperties(node: JsonObject, v2: boolean, typeMeta: { apiVersion: JsonObject; kind: JsonObject }): void {
  if (isObject(node.properties)) for (const sub of Object.values(node.properties)) if (isObject(sub)) addEmbeddedProperties(sub, v2, typeMeta);
  if (isObject(node.items)) addEmbeddedProperties(node.items, v2, typeMeta);
  if (isObject(node.additionalProperties)) addEmbeddedProperties(node.additionalProperties, v2, typeMeta);
  // kubectl's v2 validation would reject the unknown fields such a node deliberately keeps.
  if (v2 && node['x-kubernetes-preserve-unknown-fields'] === true) return;
  if (node['x-kubernetes-embedded-resource'] !== true) return;
  const properties = isObject(node.properties) ? node.properties : (node.properties = {});
  properties.apiVersion = { ...typeMeta.apiVersion, description: EMBEDDED_API_VERSION_DOC };
  properties.kind = { ...typeMeta.kind, description: EMBEDDED_KIND_DOC };
  properties.metadata = metadataRef(OBJECT_META, OBJECT_METADATA_DOC);
  const required = Array.isArray(node.required) ? node.required : [];
  if (!required.includes('kind')) required.push('kind');
  if (!required.includes('apiVersion')) required.push('apiVersion');
  node.required = required;
}

function versionOf(crd: CustomResourceDefinition, version: string): CustomResourceDefinitionVersion | undefined {
  return crd.spec.versions.find((v) => v.name === version);
}

function selectableFields(crd: CustomResourceDefinition, version: string): Json[] | undefined {
  const fields = versionOf(crd, version)?.selectableFields ?? [];
  if (fields.length === 0) return undefined;
  return fields.map((field) => ({ fieldPath: field.jsonPath.replace(/^\./, '') }));
}

export interface CrdDefinitions {
  kind: JsonObject;
  list: JsonObject;
}

/**
 * The kind and list-kind definitions of one CRD version, with swagger 2.0 references
 * (`#/definitions/...`). With `v2` the schema is reduced the way /openapi/v2 publishes it;
 * otherwise it is the /openapi/v3 form, still to be run through convertSchema.
 */
export function crdDefinitions(crd: CustomResourceDefinition, version: string, staticDefinitions: JsonObject, v2: boolean): CrdDefinitions {
  const names = crdVersionNames(crd, version);
  const typeMeta = typeMetaProperties(staticDefinitions);
  const source = versionOf(crd, version)?.schema?.openAPIV3Schema as Json | undefined;
  const publishable = source !== undefined && isPublishableSchema(source);
  let kind: JsonObject;
  if (!publishable || (v2 && ((source as JsonObject)['x-kubernetes-preserve-unknown-fields'] === true || crd.spec.preserveUnknownFields === true))) {
    // Without usable fields kubectl must not assume additionalProperties=false, so nothing (not even metadata) is listed.
    kind = { type: 'object' };
  } else {
    kind = kubeOpenApi(source as JsonObject);
    if (v2) toOpenApiV2(kind);
    const properties = isObject(kind.properties) ? kind.properties : (kind.properties = {});
    properties.metadata = metadataRef(OBJECT_META, OBJECT_METADATA_DOC);
    properties.apiVersion = structuredClone(typeMeta.apiVersion);
    properties.kind = structuredClone(typeMeta.kind);
    addEmbeddedProperties(kind, v2, typeMeta);
  }
  const fields = selectableFields(crd, version);
  kind['x-kubernetes-group-version-kind'] = [{ group: names.group, kind: names.kind, version: names.version }];
  if (fields !== undefined) kind['x-kubernetes-selectable-fields'] = fields;

  const list: JsonObject = {
    description: `${names.listKind} is a list of ${names.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: structuredClone(typeMeta.apiVersion),
      items: {
        description: `List of ${names.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
        type: 'array',
        items: { $ref: DEFINITIONS + names.definition },
      },
      kind: structuredClone(typeMeta.kind),
      metadata: metadataRef(LIST_META, LIST_METADATA_DOC),
    },
    'x-kubernetes-group-version-kind': [{ group: names.group, kind: names.listKind, version: names.version }],
  };
  if (fields !== undefined) list['x-kubernetes-selectable-fields'] = structuredClone(fields);
  if (v2) pruneDefaults(kind);
  return { kind: sortKeys(kind) as JsonObject, list: sortKeys(list) as JsonObject };
}

/** Deep copy with object keys in Go's map order (sorted), so equal CRDs serialise to equal bytes. */
export function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]!);
  return out;
}
