// Impersonation headers (Impersonate-User/-Group/-Uid/-Extra-*): upstream's WithImpersonation filter.
import { ApiError, errors } from '../meta/errors.js';
import { allAuthenticated, allUnauthenticated, anonymousName, serviceAccountGroups, serviceAccountUsername, splitServiceAccountUsername, type UserInfo } from './user-info.js';

const userHeader = 'impersonate-user';
const groupHeader = 'impersonate-group';
const uidHeader = 'impersonate-uid';
const extraPrefix = 'impersonate-extra-';

/** One thing the requester asks to act as, as upstream's ObjectReference names it (and an authorizer checks it). */
export interface ImpersonationRequest {
  kind: 'User' | 'ServiceAccount' | 'Group' | 'UserExtra' | 'UID';
  name: string;
  namespace?: string;
  /** UserExtra: the extra key (upstream keeps it in ObjectReference.FieldPath). */
  fieldPath?: string;
}

/** The authorization attributes of one impersonation (verb `impersonate`), as RBAC will check them. */
export interface ImpersonationAttributes {
  group: string;
  resource: 'users' | 'serviceaccounts' | 'groups' | 'userextras' | 'uids';
  subresource?: string;
  namespace?: string;
  name: string;
}

/**
 * Decides whether `requester` may impersonate: undefined allows, a string is the reason it may not (answered 403).
 * impersonate() asks it synchronously; the server's RBAC check goes through authorizeImpersonation() instead.
 */
export type ImpersonationAuthorizer = (requester: UserInfo, attributes: ImpersonationAttributes) => string | undefined;

/** The authorizer slot as the server fills it: RBAC reads the store, so its answer may come later. */
export type AsyncImpersonationAuthorizer = (requester: UserInfo, attributes: ImpersonationAttributes) => Promise<string | undefined>;

/** Header name → values, one per header line (Node's `req.headersDistinct`: repeated headers are not joined). */
export type DistinctHeaders = Record<string, string[] | undefined>;

/** upstream buildImpersonationRequests: what the headers ask for, or a 400 for groups, extra or uid without a user. */
export function impersonationRequests(headers: DistinctHeaders): ImpersonationRequest[] {
  const requests: ImpersonationRequest[] = [];
  // Go's Header.Get: the first value.
  const user = headers[userHeader]?.[0] ?? '';
  if (user !== '') {
    const account = splitServiceAccountUsername(user);
    requests.push(account ? { kind: 'ServiceAccount', namespace: account.namespace, name: account.name } : { kind: 'User', name: user });
  }
  for (const group of headers[groupHeader] ?? []) requests.push({ kind: 'Group', name: group });
  let hasExtra = false;
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith(extraPrefix) || !values) continue;
    hasExtra = true;
    const key = unescapeExtraKey(header.slice(extraPrefix.length).toLowerCase());
    for (const value of values) requests.push({ kind: 'UserExtra', name: value, fieldPath: key });
  }
  const uid = headers[uidHeader]?.[0] ?? '';
  if (uid !== '') requests.push({ kind: 'UID', name: uid });
  const hasGroups = (headers[groupHeader]?.length ?? 0) > 0;
  if ((hasGroups || hasExtra || uid !== '') && user === '') {
    throw errors.badRequest(`requested [${requests.map(goObjectReference).join(' ')}] without impersonating a user`);
  }
  return requests;
}

/**
 * The user a request acts as: the requester itself without impersonation headers, else the impersonated user, each
 * part checked by `authorize` first. Groups, when given, are the whole list (a ServiceAccount's own are added only
 * without them); system:authenticated is added unless the user is system:anonymous or the groups name either
 * system:authenticated or system:unauthenticated.
 */
export function impersonate(requester: UserInfo, headers: DistinctHeaders, authorize?: ImpersonationAuthorizer): UserInfo {
  const requests = impersonationRequests(headers);
  if (requests.length === 0) return requester;
  const groupsSpecified = (headers[groupHeader]?.length ?? 0) > 0;
  let username = '';
  let uid = '';
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  for (const request of requests) {
    const attributes = attributesOf(request);
    switch (request.kind) {
      case 'ServiceAccount':
        username = serviceAccountUsername(request.namespace!, request.name);
        if (!groupsSpecified) groups = serviceAccountGroups(request.namespace!);
        break;
      case 'User':
        username = request.name;
        break;
      case 'Group':
        groups.push(request.name);
        break;
      case 'UserExtra':
        (extra[request.fieldPath!] ??= []).push(request.name);
        break;
      case 'UID':
        uid = request.name;
        break;
    }
    const refusal = authorize?.(requester, attributes);
    if (refusal !== undefined) throw forbidden(requester, attributes, refusal);
  }
  if (username !== anonymousName) {
    if (!groups.includes(allAuthenticated) && !groups.includes(allUnauthenticated)) groups.push(allAuthenticated);
  } else if (!groups.includes(allUnauthenticated)) {
    groups.push(allUnauthenticated);
  }
  const user: UserInfo = { username, groups };
  if (uid !== '') user.uid = uid;
  if (Object.keys(extra).length > 0) user.extra = extra;
  return user;
}

/**
 * Checks, in the headers' order, each impersonation asked for (upstream's filter asks before it builds the user);
 * the first refused is the 403. Then impersonate() builds the user without asking again.
 */
export async function authorizeImpersonation(requester: UserInfo, headers: DistinctHeaders, authorize: AsyncImpersonationAuthorizer): Promise<void> {
  for (const request of impersonationRequests(headers)) {
    const attributes = attributesOf(request);
    const refusal = await authorize(requester, attributes);
    if (refusal !== undefined) throw forbidden(requester, attributes, refusal);
  }
}

function attributesOf(request: ImpersonationRequest): ImpersonationAttributes {
  switch (request.kind) {
    case 'ServiceAccount':
      return { group: '', resource: 'serviceaccounts', namespace: request.namespace, name: request.name };
    case 'User':
      return { group: '', resource: 'users', name: request.name };
    case 'Group':
      return { group: '', resource: 'groups', name: request.name };
    case 'UserExtra':
      return { group: 'authentication.k8s.io', resource: 'userextras', subresource: request.fieldPath, name: request.name };
    case 'UID':
      return { group: 'authentication.k8s.io', resource: 'uids', name: request.name };
  }
}

/** upstream responsewriters.Forbidden for a resource request: `<resource> "<name>" is forbidden: User "<u>" cannot …`. */
function forbidden(requester: UserInfo, a: ImpersonationAttributes, reason: string): ApiError {
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const why = `User "${requester.username}" cannot impersonate resource "${resource}" in API group "${a.group}" ${scope}`;
  return errors.forbidden({ group: a.group, resource: a.resource }, a.name, reason ? `${why}: ${reason}` : why);
}

/** Go's `%v` of a v1.ObjectReference: its seven string fields in order, space-separated, in braces. */
function goObjectReference(r: ImpersonationRequest): string {
  const apiVersion = r.kind === 'UserExtra' || r.kind === 'UID' ? 'authentication.k8s.io/v1' : '';
  return `{${[r.kind, r.namespace ?? '', r.name, '', apiVersion, '', r.fieldPath ?? ''].join(' ')}}`;
}

/** Extra keys may be %-encoded to carry characters a header name cannot; a malformed one is kept as sent. */
function unescapeExtraKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}
