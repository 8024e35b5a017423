// Snapshot documents and `restore`: an exported state comes back exactly (uids, status, finalizers, custom resources); bad documents fail start-up.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startCluster, type Cluster } from './cluster.js';
import { snapshotDocument, snapshotYaml, type SnapshotDocument } from './cluster-snapshot-file.js';
import type { KubeObject } from './meta/types.js';

let clusters: Cluster[] = [];
afterEach(async () => {
  await Promise.all(clusters.map((c) => c.close()));
  clusters = [];
});

async function start(options: Parameters<typeof startCluster>[0]): Promise<Cluster> {
  const cluster = await startCluster({ controllers: '', nodes: 0, ...options });
  clusters.push(cluster);
  return cluster;
}

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'gadgets', kind: 'Gadget' },
    versions: [
      { name: 'v1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
      { name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
    ],
  },
};

const key = (o: KubeObject) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const withoutRv = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });

/** A source cluster with a CRD and a custom resource, a namespace, and objects carrying status and finalizers. */
async function exported(): Promise<SnapshotDocument> {
  const source = await start({ crds: [crd] });
  await source.client.create('v1', 'namespaces', undefined, { metadata: { name: 'team' } });
  await source.client.create('example.com/v2', 'gadgets', 'team', { metadata: { name: 'g' }, spec: { size: 3 } });
  await source.client.create('v1', 'configmaps', 'team', { metadata: { name: 'held', finalizers: ['example.com/keep'] }, data: { a: '1' } });
  const deployment = await source.client.create('apps/v1', 'deployments', 'team', {
    metadata: { name: 'web' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
  await source.client.update('apps/v1', 'deployments', 'team', { ...deployment, status: { replicas: 1, observedGeneration: 1 } }, { subresource: 'status' });
  const document = snapshotDocument(await source.snapshot());
  // A seeded object the state does not hold (upstream refuses to delete kube-public itself).
  return { ...document, items: document.items.filter((o) => !(o.kind === 'Namespace' && o.metadata.name === 'kube-public')) };
}

test('the document lists CRDs, then namespaces, then the rest by key; its YAML reads back the same', async () => {
  const document = await exported();
  expect(document).toMatchObject({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
  const kinds = document.items.map((o) => o.kind);
  expect(kinds[0]).toBe('CustomResourceDefinition');
  expect(kinds.slice(1, 5)).toEqual(['Namespace', 'Namespace', 'Namespace', 'Namespace']);
  expect(kinds.slice(5)).not.toContain('Namespace');
  expect(document.items.find((o) => o.kind === 'Gadget')).toMatchObject({ apiVersion: 'example.com/v2', metadata: { managedFields: expect.any(Array) } });
  expect(parse(snapshotYaml(document))).toEqual(JSON.parse(JSON.stringify(document)));
});

test('restore brings back exactly the exported objects, custom resources included, and reset() returns to them', async () => {
  const document = await exported();
  const dir = mkdtempSync(join(tmpdir(), 'kubefake-restore-'));
  const file = join(dir, 'state.yaml');
  writeFileSync(file, snapshotYaml(document));
  const cluster = await start({ restore: file });
  const restored = snapshotDocument(await cluster.snapshot());
  // Same objects, field for field, with new resourceVersions; kube-public, seeded but not exported, is gone.
  expect(restored.items.map(key)).toEqual(document.items.map(key));
  expect(restored.items.map(withoutRv)).toEqual(document.items.map(withoutRv));
  expect(restored.items.some((o) => o.metadata.name === 'kube-public')).toBe(false);
  const gadget = await cluster.client.get('example.com/v1', 'gadgets', 'team', 'g');
  expect(gadget.metadata.uid).toBe(document.items.find((o) => o.kind === 'Gadget')!.metadata.uid);
  const web = await cluster.client.get('apps/v1', 'deployments', 'team', 'web');
  expect(web.status).toEqual({ replicas: 1, observedGeneration: 1 });

  await cluster.client.delete('v1', 'configmaps', 'team', 'held');
  await cluster.client.create('v1', 'configmaps', 'team', { metadata: { name: 'later' } });
  await cluster.reset();
  expect((await cluster.snapshot()).objects.size).toBe(document.items.length);
  expect((await cluster.client.get('v1', 'configmaps', 'team', 'held')).metadata.finalizers).toEqual(['example.com/keep']);
});

test('crds and load go on top of the restored state', async () => {
  const document = await exported();
  const cluster = await start({ restore: document, load: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra', namespace: 'team' } }] });
  expect((await cluster.client.list('v1', 'configmaps', 'team')).items.map((o) => o.metadata.name).sort()).toEqual(['extra', 'held']);
});

function fileWith(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'kubefake-restore-')), 'state.yaml');
  writeFileSync(file, text);
  return file;
}

test.each([
  ['apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n', 'expected a "kind: List" with items, as GET /kubefake/v1/snapshot and kubefake export write it; found kind "ConfigMap"'],
  ['kind: List\nitems: [{apiVersion: v1, kind: ConfigMap, metadata: {namespace: default}}]\n', 'item 1 (ConfigMap default) has no metadata.name'],
  ['kind: List\nitems: [{kind: ConfigMap, metadata: {name: x}}]\n', 'item 1 (ConfigMap x) has no apiVersion'],
  ['kind: List\nitems: [{apiVersion: v1, metadata: {name: x}}, 3]\n', 'item 1 ((no kind) x) has no kind'],
  ['kind: List\nitems: [{apiVersion: v1, kind: ConfigMap, metadata: {name: x}}]\n', 'item 1 (ConfigMap x): it is namespaced but has no metadata.namespace'],
  ['kind: List\nitems: [{apiVersion: example.com/v1, kind: Gizmo, metadata: {name: x}}]\n', 'item 1 (Gizmo x): no resource serves example.com/v1 Gizmo'],
  ['kind: List\nitems: [{apiVersion: autoscaling/v1, kind: HorizontalPodAutoscaler, metadata: {name: x, namespace: default}}]\n', 'HorizontalPodAutoscaler objects are stored as autoscaling/v2'],
  ['kind: List\nitems: [{apiVersion: v1, kind: Namespace, metadata: {name: a}}, {apiVersion: v1, kind: Namespace, metadata: {name: a}}]\n', 'items 1 and 2 are the same object (Namespace a)'],
  ['kind: List\nitems: []\n---\nkind: List\nitems: []\n', 'expected one document, found 2'],
  ['kind: [unclosed\n', 'it does not parse'],
])('a bad restore file fails start-up naming the file and item: %j', async (text, message) => {
  const file = fileWith(text);
  const failure = start({ restore: file });
  await expect(failure).rejects.toThrow(message);
  await expect(failure).rejects.toThrow(file);
});

test('a restore file that does not exist is named', async () => {
  await expect(start({ restore: '/nonexistent/state.yaml' })).rejects.toThrow('kubefake: cannot restore from /nonexistent/state.yaml: the file does not exist');
});
