// Shared helpers for the helm 4 e2e suites: run helm against a test cluster, make a chart, read what helm stored.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../src/meta/types.js';
import { layerBinary, run, type RunResult, type TestCluster } from '../helpers.js';

export const helmBinary = layerBinary('helm');

/** Runs helm with the cluster's kubeconfig and helm's cache, config and data homes inside the cluster's directory. */
export function helm(cluster: TestCluster, args: string[]): Promise<RunResult> {
  return run(helmBinary!, args, {
    KUBECONFIG: cluster.kubeconfigPath,
    HELM_CACHE_HOME: join(cluster.dir, 'helm-cache'),
    HELM_CONFIG_HOME: join(cluster.dir, 'helm-config'),
    HELM_DATA_HOME: join(cluster.dir, 'helm-data'),
  });
}

/** `helm create <dir>/demo`: the starter chart (ServiceAccount, Service, Deployment and a test-hook Pod). */
export async function createChart(cluster: TestCluster): Promise<string> {
  const chart = join(mkdtempSync(join(tmpdir(), 'kubefake-chart-')), 'demo');
  const created = await helm(cluster, ['create', chart]);
  if (created.code !== 0) throw new Error(`helm create failed: ${created.stderr}`);
  return chart;
}

/** The stored object, or undefined when the registry answers NotFound. */
export async function stored(cluster: TestCluster, group: string, resource: string, namespace: string, name: string): Promise<KubeObject | undefined> {
  const type = cluster.registry.lookup(group, 'v1', resource)!;
  try {
    return (await cluster.registry.get(type, namespace, name)).object as KubeObject;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

/** The release records helm keeps as Secrets labelled owner=helm. */
export async function releaseSecrets(cluster: TestCluster, namespace: string, release: string): Promise<string[]> {
  const secrets = cluster.registry.lookup('', 'v1', 'secrets')!;
  const list = await cluster.registry.list(secrets, namespace, { labelSelector: `owner=helm,name=${release}` });
  return list.views.map((v) => (v.object as KubeObject).metadata.name!).sort();
}

export interface ManagedEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  subresource?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, any>;
}

/** metadata.managedFields as [manager, operation, subresource] triples, in stored order. */
export function managers(object: KubeObject | undefined): string[][] {
  const entries = (object?.metadata.managedFields ?? []) as ManagedEntry[];
  return entries.map((e) => [e.manager ?? '', e.operation ?? '', e.subresource ?? '']);
}
