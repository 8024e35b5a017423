// Create-only review resources (access reviews, token and self reviews): answered at once, never stored.
import { isPlainObject, type KubeObject } from '../../meta/types.js';
import type { Strategy } from '../strategy.js';

/** The identity kubefake reports for every caller: it does not authenticate, so everyone is a cluster admin. */
export const adminUser = { username: 'kubefake-admin', groups: ['system:masters', 'system:authenticated'] };

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

export function tokenReviewStrategy(): Strategy {
  return {
    review: (r) => {
      const spec = isPlainObject(r.spec) ? r.spec : {};
      return answer(r, { authenticated: true, user: adminUser, audiences: spec.audiences ?? [] });
    },
  };
}

export function selfSubjectReviewStrategy(): Strategy {
  return { review: (r) => answer(r, { userInfo: adminUser }) };
}
