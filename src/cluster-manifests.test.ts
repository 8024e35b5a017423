// Loading manifests at start-up: multi-document YAML, Lists, CRDs and namespaces first; bad files named precisely.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster } from './cluster.js';

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubefake-load-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gadgets, kind: Gadget}
  versions:
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
`;

test('a directory loads in dependency order: the CR and the namespaced objects come after their CRD and namespace', async () => {
  // File names sort the custom resource and the namespace's content before what they need.
  const dir = dirWith({
    'a-gadget.yaml': 'apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g, namespace: team}\n',
    'b-list.yaml': `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: one, namespace: team}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: two}}
---
`,
    'c-team.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n',
    'd-crd.yaml': crd,
    'notes.txt': 'not a manifest',
  });
  cluster = await startCluster({ controllers: '', nodes: 0, load: [dir] });
  expect((await cluster.client.get('example.com/v1', 'gadgets', 'team', 'g')).metadata.uid).toBeDefined();
  expect((await cluster.client.get('v1', 'configmaps', 'team', 'one')).metadata.name).toBe('one');
  expect((await cluster.client.get('v1', 'configmaps', 'default', 'two')).metadata.name).toBe('two');
  // What was loaded is part of the state reset() returns to.
  await cluster.client.delete('v1', 'configmaps', 'default', 'two');
  await cluster.reset();
  expect((await cluster.client.get('v1', 'configmaps', 'default', 'two')).metadata.name).toBe('two');
});

test('a file that does not parse fails start-up naming the file and document', async () => {
  const dir = dirWith({ 'bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n---\nkind: [unclosed\n' });
  await expect(startCluster({ controllers: '', nodes: 0, load: [join(dir, 'bad.yaml')] })).rejects.toThrow(
    new RegExp(`^kubefake: cannot parse ${join(dir, 'bad.yaml')} document 2: `),
  );
});

test('an object the API refuses fails start-up with the API error, file and document', async () => {
  const dir = dirWith({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n' });
  await expect(startCluster({ controllers: '', nodes: 0, load: [dir] })).rejects.toThrow(
    `kubefake: cannot load ${join(dir, 'cm.yaml')} document 1 (ConfigMap Bad_Name): ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
  );
});

test('a kind nothing serves, and a path that does not exist, are named', async () => {
  const dir = dirWith({ 'x.yaml': 'apiVersion: example.com/v1\nkind: Unknown\nmetadata: {name: u}\n' });
  await expect(startCluster({ controllers: '', nodes: 0, load: [dir] })).rejects.toThrow(
    `kubefake: cannot load ${join(dir, 'x.yaml')} document 1 (Unknown u): no resource serves example.com/v1 Unknown`,
  );
  await expect(startCluster({ controllers: '', nodes: 0, load: [join(dir, 'missing.yaml')] })).rejects.toThrow(
    `kubefake: ${join(dir, 'missing.yaml')} does not exist`,
  );
});
