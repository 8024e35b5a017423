// The swagger 2.0 path items of one served CRD version: every verb and the status/scale subresources, as apiextensions-apiserver's openapi builder routes them.
import type { CustomResourceDefinition } from '../registry/crd/crd-types.js';
import { crdVersionNames, sortKeys, type CrdVersionNames } from './crd-openapi-schema.js';
import { isObject, type Json, type JsonObject } from './openapi-v3-convert.js';

const DEFINITIONS = '#/definitions/';
const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
const PATCH = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';
const SCALE = 'io.k8s.api.autoscaling.v1.Scale';
// A built-in resource whose operations carry exactly the option parameters (ListOptions, CreateOptions, ...) the CRD routes use.
const TEMPLATE_COLLECTION = '/apis/apps/v1/namespaces/{namespace}/deployments';
const TEMPLATE_ITEM = `${TEMPLATE_COLLECTION}/{name}`;

type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';
type Options = 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete';
type Sample = 'kind' | 'list' | 'status' | 'scale';

interface Route {
  path: string;
  method: Method;
  /** x-kubernetes-action. */
  action: string;
  /** The verb of the description and operation name: list, read, replace, patch, create, delete, deletecollection. */
  verb: string;
  sample: Sample;
  /** The body the route reads, if any. */
  reads?: Sample | 'patch';
  options: Options;
  /** Replaces the generated operation name (the all-namespaces list). */
  operation?: string;
}

/** The parameter objects a CRD route is built from, resolved from the static spec so they match its shared `#/parameters`. */
export interface ParameterCatalog {
  pretty: JsonObject;
  namespace: JsonObject;
  options: Record<Options, JsonObject[]>;
  /** Canonical JSON of each shared static parameter → its `#/parameters/...` reference. */
  shared: Map<string, string>;
}

function resolve(param: Json, parameters: JsonObject): JsonObject | undefined {
  if (!isObject(param)) return undefined;
  if (typeof param.$ref !== 'string') return param;
  const target = parameters[param.$ref.replace('#/parameters/', '')];
  return isObject(target) ? target : undefined;
}

function operationParameters(swagger: JsonObject, path: string, method: Method): JsonObject[] {
  const paths = isObject(swagger.paths) ? swagger.paths : {};
  const item = paths[path];
  const op = isObject(item) ? item[method] : undefined;
  if (!isObject(op)) throw new Error(`the static OpenAPI spec has no ${method.toUpperCase()} ${path} to take CRD parameters from`);
  const parameters = isObject(swagger.parameters) ? swagger.parameters : {};
  const list = Array.isArray(op.parameters) ? op.parameters : [];
  return list.map((p) => resolve(p, parameters)).filter((p): p is JsonObject => p !== undefined);
}

function canonical(value: Json): string {
  return JSON.stringify(sortKeys(value));
}

/** Reads the option parameters and shared parameter names out of the static (kube-apiserver) spec. */
export function parameterCatalog(swagger: JsonObject): ParameterCatalog {
  const parameters = isObject(swagger.parameters) ? swagger.parameters : {};
  const shared = new Map<string, string>();
  for (const [name, param] of Object.entries(parameters)) shared.set(canonical(param), `#/parameters/${name}`);
  const byName = (list: JsonObject[], name: string): JsonObject => {
    const found = list.find((p) => p.name === name);
    if (found === undefined) throw new Error(`the static OpenAPI spec has no ${name} parameter on ${TEMPLATE_COLLECTION}`);
    return found;
  };
  const withoutBody = (list: JsonObject[]): JsonObject[] => list.filter((p) => p.in !== 'body');
  const list = operationParameters(swagger, TEMPLATE_COLLECTION, 'get');
  const collectionLevel = (isObject(swagger.paths) && isObject(swagger.paths[TEMPLATE_COLLECTION]) ? swagger.paths[TEMPLATE_COLLECTION].parameters : []) as Json[];
  const pathParams = (Array.isArray(collectionLevel) ? collectionLevel : []).map((p) => resolve(p, parameters)).filter((p): p is JsonObject => p !== undefined);
  return {
    pretty: byName(pathParams, 'pretty'),
    namespace: byName(pathParams, 'namespace'),
    options: {
      // GetOptions has only resourceVersion, documented exactly as ListOptions documents it.
      get: [byName(list, 'resourceVersion')],
      list,
      create: withoutBody(operationParameters(swagger, TEMPLATE_COLLECTION, 'post')),
      update: withoutBody(operationParameters(swagger, TEMPLATE_ITEM, 'put')),
      patch: withoutBody(operationParameters(swagger, TEMPLATE_ITEM, 'patch')),
      // DeleteOptions, its optional body included.
      delete: operationParameters(swagger, TEMPLATE_ITEM, 'delete'),
    },
    shared,
  };
}

