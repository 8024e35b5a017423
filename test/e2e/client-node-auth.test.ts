// Authentication seen through @kubernetes/client-node: static tokens, TokenRequest tokens (expiry, recreated owner),
// impersonation (kubeconfig `as` and headers), TokenReview, and the 401s.
import * as k8s from '@kubernetes/client-node';
import { apiServerOnly, startTestCluster, type TestCluster } from '../helpers.js';
import { apiError } from './client-node-support.js';

let cluster: TestCluster;
const tokens = [
  { token: 'ci-admin', user: 'kubefake-admin', groups: ['system:masters'] },
  { token: 'dev-token', user: 'alice', uid: 'alice-uid', groups: ['dev'] },
];
beforeAll(async () => {
  cluster = await startTestCluster({ ...apiServerOnly, clock: 'virtual', auth: { tokens } });
  await cluster.client.create('v1', 'serviceaccounts', 'default', { metadata: { name: 'robot' } });
});
afterAll(() => cluster.close());

function kubeConfig(yaml: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(yaml);
  return kc;
}

/** A KubeConfig onto the cluster whose user is `user` (token, impersonation…). */
function kubeConfigAs(user: Omit<k8s.User, 'name'>): k8s.KubeConfig {
  const base = kubeConfig(cluster.kubeconfig);
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: base.clusters,
    users: [{ name: 'tester', ...user }],
    contexts: [{ name: 'tester', cluster: base.getCurrentCluster()!.name, user: 'tester' }],
    currentContext: 'tester',
  });
  return kc;
}

async function whoami(kc: k8s.KubeConfig, options?: k8s.ConfigurationOptions): Promise<k8s.V1UserInfo | undefined> {
  const review = await kc.makeApiClient(k8s.AuthenticationV1Api).createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } }, options);
  return review.status?.userInfo;
}

async function requestToken(name: string, spec: k8s.V1TokenRequestSpec = { audiences: [] }): Promise<string> {
  const core = kubeConfig(cluster.kubeconfig).makeApiClient(k8s.CoreV1Api);
  const answer = await core.createNamespacedServiceAccountToken({ namespace: 'default', name, body: { spec } });
  return answer.status!.token;
}

test('the written kubeconfig carries the first configured token; another token is its own user', async () => {
  expect(kubeConfig(cluster.kubeconfig).getCurrentUser()?.token).toBe('ci-admin');
  expect(await whoami(kubeConfig(cluster.kubeconfig))).toEqual({ username: 'kubefake-admin', groups: ['system:masters', 'system:authenticated'] });
  const alice = kubeConfig(await cluster.kubeconfigFor({ user: 'alice', token: 'dev-token' }));
  expect(await whoami(alice)).toEqual({ username: 'alice', uid: 'alice-uid', groups: ['dev', 'system:authenticated'] });
  // Authorization is AlwaysAllow: any authenticated user can read.
  await expect(alice.makeApiClient(k8s.CoreV1Api).listNamespace()).resolves.toBeDefined();
});

test('a wrong token and no credentials are answered 401 Unauthorized', async () => {
  expect((await apiError(kubeConfigAs({ token: 'guess' }).makeApiClient(k8s.CoreV1Api).listNamespace())).code).toBe(401);
  expect((await apiError(kubeConfigAs({}).makeApiClient(k8s.CoreV1Api).listNamespace())).code).toBe(401);
  // client-node drops the body of a 401 (its OpenAPI names none), so the Status is read raw.
  const raw = await fetch(`${cluster.url}/api/v1/namespaces`, { headers: { Authorization: 'Bearer guess' } });
  expect(raw.headers.get('content-type')).toBe('application/json');
  expect(await raw.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  // Probes stay open, as upstream's default configuration leaves them.
  expect((await fetch(`${cluster.url}/readyz`)).status).toBe(200);
});

test('a TokenRequest token authenticates as the ServiceAccount until it expires on the cluster clock', async () => {
  const token = await requestToken('robot', { audiences: [], expirationSeconds: 600 });
  const robot = kubeConfigAs({ token });
  const sa = await cluster.client.get('v1', 'serviceaccounts', 'default', 'robot');
  expect(await whoami(robot)).toMatchObject({
    username: 'system:serviceaccount:default:robot',
    uid: sa.metadata.uid,
    groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
  });
  await expect(robot.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'default' })).resolves.toBeDefined();
  // Ten minutes, plus the minute of leeway upstream's JWT check allows.
  await cluster.advance('11m1s');
  expect((await apiError(robot.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'default' }))).code).toBe(401);
});

