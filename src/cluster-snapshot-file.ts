// Snapshot documents: a cluster's objects as one `kind: List` (GET /kubefake/v1/snapshot, `kubefake export`), and the exact restore of one at start-up.
import { readFileSync } from 'node:fs';
import { parseAllDocuments, stringify } from 'yaml';
import { isCrd } from './cluster-manifests.js';
import { restoreSnapshot, type ClusterSnapshot, type RestoreResult } from './cluster-snapshot.js';
import { isPlainObject, type KubeObject } from './meta/types.js';
import { storageVersionOf } from './registry/crd/custom-resource-versions.js';
import type { Registry, ServedConversion } from './registry/registry.js';
import type { Resource } from './registry/resource.js';
import type { Store } from './store/types.js';

/** Every object of a cluster as clients see them: uid, resourceVersion, managedFields and status included. */
export interface SnapshotDocument {
  apiVersion: 'v1';
  kind: 'List';
  /** The store revision the objects were read at. */
  metadata: { resourceVersion: string };
  items: KubeObject[];
}

const crdPrefix = '/registry/apiextensions.k8s.io/customresourcedefinitions/';
const namespacePrefix = '/registry/core/namespaces/';

/** The snapshot as a List: CRDs, then namespaces (what the rest needs when it is loaded), then the rest by key. */
export function snapshotDocument(snapshot: ClusterSnapshot): SnapshotDocument {
  const rank = (key: string) => (key.startsWith(crdPrefix) ? 0 : key.startsWith(namespacePrefix) ? 1 : 2);
  const keys = [...snapshot.objects.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return {
    apiVersion: 'v1',
    kind: 'List',
    metadata: { resourceVersion: String(snapshot.revision) },
    items: keys.map((key) => snapshot.objects.get(key) as KubeObject),
  };
}

export function snapshotYaml(document: SnapshotDocument): string {
  // Stored objects share sub-objects; anchors and aliases would be valid YAML but unreadable. No folding of
  // long strings (certificates, annotations holding JSON) either.
  return stringify(document, { aliasDuplicateObjects: false, lineWidth: 0 });
}

/** Reads a snapshot document (a file, or one already parsed), failing with the file and item named. */
export function readSnapshotDocument(source: string | SnapshotDocument): KubeObject[] {
  const origin = typeof source === 'string' ? source : 'the restore document';
  const fail = (problem: string): never => {
    throw new Error(`kubefake: cannot restore from ${origin}: ${problem}`);
  };
  let value: unknown = source;
  if (typeof source === 'string') {
    let text = '';
    try {
      text = readFileSync(source, 'utf8');
    } catch (err) {
      fail((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (err as Error).message);
    }
    const documents = parseAllDocuments(text).filter((d) => d.errors.length > 0 || d.contents !== null);
    if (documents.length !== 1) fail(`expected one document, found ${documents.length}`);
    if (documents[0]!.errors.length > 0) fail(`it does not parse: ${documents[0]!.errors[0]!.message}`);
    value = documents[0]!.toJS();
  }
  if (!isPlainObject(value) || value.kind !== 'List' || !Array.isArray(value.items)) {
    const found = isPlainObject(value) ? `kind ${JSON.stringify(value.kind ?? null)}` : 'no object';
    fail(`expected a "kind: List" with items, as GET /kubefake/v1/snapshot and kubefake export write it; found ${found}`);
  }
  return (value as { items: unknown[] }).items.map((item, i) => {
    const problem = itemProblem(item);
    if (problem) fail(`item ${i + 1} (${describe(item)}) ${problem}`);
    return item as KubeObject;
  });
}

function itemProblem(item: unknown): string | undefined {
  if (!isPlainObject(item)) return 'is not an object';
  if (typeof item.apiVersion !== 'string' || item.apiVersion === '') return 'has no apiVersion';
  if (typeof item.kind !== 'string' || item.kind === '') return 'has no kind';
  if (!isPlainObject(item.metadata)) return 'has no metadata';
  if (typeof item.metadata.name !== 'string' || item.metadata.name === '') return 'has no metadata.name';
  if (item.metadata.namespace !== undefined && typeof item.metadata.namespace !== 'string') return 'has a metadata.namespace that is not a string';
  return undefined;
}

function describe(item: unknown): string {
  if (!isPlainObject(item)) return JSON.stringify(item) ?? 'undefined';
  const metadata = isPlainObject(item.metadata) ? item.metadata : {};
  const name = [metadata.namespace, metadata.name].filter((s) => typeof s === 'string' && s !== '').join('/');
  return [typeof item.kind === 'string' ? item.kind : '(no kind)', name].filter(Boolean).join(' ');
}

export interface RestoreDependencies {
  store: Store;
  registry: Registry;
  /** Built-in versions stored as another one: their objects are never stored in that form. */
  conversions: readonly ServedConversion[];
  /** Waits until running controllers are quiet (after the CRDs are in, and at the end); none run at start-up. */
  settle?(): Promise<void>;
}

/**
 * Makes the stored objects exactly `objects` through store writes (as restoreSnapshot does, so uid, status,
 * generation and finalizers are kept; resourceVersions are new): CRDs first, so the custom resources they define are
 * served and their objects can be placed; then everything else, removing what the file does not hold.
 */
export async function restoreObjects(deps: RestoreDependencies, objects: readonly KubeObject[], origin: string): Promise<RestoreResult> {
  const { store } = deps;
  const located = (object: KubeObject, index: number) => ({ object, key: storeKey(deps, object, `${origin} item ${index + 1}`) });
  const crds = objects.map((o, i) => ({ o, i })).filter(({ o }) => isCrd(o)).map(({ o, i }) => located(o, i));
  if (crds.length > 0) {
    const { records, revision } = await store.list('/registry/');
    const withCrds = new Map(records.map((r) => [r.key, r.object]));
    for (const { key, object } of crds) withCrds.set(key, object);
    await restoreSnapshot(store, { revision, objects: withCrds });
    await deps.settle?.();
  }
  const wanted = new Map<string, KubeObject>();
  const firstIndex = new Map<string, number>();
  objects.forEach((object, i) => {
    const { key } = located(object, i);
    if (firstIndex.has(key)) throw new Error(`kubefake: cannot restore from ${origin}: items ${firstIndex.get(key)! + 1} and ${i + 1} are the same object (${describe(object)})`);
    firstIndex.set(key, i);
    wanted.set(key, object);
  });
  const result = await restoreSnapshot(store, { revision: store.currentRevision(), objects: wanted });
  await deps.settle?.();
  return result;
}

/** Where an object lives in the store, refusing objects that are not in the form the store keeps them in. */
function storeKey({ registry, conversions }: RestoreDependencies, object: KubeObject, where: string): string {
  const fail = (problem: string): never => {
    throw new Error(`kubefake: cannot restore ${where} (${describe(object)}): ${problem}`);
  };
  const resource = registry.resources.find((r) => r.apiVersion === object.apiVersion && r.kind === object.kind);
  if (!resource) return fail(`no resource serves ${object.apiVersion} ${object.kind}`);
  const storage = storageApiVersion(registry, conversions, resource);
  if (storage !== resource.apiVersion) fail(`${object.kind} objects are stored as ${storage}; restore takes objects as exported`);
  const namespace = object.metadata.namespace;
  if (resource.namespaced && !namespace) fail('it is namespaced but has no metadata.namespace');
  if (!resource.namespaced && namespace) fail('it is cluster-scoped but has a metadata.namespace');
  return resource.key(namespace, object.metadata.name!);
}

function storageApiVersion(registry: Registry, conversions: readonly ServedConversion[], resource: Resource): string {
  const converted = conversions.find((c) => c.served === resource);
  if (converted) return converted.storage.apiVersion;
  if (!resource.custom) return resource.apiVersion;
  const crd = registry.customResourceDefinitions().find((d) => d.metadata.name === resource.custom!.crdName);
  const version = crd && storageVersionOf(crd.spec);
  return version ? `${resource.type.group}/${version}` : resource.apiVersion;
}
