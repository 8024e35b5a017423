// @kubernetes/client-node over HTTPS: the kubeconfig's CA verifies the server, CRUD and a watch work, client
// certificates from kubeconfigFor() work, and /kubefake/v1/kubeconfig refuses what it cannot do.
import * as k8s from '@kubernetes/client-node';
import { parse } from 'yaml';
import { apiServerOnly, startTestCluster, type TestCluster } from '../helpers.js';
import { clientsFor, configMap, Queue, type Clients } from './client-node-support.js';
import { httpsCall, ownCertificates } from './tls-support.js';

let cluster: TestCluster;
let c: Clients;
beforeAll(async () => {
  cluster = await startTestCluster({ ...apiServerOnly, tls: true });
  c = clientsFor(cluster);
});
afterAll(() => cluster.close());

test('the loaded kubeconfig verifies the server with the cluster CA', () => {
  const current = c.kc.getCurrentCluster()!;
  expect(current.server).toBe(cluster.url);
  expect(current.server.startsWith('https://')).toBe(true);
  expect(current.skipTLSVerify).toBe(false);
  expect(Buffer.from(current.caData!, 'base64').toString('utf8')).toBe(cluster.caPem);
});

test('create, read, replace, list and delete over TLS, with a watch seeing each change', async () => {
  const list = await c.core.listNamespacedConfigMap({ namespace: 'default' });
  const events = new Queue<{ type: string; name?: string; data?: Record<string, string> }>();
  const watch = await new k8s.Watch(c.kc).watch(
    '/api/v1/namespaces/default/configmaps',
    { resourceVersion: list.metadata?.resourceVersion },
    (type, object: k8s.V1ConfigMap) => events.push({ type, name: object.metadata?.name, data: object.data }),
    () => {},
  );
  try {
    await c.core.createNamespacedConfigMap({ namespace: 'default', body: configMap('secure', { a: '1' }) });
    const read = await c.core.readNamespacedConfigMap({ namespace: 'default', name: 'secure' });
    expect(read.data).toEqual({ a: '1' });
    await c.core.replaceNamespacedConfigMap({ namespace: 'default', name: 'secure', body: { ...read, data: { a: '2' } } });
    const names = (await c.core.listNamespacedConfigMap({ namespace: 'default' })).items.map((i) => i.metadata?.name);
    expect(names).toContain('secure');
    await c.core.deleteNamespacedConfigMap({ namespace: 'default', name: 'secure' });
    expect(await events.take(3)).toEqual([
      { type: 'ADDED', name: 'secure', data: { a: '1' } },
      { type: 'MODIFIED', name: 'secure', data: { a: '2' } },
      { type: 'DELETED', name: 'secure', data: { a: '2' } },
    ]);
  } finally {
    watch.abort();
  }
});

test('a client-certificate kubeconfig from kubeconfigFor() works; tokens are carried as given', async () => {
  const alice = new k8s.KubeConfig();
  alice.loadFromString(await cluster.kubeconfigFor({ user: 'alice', groups: ['system:masters'] }));
  expect(alice.getCurrentUser()).toMatchObject({ name: 'alice', certData: expect.any(String), keyData: expect.any(String) });
  const core = alice.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedConfigMap({ namespace: 'default', body: configMap('from-alice') });
  expect((await core.readNamespacedConfigMap({ namespace: 'default', name: 'from-alice' })).metadata?.name).toBe('from-alice');
  const withToken = parse(await cluster.kubeconfigFor({ user: 'ci', token: 'ci-token' }));
  expect(withToken.users).toEqual([{ name: 'ci', user: { token: 'ci-token' } }]);
});

test('a KubeConfig trusting another CA fails the TLS handshake', async () => {
  const other = await ownCertificates('not-the-cluster-ca');
  const kc = new k8s.KubeConfig();
  kc.loadFromString(cluster.kubeconfig);
  const wrong = new k8s.KubeConfig();
  wrong.loadFromOptions({
    clusters: [{ ...kc.getCurrentCluster()!, caData: Buffer.from(other.caPem).toString('base64') }],
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  await expect(wrong.makeApiClient(k8s.CoreV1Api).listNamespace()).rejects.toThrow(/self[- ]signed certificate|unable to verify|unable to get local issuer/i);
});

test('POST /kubefake/v1/kubeconfig without a user, or with an empty group, is a 400 Status', async () => {
  for (const query of ['', '?user=', '?user=a&group=']) {
    const answer = await httpsCall(`${cluster.url}/kubefake/v1/kubeconfig${query}`, { method: 'POST', ca: cluster.caPem });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
  }
  const get = await httpsCall(`${cluster.url}/kubefake/v1/kubeconfig?user=a`, { method: 'GET', ca: cluster.caPem });
  expect(get.status).toBe(405);
});

test('over plain HTTP a client certificate is refused clearly; kubeconfigFor() with a token still works', async () => {
  const plain = await startTestCluster(apiServerOnly);
  try {
    const answer = await fetch(`${plain.url}/kubefake/v1/kubeconfig?user=alice`, { method: 'POST' });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      message: 'client certificates need TLS: start kubefake with tls: true (--tls); tokens work without TLS',
    });
    await expect(plain.kubeconfigFor({ user: 'alice' })).rejects.toThrow('client certificates need TLS');
    expect(parse(await plain.kubeconfigFor({ user: 'ci', token: 't' })).clusters[0].cluster).toEqual({ server: plain.url, 'insecure-skip-tls-verify': true });
    expect(plain.caPem).toBeUndefined();
  } finally {
    await plain.close();
  }
});
