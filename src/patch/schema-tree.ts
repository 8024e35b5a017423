// Navigates the OpenAPI definitions as patch and apply see them: object fields, maps, lists and their patch metadata.

export type NodeKind = 'struct' | 'map' | 'list' | 'scalar' | 'any';

export interface SchemaNode {
  readonly kind: NodeKind;
  /** `x-kubernetes-patch-strategy`, split: `merge`, `replace`, `retainKeys`. */
  readonly patchStrategies: readonly string[];
  readonly patchMergeKey: string | undefined;
  /** `x-kubernetes-list-type` (lists default to atomic for apply). */
  readonly listType: 'atomic' | 'set' | 'map' | undefined;
  readonly listMapKeys: readonly string[];
  /** `x-kubernetes-map-type` on maps and structs (`atomic` structs are replaced whole by apply). */
  readonly mapType: 'atomic' | 'granular' | undefined;
  /** The definition this position resolves to (`io.k8s.api.apps.v1.DeploymentSpec`); undefined for inline schemas. */
  readonly definition?: string;
  /** The schema of a struct's field, or undefined when the struct does not declare it. */
  field(name: string): SchemaNode | undefined;
  /** The schema of a map's values or a list's items. */
  element(): SchemaNode;
  /** Declared field names of a struct, in schema order. */
  fieldNames(): readonly string[];
}

type Json = Record<string, unknown>;

const refPrefix = '#/definitions/';

class Node implements SchemaNode {
  readonly kind: NodeKind;
  readonly patchStrategies: readonly string[];
  readonly patchMergeKey: string | undefined;
  readonly listType: 'atomic' | 'set' | 'map' | undefined;
  readonly listMapKeys: readonly string[];
  readonly mapType: 'atomic' | 'granular' | undefined;
  private readonly fields = new Map<string, SchemaNode | undefined>();
  private elementNode: SchemaNode | undefined;

  constructor(
    private readonly tree: SchemaTree,
    /** The property schema (carries field-level extensions). */
    private readonly site: Json,
    /** The resolved schema ($ref followed). */
    private readonly resolved: Json,
    readonly definition?: string,
  ) {
    const ext = (name: string) => site[name] ?? resolved[name];
    this.patchStrategies = typeof ext('x-kubernetes-patch-strategy') === 'string' ? (ext('x-kubernetes-patch-strategy') as string).split(',') : [];
    this.patchMergeKey = ext('x-kubernetes-patch-merge-key') as string | undefined;
    this.listType = ext('x-kubernetes-list-type') as SchemaNode['listType'];
    this.listMapKeys = (ext('x-kubernetes-list-map-keys') as string[] | undefined) ?? [];
    this.mapType = ext('x-kubernetes-map-type') as SchemaNode['mapType'];
    this.kind = kindOf(resolved);
  }

  field(name: string): SchemaNode | undefined {
    if (this.kind !== 'struct') return undefined;
    if (!this.fields.has(name)) {
      const props = this.resolved.properties as Record<string, Json> | undefined;
      const prop = props?.[name];
      this.fields.set(name, prop ? this.tree.node(prop) : undefined);
    }
    return this.fields.get(name);
  }

  element(): SchemaNode {
    if (!this.elementNode) {
      const schema = (this.kind === 'list' ? this.resolved.items : this.resolved.additionalProperties) as Json | undefined;
      this.elementNode = schema && typeof schema === 'object' ? this.tree.node(schema) : this.tree.anyNode;
    }
    return this.elementNode;
  }

  fieldNames(): readonly string[] {
    return Object.keys((this.resolved.properties as Json | undefined) ?? {});
  }
}

function kindOf(schema: Json): NodeKind {
  if (schema.type === 'array') return 'list';
  if (schema.properties) return 'struct';
  if (schema.type === 'object') return schema.additionalProperties && typeof schema.additionalProperties === 'object' ? 'map' : 'any';
  if (schema.type === undefined && !schema.format) return 'any';
  return 'scalar';
}

/** Builds nodes lazily: definitions are recursive (JSONSchemaProps), so nothing is expanded until it is visited. */
export class SchemaTree {
  private readonly byRef = new Map<string, SchemaNode>();
  readonly anyNode: SchemaNode;

  constructor(private readonly definitions: Record<string, unknown>) {
    this.anyNode = new Node(this, {}, {});
  }

  /** The node of a top-level definition, e.g. `io.k8s.api.apps.v1.Deployment`. */
  root(definition: string): SchemaNode | undefined {
    const schema = this.definitions[definition] as Json | undefined;
    return schema ? this.node({ $ref: refPrefix + definition }) : undefined;
  }

  node(site: Json): SchemaNode {
    const ref = site.$ref as string | undefined;
    if (!ref) return new Node(this, site, site);
    const definition = ref.startsWith(refPrefix) ? ref.slice(refPrefix.length) : undefined;
    const hasSiteExtensions = Object.keys(site).some((k) => k.startsWith('x-kubernetes-'));
    if (!hasSiteExtensions) {
      let cached = this.byRef.get(ref);
      if (!cached) this.byRef.set(ref, (cached = new Node(this, site, this.resolve(ref), definition)));
      return cached;
    }
    return new Node(this, site, this.resolve(ref), definition);
  }

  private resolve(ref: string): Json {
    return (this.definitions[ref.slice(refPrefix.length)] as Json | undefined) ?? {};
  }
}

const trees = new WeakMap<object, SchemaTree>();

/** One tree per definitions object, shared by every cluster in the process. */
export function schemaTree(definitions: Record<string, unknown>): SchemaTree {
  let tree = trees.get(definitions);
  if (!tree) trees.set(definitions, (tree = new SchemaTree(definitions)));
  return tree;
}
