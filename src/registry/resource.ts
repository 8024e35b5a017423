// A served resource: its upstream type facts, its strategy, and where its objects live in the store.
import type { GroupResource } from '../meta/errors.js';
import type { ResourceType } from './resource-table.js';
import { groupVersionString } from './resource-table.js';
import type { Strategy } from './strategy.js';
import { storagePrefixOf } from '../store/storage-keys.js';
import type { SchemaNode } from '../patch/schema-tree.js';
import type { TypeMismatch } from './schema/typed-decode.js';

/** What the kind's OpenAPI schema tells the pipeline; each part is compiled on first use. */
export interface ResourceSchema {
  /** The first value of the wrong JSON type for the kind's Go struct, as decoding into it would find. */
  typeCheck(object: unknown): TypeMismatch | undefined;
  /** Paths of fields the kind does not declare, worded as upstream's strict decoder words them. */
  unknownFields(object: unknown): string[];
  /** The schema navigator strategic merge patch, apply and pruning walk. */
  node(): SchemaNode;
}

export { storagePrefixOf } from '../store/storage-keys.js';

/** What discovery and the handlers must know of a custom resource's served version beyond its type. */
export interface CustomResourceServing {
  /** The CRD's name, `<plural>.<group>`. */
  crdName: string;
  /** Discovery lists only Established CRDs; one whose names are merely accepted is served but not listed. */
  established: boolean;
  /** A CRD being deleted: no creates, and discovery shows only delete, deletecollection, get, list and watch. */
  terminating: boolean;
  /** The Warning every request to a deprecated version is answered with. */
  deprecationWarning?: string;
  storageVersionHash: string;
}

export class Resource {
  readonly apiVersion: string;
  readonly groupResource: GroupResource;
  /** The kind including group for messages like `Deployment.apps "x" is invalid`. */
  readonly hasStatus: boolean;
  /** Whether objects of this kind have a spec whose changes bump metadata.generation. */
  readonly tracksGeneration: boolean;
  private readonly storagePrefix: string;

  constructor(
    readonly type: ResourceType,
    readonly strategy: Strategy,
    /** The group/resource whose storage this resource shares (events.k8s.io events live with core events). */
    storageGroupResource: GroupResource,
    /** Absent for kinds without a schema (nothing is type-checked or pruned then). */
    readonly schema?: ResourceSchema,
    /** Set for the served versions of custom resources. */
    readonly custom?: CustomResourceServing,
  ) {
    this.apiVersion = groupVersionString(type.group, type.version);
    this.groupResource = { group: type.group, resource: type.resource };
    this.hasStatus = type.subresources.has('status');
    this.tracksGeneration = strategy.tracksGeneration ?? false;
    this.storagePrefix = storagePrefixOf(storageGroupResource);
  }

  get namespaced(): boolean {
    return this.type.namespaced;
  }

  get kind(): string {
    return this.type.kind;
  }

  /** The store key of one object. */
  key(namespace: string | undefined, name: string): string {
    return this.namespaced ? `${this.storagePrefix}${namespace}/${name}` : `${this.storagePrefix}${name}`;
  }

  /** The key prefix of a list: one namespace, or all of them when `namespace` is empty. */
  prefix(namespace: string | undefined): string {
    return this.namespaced && namespace ? `${this.storagePrefix}${namespace}/` : this.storagePrefix;
  }
}
