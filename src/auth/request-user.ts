// The user each HTTP request acts as, recorded by the authenticator for the handlers (upstream's request context user).
import type { UserInfo } from './user-info.js';

const users = new WeakMap<object, UserInfo>();

/** The request's user after authentication and impersonation; undefined when nothing authenticated it. */
export function requestUser(req: object): UserInfo | undefined {
  return users.get(req);
}

export function setRequestUser(req: object, user: UserInfo): void {
  users.set(req, user);
}
