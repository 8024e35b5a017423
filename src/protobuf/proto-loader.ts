// Lazily parses the bundled upstream .proto files into one shared protobufjs Root per process.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** proto/ at the package root; src/protobuf and dist/protobuf are both two levels below it. */
export const PROTO_BASE = fileURLToPath(new URL('../../proto/', import.meta.url));

const root = new protobuf.Root();
const parsedFiles = new Set<string>();
let versionIndex: Map<string, string> | undefined;

/**
 * Parses `file` (a path relative to proto/, as written in import statements) and its imports.
 * Imports missing from proto/ are tolerated: fields typed from them are dropped from their
 * messages, so such fields are skipped as unknown on decode instead of failing the whole group
 * (batch/v1 imports an alpha scheduling package that is not bundled).
 */
export function loadProtoFile(file: string): protobuf.Root {
  if (parsedFiles.has(file)) return root;
  const state = { added: 0, missing: 0 };
  parseRecursive(file, state);
  if (state.missing > 0) pruneUnresolvable(root);
  if (state.added > 0) root.resolveAll();
  return root;
}

function parseRecursive(file: string, state: { added: number; missing: number }): void {
  if (parsedFiles.has(file)) return;
  parsedFiles.add(file);
  const full = path.join(PROTO_BASE, file);
  if (!statSync(full, { throwIfNoEntry: false })?.isFile()) {
    state.missing++;
    return;
  }
  // keepCase: the k8s proto field names are the JSON names (camelCase would mangle `Raw`, `uID`).
  const parsed = protobuf.parse(readFileSync(full, 'utf8'), root, { keepCase: true });
  state.added++;
  for (const imp of parsed.imports ?? []) parseRecursive(imp, state);
}

function pruneUnresolvable(ns: protobuf.NamespaceBase): void {
  for (const child of ns.nestedArray) {
    if (child instanceof protobuf.Type) {
      for (const field of child.fieldsArray) {
        try {
          field.resolve();
        } catch {
          child.remove(field);
        }
      }
    }
    if (child instanceof protobuf.Namespace || child instanceof protobuf.Type) pruneUnresolvable(child);
  }
}

/**
 * Maps "<name>/<version>" (e.g. "apps/v1", "meta/v1", "apiextensions/v1") to the proto file
 * for that API version, by scanning proto/ for `.../<name>/<version>/generated.proto`.
 */
export function protoVersionIndex(): Map<string, string> {
  if (versionIndex) return versionIndex;
  const index = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(PROTO_BASE, rel), { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(childRel);
      else if (entry.name === 'generated.proto') {
        const parts = rel.split('/');
        const version = parts[parts.length - 1];
        const name = parts[parts.length - 2];
        if (name && version && /^v\d+((alpha|beta)\d+)?$/.test(version)) index.set(`${name}/${version}`, childRel);
      }
    }
  };
  walk('');
  versionIndex = index;
  return index;
}

/** The `package` declared by a bundled proto file (read without parsing the whole file). */
export function protoPackageOf(file: string): string | undefined {
  const text = readFileSync(path.join(PROTO_BASE, file), 'utf8');
  return /^package\s+([\w.]+)\s*;/m.exec(text)?.[1];
}
