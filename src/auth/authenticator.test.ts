// Request authentication: anonymous on and off, the 401's shape, static tokens, client certificates, impersonation.
import type { IncomingMessage } from 'node:http';
import { VirtualClock } from '../clock/virtual-clock.js';
import { ApiError } from '../meta/errors.js';
import type { KubeObject } from '../meta/types.js';
import { bearerToken, ClusterAuthenticator } from './authenticator.js';
import { requestUser } from './request-user.js';
import type { AuthOptions } from './static-tokens.js';

const serviceAccount: KubeObject = { metadata: { namespace: 'default', name: 'robot', uid: 'sa-1' } };

function authenticator(auth?: AuthOptions): ClusterAuthenticator {
  return new ClusterAuthenticator({
    auth,
    clock: new VirtualClock(),
    lookup: async (resource, _ns, name) => (resource === 'serviceaccounts' && name === 'robot' ? serviceAccount : undefined),
  });
}

interface FakeCert {
  cn?: string;
  o?: string | string[];
  authorized: boolean;
  error?: string;
}

function request(headers: Record<string, string | string[]> = {}, cert?: FakeCert): IncomingMessage {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const socket = cert
    ? {
        authorized: cert.authorized,
        authorizationError: cert.error === undefined ? undefined : Object.assign(new Error(cert.error), { code: cert.error }),
        getPeerCertificate: () => ({ raw: Buffer.from('der bytes'), serialNumber: '0A', subject: { CN: cert.cn, O: cert.o } }),
      }
    : {};
  const single = Object.fromEntries(Object.entries(lower).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
  const distinct = Object.fromEntries(Object.entries(lower).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
  return { headers: single, headersDistinct: distinct, socket } as unknown as IncomingMessage;
}

async function status(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err.toStatus();
    throw err;
  }
  throw new Error('expected an ApiError');
}

const unauthorized = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };
const admin = { username: 'kubefake-admin', groups: ['system:masters', 'system:authenticated'] };
const anonymous = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

describe('without configured tokens (the default)', () => {
  const auth = authenticator();

  test('no credentials is system:anonymous; the kubeconfig token `kubefake` is the admin', async () => {
    expect(await auth.authenticateRequest(request(), '/api/v1/pods')).toEqual(anonymous);
    expect(await auth.authenticateRequest(request({ Authorization: 'Bearer kubefake' }), '/api')).toEqual(admin);
    expect(auth.kubeconfigToken).toBe('kubefake');
  });

  test('every request is accepted: a token the cluster does not know is the admin too', async () => {
    expect(await auth.authenticateRequest(request({ Authorization: 'Bearer whatever' }), '/api')).toEqual(admin);
  });

  test('a ServiceAccount token that does not hold up is still a 401', async () => {
    const token = ((await auth.requestToken('default', 'robot', {})).status as { token: string }).token;
    expect((await auth.authenticateRequest(request({ Authorization: `Bearer ${token}` }), '/api')).username).toBe('system:serviceaccount:default:robot');
    const broken = `${token.slice(0, -4)}AAAA`;
    expect(await status(auth.authenticateRequest(request({ Authorization: `Bearer ${broken}` }), '/api'))).toEqual(unauthorized);
  });

  test('anonymous: false refuses requests without credentials but for the health and version endpoints', async () => {
    const closed = authenticator({ anonymous: false });
    expect(await status(closed.authenticateRequest(request(), '/api'))).toEqual(unauthorized);
    for (const path of ['/healthz', '/livez', '/readyz/', '/readyz/etcd', '/version']) {
      expect(await closed.authenticateRequest(request(), path)).toEqual(anonymous);
    }
    expect(await closed.authenticateRequest(request({ Authorization: 'Bearer kubefake' }), '/api')).toEqual(admin);
  });
});

describe('with configured tokens', () => {
  const auth = authenticator({ tokens: [{ token: 'first', user: 'ci', groups: ['system:masters'] }, { token: 'dev-token', user: 'alice', uid: 'a-1', groups: ['dev'] }] });

  test('each token is its user; the kubeconfig carries the first', async () => {
    expect(await auth.authenticateRequest(request({ Authorization: 'Bearer dev-token' }), '/api')).toEqual({
      username: 'alice',
      uid: 'a-1',
      groups: ['dev', 'system:authenticated'],
    });
    expect(auth.kubeconfigToken).toBe('first');
  });

  test('unknown tokens, the default `kubefake` token and no credentials at all get upstream\'s bare 401', async () => {
    for (const headers of [{ Authorization: 'Bearer nope' }, { Authorization: 'Bearer kubefake' }, {}] as Record<string, string>[]) {
      expect(await status(auth.authenticateRequest(request(headers), '/api/v1/namespaces'))).toEqual(unauthorized);
    }
  });

  test('health and version stay public; a bad token is refused even there', async () => {
    expect(await auth.authenticateRequest(request(), '/readyz')).toEqual(anonymous);
    expect(await status(auth.authenticateRequest(request({ Authorization: 'Bearer nope' }), '/readyz'))).toEqual(unauthorized);
  });

  test('anonymous: true lets requests without credentials in, never ones with a bad credential', async () => {
    const open = authenticator({ tokens: [{ token: 't', user: 'u' }], anonymous: true });
    expect(await open.authenticateRequest(request(), '/api')).toEqual(anonymous);
    expect(await status(open.authenticateRequest(request({ Authorization: 'Bearer bad' }), '/api'))).toEqual(unauthorized);
  });
});

