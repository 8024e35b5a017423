// Exporting state (GET /kubefake/v1/snapshot, `kubefake export`) and bringing it back: `--restore` exactly, `--load` as new objects.
import * as k8s from '@kubernetes/client-node';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { run, startTestCluster, type TestCluster } from '../helpers.js';
import { clientsFor, configMap, deployment, type Clients } from './client-node-support.js';

const cli = join(process.cwd(), 'dist', 'cli', 'main.js');

interface Item {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; managedFields?: unknown[] };
  status?: unknown;
}
interface List {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string };
  items: Item[];
}

const id = (o: Item) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const withoutRv = (o: Item) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });

describe('GET /kubefake/v1/snapshot', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({ controllers: '', nodes: 0 });
    const c = clientsFor(cluster);
    await c.core.createNamespace({ body: { metadata: { name: 'shop' } } });
    await c.core.createNamespacedConfigMap({ namespace: 'shop', body: configMap('settings', { mode: 'fast' }) });
  });
  afterAll(() => cluster.close());

  test('JSON by default: every stored object as a List, namespaces first, objects as clients read them', async () => {
    const response = await fetch(`${cluster.url}/kubefake/v1/snapshot`);
    expect(response.headers.get('content-type')).toBe('application/json');
    const list = (await response.json()) as List;
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
    expect(list.items.slice(0, 5).map((o) => o.kind)).toEqual(['Namespace', 'Namespace', 'Namespace', 'Namespace', 'Namespace']);
    const settings = list.items.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'settings');
    const read = await (await fetch(`${cluster.url}/api/v1/namespaces/shop/configmaps/settings`)).json();
    expect(settings).toEqual(read);
    expect(settings?.metadata).toMatchObject({ uid: expect.any(String), resourceVersion: expect.any(String) });
    expect(Array.isArray(settings?.metadata.managedFields)).toBe(true);
  });

  test('YAML for Accept: application/yaml or ?format=yaml, with the same content', async () => {
    const json = await (await fetch(`${cluster.url}/kubefake/v1/snapshot?format=json`)).json();
    for (const response of [
      await fetch(`${cluster.url}/kubefake/v1/snapshot`, { headers: { Accept: 'application/yaml' } }),
      await fetch(`${cluster.url}/kubefake/v1/snapshot?format=yaml`),
    ]) {
      expect(response.headers.get('content-type')).toBe('application/yaml');
      expect(parse(await response.text())).toEqual(json);
    }
    const bad = await fetch(`${cluster.url}/kubefake/v1/snapshot?format=xml`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ reason: 'BadRequest', message: 'snapshot: ?format= must be json or yaml, not "xml"' });
  });

  test('--load of an export recreates its objects in a new cluster (new uids; objects a cluster starts with are kept)', async () => {
    const file = join(cluster.dir, 'export.yaml');
    writeFileSync(file, await (await fetch(`${cluster.url}/kubefake/v1/snapshot?format=yaml`)).text());
    const loaded = await startTestCluster({ controllers: '', nodes: 0, load: [file] });
    try {
      const settings = await loaded.client.get('v1', 'configmaps', 'shop', 'settings');
      expect(settings.data).toEqual({ mode: 'fast' });
      const original = await cluster.client.get('v1', 'configmaps', 'shop', 'settings');
      expect(settings.metadata.uid).not.toBe(original.metadata.uid);
    } finally {
      await loaded.close();
    }
  });
});

interface Started {
  child: ChildProcess;
  url: string;
  kubeconfig: string;
}

function startCli(args: string[]): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'kubefake-export-'));
  const kubeconfig = join(dir, 'config');
  const child = spawn(process.execPath, [cli, '--port', '0', '--kubeconfig', kubeconfig, '--log-level', 'error', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /serving on (https?:\/\/\S+)/.exec(out);
      if (match && out.includes('export KUBECONFIG=')) resolve({ child, url: match[1]!, kubeconfig });
    });
    child.on('exit', (code) => reject(new Error(`kubefake exited with ${code}: ${out}`)));
  });
}

