// Authorization as kube-apiserver's --authorization-mode: the chosen authorizer, the request filter, the impersonation check.
import type { Store } from '../../store/types.js';
import type { ImpersonationAttributes } from '../impersonation.js';
import type { UserInfo } from '../user-info.js';
import type { AuthorizationAttributes } from './attributes.js';
import { AlwaysAllowAuthorizer, type Authorizer } from './authorizer.js';
import { forbiddenError } from './forbidden.js';
import { RbacAuthorizer } from './rbac-authorizer.js';

export type { AuthorizationAttributes, NonResourceAttributes, ResourceAttributes } from './attributes.js';
export type { AuthorizationResult, Authorizer, Decision, RoleRef, RulesResult } from './authorizer.js';
export type { NonResourceRule, PolicyRule, ResourceRule } from './rules.js';
export { AlwaysAllowAuthorizer } from './authorizer.js';
export { RbacAuthorizer } from './rbac-authorizer.js';
export { forbiddenError, forbiddenMessage } from './forbidden.js';

/** upstream's `--authorization-mode` values kubefake knows; AlwaysAllow is the default. */
export type AuthorizationMode = 'AlwaysAllow' | 'RBAC';
export const authorizationModes: readonly AuthorizationMode[] = ['AlwaysAllow', 'RBAC'];

export function createAuthorizer(mode: AuthorizationMode, store: Store): Authorizer {
  return mode === 'RBAC' ? new RbacAuthorizer(store) : new AlwaysAllowAuthorizer();
}

/** upstream WithAuthorization: anything but an allow is the 403, the authorizer's reason after the message. */
export async function authorize(authorizer: Authorizer, attributes: AuthorizationAttributes): Promise<void> {
  const result = await authorizer.authorize(attributes);
  if (result.decision !== 'allow') throw forbiddenError(attributes, result.reason);
}

/** The impersonation filter's question, verb `impersonate`: undefined allows, a string (maybe '') is the refusal's reason. */
export function impersonationAuthorizer(authorizer: Authorizer): (requester: UserInfo, a: ImpersonationAttributes) => Promise<string | undefined> {
  return async (requester, a) => {
    const attributes: AuthorizationAttributes = { user: requester, verb: 'impersonate', resourceRequest: true, group: a.group, version: '', resource: a.resource, name: a.name };
    if (a.subresource) attributes.subresource = a.subresource;
    if (a.namespace) attributes.namespace = a.namespace;
    const result = await authorizer.authorize(attributes);
    return result.decision === 'allow' ? undefined : result.reason;
  };
}
