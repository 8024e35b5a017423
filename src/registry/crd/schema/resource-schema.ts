// The ResourceSchema a served CRD version hands the request pipeline (type check, unknown fields, navigator).
import type { SchemaNode } from '../../../patch/schema-tree.js';
import type { ResourceSchema } from '../../resource.js';
import type { JSONSchemaProps } from '../crd-types.js';
import { objectMetaDefinition } from './object-meta.js';
import { loadSwagger } from '../../../openapi/openapi-v2.js';
import { compileTypeChecker } from '../../schema/typed-decode.js';
import type { TypeMismatch } from '../../schema/schema-nodes.js';
import { unknownCustomResourceFields } from './pruning.js';
import { customResourceSchemaNode } from './schema-node.js';

let objectMetaChecker: ((metadata: unknown) => TypeMismatch | undefined) | undefined;

/**
 * Custom resources decode unstructured, but upstream's schemaobjectmeta.Coerce then decodes `metadata` into an
 * ObjectMeta: a field of the wrong type there (a list for a name, a number for a label) is a 400, never a crash later.
 */
function checkObjectMeta(object: unknown): TypeMismatch | undefined {
  const metadata = typeof object === 'object' && object !== null ? (object as { metadata?: unknown }).metadata : undefined;
  // Not an object at all: checkBody words that error itself.
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return undefined;
  objectMetaChecker ??= compileTypeChecker((loadSwagger().definitions ?? {}) as Record<string, unknown>, objectMetaDefinition);
  return objectMetaChecker(metadata);
}

/**
 * typeCheck checks only metadata (the rest decodes unstructured), unknownFields = unknownCustomResourceFields,
 * node = customResourceSchemaNode.
 */
export function customResourceSchema(schema: JSONSchemaProps, objectMeta: SchemaNode): ResourceSchema {
  const root = customResourceSchemaNode(schema, objectMeta);
  return {
    typeCheck: checkObjectMeta,
    unknownFields: (object) => unknownCustomResourceFields(schema, object),
    node: () => root,
  };
}
