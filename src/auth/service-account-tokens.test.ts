// ServiceAccount tokens: upstream's claims, and authentication refusing expired tokens and vanished or recreated owners.
import { createPublicKey, verify } from 'node:crypto';
import { VirtualClock } from '../clock/virtual-clock.js';
import { ApiError } from '../meta/errors.js';
import type { KubeObject } from '../meta/types.js';
import { AuthenticationFailure } from './authentication-failure.js';
import { generateSigningKey, peekClaims } from './jwt.js';
import { ServiceAccountTokens, type LookupResource } from './service-account-tokens.js';
import { createTokenRequest } from './token-request.js';

const start = Date.UTC(2026, 0, 1, 12, 0, 0);

function world() {
  const objects = new Map<string, KubeObject>();
  const put = (resource: LookupResource, object: KubeObject) => objects.set(`${resource}/${object.metadata.namespace ?? ''}/${object.metadata.name}`, object);
  const lookup = async (resource: LookupResource, namespace: string | undefined, name: string) => objects.get(`${resource}/${namespace ?? ''}/${name}`);
  const clock = new VirtualClock(start);
  const key = generateSigningKey();
  const tokens = new ServiceAccountTokens(clock, lookup, undefined, key);
  put('serviceaccounts', { metadata: { namespace: 'team', name: 'builder', uid: 'sa-uid-1' } });
  put('pods', { metadata: { namespace: 'team', name: 'web-0', uid: 'pod-uid-1' }, spec: { serviceAccountName: 'builder', nodeName: 'worker' } });
  put('nodes', { metadata: { name: 'worker', uid: 'node-uid-1' } });
  put('secrets', { metadata: { namespace: 'team', name: 's', uid: 'secret-uid-1' } });
  const request = (body: unknown, name = 'builder') => createTokenRequest(tokens, lookup, { namespace: 'team', name, body, now: clock.now() });
  return { objects, put, clock, key, tokens, request };
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AuthenticationFailure) return err.message;
    throw err;
  }
  throw new Error('expected an AuthenticationFailure');
}

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

test('a TokenRequest answers a signed ES256 JWT with upstream\'s claims, times from the cluster clock', async () => {
  const w = world();
  const answer = await w.request({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
  const expSeconds = start / 1000 + 3600;
  expect(answer).toMatchObject({
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name: 'builder', namespace: 'team', creationTimestamp: '2026-01-01T12:00:00Z' },
    spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600, boundObjectRef: null },
    status: { expirationTimestamp: '2026-01-01T13:00:00Z' },
  });
  const token = (answer.status as { token: string }).token;
  const [header, payload, signature] = token.split('.') as [string, string, string];
  expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'ES256', kid: w.key.kid });
  const claims = peekClaims(token)!;
  // Keys sorted, as go-jose writes them.
  expect(Object.keys(claims)).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
  expect(claims).toEqual({
    aud: ['https://kubernetes.default.svc.cluster.local'],
    exp: expSeconds,
    iat: start / 1000,
    iss: 'https://kubernetes.default.svc.cluster.local',
    jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    'kubernetes.io': { namespace: 'team', serviceaccount: { name: 'builder', uid: 'sa-uid-1' } },
    nbf: start / 1000,
    sub: 'system:serviceaccount:team:builder',
  });
  // Anyone holding the public key can check it, as with the apiserver's JWKS.
  const publicKey = createPublicKey(w.key.publicKey.export({ type: 'spki', format: 'pem' }));
  expect(verify('sha256', Buffer.from(`${header}.${payload}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))).toBe(true);
});

test('the token authenticates as the ServiceAccount, with its uid, groups and credential id', async () => {
  const w = world();
  const token = ((await w.request({ spec: {} })).status as { token: string }).token;
  const jti = peekClaims(token)!.jti;
  expect(await w.tokens.authenticate(token)).toEqual({
    user: {
      username: 'system:serviceaccount:team:builder',
      uid: 'sa-uid-1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:team', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${jti}`] },
    },
    audiences: ['https://kubernetes.default.svc.cluster.local'],
  });
  // Not a JWT, or another issuer's: no opinion (another authenticator may know it).
  expect(await w.tokens.authenticate('kubefake')).toBeUndefined();
  expect(await w.tokens.authenticate(`${Buffer.from('{}').toString('base64url')}.${Buffer.from('{"iss":"other"}').toString('base64url')}.x`)).toBeUndefined();
});

test('expiry is read from the cluster clock, with go-jose\'s minute of leeway', async () => {
  const w = world();
  const token = ((await w.request({ spec: { expirationSeconds: 600 } })).status as { token: string }).token;
  w.clock.advance(660_000);
  expect((await w.tokens.authenticate(token))?.user.username).toBe('system:serviceaccount:team:builder');
  w.clock.advance(1000);
  expect(await failure(w.tokens.authenticate(token))).toBe('service account token has expired');
});