function routes(names: CrdVersionNames, subresources: { status: boolean; scale: boolean }): Route[] {
  const { group, version, plural } = names;
  const out: Route[] = [];
  let root = `/apis/${group}/${version}/${plural}`;
  if (names.namespaced) {
    out.push({ path: root, method: 'get', action: 'list', verb: 'list', sample: 'list', options: 'list', operation: `list${names.kind}ForAllNamespaces` });
    root = `/apis/${group}/${version}/namespaces/{namespace}/${plural}`;
  }
  out.push(
    { path: root, method: 'get', action: 'list', verb: 'list', sample: 'list', options: 'list' },
    { path: root, method: 'post', action: 'post', verb: 'create', sample: 'kind', reads: 'kind', options: 'create' },
    { path: root, method: 'delete', action: 'deletecollection', verb: 'deletecollection', sample: 'status', options: 'list' },
  );
  const item = `${root}/{name}`;
  out.push(
    { path: item, method: 'get', action: 'get', verb: 'read', sample: 'kind', options: 'get' },
    { path: item, method: 'put', action: 'put', verb: 'replace', sample: 'kind', reads: 'kind', options: 'update' },
    { path: item, method: 'delete', action: 'delete', verb: 'delete', sample: 'status', options: 'delete' },
    { path: item, method: 'patch', action: 'patch', verb: 'patch', sample: 'kind', reads: 'patch', options: 'patch' },
  );
  for (const [sub, sample, enabled] of [['status', 'kind', subresources.status], ['scale', 'scale', subresources.scale]] as const) {
    if (!enabled) continue;
    const path = `${item}/${sub}`;
    out.push(
      { path, method: 'get', action: 'get', verb: 'read', sample, options: 'get' },
      { path, method: 'put', action: 'put', verb: 'replace', sample, reads: sample, options: 'update' },
      { path, method: 'patch', action: 'patch', verb: 'patch', sample, reads: 'patch', options: 'patch' },
    );
  }
  return out;
}

function subresourceOf(route: Route): string {
  const match = /\/\{name\}\/(\w+)$/.exec(route.path);
  return match ? match[1]! : '';
}

/** endpoints.GetArticleForNoun: plurals take none, vowels take "an". */
function article(noun: string): string {
  if (!noun.endsWith('ss') && noun.endsWith('s')) return ' ';
  return /^[aeiou]/i.test(noun) ? ' an ' : ' a ';
}

function description(route: Route, kind: string): string {
  const sub = subresourceOf(route);
  const of = sub === '' ? '' : ` ${sub} of`;
  switch (route.verb) {
    case 'list':
      return `list${of} objects of kind ${kind}`;
    case 'read':
    case 'replace':
      return `${route.verb}${of} the specified ${kind}`;
    case 'patch':
      return `partially update${of} the specified ${kind}`;
    case 'deletecollection':
      return `delete collection of${sub === '' ? '' : `${of} a`} ${kind}`;
    default:
      return `${route.verb}${of}${article(kind)}${kind}`;
  }
}

/** kube-openapi's ToValidOperationID: drops punctuation and capitalises what follows it. */
export function toValidOperationId(text: string, capitalizeFirst: boolean): string {
  let out = '';
  let capitalize = capitalizeFirst;
  let index = 0;
  for (const char of text) {
    if (/\p{L}/u.test(char) || char === '_' || (index !== 0 && /\p{Nd}/u.test(char))) {
      out += capitalize ? char.toUpperCase() : char;
      capitalize = false;
    } else {
      capitalize = true;
    }
    index += Buffer.byteLength(char);
  }
  return out;
}

// The verbs endpoints/openapi recognises at the start of an operation name; the shortest match wins, as in its trie.
const OPERATION_VERBS = ['get', 'log', 'read', 'replace', 'patch', 'delete', 'deletecollection', 'watch', 'connect', 'proxy', 'list', 'create'];

/** endpoints/openapi.GetOperationIDAndTags for a route under /apis/<group>/<version>. */
export function operationIdAndTags(operation: string, path: string): { id: string; tags: string[] } {
  const verb = OPERATION_VERBS.filter((v) => operation.startsWith(v)).sort((a, b) => a.length - b.length)[0] ?? '';
  const rest = operation.slice(verb.length);
  const parts = path.replace(/^\/+|\/+$/g, '').split('/');
  let prefix = verb;
  const tags: string[] = [];
  if (parts.length >= 2 && parts[0] === 'apis') {
    const group = parts[1]!.replace(/\.k8s\.io$/, '');
    prefix += toValidOperationId(group, prefix !== '');
    let tag = toValidOperationId(group, false);
    if (parts.length > 2) {
      prefix += toValidOperationId(parts[2]!, prefix !== '');
      tag += `_${toValidOperationId(parts[2]!, false)}`;
    }
    tags.push(tag);
  }
  return { id: prefix + toValidOperationId(rest, prefix !== ''), tags };
}

