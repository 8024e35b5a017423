// The 403 a refused request gets: upstream responsewriters.ForbiddenStatusError, worded as kubectl users know it.
import { ApiError, qualifiedResource } from '../../meta/errors.js';
import { goQuote } from '../../meta/field-errors.js';
import type { StatusDetails } from '../../meta/types.js';
import type { AuthorizationAttributes } from './attributes.js';

// upstream escapes what could make the message read as HTML; quotes stay.
const sanitize = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `User "alice" cannot list resource "pods" in API group "" in the namespace "dev"` (no reason, no prefix). */
export function forbiddenMessage(a: AuthorizationAttributes): string {
  const user = goQuote(a.user.username);
  if (!a.resourceRequest) return `User ${user} cannot ${a.verb} path ${goQuote(a.path)}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace ${goQuote(a.namespace)}` : 'at the cluster scope';
  return `User ${user} cannot ${a.verb} resource ${goQuote(resource)} in API group ${goQuote(a.group)} ${scope}`;
}

/**
 * The Forbidden Status (apierrors.NewForbidden): `pods "web" is forbidden: User … cannot get …[: reason]`, details
 * naming the group, the resource (as kind) and the name; a non-resource path's is `forbidden: User … cannot get path …`.
 */
export function forbiddenError(a: AuthorizationAttributes, reason: string): ApiError {
  const why = reason ? `${sanitize(forbiddenMessage(a))}: ${reason}` : sanitize(forbiddenMessage(a));
  if (!a.resourceRequest) return new ApiError(403, 'Forbidden', `forbidden: ${why}`, {});
  const gr = { group: a.group, resource: a.resource };
  const details: StatusDetails = {};
  if (a.name) details.name = a.name;
  if (a.group) details.group = a.group;
  if (a.resource) details.kind = a.resource;
  const who = a.name ? `${qualifiedResource(gr)} ${goQuote(a.name)}` : qualifiedResource(gr);
  return new ApiError(403, 'Forbidden', `${who} is forbidden: ${why}`, details);
}