test('a ServiceAccount deleted, or recreated under the same name, takes its tokens with it', async () => {
  const w = world();
  const token = ((await w.request({ spec: {} })).status as { token: string }).token;
  w.put('serviceaccounts', { metadata: { namespace: 'team', name: 'builder', uid: 'sa-uid-2' } });
  expect(await failure(w.tokens.authenticate(token))).toBe('service account UID (sa-uid-2) does not match claim (sa-uid-1)');
  w.objects.delete('serviceaccounts/team/builder');
  expect(await failure(w.tokens.authenticate(token))).toBe('serviceaccounts "builder" not found');
});

test('another cluster\'s key, a forged payload and a foreign audience are refused', async () => {
  const w = world();
  const other = world();
  const foreign = ((await other.request({ spec: {} })).status as { token: string }).token;
  expect(await failure(w.tokens.authenticate(foreign))).toBe('go-jose/go-jose: error in cryptographic primitive');
  const token = ((await w.request({ spec: {} })).status as { token: string }).token;
  const [h, p, s] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  claims.sub = 'system:serviceaccount:kube-system:admin';
  const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
  expect(await failure(w.tokens.authenticate(forged))).toBe('go-jose/go-jose: error in cryptographic primitive');
  const vault = ((await w.request({ spec: { audiences: ['vault'] } })).status as { token: string }).token;
  expect(await failure(w.tokens.authenticate(vault))).toBe(
    'token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]',
  );
  expect((await w.tokens.authenticate(vault, ['vault', 'other']))?.audiences).toEqual(['vault']);
});

test('a pod-bound token names the pod and its node, and dies with the pod', async () => {
  const w = world();
  const answer = await w.request({ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0', uid: 'pod-uid-1' } } });
  const token = (answer.status as { token: string }).token;
  expect(peekClaims(token)!['kubernetes.io']).toEqual({
    namespace: 'team',
    node: { name: 'worker', uid: 'node-uid-1' },
    pod: { name: 'web-0', uid: 'pod-uid-1' },
    serviceaccount: { name: 'builder', uid: 'sa-uid-1' },
  });
  expect((await w.tokens.authenticate(token))?.user.extra).toMatchObject({
    'authentication.kubernetes.io/pod-name': ['web-0'],
    'authentication.kubernetes.io/pod-uid': ['pod-uid-1'],
    'authentication.kubernetes.io/node-name': ['worker'],
    'authentication.kubernetes.io/node-uid': ['node-uid-1'],
  });
  w.put('pods', { metadata: { namespace: 'team', name: 'web-0', uid: 'pod-uid-2' }, spec: { serviceAccountName: 'builder' } });
  expect(await failure(w.tokens.authenticate(token))).toBe('pod UID (pod-uid-2) does not match service account pod ref claim (pod-uid-1)');
  w.objects.delete('pods/team/web-0');
  expect(await failure(w.tokens.authenticate(token))).toBe('service account token has been invalidated');
});

test('a secret-bound token dies with the secret', async () => {
  const w = world();
  const token = ((await w.request({ spec: { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's' } } })).status as { token: string }).token;
  expect(peekClaims(token)!['kubernetes.io']).toMatchObject({ secret: { name: 's', uid: 'secret-uid-1' } });
  expect(await w.tokens.authenticate(token)).toBeDefined();
  w.objects.delete('secrets/team/s');
  expect(await failure(w.tokens.authenticate(token))).toBe('service account token has been invalidated');
});

test('TokenRequest refusals carry upstream\'s codes and messages', async () => {
  const w = world();
  const cases: [unknown, number, string][] = [
    [{ spec: { expirationSeconds: 599 } }, 422, 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes'],
    [{ spec: { expirationSeconds: 2 ** 32 + 1 } }, 422, 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds'],
    [{ metadata: { name: 'other' } }, 422, 'TokenRequest.authentication.k8s.io "builder" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified'],
    [{ spec: { boundObjectRef: { kind: 'Deployment', apiVersion: 'apps/v1', name: 'x' } } }, 400, 'cannot bind token to object of type apps/v1, Kind=Deployment'],
    [{ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'missing' } } }, 404, 'pods "missing" not found'],
    [{ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0', uid: 'stale' } } }, 409, 'Operation cannot be fulfilled on Pod "web-0": the UID in the bound object reference (stale) does not match the UID in record. The object might have been deleted and then recreated'],
  ];
  for (const [body, code, message] of cases) {
    const err = await apiError(w.request(body));
    expect([err.code, err.message]).toEqual([code, message]);
  }
  w.put('serviceaccounts', { metadata: { namespace: 'team', name: 'other', uid: 'sa-uid-3' } });
  const wrongPod = await apiError(w.request({ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0' } } }, 'other'));
  expect([wrongPod.code, wrongPod.message]).toEqual([400, 'cannot bind token for serviceaccount "other" to pod running with different serviceaccount name.']);
  const noAccount = await apiError(w.request({}, 'ghost'));
  expect([noAccount.code, noAccount.message]).toEqual([404, 'serviceaccounts "ghost" not found']);
});
