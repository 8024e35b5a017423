// Request authentication as kube-apiserver chains it: client certificate, bearer token, then anonymous; impersonation after.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { Clock } from '../clock/clock.js';
import { ApiError } from '../meta/errors.js';
import type { KubeObject } from '../meta/types.js';
import { AuthenticationFailure, type Authenticated } from './authentication-failure.js';
import { authorizeImpersonation, impersonate, type AsyncImpersonationAuthorizer, type DistinctHeaders } from './impersonation.js';
import { setRequestUser } from './request-user.js';
import { ServiceAccountTokens, type ObjectLookup } from './service-account-tokens.js';
import { defaultAdminToken, StaticTokens, type AuthOptions } from './static-tokens.js';
import { createTokenRequest } from './token-request.js';
import { adminUser, anonymousUser, credentialIdKey, userInfoJson, withAuthenticatedGroup, type UserInfo } from './user-info.js';

export interface AuthenticatorOptions {
  auth?: AuthOptions;
  clock: Clock;
  /** Reads ServiceAccounts and the objects tokens are bound to. */
  lookup: ObjectLookup;
}

/** What TokenReview asks of the cluster: authenticate a token as a request bearing it would be. */
export interface TokenReviewer {
  /** TokenReview's status for `token` wanted for `audiences` (the API's own when empty). */
  reviewToken(token: string, audiences: readonly string[]): Promise<Record<string, unknown>>;
}

// Upstream's default AuthenticationConfiguration leaves these to anyone, so probes work without credentials.
const publicPaths = ['/healthz', '/livez', '/readyz', '/version'];

/** The 401 upstream answers whatever failed, so a client learns nothing about why. */
export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export class ClusterAuthenticator implements TokenReviewer {
  readonly serviceAccountTokens: ServiceAccountTokens;
  /** The token the cluster's kubeconfig carries: the first configured one, else the default admin token. */
  readonly kubeconfigToken: string;
  /** Slot for RBAC (verb `impersonate`): who may impersonate whom. Unset, everyone may (AlwaysAllow). */
  impersonationAuthorizer: AsyncImpersonationAuthorizer | undefined;
  private readonly tokens: StaticTokens;
  /** Without configured tokens, any bearer token the cluster does not recognise is the admin's (and no request fails). */
  private readonly lenient: boolean;
  private readonly anonymous: boolean;
  private readonly clock: Clock;
  private readonly lookup: ObjectLookup;

  constructor(options: AuthenticatorOptions) {
    this.clock = options.clock;
    this.lookup = options.lookup;
    const configured = options.auth?.tokens ?? [];
    this.lenient = configured.length === 0;
    this.tokens = new StaticTokens(this.lenient ? [defaultAdminToken] : configured);
    this.kubeconfigToken = this.lenient ? defaultAdminToken.token : configured[0]!.token;
    this.anonymous = options.auth?.anonymous ?? this.lenient;
    this.serviceAccountTokens = new ServiceAccountTokens(options.clock, options.lookup);
  }

  /**
   * Authenticates an HTTP request and records the user it acts as (after impersonation) for requestUser(); throws
   * the 401 (or impersonation's 400/403) to answer instead.
   */
  async authenticateRequest(req: IncomingMessage, path: string): Promise<UserInfo> {
    const requester = await this.requester(req, path);
    const headers = distinctHeaders(req);
    if (this.impersonationAuthorizer) await authorizeImpersonation(requester, headers, this.impersonationAuthorizer);
    const user = impersonate(requester, headers);
    setRequestUser(req, user);
    return user;
  }

  /** Who sent the request, before impersonation: the first credential that authenticates wins, as upstream's union. */
  private async requester(req: IncomingMessage, path: string): Promise<UserInfo> {
    const failures: AuthenticationFailure[] = [];
    const attempts = [() => clientCertificateUser(req), () => this.bearerUser(req)];
    for (const attempt of attempts) {
      try {
        const user = await attempt();
        if (user) return withAuthenticatedGroup(user);
      } catch (err) {
        if (!(err instanceof AuthenticationFailure)) throw err;
        failures.push(err);
      }
    }
    // A credential that failed is never taken for no credential: anonymous is only for requests that sent none.
    if (failures.length > 0 || !(this.anonymous || isPublic(path))) throw unauthorized();
    return structuredClone(anonymousUser);
  }

  private async bearerUser(req: IncomingMessage): Promise<UserInfo | undefined> {
    const token = bearerToken(req.headers.authorization);
    if (token === undefined) return undefined;
    return (await this.authenticateToken(token)).user;
  }

  /** The token's user and audiences; an AuthenticationFailure when the cluster does not accept it. */
  async authenticateToken(token: string, audiences?: readonly string[]): Promise<Authenticated> {
    const user = this.tokens.lookup(token);
    // Static tokens are good for any audience (upstream wraps them audience-agnostic).
    if (user) return { user, audiences: [...(audiences ?? this.serviceAccountTokens.apiAudiences)] };
    const account = await this.serviceAccountTokens.authenticate(token, audiences);
    if (account) return account;
    if (this.lenient && audiences === undefined) return { user: structuredClone(adminUser) };
    throw new AuthenticationFailure('invalid bearer token');
  }

  /** serviceaccounts/<name>/token: a TokenRequest answered with a token signed by this cluster. */
  requestToken(namespace: string, name: string, body: unknown): Promise<KubeObject> {
    return createTokenRequest(this.serviceAccountTokens, this.lookup, { namespace, name, body, now: this.clock.now() });
  }

  async reviewToken(token: string, audiences: readonly string[]): Promise<Record<string, unknown>> {
    const wanted = audiences.length > 0 ? audiences : this.serviceAccountTokens.apiAudiences;
    try {
      // Strict even without configured tokens: a review asks whether the token is real, not whether requests pass.
      const result = await this.authenticateToken(token, wanted);
      return { authenticated: true, user: userInfoJson(result.user), audiences: result.audiences ?? [...wanted] };
    } catch (err) {
      if (!(err instanceof AuthenticationFailure)) throw err;
      return { user: {}, error: err.message };
    }
  }
}

