// Smoke test: every kubectl on the machine can read /version and list namespaces from kubefake.
import { kubectl, kubectlBinaries, startTestCluster, type TestCluster } from '../helpers.js';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster.close();
});

describe.each(kubectlBinaries())('kubectl $version', ({ path }) => {
  test('get namespaces shows the startup namespaces', async () => {
    const result = await kubectl(path, cluster, ['get', 'namespaces', '-o', 'name']);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'namespace/default',
      'namespace/kube-node-lease',
      'namespace/kube-public',
      'namespace/kube-system',
    ]);
  });
});
