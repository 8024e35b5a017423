// The ResourceSchema a served CRD version hands the request pipeline (type check, unknown fields, navigator).
import type { SchemaNode } from '../../../patch/schema-tree.js';
import type { ResourceSchema } from '../../resource.js';
import type { JSONSchemaProps } from '../crd-types.js';
import { unknownCustomResourceFields } from './pruning.js';
import { customResourceSchemaNode } from './schema-node.js';

/**
 * typeCheck never fails (custom resources decode unstructured), unknownFields = unknownCustomResourceFields,
 * node = customResourceSchemaNode.
 */
export function customResourceSchema(schema: JSONSchemaProps, objectMeta: SchemaNode): ResourceSchema {
  const root = customResourceSchemaNode(schema, objectMeta);
  return {
    typeCheck: () => undefined,
    unknownFields: (object) => unknownCustomResourceFields(schema, object),
    node: () => root,
  };
}
