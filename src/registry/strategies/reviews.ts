// Create-only review resources (access reviews, token and self reviews): answered at once, never stored.
import { userInfoJson } from '../../auth/user-info.js';
import { rfc3339 } from '../../clock/clock.js';
import { errors } from '../../meta/errors.js';
import { isPlainObject, type KubeObject } from '../../meta/types.js';
import type { Strategy } from '../strategy.js';

function answer(review: KubeObject, status: Record<string, unknown>): KubeObject {
  const { metadata: _m, ...rest } = review;
  return { ...rest, metadata: { creationTimestamp: null } as unknown as KubeObject['metadata'], status };
}

export function accessReviewStrategy(): Strategy {
  return { review: (r) => answer(r, { allowed: true, reason: 'kubefake allows every request' }) };
}

export function rulesReviewStrategy(): Strategy {
  return {
    review: (r) =>
      answer(r, {
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: false,
      }),
  };
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
