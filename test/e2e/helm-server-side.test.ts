// helm 4 with its default server-side apply: dry-run, install, upgrade, a field conflict, rollback, history, uninstall.
import type { KubeObject } from '../../src/meta/types.js';
import { apiServerOnly, kubectl, layerBinary, startTestCluster, type TestCluster } from '../helpers.js';
import { createChart, helm as helmIn, helmBinary, managers, releaseSecrets, stored, type ManagedEntry } from './helm-support.js';

let cluster: TestCluster;
let chart: string;
const ns = 'default';
const helm = (args: string[]) => helmIn(cluster, args);
const deployment = () => stored(cluster, 'apps', 'deployments', ns, 'demo');

function container(object: KubeObject | undefined): { name: string; image: string } {
  const spec = object?.spec as { template: { spec: { containers: { name: string; image: string }[] } } };
  return spec.template.spec.containers[0];
}

beforeAll(async () => {
  cluster = await startTestCluster(apiServerOnly);
  chart = await createChart(cluster);
});
afterAll(() => cluster.close());

test('the helm binary is helm 4, which applies server-side by default', async () => {
  expect(helmBinary).toBeDefined();
  const version = await helm(['version', '--short']);
  expect(version.stdout).toMatch(/^v4\./);
});

test('install --dry-run=server prints the manifests and stores nothing', async () => {
  const dry = await helm(['install', 'demo', chart, '--dry-run=server', '--namespace', ns]);
  expect(dry.stderr).toBe('');
  expect(dry.code).toBe(0);
  expect(dry.stdout).toContain('STATUS: pending-install');
  expect(dry.stdout).toContain('DESCRIPTION: Dry run complete');
  for (const kind of ['ServiceAccount', 'Service', 'Deployment', 'Pod']) expect(dry.stdout).toContain(`kind: ${kind}\n`);
  expect(dry.stdout).toContain('image: "nginx:1.16.0"');

  expect(await deployment()).toBeUndefined();
  expect(await stored(cluster, '', 'services', ns, 'demo')).toBeUndefined();
  expect(await stored(cluster, '', 'serviceaccounts', ns, 'demo')).toBeUndefined();
  expect(await releaseSecrets(cluster, ns, 'demo')).toEqual([]);
  const list = await helm(['list', '--namespace', ns, '-q']);
  expect(list.stdout.trim()).toBe('');
});

