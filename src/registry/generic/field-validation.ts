// fieldValidation=Strict|Warn|Ignore: unknown fields are an error, a warning, or silently dropped, as upstream decodes.
import { errors } from '../../meta/errors.js';
import { invalidCause } from '../../meta/field-errors.js';
import type { KubeObject } from '../../meta/types.js';
import type { SchemaNode } from '../../patch/schema-tree.js';
import type { Resource } from '../resource.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export const fieldValidationValues: readonly string[] = ['Ignore', 'Strict', 'Warn'];

/** What a scan of the raw request body found (the HTTP layer makes it; parsed JSON has lost duplicates). */
export interface FieldScan {
  /** Paths of repeated keys with the offset of the repeat, in document order. */
  duplicates: { path: string; at: number }[];
  /** The offset where each key path first appears: lets other findings be reported in document order. */
  firstSeen: Map<string, number>;
}

/**
 * Unknown fields never reach storage (typed decoding drops them); what differs is whether the client hears of it.
 * `warnings` collects the `Warning` header texts for the response.
 */
export function validateFields(
  resource: Resource,
  object: KubeObject,
  mode: FieldValidation,
  warnings: string[] | undefined,
  scan?: FieldScan,
  /** Set for a patched object: upstream judges it after patching and reports an Invalid `patch` with this value. */
  patchValue?: () => string,
): void {
  const schema = resource.schema;
  if (!schema || mode === 'Ignore') {
    if (schema) prune(schema.node(), object);
    return;
  }
  const unknown = schema.unknownFields(object);
  const duplicates = scan?.duplicates ?? [];
  if (unknown.length === 0 && duplicates.length === 0) return;
  // Upstream reports both kinds in the order its decoder met them in the body.
  const found = [
    ...duplicates.map((d) => ({ at: d.at, text: `duplicate field "${d.path}"` })),
    ...unknown.map((field, i) => ({ at: scan?.firstSeen.get(field) ?? Number.MAX_SAFE_INTEGER + i, text: `unknown field "${field}"` })),
  ].sort((a, b) => a.at - b.at);
  const problems = found.map((f) => f.text);
  if (mode === 'Strict') {
    if (patchValue) throw errors.invalid('', '', '', [invalidCause('patch', patchValue(), `strict decoding error: ${problems.join(', ')}`)]);
    const kind = resource.kind;
    throw errors.badRequest(`${kind} in version "${resource.type.version}" cannot be handled as a ${kind}: strict decoding error: ${problems.join(', ')}`);
  }
  if (mode === 'Warn') warnings?.push(...problems);
  if (unknown.length > 0) prune(schema.node(), object);
}

/** Deletes every field the schema does not declare, in place (maps and lists are walked, free-form values kept). */
export function prune(node: SchemaNode, value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  switch (node.kind) {
    case 'struct': {
      const object = value as Record<string, unknown>;
      for (const key of Object.keys(object)) {
        const child = node.field(key);
        if (!child) delete object[key];
        else prune(child, object[key]);
      }
      return;
    }
    case 'map': {
      const element = node.element();
      for (const child of Object.values(value as Record<string, unknown>)) prune(element, child);
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return;
      const element = node.element();
      for (const child of value) prune(element, child);
      return;
    }
    default:
      return;
  }
}
