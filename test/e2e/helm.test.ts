// helm 4 against kubefake: install (client-side apply), list, status, uninstall of a chart made by `helm create`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layerBinary, run, startTestCluster, type TestCluster } from '../helpers.js';

const helmBinary = layerBinary('helm');
let cluster: TestCluster;
let chart: string;

function helm(args: string[]) {
  return run(helmBinary!, args, {
    KUBECONFIG: cluster.kubeconfigPath,
    HELM_CACHE_HOME: join(cluster.dir, 'helm-cache'),
    HELM_CONFIG_HOME: join(cluster.dir, 'helm-config'),
    HELM_DATA_HOME: join(cluster.dir, 'helm-data'),
  });
}

beforeAll(async () => {
  cluster = await startTestCluster();
  chart = join(mkdtempSync(join(tmpdir(), 'kubefake-chart-')), 'demo');
  const created = await helm(['create', chart]);
  expect(created.code).toBe(0);
});
afterAll(() => cluster.close());

test('helm binary is unpacked from the lambda layer package', () => {
  expect(helmBinary).toBeDefined();
});

test('install, list, status and uninstall a chart', async () => {
  // helm 4 applies server-side by default; server-side apply is not implemented yet, so install client-side.
  const install = await helm(['install', 'demo', chart, '--server-side=false', '--namespace', 'default']);
  expect(install.stderr).toBe('');
  expect(install.code).toBe(0);
  expect(install.stdout).toContain('STATUS: deployed');

  const list = await helm(['list', '--namespace', 'default', '-o', 'json']);
  const releases = JSON.parse(list.stdout) as { name: string; status: string; revision: string }[];
  expect(releases.map((r) => [r.name, r.status, r.revision])).toEqual([['demo', 'deployed', '1']]);

  // The release record is a helm-owned Secret; the chart's objects exist with helm's labels.
  const secrets = await cluster.registry.list(cluster.registry.lookup('', 'v1', 'secrets')!, 'default', { labelSelector: 'owner=helm,name=demo' });
  expect(secrets.views).toHaveLength(1);
  const deployment = await cluster.registry.get(cluster.registry.lookup('apps', 'v1', 'deployments')!, 'default', 'demo');
  expect(deployment.object.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('Helm');

  const status = await helm(['status', 'demo', '--namespace', 'default']);
  expect(status.stdout).toContain('STATUS: deployed');

  const uninstall = await helm(['uninstall', 'demo', '--namespace', 'default', '--wait']);
  expect(uninstall.code).toBe(0);
  expect(uninstall.stdout).toContain('release "demo" uninstalled');
  const after = await helm(['list', '--namespace', 'default', '-q']);
  expect(after.stdout.trim()).toBe('');
});