/** `Authorization: Bearer <token>` as upstream's bearertoken reads it: scheme any case, an empty token is none. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const parts = header.trim().split(' ');
  if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer' || parts[1] === '') return undefined;
  return parts[1];
}

/**
 * upstream's x509 authenticator with CommonNameUserConversion: a certificate that verified against the cluster CA is
 * CN (user) and O (groups); one that did not is a failed credential; an empty CN is no opinion.
 */
export function clientCertificateUser(req: IncomingMessage): UserInfo | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  // An empty object when the client sent no certificate.
  const peer = socket.getPeerCertificate() as Partial<PeerCertificate> | null;
  if (!peer?.raw) return undefined;
  if (socket.authorized !== true) {
    throw new AuthenticationFailure(`verifying certificate SN=${serialNumber(peer)} failed: ${goVerifyError(socket.authorizationError)}`);
  }
  const cn = single(peer.subject?.CN);
  if (!cn) return undefined;
  const organizations = peer.subject?.O;
  const groups = organizations === undefined ? [] : Array.isArray(organizations) ? [...organizations] : [organizations];
  const fingerprint = createHash('sha256').update(peer.raw).digest('hex');
  return { username: cn, groups, extra: { [credentialIdKey]: [`X509SHA256=${fingerprint}`] } };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function serialNumber(peer: Partial<PeerCertificate>): string {
  try {
    return BigInt(`0x${peer.serialNumber}`).toString();
  } catch {
    return peer.serialNumber ?? '';
  }
}

/** Go's crypto/x509 wording for what OpenSSL reports, so logs and messages read like upstream's. */
function goVerifyError(error: Error | undefined): string {
  const code = String((error as { code?: string } | undefined)?.code ?? error?.message ?? '');
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return 'x509: certificate has expired or is not yet valid';
  return 'x509: certificate signed by unknown authority';
}

function isPublic(path: string): boolean {
  return publicPaths.some((p) => path === p || path === `${p}/` || (p !== '/version' && path.startsWith(`${p}/`)));
}

function distinctHeaders(req: IncomingMessage): DistinctHeaders {
  // headersDistinct keeps repeated Impersonate-Group lines apart, where req.headers would join them with ", ".
  return req.headersDistinct ?? Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, v === undefined ? undefined : Array.isArray(v) ? v : [v]]));
}