describe('client certificates', () => {
  const auth = authenticator({ tokens: [{ token: 'ci', user: 'ci' }] });

  test('a verified certificate is CN (user) and O (groups), with its fingerprint as credential id', async () => {
    const user = await auth.authenticateRequest(request({}, { cn: 'alice', o: ['dev', 'ops'], authorized: true }), '/api');
    expect(user).toEqual({
      username: 'alice',
      groups: ['dev', 'ops', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/credential-id': [expect.stringMatching(/^X509SHA256=[0-9a-f]{64}$/)] },
    });
    expect((await auth.authenticateRequest(request({}, { cn: 'bob', o: 'qa', authorized: true }), '/api')).groups).toEqual(['qa', 'system:authenticated']);
  });

  test('the certificate is asked first, as upstream chains x509 before tokens', async () => {
    const user = await auth.authenticateRequest(request({ Authorization: 'Bearer ci' }, { cn: 'alice', authorized: true }), '/api');
    expect(user.username).toBe('alice');
  });

  test('a certificate the cluster CA did not sign fails on its own, but another credential still gets in', async () => {
    const stranger: FakeCert = { cn: 'mallory', o: 'system:masters', authorized: false, error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' };
    expect(await status(auth.authenticateRequest(request({}, stranger), '/api'))).toEqual(unauthorized);
    expect((await auth.authenticateRequest(request({ Authorization: 'Bearer ci' }, stranger), '/api')).username).toBe('ci');
  });

  test('a verified certificate without a CN says nothing: the token decides', async () => {
    expect((await auth.authenticateRequest(request({ Authorization: 'Bearer ci' }, { o: 'dev', authorized: true }), '/api')).username).toBe('ci');
  });
});

test('impersonation applies after authentication, and the result is what requestUser() reads', async () => {
  const auth = authenticator();
  const req = request({ Authorization: 'Bearer kubefake', 'Impersonate-User': 'alice', 'Impersonate-Group': ['dev', 'ops'] });
  await auth.authenticateRequest(req, '/api');
  expect(requestUser(req)).toEqual({ username: 'alice', groups: ['dev', 'ops', 'system:authenticated'] });
  expect(requestUser(request())).toBeUndefined();
  const bad = await status(auth.authenticateRequest(request({ 'Impersonate-Group': 'dev' }), '/api'));
  expect(bad).toMatchObject({ code: 400, reason: 'BadRequest' });
});

test('TokenReview is strict even when requests are not: only tokens the cluster issued or lists pass', async () => {
  const auth = authenticator();
  expect(await auth.reviewToken('kubefake', [])).toEqual({
    authenticated: true,
    user: admin,
    audiences: ['https://kubernetes.default.svc.cluster.local'],
  });
  expect(await auth.reviewToken('whatever', [])).toEqual({ user: {}, error: 'invalid bearer token' });
  const token = ((await auth.requestToken('default', 'robot', { spec: { audiences: ['vault'] } })).status as { token: string }).token;
  expect(await auth.reviewToken(token, ['vault'])).toMatchObject({
    authenticated: true,
    user: { username: 'system:serviceaccount:default:robot', uid: 'sa-1' },
    audiences: ['vault'],
  });
  expect(await auth.reviewToken(token, [])).toEqual({
    user: {},
    error: 'token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]',
  });
});

test('bearerToken reads the header as upstream: any-case scheme, empty token is none', () => {
  expect(bearerToken('Bearer abc')).toBe('abc');
  expect(bearerToken('bearer abc')).toBe('abc');
  expect(bearerToken('Basic abc')).toBeUndefined();
  expect(bearerToken('Bearer ')).toBeUndefined();
  expect(bearerToken(undefined)).toBeUndefined();
});

test('a bad token table fails construction (start-up), not a request', () => {
  expect(() => authenticator({ tokens: [{ token: 'a b', user: 'x' }] })).toThrow('auth.tokens[0].token must not contain whitespace');
});
