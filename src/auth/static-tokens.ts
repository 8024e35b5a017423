// Static bearer tokens (upstream's --token-auth-file): the options' table, the CLI's --token form, and the lookup.
import { adminUser, mastersGroup, withAuthenticatedGroup, type UserInfo } from './user-info.js';

/** One line of the token table: the token, whose it is, and that user's groups. */
export interface StaticToken {
  token: string;
  user: string;
  uid?: string;
  groups?: string[];
}

/** How the cluster authenticates requests (`auth` in the cluster options). */
export interface AuthOptions {
  /**
   * Bearer tokens the cluster accepts. With any, a request with another token, or (unless `anonymous`) with none,
   * is answered 401; the written kubeconfig carries the first. Without, the default kubeconfig's `kubefake` token
   * is the admin's and every request is accepted.
   */
  tokens?: StaticToken[];
  /** Requests without credentials act as system:anonymous. Default: true without `tokens`, false with them. */
  anonymous?: boolean;
}

/** The default kubeconfig's token: kubefake-admin, in system:masters. */
export const defaultAdminToken: StaticToken = { token: 'kubefake', user: adminUser.username, groups: [mastersGroup] };

/**
 * The CLI's `--token <token[:user[:group1,group2]]>`. A token alone belongs to kubefake-admin in system:masters (the
 * usual reason to pass one is to lock the cluster to a secret admin token); a named user is in just the groups given.
 */
export function parseTokenFlag(spec: string): StaticToken {
  const [token = '', user, groups, ...rest] = spec.split(':');
  if (rest.length > 0) throw new Error('expected token[:user[:group1,group2]] (a ":" too many)');
  if (user === undefined) return { ...defaultAdminToken, token: checkedToken(token) };
  if (user === '') throw new Error('the user after the first ":" is empty');
  const groupList = groups === undefined || groups === '' ? [] : groups.split(',');
  if (groupList.some((g) => g === '')) throw new Error(`a group in "${groups}" is empty`);
  return { token: checkedToken(token), user, groups: groupList };
}

function checkedToken(token: string): string {
  if (token === '') throw new Error('the token is empty');
  return token;
}

/** The token table, checked: a token clients cannot send, or one listed twice, fails start-up rather than a request. */
export class StaticTokens {
  private readonly users = new Map<string, UserInfo>();

  constructor(tokens: readonly StaticToken[]) {
    for (const [i, entry] of tokens.entries()) {
      const where = `auth.tokens[${i}]`;
      if (typeof entry?.token !== 'string' || entry.token === '') throw new Error(`${where}.token must be a non-empty string`);
      // An Authorization header is `Bearer <token>`: whitespace would split it and it would never match.
      if (/\s/.test(entry.token)) throw new Error(`${where}.token must not contain whitespace`);
      if (typeof entry.user !== 'string' || entry.user === '') throw new Error(`${where}.user must be a non-empty string`);
      if (entry.groups !== undefined && (!Array.isArray(entry.groups) || entry.groups.some((g) => typeof g !== 'string' || g === ''))) {
        throw new Error(`${where}.groups must be non-empty strings`);
      }
      if (this.users.has(entry.token)) throw new Error(`${where}.token is listed twice`);
      const user: UserInfo = { username: entry.user, groups: [...(entry.groups ?? [])] };
      if (entry.uid) user.uid = entry.uid;
      this.users.set(entry.token, withAuthenticatedGroup(user));
    }
  }

  /** The token's user (system:authenticated added), or undefined when the table does not hold it. */
  lookup(token: string): UserInfo | undefined {
    const user = this.users.get(token);
    return user && structuredClone(user);
  }
}
