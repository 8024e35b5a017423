// Who a request acts as (upstream's user.Info) and the well-known users and groups the apiserver names.
import { isDNS1123Label, isDNS1123Subdomain } from '../meta/name-validation.js';

/** authentication.k8s.io/v1 UserInfo, as TokenReview and SelfSubjectReview answer it. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export const allAuthenticated = 'system:authenticated';
export const allUnauthenticated = 'system:unauthenticated';
export const anonymousName = 'system:anonymous';
export const mastersGroup = 'system:masters';
export const serviceAccountsGroup = 'system:serviceaccounts';
/** The extra key upstream records the credential in (X509SHA256=…, JTI=…), which `kubectl auth whoami` shows. */
export const credentialIdKey = 'authentication.kubernetes.io/credential-id';

const serviceAccountPrefix = 'system:serviceaccount:';

/** What a request without credentials is, when anonymous requests are allowed. */
export const anonymousUser: UserInfo = Object.freeze({ username: anonymousName, groups: [allUnauthenticated] }) as UserInfo;

/** The owner of the default kubeconfig's token, and who the in-process client acts as. */
export const adminUser: UserInfo = Object.freeze({ username: 'kubefake-admin', groups: [mastersGroup, allAuthenticated] }) as UserInfo;

/** `system:serviceaccount:<ns>:<name>` (upstream MakeUsername). */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `${serviceAccountPrefix}${namespace}:${name}`;
}

/** The groups every ServiceAccount of a namespace is in (upstream MakeGroupNames). */
export function serviceAccountGroups(namespace: string): string[] {
  return [serviceAccountsGroup, `system:serviceaccounts:${namespace}`];
}

/** The namespace and name of a ServiceAccount username, or undefined when it is not one (upstream SplitUsername). */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(serviceAccountPrefix)) return undefined;
  const parts = username.slice(serviceAccountPrefix.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts as [string, string];
  if (isDNS1123Label(namespace).length > 0 || isDNS1123Subdomain(name).length > 0) return undefined;
  return { namespace, name };
}

/**
 * Upstream's AuthenticatedGroupAdder: every authenticated user but system:anonymous is in system:authenticated,
 * unless it already names system:authenticated or system:unauthenticated.
 */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.username === anonymousName) return user;
  if (user.groups.includes(allAuthenticated) || user.groups.includes(allUnauthenticated)) return user;
  return { ...user, groups: [...user.groups, allAuthenticated] };
}

/** The UserInfo as the authentication.k8s.io/v1 JSON shows it (every field omitempty). */
export function userInfoJson(user: UserInfo): Record<string, unknown> {
  const out: Record<string, unknown> = { username: user.username };
  if (user.uid) out.uid = user.uid;
  if (user.groups.length > 0) out.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length > 0) out.extra = structuredClone(user.extra);
  return out;
}