async function stop(server: Started): Promise<void> {
  const exited = new Promise((resolve) => server.child.on('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

const describeBuilt = existsSync(cli) ? describe : describe.skip;

function clientsOf(server: Started): Omit<Clients, 'kc'> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(server.kubeconfig);
  return { core: kc.makeApiClient(k8s.CoreV1Api), apps: kc.makeApiClient(k8s.AppsV1Api) };
}

describeBuilt('kubefake export and serve --restore', () => {
  test('export from a running server, restore it in another: the same objects with the same uids, and reset returns there', async () => {
    const source = await startCli(['--clock', 'virtual', '--nodes', '1']);
    const servers = [source];
    try {
      const c = clientsOf(source);
      await c.core.createNamespace({ body: { metadata: { name: 'shop' } } });
      await c.core.createNamespacedConfigMap({ namespace: 'shop', body: configMap('settings', { mode: 'fast' }) });
      await c.apps.createNamespacedDeployment({ namespace: 'shop', body: deployment('web', 2) });
      await fetch(`${source.url}/kubefake/v1/clock:advance?by=30s`, { method: 'POST' });

      const dir = mkdtempSync(join(tmpdir(), 'kubefake-export-'));
      const file = join(dir, 'state.yaml');
      const exported = await run(process.execPath, [cli, 'export', '--kubeconfig', source.kubeconfig, '-o', file]);
      expect(exported).toMatchObject({ code: 0, stdout: '' });
      const saved = parse(readFileSync(file, 'utf8')) as List;
      expect(saved.items.filter((o) => o.kind === 'Pod')).toHaveLength(2);
      // KUBECONFIG is honoured, and --format json writes JSON to stdout.
      const json = await run(process.execPath, [cli, 'export', '--format', 'json'], { KUBECONFIG: source.kubeconfig });
      expect(json.code).toBe(0);
      expect((JSON.parse(json.stdout) as List).items.map(id)).toEqual(saved.items.map(id));

      // Without controllers, nothing in the new process writes after the restore (with them, its kubelet renews
      // leases and the new CA is published in kube-root-ca.crt), so its state is exactly the exported one.
      const restored = await startCli(['--controllers', '', '--nodes', '0', '--restore', file]);
      servers.push(restored);
      const state = async () => (await (await fetch(`${restored.url}/kubefake/v1/snapshot`)).json()) as List;
      const after = await state();
      // Field for field (uids, status, managedFields), resourceVersions aside.
      expect(after.items.map(id)).toEqual(saved.items.map(id));
      expect(after.items.map(withoutRv)).toEqual(saved.items.map(withoutRv));

      const r = clientsOf(restored);
      await r.core.deleteNamespacedConfigMap({ namespace: 'shop', name: 'settings' });
      await r.core.createNamespacedConfigMap({ namespace: 'shop', body: configMap('stray') });
      expect((await fetch(`${restored.url}/kubefake/v1/reset`, { method: 'POST' })).status).toBe(200);
      // reset() goes back to the state right after start: the restored one.
      expect((await state()).items.map(withoutRv)).toEqual(saved.items.map(withoutRv));
    } finally {
      await Promise.all(servers.map(stop));
    }
  }, 30_000);

  test('export over HTTPS trusts the CA the kubeconfig carries', async () => {
    const server = await startCli(['--tls', '--controllers', '', '--nodes', '0']);
    try {
      expect(server.url.startsWith('https://')).toBe(true);
      const result = await run(process.execPath, [cli, 'export', '--kubeconfig', server.kubeconfig]);
      expect(result.code).toBe(0);
      expect(parse(result.stdout)).toMatchObject({ apiVersion: 'v1', kind: 'List', items: expect.anything() });
    } finally {
      await stop(server);
    }
  });

  test('a restore file that is not a snapshot fails start-up naming the file and the item', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubefake-export-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {namespace: default}}\n');
    const result = await run(process.execPath, [cli, '--port', '0', '--kubeconfig', join(dir, 'config'), '--restore', file]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`kubefake: cannot restore from ${file}: item 1 (ConfigMap default) has no metadata.name`);
  });

  test('export names the server it cannot reach', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubefake-export-'));
    const config = join(dir, 'config');
    writeFileSync(config, `apiVersion: v1
kind: Config
clusters: [{name: k, cluster: {server: 'http://127.0.0.1:1'}}]
users: [{name: k, user: {token: t}}]
contexts: [{name: k, context: {cluster: k, user: k}}]
current-context: k
`);
    const result = await run(process.execPath, [cli, 'export', '--kubeconfig', config]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('kubefake: cannot reach http://127.0.0.1:1');
  });
});
