// cluster.kubeConfig, kubeconfigYaml and writeKubeconfig(): built from the kubeconfig as it is when read.
import * as k8s from '@kubernetes/client-node';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addKubeConfigAccess, loadClientNode, type ClusterWithoutKubeConfig } from './cluster-kube-config.js';
import { kubeconfigYaml } from '../kubeconfig.js';

function fakeCluster(url: string): ClusterWithoutKubeConfig {
  return { url, kubeconfig: kubeconfigYaml(url) } as ClusterWithoutKubeConfig;
}

test('kubeConfig is a client-node KubeConfig of the current kubeconfig, rebuilt only when that changes', async () => {
  const base = fakeCluster('http://127.0.0.1:1234');
  const cluster = addKubeConfigAccess(await loadClientNode(true), base);
  const first = cluster.kubeConfig;
  expect(first).toBeInstanceOf(k8s.KubeConfig);
  expect(first.getCurrentCluster()?.server).toBe('http://127.0.0.1:1234');
  expect(cluster.kubeConfig).toBe(first);
  // Another part of start-up (TLS, credentials) may rewrite the kubeconfig: readers see the new one.
  base.kubeconfig = kubeconfigYaml('http://127.0.0.1:5678');
  expect(cluster.kubeConfig.getCurrentCluster()?.server).toBe('http://127.0.0.1:5678');
  expect(cluster.kubeconfigYaml).toBe(base.kubeconfig);
});

test('a missing @kubernetes/client-node is named with the command that installs it; other failures keep their cause', () => {
  const missing = Object.assign(new Error("Cannot find package '@kubernetes/client-node'"), { code: 'ERR_MODULE_NOT_FOUND' });
  const cluster = addKubeConfigAccess({ error: missing }, fakeCluster('http://h:1'));
  expect(() => cluster.kubeConfig).toThrow('cluster.kubeConfig needs @kubernetes/client-node: npm install --save-dev @kubernetes/client-node');
  const broken = addKubeConfigAccess({ error: new SyntaxError('bad module') }, fakeCluster('http://h:1'));
  expect(() => broken.kubeConfig).toThrow('cluster.kubeConfig: @kubernetes/client-node did not load: SyntaxError: bad module');
  expect(() => addKubeConfigAccess({ skipped: true }, fakeCluster('http://h:1')).kubeConfig).toThrow(/loadClientNode: false/);
});

test('kubeConfig is not enumerable, so printing or spreading a cluster never throws for it', () => {
  const cluster = addKubeConfigAccess({ error: new Error('absent') }, fakeCluster('http://h:1'));
  expect(Object.keys(cluster)).toEqual(['url', 'kubeconfig', 'kubeconfigYaml', 'writeKubeconfig']);
  expect({ ...cluster }.kubeconfigYaml).toBe(cluster.kubeconfig);
});

test('writeKubeconfig creates directories, writes mode 0600 (also over a readable file) and returns the absolute path', () => {
  const cluster = addKubeConfigAccess({ skipped: true }, fakeCluster('http://127.0.0.1:4321'));
  const dir = mkdtempSync(join(tmpdir(), 'kubefake-write-'));
  const path = cluster.writeKubeconfig(join(dir, 'a', 'b', 'config'));
  expect(path).toBe(join(dir, 'a', 'b', 'config'));
  expect(readFileSync(path, 'utf8')).toBe(cluster.kubeconfig);
  expect(statSync(path).mode & 0o777).toBe(0o600);
  const existing = join(dir, 'existing');
  writeFileSync(existing, 'old', { mode: 0o644 });
  cluster.writeKubeconfig(existing);
  expect(statSync(existing).mode & 0o777).toBe(0o600);
  expect(readFileSync(existing, 'utf8')).toBe(cluster.kubeconfig);
});
