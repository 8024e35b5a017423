// ObjectMeta as custom resources see it: the built-in definition from the swagger, for pruning and decoding checks.
import { loadSwagger } from '../../../openapi/openapi-v2.js';
import { schemaTree, type SchemaNode } from '../../../patch/schema-tree.js';
import { compileTypeChecker, unknownFields } from '../../schema/typed-decode.js';

export const objectMetaDefinition = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

function definitions(): Record<string, unknown> {
  return (loadSwagger().definitions ?? {}) as Record<string, unknown>;
}

/** The ObjectMeta schema node of the built-in OpenAPI definitions. */
export function defaultObjectMetaNode(): SchemaNode {
  const node = schemaTree(definitions()).root(objectMetaDefinition);
  if (!node) throw new Error(`${objectMetaDefinition} missing from the OpenAPI definitions`);
  return node;
}

/** The error json.Unmarshal into a metav1.ObjectMeta gives for `metadata`, if any. */
export function objectMetaDecodeError(metadata: unknown): string | undefined {
  if (metadata === null || metadata === undefined) return undefined;
  return compileTypeChecker(definitions(), objectMetaDefinition)(metadata)?.message;
}

/** Fields of `metadata` a strict decode into ObjectMeta calls unknown, as `<prefix>.metadata.<path>`. */
export function unknownObjectMetaFields(metadata: unknown, prefix: string): string[] {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return [];
  if (objectMetaDecodeError(metadata) !== undefined) return [];
  return unknownFields(definitions(), objectMetaDefinition, metadata).map((p) => `${prefix}.${p}`);
}
