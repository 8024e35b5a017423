// The SchemaNode view of a CRD schema, so strategic merge, apply and the generic pruner walk custom resources.
import type { NodeKind, SchemaNode } from '../../../patch/schema-tree.js';
import type { JSONSchemaProps } from '../crd-types.js';

type Schema = JSONSchemaProps | undefined;

class LeafNode implements SchemaNode {
  readonly patchStrategies: readonly string[] = [];
  readonly patchMergeKey = undefined;
  readonly listType = undefined;
  readonly listMapKeys: readonly string[] = [];
  readonly mapType = undefined;
  constructor(readonly kind: 'any' | 'scalar') {}
  field(): SchemaNode | undefined {
    return undefined;
  }
  element(): SchemaNode {
    return anyNode;
  }
  fieldNames(): readonly string[] {
    return [];
  }
}

const anyNode = new LeafNode('any');
const scalarNode = new LeafNode('scalar');

const listTypes = new Set(['atomic', 'set', 'map']);
const mapTypes = new Set(['atomic', 'granular']);

class CrdNode implements SchemaNode {
  readonly kind: NodeKind;
  readonly patchStrategies: readonly string[] = [];
  readonly patchMergeKey = undefined;
  readonly listType: SchemaNode['listType'];
  readonly listMapKeys: readonly string[];
  readonly mapType: SchemaNode['mapType'];
  private readonly preserve: boolean;
  private readonly embedded: boolean;
  private readonly children = new Map<string, SchemaNode | undefined>();
  private elementNode: SchemaNode | undefined;

  constructor(
    private readonly schema: Schema,
    private readonly objectMeta: SchemaNode,
    /** Inside an array under x-kubernetes-preserve-unknown-fields, items keep unknown fields too. */
    inheritedPreserve: boolean,
    root: boolean,
  ) {
    const s = schema ?? {};
    this.preserve = inheritedPreserve || !!s['x-kubernetes-preserve-unknown-fields'];
    this.embedded = root || !!s['x-kubernetes-embedded-resource'];
    const listType = s['x-kubernetes-list-type'];
    const mapType = s['x-kubernetes-map-type'];
    this.listType = listType && listTypes.has(listType) ? (listType as SchemaNode['listType']) : undefined;
    this.listMapKeys = s['x-kubernetes-list-map-keys'] ?? [];
    this.mapType = mapType && mapTypes.has(mapType) ? (mapType as SchemaNode['mapType']) : undefined;
    this.kind = this.kindOf(schema);
  }

  private kindOf(s: Schema): NodeKind {
    // No schema at all: every field of an object is unknown (upstream prunes them all).
    if (!s) return 'struct';
    if (s.type === 'array') return 'list';
    if (s.additionalProperties !== undefined && s.additionalProperties !== false && !s.properties) return 'map';
    if (s.properties || this.embedded) return 'struct';
    if (s['x-kubernetes-int-or-string']) return 'scalar';
    if (this.preserve) return 'any';
    if (s.type === 'object' || s.type === undefined) return 'struct';
    return 'scalar';
  }

  field(name: string): SchemaNode | undefined {
    if (this.kind !== 'struct') return undefined;
    if (!this.children.has(name)) this.children.set(name, this.resolveField(name));
    return this.children.get(name);
  }

  private resolveField(name: string): SchemaNode | undefined {
    if (this.embedded && (name === 'apiVersion' || name === 'kind')) return scalarNode;
    if (this.embedded && name === 'metadata') return this.objectMeta;
    const prop = this.schema?.properties?.[name];
    if (prop) return new CrdNode(prop, this.objectMeta, false, false);
    return this.preserve ? anyNode : undefined;
  }

  element(): SchemaNode {
    if (!this.elementNode) {
      const s = this.schema;
      if (this.kind === 'list') {
        const items = s?.items && !Array.isArray(s.items) ? s.items : undefined;
        this.elementNode = items || !this.preserve ? new CrdNode(items, this.objectMeta, this.preserve, false) : anyNode;
      } else if (this.kind === 'map') {
        const additional = typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined;
        this.elementNode = new CrdNode(additional, this.objectMeta, false, false);
      } else this.elementNode = anyNode;
    }
    return this.elementNode;
  }

  fieldNames(): readonly string[] {
    const declared = Object.keys(this.schema?.properties ?? {});
    if (!this.embedded) return declared;
    return [...['apiVersion', 'kind', 'metadata'].filter((n) => !declared.includes(n)), ...declared];
  }
}

/**
 * The schema navigator (SchemaNode) that strategic-merge/apply/pruning walk, for a CRD schema. `metadata` at the
 * root (and in embedded resources) resolves to `objectMeta`. Preserve-unknown-fields positions accept any field
 * (undeclared names answer an 'any' node); int-or-string and untyped positions are scalars/'any'.
 */
export function customResourceSchemaNode(schema: JSONSchemaProps, objectMeta: SchemaNode): SchemaNode {
  return new CrdNode(schema, objectMeta, false, true);
}