test('a ServiceAccount deleted and recreated under the same name invalidates its earlier tokens', async () => {
  await cluster.client.create('v1', 'serviceaccounts', 'default', { metadata: { name: 'reborn' } });
  const token = await requestToken('reborn');
  expect((await whoami(kubeConfigAs({ token })))?.username).toBe('system:serviceaccount:default:reborn');
  await cluster.client.delete('v1', 'serviceaccounts', 'default', 'reborn');
  await cluster.client.create('v1', 'serviceaccounts', 'default', { metadata: { name: 'reborn' } });
  expect((await apiError(whoami(kubeConfigAs({ token })))).code).toBe(401);
  const fresh = await requestToken('reborn');
  expect((await whoami(kubeConfigAs({ token: fresh })))?.username).toBe('system:serviceaccount:default:reborn');
});

test('impersonation: the kubeconfig user\'s `as`, and Impersonate-Group sent as a header', async () => {
  const asRobot = kubeConfigAs({ token: 'ci-admin', impersonateUser: 'system:serviceaccount:default:robot' });
  expect(await whoami(asRobot)).toEqual({
    username: 'system:serviceaccount:default:robot',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
  });
  const asBob = kubeConfigAs({ token: 'ci-admin', impersonateUser: 'bob' });
  expect(await whoami(asBob, k8s.setHeaderOptions('Impersonate-Group', 'qa'))).toEqual({ username: 'bob', groups: ['qa', 'system:authenticated'] });
  // A group without a user is upstream's 400.
  const refused = await apiError(whoami(kubeConfigAs({ token: 'ci-admin' }), k8s.setHeaderOptions('Impersonate-Group', 'qa')));
  expect(refused).toMatchObject({ code: 400, status: { reason: 'BadRequest', message: 'requested [{Group  qa    }] without impersonating a user' } });
});

test('TokenReview: a token the cluster issued or lists is authenticated; others are not, with the reason', async () => {
  const auth = kubeConfig(cluster.kubeconfig).makeApiClient(k8s.AuthenticationV1Api);
  const review = (token: string, audiences?: string[]) =>
    auth.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } } });
  const vault = await requestToken('robot', { audiences: ['vault'] });
  const accepted = await review(vault, ['vault']);
  expect(accepted.status).toMatchObject({ authenticated: true, audiences: ['vault'], user: { username: 'system:serviceaccount:default:robot' } });
  expect((await review(vault)).status).toEqual({
    user: {},
    error: 'token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]',
  });
  expect((await review('dev-token')).status).toEqual({
    authenticated: true,
    user: { username: 'alice', uid: 'alice-uid', groups: ['dev', 'system:authenticated'] },
    audiences: ['https://kubernetes.default.svc.cluster.local'],
  });
  expect((await review('guess')).status).toEqual({ user: {}, error: 'invalid bearer token' });
});

test('the in-process client is the admin, and its TokenReviews ask the same authenticator', async () => {
  const self = await cluster.client.create('authentication.k8s.io/v1', 'selfsubjectreviews', undefined, { metadata: {} });
  expect(self.status).toEqual({ userInfo: { username: 'kubefake-admin', groups: ['system:masters', 'system:authenticated'] } });
  const review = await cluster.client.create('authentication.k8s.io/v1', 'tokenreviews', undefined, { metadata: {}, spec: { token: 'dev-token' } });
  expect(review.status).toMatchObject({ authenticated: true, user: { username: 'alice' } });
});