test('install applies every object with field manager "helm" and operation Apply', async () => {
  // helm 4 spells "do not wait for resources" --wait=hookOnly (the default; --wait=false is a deprecated alias).
  const install = await helm(['install', 'demo', chart, '--wait=hookOnly', '--namespace', ns]);
  expect(install.stderr).toBe('');
  expect(install.code).toBe(0);
  expect(install.stdout).toContain('STATUS: deployed');
  expect(install.stdout).toContain('REVISION: 1');
  expect(await releaseSecrets(cluster, ns, 'demo')).toEqual(['sh.helm.release.v1.demo.v1']);

  const sa = await stored(cluster, '', 'serviceaccounts', ns, 'demo');
  const svc = await stored(cluster, '', 'services', ns, 'demo');
  const deploy = await deployment();
  for (const object of [sa, svc, deploy]) expect(managers(object)).toEqual([['helm', 'Apply', '']]);

  const [entry] = deploy!.metadata.managedFields as ManagedEntry[];
  expect(entry).toMatchObject({ apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
  const spec = entry.fieldsV1!['f:spec'];
  expect(spec['f:replicas']).toEqual({});
  expect(spec['f:selector']).toEqual({}); // LabelSelector is an atomic struct: owned whole
  const owned = spec['f:template']['f:spec']['f:containers']['k:{"name":"demo"}'];
  expect(owned).toMatchObject({ '.': {}, 'f:image': {}, 'f:name': {} });
  expect(entry.fieldsV1!['f:metadata']['f:labels']['f:app.kubernetes.io/managed-by']).toEqual({});
  // Fields the server defaulted belong to nobody.
  expect((deploy!.spec as Record<string, unknown>).strategy).toBeDefined();
  expect(spec['f:strategy']).toBeUndefined();
  expect(deploy!.metadata.generation).toBe(1);
  expect((deploy!.spec as { replicas: number }).replicas).toBe(1);
  expect(container(deploy)).toMatchObject({ name: 'demo', image: 'nginx:1.16.0' });
});

test('upgrade --set replicaCount=3 --set image.tag=1.27 re-applies the Deployment', async () => {
  const upgrade = await helm(['upgrade', 'demo', chart, '--namespace', ns, '--set', 'replicaCount=3', '--set', 'image.tag=1.27']);
  expect(upgrade.stderr).toBe('');
  expect(upgrade.code).toBe(0);
  expect(upgrade.stdout).toContain('has been upgraded');
  expect(upgrade.stdout).toContain('REVISION: 2');

  const deploy = await deployment();
  expect((deploy!.spec as { replicas: number }).replicas).toBe(3);
  expect(container(deploy).image).toBe('nginx:1.27');
  expect(deploy!.metadata.generation).toBe(2);
  expect(managers(deploy)).toEqual([['helm', 'Apply', '']]);
});

test('upgrade --dry-run=server leaves the Deployment and the release records alone', async () => {
  const before = await deployment();
  const dry = await helm(['upgrade', 'demo', chart, '--namespace', ns, '--dry-run=server', '--set', 'replicaCount=7']);
  expect(dry.code).toBe(0);
  expect(dry.stdout).toContain('DESCRIPTION: Dry run complete');
  expect(dry.stdout).toContain('replicas: 7');
  const after = await deployment();
  expect(after!.metadata.resourceVersion).toBe(before!.metadata.resourceVersion);
  expect(await releaseSecrets(cluster, ns, 'demo')).toEqual(['sh.helm.release.v1.demo.v1', 'sh.helm.release.v1.demo.v2']);
});

test('kubectl scale takes spec.replicas from helm; the next upgrade conflicts until --force-conflicts', async () => {
  const kubectlBinary = layerBinary('kubectl');
  expect(kubectlBinary).toBeDefined();
  const scale = await kubectl(kubectlBinary!, cluster, ['scale', 'deployment/demo', '--replicas=5', '--namespace', ns]);
  expect(scale.stderr).toBe('');
  let deploy = await deployment();
  expect((deploy!.spec as { replicas: number }).replicas).toBe(5);
  expect(deploy!.metadata.generation).toBe(3);
  // The scale subresource's writer owns spec.replicas, recorded against the parent's apiVersion.
  expect(managers(deploy)).toEqual([['helm', 'Apply', ''], ['kubectl', 'Update', 'scale']]);
  const scaleEntry = (deploy!.metadata.managedFields as ManagedEntry[])[1];
  expect(scaleEntry).toMatchObject({ apiVersion: 'apps/v1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
  expect((deploy!.metadata.managedFields as ManagedEntry[])[0].fieldsV1!['f:spec']['f:replicas']).toBeUndefined();

  const values = ['--set', 'replicaCount=4', '--set', 'image.tag=1.27'];
  const refused = await helm(['upgrade', 'demo', chart, '--namespace', ns, ...values]);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain(
    'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
  );
  deploy = await deployment();
  expect((deploy!.spec as { replicas: number }).replicas).toBe(5);

  const forced = await helm(['upgrade', 'demo', chart, '--namespace', ns, '--force-conflicts', ...values]);
  expect(forced.stderr).toBe('');
  expect(forced.code).toBe(0);
  deploy = await deployment();
  expect((deploy!.spec as { replicas: number }).replicas).toBe(4);
  // Forcing moved spec.replicas back to helm, leaving kubectl's entry empty, so it is dropped.
  expect(managers(deploy)).toEqual([['helm', 'Apply', '']]);
  expect((deploy!.metadata.managedFields as ManagedEntry[])[0].fieldsV1!['f:spec']['f:replicas']).toEqual({});
});

test('rollback to revision 1 re-applies the first release', async () => {
  const rollback = await helm(['rollback', 'demo', '1', '--namespace', ns]);
  expect(rollback.stderr).toBe('');
  expect(rollback.code).toBe(0);
  expect(rollback.stdout).toContain('Rollback was a success');
  const deploy = await deployment();
  expect((deploy!.spec as { replicas: number }).replicas).toBe(1);
  expect(container(deploy).image).toBe('nginx:1.16.0');
  expect(managers(deploy)).toEqual([['helm', 'Apply', '']]);
});

test('history lists every revision, the refused upgrade as failed', async () => {
  const history = await helm(['history', 'demo', '--namespace', ns, '-o', 'json']);
  expect(history.code).toBe(0);
  const revisions = JSON.parse(history.stdout) as { revision: number; status: string; description: string }[];
  expect(revisions.map((r) => [r.revision, r.status])).toEqual([
    [1, 'superseded'],
    [2, 'superseded'],
    [3, 'failed'],
    [4, 'superseded'],
    [5, 'deployed'],
  ]);
  expect(revisions[0].description).toBe('Install complete');
  expect(revisions[2].description).toContain('conflict with "kubectl" with subresource "scale"');
  expect(revisions[4].description).toBe('Rollback to 1');
  const status = await helm(['status', 'demo', '--namespace', ns]);
  expect(status.stdout).toContain('REVISION: 5');
});

test('uninstall deletes the chart objects and every release record', async () => {
  const uninstall = await helm(['uninstall', 'demo', '--namespace', ns]);
  expect(uninstall.code).toBe(0);
  expect(uninstall.stdout).toContain('release "demo" uninstalled');
  expect(await deployment()).toBeUndefined();
  expect(await stored(cluster, '', 'services', ns, 'demo')).toBeUndefined();
  expect(await stored(cluster, '', 'serviceaccounts', ns, 'demo')).toBeUndefined();
  expect(await releaseSecrets(cluster, ns, 'demo')).toEqual([]);
  const history = await helm(['history', 'demo', '--namespace', ns]);
  expect(history.code).not.toBe(0);
  expect(history.stderr).toContain('release: not found');
});
