// Create-only review resources (access reviews, token and self reviews): answered at once, never stored.
import type { AuthorizationAttributes } from '../../auth/authorization/attributes.js';
import { AlwaysAllowAuthorizer } from '../../auth/authorization/authorizer.js';
import { userInfoJson, type UserInfo } from '../../auth/user-info.js';
import { rfc3339 } from '../../clock/clock.js';
import { errors } from '../../meta/errors.js';
import { invalidCause } from '../../meta/field-errors.js';
import { isPlainObject, type KubeObject, type StatusCause } from '../../meta/types.js';
import type { ReviewContext, Strategy } from '../strategy.js';

const group = 'authorization.k8s.io';
const alwaysAllow = new AlwaysAllowAuthorizer();

function answer(review: KubeObject, status: Record<string, unknown>, namespace?: string): KubeObject {
  const { metadata: _m, ...rest } = review;
  const metadata = (namespace ? { namespace, creationTimestamp: null } : { creationTimestamp: null }) as unknown as KubeObject['metadata'];
  return { ...rest, metadata, status };
}

/**
 * SubjectAccessReview, LocalSubjectAccessReview and SelfSubjectAccessReview: the cluster's authorizer asked about the
 * spec's user (or the caller, for the self review), answered as upstream's status: allowed, denied, reason, evaluationError.
 */
export function accessReviewStrategy(): Strategy {
  return {
    review: async (r, ctx) => {
      const spec = isPlainObject(r.spec) ? r.spec : {};
      const kind = String(r.kind);
      let namespace: string | undefined;
      if (kind === 'LocalSubjectAccessReview') namespace = localNamespace(r, ctx);
      const causes = validateSpec(kind, spec, namespace);
      if (causes.length > 0) throw errors.invalid(kind, group, '', causes);
      const user = kind === 'SelfSubjectAccessReview' ? ctx.user : specUser(spec);
      const result = await (ctx.authorizer ?? alwaysAllow).authorize(attributesOf(user, spec));
      const status: Record<string, unknown> = { allowed: result.decision === 'allow' };
      if (result.decision === 'deny') status.denied = true;
      if (result.reason) status.reason = result.reason;
      if (result.evaluationError) status.evaluationError = result.evaluationError;
      return answer(r, status, namespace);
    },
  };
}

/** SelfSubjectRulesReview (`kubectl auth can-i --list`): what the caller may do in spec.namespace. */
export function rulesReviewStrategy(): Strategy {
  return {
    review: async (r, ctx) => {
      const spec = isPlainObject(r.spec) ? r.spec : {};
      const namespace = typeof spec.namespace === 'string' ? spec.namespace : '';
      if (namespace === '') throw errors.badRequest('no namespace on request');
      const rules = await (ctx.authorizer ?? alwaysAllow).rulesFor(ctx.user, namespace);
      const status: Record<string, unknown> = { resourceRules: rules.resourceRules, nonResourceRules: rules.nonResourceRules, incomplete: rules.incomplete };
      if (rules.evaluationError) status.evaluationError = rules.evaluationError;
      // upstream answers a new review holding only the status: the spec asked about is not echoed.
      return answer({ ...r, spec: {} }, status);
    },
  };
}

