// helm 4 on the default cluster (real clock): `helm install --wait` and `helm test` of the starter chart succeed.
import { startTestCluster, type TestCluster } from '../helpers.js';
import { createChart, helm, helmBinary } from './helm-support.js';

let cluster: TestCluster;
let chart: string;
const describeHelm = helmBinary ? describe : describe.skip;

describeHelm('helm install --wait and helm test', () => {
  beforeAll(async () => {
    cluster = await startTestCluster();
    chart = await createChart(cluster);
  });
  afterAll(() => cluster?.close());

  test('install --wait returns once the Deployment is available; helm test runs the test pod to success', async () => {
    const install = await helm(cluster, ['install', 'demo', chart, '--namespace', 'default', '--wait', '--timeout', '60s']);
    expect(install.stderr).toBe('');
    expect(install.code).toBe(0);
    expect(install.stdout).toContain('STATUS: deployed');

    const deployment = await cluster.client.get('apps/v1', 'deployments', 'default', 'demo');
    expect(deployment.status).toMatchObject({ readyReplicas: 1, availableReplicas: 1 });

    const test = await helm(cluster, ['test', 'demo', '--namespace', 'default', '--timeout', '60s']);
    expect(test.code).toBe(0);
    expect(test.stdout).toMatch(/TEST SUITE:\s+demo-test-connection/);
    expect(test.stdout).toMatch(/Phase:\s+Succeeded/);
    const pod = await cluster.client.get('v1', 'pods', 'default', 'demo-test-connection');
    expect((pod.status as { phase?: string }).phase).toBe('Succeeded');
  });
});
