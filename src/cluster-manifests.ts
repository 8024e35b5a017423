// Reads manifests (files, directories, objects) and applies them at start-up: CRDs and namespaces first, then the rest.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { InProcessClient } from './client/client.js';
import { isPlainObject, type KubeObject } from './meta/types.js';
import type { Resource } from './registry/resource.js';

/** A manifest source: a file (YAML, possibly several documents, or JSON), a directory of such files, or an object. */
export type ManifestSource = string | KubeObject;

/** One object and where it came from, for error messages that point at the document. */
export interface Manifest {
  object: KubeObject;
  /** `file.yaml document 2`, or `object 1` for objects passed in directly. */
  origin: string;
}

const manifestExtensions = new Set(['.yaml', '.yml', '.json']);

export function readManifests(sources: readonly ManifestSource[]): Manifest[] {
  const found: Manifest[] = [];
  sources.forEach((source, i) => {
    if (typeof source !== 'string') found.push({ object: source, origin: `object ${i + 1}` });
    else for (const file of manifestFiles(source)) found.push(...manifestsInFile(file));
  });
  return found;
}

function manifestFiles(path: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new Error(`kubefake: ${path} does not exist`);
  }
  if (!isDirectory) return [path];
  // The directory's own files only, in name order (as envtest reads CRD directories).
  return readdirSync(path)
    .filter((name) => manifestExtensions.has(extname(name).toLowerCase()))
    .sort()
    .map((name) => join(path, name))
    .filter((file) => statSync(file).isFile());
}

function manifestsInFile(file: string): Manifest[] {
  const found: Manifest[] = [];
  parseAllDocuments(readFileSync(file, 'utf8')).forEach((doc, i) => {
    const origin = `${file} document ${i + 1}`;
    if (doc.errors.length > 0) throw new Error(`kubefake: cannot parse ${origin}: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return; // an empty document, e.g. after a trailing `---`
    if (!isPlainObject(value)) throw new Error(`kubefake: ${origin} is not an object`);
    const items = typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items) ? value.items : [value];
    for (const item of items) {
      if (!isPlainObject(item)) throw new Error(`kubefake: ${origin} holds an item that is not an object`);
      found.push({ object: item as KubeObject, origin });
    }
  });
  return found;
}

export const isCrd = (o: KubeObject) => o.kind === 'CustomResourceDefinition' && o.apiVersion === 'apiextensions.k8s.io/v1';
const isNamespace = (o: KubeObject) => o.kind === 'Namespace' && o.apiVersion === 'v1';

/** CRDs and namespaces first (what the rest may need), each group in the order given. */
export function installOrder(manifests: readonly Manifest[]): Manifest[][] {
  const first = manifests.filter((m) => isCrd(m.object) || isNamespace(m.object));
  return [first, manifests.filter((m) => !first.includes(m))];
}

/** Creates each manifest's object; `settle` runs between the groups so CRDs are served before their objects. */
export async function createManifests(
  client: InProcessClient,
  resources: () => readonly Resource[],
  manifests: readonly Manifest[],
  settle: () => Promise<void>,
): Promise<void> {
  const loaded = new Set<string>();
  for (const group of installOrder(manifests)) {
    for (const { object, origin } of group) {
      const name = object.metadata?.name ?? object.metadata?.generateName ?? '';
      const what = `${String(object.kind ?? '(no kind)')} ${name}`.trim();
      const resource = resources().find((r) => r.apiVersion === object.apiVersion && r.kind === object.kind);
      if (!resource) throw new Error(`kubefake: cannot load ${origin} (${what}): no resource serves ${String(object.apiVersion)} ${String(object.kind)}`);
      const namespace = resource.namespaced ? (object.metadata?.namespace ?? 'default') : undefined;
      const id = `${resource.apiVersion} ${resource.type.resource} ${namespace ?? ''}/${name}`;
      // What the cluster already holds (seeded namespaces and nodes, what controllers made, as an exported snapshot
      // lists them) stays as it is; the same object twice in the manifests is still a mistake.
      if (!loaded.has(id) && object.metadata?.name && (await holds(client, resource, namespace, object.metadata.name))) continue;
      try {
        await client.create(resource.apiVersion, resource.type.resource, namespace, structuredClone(object));
        loaded.add(id);
      } catch (err) {
        throw new Error(`kubefake: cannot load ${origin} (${what}): ${(err as Error).message}`);
      }
    }
    await settle();
  }
}

async function holds(client: InProcessClient, resource: Resource, namespace: string | undefined, name: string): Promise<boolean> {
  try {
    await client.get(resource.apiVersion, resource.type.resource, namespace, name);
    return true;
  } catch {
    return false;
  }
}
