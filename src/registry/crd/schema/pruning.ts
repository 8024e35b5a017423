// Structural pruning of custom resources: which fields the schema does not allow, and dropping them, as upstream.
import type { JSONSchemaProps } from '../crd-types.js';
import { cloneJson } from '../../../meta/deep-equal.js';
import { prune as pruneByNode } from '../../generic/field-validation.js';
import { child, index, key, type FieldPath } from './field-path.js';
import { isJsonObject } from './go-values.js';
import { defaultObjectMetaNode, unknownObjectMetaFields } from './object-meta.js';

const metaFields = new Set(['apiVersion', 'kind', 'metadata']);

type Schema = JSONSchemaProps | undefined;

const itemsOf = (s: JSONSchemaProps): Schema => (s.items && !Array.isArray(s.items) ? s.items : undefined);

/** undefined: no additionalProperties; null: allowed without a schema (values prune as schemaless). */
function additionalOf(s: JSONSchemaProps): JSONSchemaProps | null | undefined {
  const a = s.additionalProperties;
  if (a === undefined) return undefined;
  return typeof a === 'object' ? a : null;
}

/** Upstream's pruning walk; `unknown` collects the dotted paths of what it drops. */
class Pruner {
  readonly unknown: string[] = [];

  prune(x: unknown, s: Schema, path: string, embedded = false): void {
    if (s?.['x-kubernetes-preserve-unknown-fields']) return this.skipPrune(x, s, path, embedded);
    if (isJsonObject(x)) {
      if (!s) {
        for (const k of Object.keys(x)) this.drop(x, k, path);
        return;
      }
      const isEmbedded = embedded || !!s['x-kubernetes-embedded-resource'];
      const additional = additionalOf(s);
      for (const k of Object.keys(x)) {
        if (isEmbedded && metaFields.has(k)) continue;
        const prop = s.properties?.[k];
        if (prop) this.prune(x[k], prop, appendKey(path, k));
        else if (additional !== undefined) this.prune(x[k], additional ?? undefined, appendKey(path, k));
        else this.drop(x, k, path);
      }
    } else if (Array.isArray(x)) {
      const items = s ? itemsOf(s) : undefined;
      x.forEach((v, i) => this.prune(v, items, `${path}[${i}]`));
    }
  }

  /** Under x-kubernetes-preserve-unknown-fields: declared fields still prune, undeclared ones stay. */
  private skipPrune(x: unknown, s: Schema, path: string, embedded = false): void {
    if (!s) return;
    if (isJsonObject(x)) {
      const isEmbedded = embedded || !!s['x-kubernetes-embedded-resource'];
      const additional = additionalOf(s);
      for (const k of Object.keys(x)) {
        if (isEmbedded && metaFields.has(k)) continue;
        const prop = s.properties?.[k];
        if (prop) this.prune(x[k], prop, appendKey(path, k));
        else if (additional !== undefined) this.prune(x[k], additional ?? undefined, appendKey(path, k));
      }
    } else if (Array.isArray(x)) {
      const items = itemsOf(s);
      x.forEach((v, i) => this.skipPrune(v, items, `${path}[${i}]`));
    }
  }

  private drop(x: Record<string, unknown>, k: string, path: string): void {
    this.unknown.push(appendKey(path, k));
    delete x[k];
  }
}

function appendKey(path: string, k: string): string {
  return path ? `${path}.${k}` : k;
}

/**
 * The metadata of every embedded resource, with its field.Path (map keys bracketed), walking the
 * schema like upstream's coercion does after pruning.
 */
function embeddedMetadata(x: unknown, s: Schema, path: FieldPath, found: [Record<string, unknown>, string][]): void {
  if (!s) return;
  if (isJsonObject(x)) {
    if (s['x-kubernetes-embedded-resource'] && 'metadata' in x) found.push([x, child(path, 'metadata')]);
    const additional = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
    for (const [k, v] of Object.entries(x)) {
      const prop = s.properties?.[k];
      if (prop) embeddedMetadata(v, prop, child(path, k), found);
      else if (additional) embeddedMetadata(v, additional, key(path, k), found);
    }
  } else if (Array.isArray(x)) {
    const items = itemsOf(s);
    x.forEach((v, i) => embeddedMetadata(v, items, index(path, i), found));
  }
}

/**
 * Field paths the schema does not allow (root apiVersion/kind/metadata and embedded resources kept), worded
 * as upstream's unknown-field warnings word them. Upstream's order: unknown root metadata fields, then the
 * pruned paths sorted, then unknown fields of embedded metadata, sorted. Does not modify.
 */
export function unknownCustomResourceFields(schema: JSONSchemaProps, object: unknown): string[] {
  if (!isJsonObject(object)) return [];
  const copy = cloneJson(object);
  const found = unknownObjectMetaFields(copy.metadata, 'metadata');
  const pruner = new Pruner();
  pruner.prune(copy, schema, '', true);
  found.push(...pruner.unknown.sort());
  const embedded: [Record<string, unknown>, string][] = [];
  embeddedMetadata(copy, schema, undefined, embedded);
  found.push(...embedded.flatMap(([owner, path]) => unknownObjectMetaFields(owner.metadata, path)).sort());
  return found;
}

/** Drops the fields unknownCustomResourceFields names, in place (metadata keeps only ObjectMeta's fields). */
export function pruneCustomResource(schema: JSONSchemaProps, object: unknown): void {
  if (!isJsonObject(object)) return;
  new Pruner().prune(object, schema, '', true);
  const objectMeta = defaultObjectMetaNode();
  pruneByNode(objectMeta, object.metadata);
  const embedded: [Record<string, unknown>, string][] = [];
  embeddedMetadata(object, schema, undefined, embedded);
  for (const [owner] of embedded) pruneByNode(objectMeta, owner.metadata);
}
