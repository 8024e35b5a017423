// kubefake/jest's useCluster() and useNamespace() in a real jest run: lifecycles, reset, and every way to name a cluster.
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { globalCluster, startGlobalCluster, stopGlobalCluster, useCluster, useNamespace } from '../../src/testing/jest.js';
import { apiServerOnly } from '../helpers.js';

async function namespaceState(client: { get: (v: string, r: string, ns: undefined, n: string) => Promise<{ metadata: { deletionTimestamp?: string } }> }, name: string) {
  try {
    const ns = await client.get('v1', 'namespaces', undefined, name);
    return ns.metadata.deletionTimestamp ? 'terminating' : 'active';
  } catch (err) {
    if ((err as { code?: number }).code === 404) return 'gone';
    throw err;
  }
}

let closedUrl = '';

describe('useCluster({ resetBetweenTests })', () => {
  const kube = useCluster({ ...apiServerOnly, resetBetweenTests: true });
  let early: unknown;
  try {
    void kube.cluster;
  } catch (err) {
    early = err;
  }

  test('the handle is empty until beforeAll has started the cluster', () => {
    expect(String(early)).toMatch(/useCluster\(\): the cluster runs from beforeAll to afterAll/);
  });

  test("inside a test the handle's kubeConfig reaches the cluster over HTTP", async () => {
    expect(kube.kubeConfig).toBe(kube.cluster.kubeConfig);
    expect(kube.url).toBe(kube.cluster.url);
    closedUrl = kube.url;
    const core = kube.kubeConfig.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'left-behind' } } });
    expect((await kube.client.get('v1', 'configmaps', 'default', 'left-behind')).metadata.name).toBe('left-behind');
  });

  test("reset() ran before this test: the previous test's ConfigMap is gone", async () => {
    await expect(kube.client.get('v1', 'configmaps', 'default', 'left-behind')).rejects.toMatchObject({ code: 404 });
  });
});

test("afterAll closed the describe block's cluster", async () => {
  expect(closedUrl).not.toBe('');
  await expect(fetch(`${closedUrl}/readyz`)).rejects.toThrow();
});

describe('useNamespace(handle): in a useCluster() cluster, through the in-process client', () => {
  const kube = useCluster({ nodes: 0 });
  const namespace = useNamespace(kube);
  const names: string[] = [];

  test('Each Test Gets A Namespace named after it', async () => {
    names.push(namespace.name);
    expect(namespace.name).toMatch(/^test-usenamespace-handle-in-a-usecluster-cluster-through-[a-z0-9]{5}$/);
    const ns = await kube.client.get('v1', 'namespaces', undefined, namespace.name);
    expect(ns.metadata.labels).toMatchObject({ 'kubefake.dev/test-namespace': 'true' });
  });

  test('the previous namespace was deleted after its test; the namespace controller finishes the job', async () => {
    names.push(namespace.name);
    expect(names[1]).not.toBe(names[0]);
    expect(await namespaceState(kube.client, names[0]!)).not.toBe('active');
    await kube.cluster.settle();
    expect(await namespaceState(kube.client, names[0]!)).toBe('gone');
    expect(await namespaceState(kube.client, namespace.name)).toBe('active');
  });
});

describe("useNamespace(): over HTTP in the server KUBECONFIG names (the global setup's way)", () => {
  beforeAll(() => startGlobalCluster(apiServerOnly));
  afterAll(() => stopGlobalCluster());
  const namespace = useNamespace();
  const names: string[] = [];

  test('the namespace exists in the shared server', async () => {
    names.push(namespace.name);
    const shared = globalCluster()!.cluster;
    expect(process.env.KUBECONFIG).toBe(globalCluster()!.kubeconfigPath);
    expect(await namespaceState(shared.client, namespace.name)).toBe('active');
  });

  test('and was deleted after its test (without controllers it stays Terminating, as upstream)', async () => {
    names.push(namespace.name);
    expect(await namespaceState(globalCluster()!.cluster.client, names[0]!)).toBe('terminating');
  });
});

describe('useNamespace(kubeConfig) and useNamespace(path): over HTTPS, trusting the kubeconfig CA', () => {
  const kube = useCluster({ ...apiServerOnly, tls: true });
  const viaKubeConfig = useNamespace({ exportConfig: () => kube.kubeConfig.exportConfig() });
  const path = join(mkdtempSync(join(tmpdir(), 'kubefake-helpers-')), 'kubeconfig');
  beforeAll(() => {
    kube.cluster.writeKubeconfig(path);
  });
  const viaFile = useNamespace(path);

  test('both namespaces exist, created over https', async () => {
    expect(kube.url).toMatch(/^https:/);
    expect(viaKubeConfig.name).not.toBe(viaFile.name);
    expect(await namespaceState(kube.client, viaKubeConfig.name)).toBe('active');
    expect(await namespaceState(kube.client, viaFile.name)).toBe('active');
  });
});
