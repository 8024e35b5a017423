// What an authenticator answers: a user with the audiences it was proven for, or a failure with upstream's reason.
import type { UserInfo } from './user-info.js';

/** A credential the cluster recognised and refused (expired, wrong signature, owner gone): the request gets 401. */
export class AuthenticationFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationFailure';
  }
}

export interface Authenticated {
  user: UserInfo;
  /** The audiences the credential is valid for among those asked (TokenReview's status.audiences). */
  audiences?: string[];
}

/** Go's `%q` of a []string, as upstream's messages print audience lists: `["a" "b"]`. */
export function goQuotedList(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
}
