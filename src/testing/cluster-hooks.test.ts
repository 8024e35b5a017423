// useNamespace()'s choice of cluster and its failures, driven through fake framework hooks.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../cluster.js';
import { clusterHelpers, type FrameworkHooks } from './cluster-hooks.js';

interface Registered {
  beforeEach: ((testName: string | undefined) => Promise<void>)[];
  afterEach: (() => Promise<void>)[];
}

function fakeHooks(shared: () => string | undefined): { hooks: FrameworkHooks; registered: Registered } {
  const registered: Registered = { beforeEach: [], afterEach: [] };
  const hooks: FrameworkHooks = {
    beforeAll: () => undefined,
    afterAll: () => undefined,
    beforeEach: (fn) => registered.beforeEach.push(fn),
    afterEach: (fn) => registered.afterEach.push(fn),
    sharedKubeconfig: shared,
  };
  return { hooks, registered };
}

let cluster: Cluster;
let kubeconfigPath: string;
const savedKubeconfig = process.env.KUBECONFIG;
beforeAll(async () => {
  cluster = await startCluster({ controllers: '', nodes: 0, loadClientNode: false });
  kubeconfigPath = cluster.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'kubefake-hooks-')), 'kubeconfig'));
});
afterAll(async () => {
  await cluster.close();
  if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = savedKubeconfig;
});

test('without a target, the global setup\'s kubeconfig wins over KUBECONFIG (vitest provides it to every worker)', async () => {
  process.env.KUBECONFIG = '/nonexistent/kubeconfig';
  const { hooks, registered } = fakeHooks(() => kubeconfigPath);
  const namespace = clusterHelpers(hooks).useNamespace();
  await registered.beforeEach[0]!('shared wins');
  expect(namespace.name).toMatch(/^test-shared-wins-/);
  expect((await cluster.client.get('v1', 'namespaces', undefined, namespace.name)).metadata.name).toBe(namespace.name);
  await registered.afterEach[0]!();
  expect(() => namespace.name).toThrow(/read \.name inside a test/);
});

test('without a target or a KUBECONFIG, beforeEach fails saying what to add', async () => {
  delete process.env.KUBECONFIG;
  const { hooks, registered } = fakeHooks(() => undefined);
  clusterHelpers(hooks).useNamespace();
  await expect(registered.beforeEach[0]!('t')).rejects.toThrow(/no cluster to create namespaces in: add kubefake's global setup/);
});

test('a refused create fails the test with the status; deleting a namespace the test deleted itself is no failure', async () => {
  process.env.KUBECONFIG = kubeconfigPath;
  const { hooks, registered } = fakeHooks(() => undefined);
  const namespace = clusterHelpers(hooks).useNamespace();
  const remove = cluster.faults.add({ verbs: ['create'], resource: 'namespaces', code: 409, times: 1 });
  try {
    await expect(registered.beforeEach[0]!('refused')).rejects.toThrow(/^useNamespace\(\): creating namespace test-refused-[a-z0-9]{5} answered 409/);
  } finally {
    remove();
  }
  await registered.beforeEach[0]!('deleted by the test');
  await cluster.client.delete('v1', 'namespaces', undefined, namespace.name);
  await expect(registered.afterEach[0]!()).resolves.toBeUndefined();
});
