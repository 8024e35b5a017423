// Derives the table of built-in resources (paths, scope, verbs, subresources, kinds) from the upstream OpenAPI document.
import type { OpenAPIV2 } from 'openapi-types';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface SubresourceType {
  name: string;
  /** The kind the subresource accepts and answers (`Scale` for scale, the parent's kind for status). */
  responseKind: GroupVersionKind;
  verbs: string[];
}

export interface ResourceType {
  group: string;
  version: string;
  /** Plural lower-case name used in paths, e.g. `deployments`. */
  resource: string;
  kind: string;
  listKind: string;
  singularName: string;
  namespaced: boolean;
  /** Discovery verbs, sorted: create delete deletecollection get list patch update watch. */
  verbs: string[];
  subresources: Map<string, SubresourceType>;
  shortNames: string[];
  categories: string[];
  /** The OpenAPI definition name of the kind, e.g. `io.k8s.api.apps.v1.Deployment`. */
  definition: string | undefined;
}

export interface DiscoveryExtras {
  [group: string]: { [resource: string]: { shortNames?: string[]; categories?: string[] } } | string;
}

const actionVerbs: Record<string, string> = {
  list: 'list',
  get: 'get',
  post: 'create',
  deletecollection: 'deletecollection',
  delete: 'delete',
  patch: 'patch',
  put: 'update',
  watch: 'watch',
  watchlist: 'watch',
};

/** Connect operations (exec, attach, proxy…) are listed by HTTP method, as discovery does. */
const methodVerbs: Record<string, string> = { get: 'get', post: 'create', put: 'update', patch: 'patch', delete: 'delete' };

const httpMethods = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

/** A GA version: `v1`, `v2` — not `v1beta1` or `v2alpha1`. */
export function isGeneralAvailability(version: string): boolean {
  return /^v\d+$/.test(version);
}

export function groupVersionString(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

interface PathParts {
  group: string;
  version: string;
  namespaced: boolean;
  resource: string;
  hasName: boolean;
  subresource: string | undefined;
}

function parsePath(path: string): PathParts | undefined {
  let rest: string[];
  let group: string;
  let version: string;
  const segments = path.split('/').filter(Boolean);
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    version = segments[1]!;
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1]!;
    version = segments[2]!;
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  // The deprecated /watch/ paths only tell us the resource supports watch (served as ?watch=true on the list path).
  if (rest[0] === 'watch') rest = rest.slice(1);
  let namespaced = false;
  if (rest[0] === 'namespaces' && rest[1] === '{namespace}' && rest.length >= 3) {
    namespaced = true;
    rest = rest.slice(2);
  }
  const resource = rest[0]!;
  if (resource.startsWith('{')) return undefined;
  const hasName = rest[1] === '{name}';
  if (rest.length > 3 || (rest.length >= 2 && !hasName)) return undefined; // e.g. proxy/{path}
  return { group, version, namespaced, resource, hasName, subresource: rest[2] };
}

function operations(item: OpenAPIV2.PathItemObject): [string, OpenAPIV2.OperationObject][] {
  const ops: [string, OpenAPIV2.OperationObject][] = [];
  for (const method of httpMethods) {
    const op = item[method];
    if (op) ops.push([method, op]);
  }
  return ops;
}

function definitionOf(op: OpenAPIV2.OperationObject): string | undefined {
  const response = op.responses?.['200'] ?? op.responses?.['201'];
  const ref = response && 'schema' in response ? (response.schema as { $ref?: string } | undefined)?.$ref : undefined;
  return ref?.replace('#/definitions/', '');
}

/**
 * Builds every resource of every GA group-version in the document. Cheap enough to run per process (a few ms),
 * and deterministic: the same document always yields the same table in the same order.
 */
export function buildResourceTable(swagger: OpenAPIV2.Document, extras: DiscoveryExtras = {}): ResourceType[] {
  const byKey = new Map<string, ResourceType>();
  const pending: { parts: PathParts; ops: [string, OpenAPIV2.OperationObject][] }[] = [];
  for (const [path, item] of Object.entries(swagger.paths)) {
    const parts = parsePath(path);
    if (!parts || !isGeneralAvailability(parts.version)) continue;
    const ops = operations(item as OpenAPIV2.PathItemObject);
    if (parts.subresource) {
      pending.push({ parts, ops });
      continue;
    }
    const key = `${parts.group}/${parts.version}/${parts.resource}`;
    let type = byKey.get(key);
    for (const [, op] of ops) {
      const gvk = (op as Record<string, unknown>)['x-kubernetes-group-version-kind'] as GroupVersionKind | undefined;
      const action = (op as Record<string, unknown>)['x-kubernetes-action'] as string | undefined;
      if (!gvk || !action) continue;
      if (!type) {
        const groupExtras = extras[parts.group === '' ? 'core' : parts.group];
        const fromExtras = typeof groupExtras === 'object' ? groupExtras[parts.resource] : undefined;
        type = {
          group: parts.group,
          version: parts.version,
          resource: parts.resource,
          kind: gvk.kind,
          listKind: `${gvk.kind}List`,
          singularName: gvk.kind.toLowerCase(),
          namespaced: false,
          verbs: [],
          subresources: new Map(),
          shortNames: fromExtras?.shortNames ?? [],
          categories: fromExtras?.categories ?? [],
          definition: undefined,
        };
        byKey.set(key, type);
      }
      if (parts.namespaced) type.namespaced = true;
      const verb = actionVerbs[action];
      if (verb && !type.verbs.includes(verb)) type.verbs.push(verb);
      if (parts.hasName && action === 'get') type.definition = definitionOf(op);
      if (!type.definition && action === 'post') type.definition = definitionOf(op);
    }
  }
  for (const { parts, ops } of pending) {
    const parent = byKey.get(`${parts.group}/${parts.version}/${parts.resource}`);
    if (!parent) continue;
    const name = parts.subresource!;
    let sub = parent.subresources.get(name);
    for (const [method, op] of ops) {
      const gvk = (op as Record<string, unknown>)['x-kubernetes-group-version-kind'] as GroupVersionKind | undefined;
      const action = (op as Record<string, unknown>)['x-kubernetes-action'] as string | undefined;
      if (!gvk || !action) continue;
      if (!sub) {
        sub = { name, responseKind: { ...gvk }, verbs: [] };
        parent.subresources.set(name, sub);
      }
      const verb = action === 'connect' ? methodVerbs[method] : actionVerbs[action];
      if (verb && !sub.verbs.includes(verb)) sub.verbs.push(verb);
    }
  }
  const table = [...byKey.values()];
  for (const type of table) {
    type.verbs.sort();
    for (const sub of type.subresources.values()) sub.verbs.sort();
  }
  return table;
}