function operationName(route: Route, names: CrdVersionNames): string {
  if (route.operation !== undefined) return route.operation;
  const sub = subresourceOf(route);
  const title = sub === '' ? '' : sub[0]!.toUpperCase() + sub.slice(1);
  return `${route.verb}${names.namespaced ? 'Namespaced' : ''}${names.kind}${title}`;
}

function schemaRef(sample: Sample | 'patch', names: CrdVersionNames): JsonObject {
  const definition = { kind: names.definition, list: names.listDefinition, status: STATUS, scale: SCALE, patch: PATCH }[sample];
  return { $ref: DEFINITIONS + definition };
}

function routeParameters(route: Route, names: CrdVersionNames, catalog: ParameterCatalog): JsonObject[] {
  const params: JsonObject[] = [catalog.pretty];
  if (route.path.includes('{namespace}')) params.push(catalog.namespace);
  if (route.path.includes('{name}')) {
    params.push({ description: `name of the ${names.kind}`, in: 'path', name: 'name', required: true, type: 'string', uniqueItems: true });
  }
  params.push(...catalog.options[route.options]);
  if (route.reads !== undefined) params.push({ in: 'body', name: 'body', required: true, schema: schemaRef(route.reads, names) });
  return params;
}

// deduplicateParameters keeps these inline: kubectl probes dryRun and fieldValidation, and body/name parameters name the kind.
function sharedReference(param: JsonObject, catalog: ParameterCatalog): Json {
  const inline = param.name === 'name' || param.name === 'fieldValidation' || param.name === 'dryRun'
    || (param.in === 'body' && !(isObject(param.schema) && String(param.schema.$ref).startsWith(`${DEFINITIONS}io.k8s.apimachinery`)));
  const ref = inline ? undefined : catalog.shared.get(canonical(param));
  return ref === undefined ? param : { $ref: ref };
}

const byNameIn = (a: JsonObject, b: JsonObject): number =>
  String(a.name) < String(b.name) ? -1 : String(a.name) > String(b.name) ? 1 : String(a.in) < String(b.in) ? -1 : String(a.in) > String(b.in) ? 1 : 0;

function responses(route: Route, names: CrdVersionNames): JsonObject {
  const schema = schemaRef(route.sample, names);
  const out: JsonObject = { 200: { description: 'OK', schema } };
  if (route.action === 'post' || route.action === 'put') out[201] = { description: 'Created', schema };
  if (route.action === 'post' || route.action === 'delete') out[202] = { description: 'Accepted', schema };
  out[401] = { description: 'Unauthorized' };
  return out;
}

function operation(route: Route, names: CrdVersionNames, own: JsonObject[], catalog: ParameterCatalog): JsonObject {
  const { id, tags } = operationIdAndTags(operationName(route, names), route.path);
  const op: JsonObject = {
    consumes: route.method === 'patch'
      ? ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']
      : ['application/json', 'application/yaml'],
    description: description(route, names.kind),
    operationId: id,
    produces: ['application/json', 'application/yaml'],
    responses: responses(route, names),
    schemes: ['https'],
    tags,
    'x-kubernetes-action': route.action,
    'x-kubernetes-group-version-kind': { group: names.group, kind: names.kind, version: names.version },
  };
  if (own.length > 0) op.parameters = own.sort(byNameIn).map((p) => sharedReference(p, catalog));
  return op;
}

/**
 * The v2 path items of one CRD version, keyed by URL path. Parameters every operation of a
 * path shares move to the path, and shared ones become `#/parameters/...` references, as
 * kube-openapi's builder does; so the items read like the built-in ones.
 */
export function crdPathItems(crd: CustomResourceDefinition, version: string, catalog: ParameterCatalog): Record<string, JsonObject> {
  const names = crdVersionNames(crd, version);
  const subresources = crd.spec.versions.find((v) => v.name === version)?.subresources;
  const all = routes(names, { status: subresources?.status !== undefined, scale: subresources?.scale !== undefined });
  const out: Record<string, JsonObject> = {};
  for (const path of [...new Set(all.map((r) => r.path))]) {
    const group = all.filter((r) => r.path === path);
    const paramsByRoute = group.map((r) => routeParameters(r, names, catalog));
    const key = (p: JsonObject): string => `${String(p.name)}\u0000${p.in === 'body' ? 'body' : 'other'}`;
    const common = paramsByRoute[0]!.filter((p) => p.in !== 'body' && paramsByRoute.every((list) => list.some((q) => key(q) === key(p))));
    const commonKeys = new Set(common.map(key));
    const item: JsonObject = {};
    group.forEach((route, i) => {
      item[route.method] = operation(route, names, paramsByRoute[i]!.filter((p) => !commonKeys.has(key(p))), catalog);
    });
    item.parameters = [...common].sort(byNameIn).map((p) => sharedReference(p, catalog));
    out[path] = sortKeys(item) as JsonObject;
  }
  return out;
}
