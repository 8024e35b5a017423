// fieldValidation=Strict|Warn|Ignore: unknown fields are an error, a warning, or silently dropped, as upstream decodes.
import { errors } from '../../meta/errors.js';
import type { KubeObject } from '../../meta/types.js';
import type { SchemaNode } from '../../patch/schema-tree.js';
import type { Resource } from '../resource.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export const fieldValidationValues: readonly string[] = ['Ignore', 'Strict', 'Warn'];

/**
 * Unknown fields never reach storage (typed decoding drops them); what differs is whether the client hears of it.
 * `warnings` collects the `Warning` header texts for the response.
 */
export function validateFields(
  resource: Resource,
  object: KubeObject,
  mode: FieldValidation,
  warnings: string[] | undefined,
): void {
  const schema = resource.schema;
  if (!schema) return;
  const unknown = schema.unknownFields(object);
  if (unknown.length === 0) return;
  const problems = unknown.map((field) => `unknown field "${field}"`);
  if (mode === 'Strict') {
    const kind = resource.kind;
    throw errors.badRequest(`${kind} in version "${resource.type.version}" cannot be handled as a ${kind}: strict decoding error: ${problems.join(', ')}`);
  }
  if (mode === 'Warn') warnings?.push(...problems);
  prune(schema.node(), object);
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
