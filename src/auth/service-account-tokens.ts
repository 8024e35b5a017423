// ServiceAccount tokens: bound JWTs signed with the cluster's key (TokenRequest) and their authentication, as upstream.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock/clock.js';
import type { KubeObject } from '../meta/types.js';
import { AuthenticationFailure, goQuotedList, type Authenticated } from './authentication-failure.js';
import { generateSigningKey, peekClaims, signJwt, verifyJwt, type SigningKey } from './jwt.js';
import { credentialIdKey, serviceAccountGroups, serviceAccountUsername, withAuthenticatedGroup, type UserInfo } from './user-info.js';

/** The kube-apiserver's --service-account-issuer on kind and kubeadm clusters; also the API's default audience. */
export const serviceAccountIssuer = 'https://kubernetes.default.svc.cluster.local';

/** go-jose's DefaultLeeway: exp and nbf are checked with a minute's grace, and so are deletions. */
const leewaySeconds = 60;

export type LookupResource = 'serviceaccounts' | 'pods' | 'secrets' | 'nodes';
/** Reads a stored object (undefined when absent): how tokens check that what they name still exists. */
export type ObjectLookup = (resource: LookupResource, namespace: string | undefined, name: string) => Promise<KubeObject | undefined>;

/** The objects a token is bound to: it dies with them (a pod's token also names the pod's node). */
export interface BoundObjects {
  pod?: KubeObject;
  secret?: KubeObject;
  node?: KubeObject;
}

interface Ref {
  name?: string;
  uid?: string;
}

interface KubernetesClaim {
  namespace?: string;
  node?: Ref;
  pod?: Ref;
  secret?: Ref;
  serviceaccount?: Ref;
}

export class ServiceAccountTokens {
  /** The audiences the API server itself accepts tokens for (upstream --api-audiences defaults to the issuer). */
  readonly apiAudiences: readonly string[];

  constructor(
    private readonly clock: Clock,
    private readonly lookup: ObjectLookup,
    readonly issuer = serviceAccountIssuer,
    private readonly key: SigningKey = generateSigningKey(),
  ) {
    this.apiAudiences = [issuer];
  }

  /** Upstream's token.Claims: iat/nbf now, exp after `expirationSeconds`, the ServiceAccount and bound objects. */
  issue(serviceAccount: KubeObject, bound: BoundObjects, expirationSeconds: number, audiences: readonly string[]): string {
    const now = Math.floor(this.clock.now() / 1000);
    const kubernetes: Record<string, unknown> = { namespace: serviceAccount.metadata.namespace };
    // Keys in Go's order: go-jose marshals the claims through a map, so they come out sorted.
    if (bound.node) kubernetes.node = ref(bound.node);
    if (bound.pod) kubernetes.pod = ref(bound.pod);
    else if (bound.secret) kubernetes.secret = ref(bound.secret);
    kubernetes.serviceaccount = ref(serviceAccount);
    return signJwt(this.key, {
      aud: [...audiences],
      exp: now + expirationSeconds,
      iat: now,
      iss: this.issuer,
      jti: randomUUID(),
      'kubernetes.io': kubernetes,
      nbf: now,
      sub: serviceAccountUsername(serviceAccount.metadata.namespace ?? '', serviceAccount.metadata.name ?? ''),
    });
  }

