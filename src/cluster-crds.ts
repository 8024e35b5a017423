// Installs CRDs at start-up like envtest's CRDDirectoryPaths: from files, directories or objects, Established before ready.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { InProcessClient } from './client/client.js';
import { isPlainObject, type KubeObject } from './meta/types.js';
import { crdApiVersion } from './registry/crd/crd-types.js';

/** A CRD source: a file (YAML, possibly several documents, or JSON), a directory of such files, or a CRD object. */
export type CrdSource = string | KubeObject;

const manifestExtensions = new Set(['.yaml', '.yml', '.json']);

/** Every CustomResourceDefinition in the sources; other documents are skipped, as envtest does. */
export function readCrds(sources: readonly CrdSource[]): KubeObject[] {
  const crds: KubeObject[] = [];
  for (const source of sources) {
    if (typeof source !== 'string') {
      crds.push(source);
      continue;
    }
    for (const file of manifestFiles(source)) crds.push(...crdsInFile(file));
  }
  return crds;
}

function manifestFiles(path: string): string[] {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new Error(`kubefake: CRD path ${path} does not exist`);
  }
  if (!stats.isDirectory()) return [path];
  // Like envtest: the directory's own files only, in name order.
  return readdirSync(path)
    .filter((name) => manifestExtensions.has(extname(name).toLowerCase()))
    .sort()
    .map((name) => join(path, name))
    .filter((file) => statSync(file).isFile());
}

function crdsInFile(file: string): KubeObject[] {
  const text = readFileSync(file, 'utf8');
  const found: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`kubefake: cannot parse ${file}: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    const items = isPlainObject(value) && Array.isArray(value.items) && value.kind === 'List' ? value.items : [value];
    for (const item of items) {
      if (isPlainObject(item) && item.kind === 'CustomResourceDefinition' && item.apiVersion === crdApiVersion) found.push(item as KubeObject);
    }
  }
  return found;
}

/** Creates (or replaces) each CRD; the caller settles so they are Established before the cluster reports ready. */
export async function installCrds(client: InProcessClient, crds: readonly KubeObject[]): Promise<void> {
  for (const crd of crds) {
    try {
      await client.create(crdApiVersion, 'customresourcedefinitions', undefined, structuredClone(crd));
    } catch (err) {
      const name = crd.metadata?.name ?? '(unnamed)';
      throw new Error(`kubefake: cannot install CRD ${name}: ${(err as Error).message}`);
    }
  }
}
