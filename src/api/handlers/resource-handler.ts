// Routes a resource request to its verb handler after checking scope, verbs and subresources against the resource table.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../meta/errors.js';
import { applyFault } from '../faults.js';
import type { Resource } from '../../registry/resource.js';
import type { ApiContext } from '../api-context.js';
import { Query } from '../query.js';
import type { ResourceRequest } from '../request-info.js';
import { handlePodLog } from './pod-logs.js';
import { handleList, sendObject } from './read.js';
import { handleBinding, handleEviction, handleScale, handleToken } from './subresources.js';
import { handleCreate, handleDelete, handleDeleteCollection, handlePatch, handleUpdate } from './write.js';

const methodVerb: Record<string, string> = { PUT: 'update', PATCH: 'patch', GET: 'get', POST: 'create', DELETE: 'delete' };

export function notFoundRoute(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}

function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

export async function handleResourceRequest(
  api: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  info: ResourceRequest,
  search: string,
): Promise<void> {
  const resource = api.registry.lookup(info.group, info.version, info.resource);
  if (!resource) throw notFoundRoute();
  // A namespaced object needs a namespace in its path; a cluster-scoped one must not have one.
  if (info.namespace !== undefined && !resource.namespaced) throw notFoundRoute();
  if (info.name !== undefined && resource.namespaced && info.namespace === undefined) throw notFoundRoute();
  if (info.rest.length > 0) throw notFoundRoute();
  const query = new Query(search);
  const method = req.method ?? 'GET';
  const verb = requestVerb(method, info, query);
  const fault = api.faults?.check({ verb, request: info, resourceVersion: query.string('resourceVersion') });
  if (fault && (await applyFault(fault, verb, req, res))) return;
  const { namespace, name, subresource } = info;
  // A deprecated custom resource version warns on every request, before anything the request itself adds.
  const deprecation = resource.custom?.deprecationWarning;
  if (deprecation) res.setHeader('Warning', [`299 - ${JSON.stringify(deprecation)}`]);

  if (subresource !== undefined) {
    const sub = resource.type.subresources.get(subresource);
    if (!sub) throw notFoundRoute();
    if (!sub.verbs.includes(methodVerb[method] ?? '')) throw methodNotAllowed();
    await handleSubresource(api, req, res, resource, namespace, name!, subresource, query);
    return;
  }

  const verbs = resource.type.verbs;
  const allow = (verb: string) => {
    if (!verbs.includes(verb)) throw methodNotAllowed();
  };
  if (name === undefined) {
    switch (method) {
      case 'GET':
        allow(query.bool('watch') ? 'watch' : 'list');
        return handleList(api, req, res, resource, namespace, query);
      case 'POST':
        allow('create');
        // The legacy core `bindings` collection binds the pod its body names, as pods/binding does; nothing is stored.
        if (resource.type.group === '' && resource.type.resource === 'bindings') {
          return handleBinding(api, req, res, api.registry.lookup('', 'v1', 'pods')!, namespace, undefined, query);
        }
        return handleCreate(api, req, res, resource, namespace, query);
      case 'DELETE':
        allow('deletecollection');
        return handleDeleteCollection(api, req, res, resource, namespace, query);
      default:
        throw methodNotAllowed();
    }
  }
  switch (method) {
    case 'GET':
      if (query.bool('watch')) {
        allow('watch');
        return handleList(api, req, res, resource, namespace, query, name);
      }
      allow('get');
      return sendObject(api, req, res, resource, await api.registry.get(resource, namespace, name), 200, query);
    case 'PUT':
      allow('update');
      return handleUpdate(api, req, res, resource, namespace, name, query);
    case 'PATCH':
      allow('patch');
      return handlePatch(api, req, res, resource, namespace, name, query);
    case 'DELETE':
      allow('delete');
      return handleDelete(api, req, res, resource, namespace, name, query);
    default:
      throw methodNotAllowed();
  }
}

async function handleSubresource(
  api: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  resource: Resource,
  namespace: string | undefined,
  name: string,
  subresource: string,
  query: Query,
): Promise<void> {
  const method = req.method ?? 'GET';
  switch (subresource) {
    case 'status':
      if (method === 'GET') return sendObject(api, req, res, resource, await api.registry.get(resource, namespace, name), 200, query);
      if (method === 'PUT') return handleUpdate(api, req, res, resource, namespace, name, query, 'status');
      return handlePatch(api, req, res, resource, namespace, name, query, 'status');
    case 'scale':
      return handleScale(api, req, res, resource, namespace, name, query);
    case 'binding':
      return handleBinding(api, req, res, resource, namespace, name, query);
    case 'eviction':
      return handleEviction(api, req, res, resource, namespace, name, query);
    case 'token':
      return handleToken(api, req, res, resource, namespace, name);
    case 'log':
      // pods/log, the one resource with a log subresource (its only verb, get, was checked above).
      return handlePodLog(api, req, res, resource, namespace, name, query);
    case 'finalize':
      // namespaces/finalize: a PUT only (its one verb), replacing everything but status.
      return handleUpdate(api, req, res, resource, namespace, name, query, 'finalize');
    default:
      // exec, attach, portforward, proxy, approval, resize, ephemeralcontainers: not simulated yet.
      throw notFoundRoute();
  }
}

/** The Kubernetes verb of a request, as audit logs and RBAC name it. */
export function requestVerb(method: string, info: ResourceRequest, query: Query): string {
  if (method === 'GET' || method === 'HEAD') return query.bool('watch') ? 'watch' : info.name === undefined ? 'list' : 'get';
  if (method === 'DELETE') return info.name === undefined ? 'deletecollection' : 'delete';
  return methodVerb[method] ?? method.toLowerCase();
}
