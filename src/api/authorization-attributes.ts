// How an HTTP request becomes authorization attributes (upstream RequestInfoFactory), on the API side of the import rule.
import type { IncomingMessage } from 'node:http';
import type { AuthorizationAttributes, ResourceAttributes } from '../auth/authorization/attributes.js';
import type { UserInfo } from '../auth/user-info.js';
import { parseFieldSelector } from '../meta/field-selector.js';
import { isPathSegmentName } from '../meta/name-validation.js';
import { requestVerb } from './handlers/resource-handler.js';
import { Query } from './query.js';
import { parseResourcePath } from './request-info.js';

/**
 * upstream RequestInfoFactory: resource requests by path shape (the verb as the handlers name it), everything else
 * non-resource. A list or watch pinned to one name by `fieldSelector=metadata.name=<n>` carries that name, so a rule
 * limited to resourceNames lets `kubectl get pod x -w` through as upstream does.
 */
export function requestAttributes(user: UserInfo, method: string, path: string, search: string): AuthorizationAttributes {
  const info = parseResourcePath(path);
  if (!info) return { user, verb: method.toLowerCase(), resourceRequest: false, path };
  const query = new Query(search);
  const verb = requestVerb(method, info, query);
  let name = info.name;
  let namespace = info.namespace;
  if (name === undefined && (verb === 'list' || verb === 'watch')) name = nameFromFieldSelector(query.string('fieldSelector'));
  // A namespace is its own namespace: `get namespaces/foo` is checked against foo's RoleBindings too. upstream's
  // RequestInfoFactory reads `namespaces/<name>` this way in every group, not only the core one.
  if (info.namespace === undefined && info.resource === 'namespaces' && info.name !== undefined) namespace = info.name;
  const attributes: ResourceAttributes = { user, verb, resourceRequest: true, group: info.group, version: info.version, resource: info.resource };
  if (info.subresource !== undefined) attributes.subresource = info.subresource;
  if (namespace !== undefined && namespace !== '') attributes.namespace = namespace;
  if (name !== undefined && name !== '') attributes.name = name;
  return attributes;
}

/** The HTTP request's attributes; the path and query as the server split them. */
export function httpRequestAttributes(user: UserInfo, req: IncomingMessage, path: string, search: string): AuthorizationAttributes {
  return requestAttributes(user, req.method ?? 'GET', path, search);
}

function nameFromFieldSelector(selector: string | undefined): string | undefined {
  if (!selector) return undefined;
  try {
    const name = parseFieldSelector(selector).requiresExactMatch('metadata.name');
    return name !== undefined && isPathSegmentName(name).length === 0 ? name : undefined;
  } catch {
    // A selector that does not parse names nothing; the list itself answers the 400.
    return undefined;
  }
}