/** The URL's namespace decides, as the create handler's: the body may leave it out but not name another. */
function localNamespace(r: KubeObject, ctx: ReviewContext): string {
  const inBody = r.metadata?.namespace;
  if (inBody && ctx.namespace && inBody !== ctx.namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const namespace = ctx.namespace ?? inBody ?? '';
  if (namespace === '') throw errors.badRequest(`namespace is required on this type: ${namespace}`);
  return namespace;
}

/** upstream ValidateSubjectAccessReviewSpec and its self and local variants. */
function validateSpec(kind: string, spec: Record<string, unknown>, namespace: string | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  const resource = isPlainObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nonResource = isPlainObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if (resource && nonResource) causes.push(invalidCause('spec.nonResourceAttributes', nonResource, 'cannot be specified in combination with resourceAttributes'));
  if (!resource && !nonResource) {
    causes.push(invalidCause('spec.resourceAttributes', 'null', 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  }
  if (kind !== 'SelfSubjectAccessReview') {
    const groups = Array.isArray(spec.groups) ? spec.groups : [];
    const user = typeof spec.user === 'string' ? spec.user : '';
    if (user === '' && groups.length === 0) causes.push(invalidCause('spec.user', user, 'at least one of user or group must be specified'));
  }
  if (kind === 'LocalSubjectAccessReview') {
    const resourceNamespace = typeof resource?.namespace === 'string' ? resource.namespace : '';
    if (resource && resourceNamespace !== namespace) {
      causes.push(invalidCause('spec.resourceAttributes.namespace', resourceNamespace, 'must match metadata.namespace'));
    }
    if (nonResource) causes.push(invalidCause('spec.nonResourceAttributes', nonResource, 'disallowed on this kind of request'));
  }
  return causes;
}

/** The user a (Local)SubjectAccessReview asks about, exactly as given: no system:authenticated is added. */
function specUser(spec: Record<string, unknown>): UserInfo {
  const user: UserInfo = { username: typeof spec.user === 'string' ? spec.user : '', groups: stringList(spec.groups) };
  if (typeof spec.uid === 'string' && spec.uid) user.uid = spec.uid;
  if (isPlainObject(spec.extra)) user.extra = Object.fromEntries(Object.entries(spec.extra).map(([k, v]) => [k, stringList(v)]));
  return user;
}

/** upstream ResourceAttributesFrom / NonResourceAttributesFrom; an empty version matches every version. */
function attributesOf(user: UserInfo, spec: Record<string, unknown>): AuthorizationAttributes {
  const text = (o: Record<string, unknown>, key: string) => (typeof o[key] === 'string' ? (o[key] as string) : '');
  if (isPlainObject(spec.resourceAttributes)) {
    const a = spec.resourceAttributes;
    const attributes: AuthorizationAttributes = {
      user,
      verb: text(a, 'verb'),
      resourceRequest: true,
      group: text(a, 'group'),
      version: text(a, 'version') || '*',
      resource: text(a, 'resource'),
    };
    if (text(a, 'subresource')) attributes.subresource = text(a, 'subresource');
    if (text(a, 'namespace')) attributes.namespace = text(a, 'namespace');
    if (text(a, 'name')) attributes.name = text(a, 'name');
    return attributes;
  }
  const n = isPlainObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : {};
  return { user, verb: text(n, 'verb'), resourceRequest: false, path: text(n, 'path') };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** TokenReview: the token authenticated as a request bearing it would be, for the audiences asked (the API's own by default). */
export function tokenReviewStrategy(): Strategy {
  return {
    review: async (r, ctx) => {
      const spec = isPlainObject(r.spec) ? r.spec : {};
      const token = typeof spec.token === 'string' ? spec.token : '';
      if (token === '') throw errors.badRequest('token is required for TokenReview in authentication');
      const audiences = Array.isArray(spec.audiences) ? spec.audiences.filter((a): a is string => typeof a === 'string') : [];
      // Upstream answers an empty status when the server has no token authenticator.
      return answer(r, ctx.tokens ? await ctx.tokens.reviewToken(token, audiences) : { user: {} });
    },
  };
}

/** SelfSubjectReview (`kubectl auth whoami`): the caller's user after impersonation, stamped now as upstream does. */
export function selfSubjectReviewStrategy(): Strategy {
  return {
    review: (r, ctx) => {
      const { metadata: _m, spec: _s, ...rest } = r;
      return { ...rest, metadata: { creationTimestamp: rfc3339(ctx.now) }, status: { userInfo: userInfoJson(ctx.user) } };
    },
  };
}