  /**
   * Upstream's JWT token authenticator: undefined for a token that is not this issuer's (another authenticator's
   * business); an AuthenticationFailure for one that is but does not hold up; else the ServiceAccount's user.
   * `audiences` are those the caller wants the token for (the API's own when absent).
   */
  async authenticate(token: string, audiences: readonly string[] = this.apiAudiences): Promise<Authenticated | undefined> {
    const claims = peekClaims(token);
    if (claims?.iss !== this.issuer) return undefined;
    if (!verifyJwt(this.key, token)) throw new AuthenticationFailure('go-jose/go-jose: error in cryptographic primitive');
    const tokenAudiences = stringList(claims.aud);
    const granted = tokenAudiences.filter((a) => audiences.includes(a));
    if (granted.length === 0) {
      throw new AuthenticationFailure(`token audiences ${goQuotedList(tokenAudiences)} is invalid for the target audiences ${goQuotedList(audiences)}`);
    }
    const now = this.clock.now() / 1000;
    if (typeof claims.exp === 'number' && now > claims.exp + leewaySeconds) throw new AuthenticationFailure('service account token has expired');
    if (typeof claims.nbf === 'number' && now < claims.nbf - leewaySeconds) throw new AuthenticationFailure('service account token is not valid yet');
    const k8s = (claims['kubernetes.io'] ?? {}) as KubernetesClaim;
    const user = await this.validate(k8s, now);
    if (typeof claims.jti === 'string' && claims.jti !== '') (user.extra ??= {})[credentialIdKey] = [`JTI=${claims.jti}`];
    return { user: withAuthenticatedGroup(user), audiences: granted };
  }

  /** Upstream's validator: the ServiceAccount and every bound object must still exist with the uid the token names. */
  private async validate(k8s: KubernetesClaim, now: number): Promise<UserInfo> {
    const namespace = k8s.namespace ?? '';
    const saRef = k8s.serviceaccount ?? {};
    const sa = await this.lookup('serviceaccounts', namespace, saRef.name ?? '');
    if (!sa) throw new AuthenticationFailure(`serviceaccounts "${saRef.name ?? ''}" not found`);
    if (deletedBefore(sa, now - leewaySeconds)) throw new AuthenticationFailure(`service account ${namespace}/${saRef.name} has been deleted`);
    if (sa.metadata.uid !== saRef.uid) {
      throw new AuthenticationFailure(`service account UID (${sa.metadata.uid ?? ''}) does not match claim (${saRef.uid ?? ''})`);
    }
    const extra: Record<string, string[]> = {};
    if (k8s.secret) await this.checkBound('secrets', namespace, k8s.secret, 'secret UID (%s) does not match service account secret ref claim (%s)', now);
    if (k8s.pod) {
      await this.checkBound('pods', namespace, k8s.pod, 'pod UID (%s) does not match service account pod ref claim (%s)', now);
      extra['authentication.kubernetes.io/pod-name'] = [k8s.pod.name ?? ''];
      extra['authentication.kubernetes.io/pod-uid'] = [k8s.pod.uid ?? ''];
    } else if (k8s.node) {
      await this.checkBound('nodes', undefined, k8s.node, 'node UID (%s) does not match service account node ref claim (%s)', now);
    }
    if (k8s.node?.name) {
      extra['authentication.kubernetes.io/node-name'] = [k8s.node.name];
      if (k8s.node.uid) extra['authentication.kubernetes.io/node-uid'] = [k8s.node.uid];
    }
    const user: UserInfo = { username: serviceAccountUsername(namespace, saRef.name ?? ''), uid: saRef.uid, groups: serviceAccountGroups(namespace) };
    if (Object.keys(extra).length > 0) user.extra = extra;
    return user;
  }

  private async checkBound(resource: LookupResource, namespace: string | undefined, claim: Ref, uidMismatch: string, now: number): Promise<void> {
    const object = await this.lookup(resource, namespace, claim.name ?? '');
    // Upstream words a missing or deleted bound object the same way, naming neither.
    if (!object || deletedBefore(object, now - leewaySeconds)) throw new AuthenticationFailure('service account token has been invalidated');
    if (object.metadata.uid !== claim.uid) {
      throw new AuthenticationFailure(uidMismatch.replace('%s', object.metadata.uid ?? '').replace('%s', claim.uid ?? ''));
    }
  }
}

function ref(object: KubeObject): Ref {
  return { name: object.metadata.name, uid: object.metadata.uid };
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function deletedBefore(object: KubeObject, seconds: number): boolean {
  const at = object.metadata.deletionTimestamp;
  return typeof at === 'string' && Date.parse(at) / 1000 < seconds;
}
