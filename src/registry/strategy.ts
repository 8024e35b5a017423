// The per-resource strategy contract: everything a resource does differently from the generic registry.
import type { KubeObject, StatusCause } from '../meta/types.js';
import type { TokenReviewer } from '../auth/authenticator.js';
import type { UserInfo } from '../auth/user-info.js';
import type { Authorizer } from '../auth/authorization/authorizer.js';
import type { GroupResource } from '../meta/errors.js';
import type { Store } from '../store/types.js';

/** A server-side printing column, as in meta.k8s.io/v1 Table.columnDefinitions. */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  priority: number;
}

export interface TablePrinter {
  /** Columns after NAME (which is always first); AGE is included where upstream shows it. */
  columns: TableColumn[];
  /** One cell per column in `columns`, NAME excluded. `now` is the clock's current time in ms. */
  cells(obj: KubeObject, now: number): unknown[];
}

export interface StrategyContext {
  /** The clock's current time in ms since the epoch (strategies never read the system time themselves). */
  now: number;
}

/** What a review answers from: who asked (after impersonation) and the cluster's authenticator. */
export interface ReviewContext {
  user: UserInfo;
  /** The clock's current time in ms. */
  now: number;
  /** Absent when the cluster authenticates nothing (a bare registry): TokenReview then answers with an empty status. */
  tokens?: TokenReviewer;
  /** The cluster's authorizer, which access reviews answer from; absent in a bare registry (everything allowed). */
  authorizer?: Authorizer;
  /** The request's namespace (LocalSubjectAccessReview must match it). */
  namespace?: string;
}

/** Who writes what, for a resource whose writes are authorized beyond the request itself (RBAC's escalation check). */
export interface WriteAuthorizationContext {
  resource: GroupResource;
  user: UserInfo;
  authorizer: Authorizer;
  namespace?: string;
  /** The name in the URL; undefined on a POST. */
  name?: string;
  /** The stored object, on updates. */
  old?: KubeObject;
}

/** What a mutating admission plugin may read besides the object: other resources, as its informers would list them. */
export interface AdmissionContext {
  now: number;
  /** Every stored object of a resource, e.g. `list('storage.k8s.io', 'storageclasses')`. */
  list(group: string, resource: string): Promise<KubeObject[]>;
}

/** How the scale subresource reads and writes replicas where they are not at spec.replicas (custom resources). */
export interface ScaleAccess {
  /**
   * The autoscaling/v1 Scale view. For `get`, an object without desired replicas is an error; for `update` its
   * replicas read as a marker that withReplicas refuses unless the client's Scale sets them.
   */
  scaleOf(object: KubeObject, purpose: 'get' | 'update'): KubeObject;
  /** A copy of the object with its desired replicas set. */
  withReplicas(object: KubeObject, replicas: number): KubeObject;
}

export interface Strategy {
  /** Applies the defaults the real apiserver applies to this resource (mutates in place). */
  applyDefaults?(obj: KubeObject): void;
  /** Resource-specific create preparation (e.g. clearing status, setting initial phase). Mutates. */
  prepareForCreate?(obj: KubeObject, ctx: StrategyContext): void;
  /**
   * Mutating admission on create (upstream's plugins such as DefaultStorageClass), which may read other resources;
   * runs after the system fields are set and before validation. Mutates; throws an ApiError to refuse.
   */
  admitCreate?(obj: KubeObject, ctx: AdmissionContext): Promise<void>;
  /** Resource-specific update preparation, given the stored object. Mutates `obj`. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: StrategyContext): void;
  /**
   * Resource-specific validation; field paths as upstream prints them (`spec.containers[0].image`). `subresource` is
   * set on updates through one (`status`), whose upstream strategies often validate less.
   */
  validate?(obj: KubeObject, old?: KubeObject, subresource?: string): StatusCause[];
  /** Field selector fields beyond metadata.name/metadata.namespace, with their values for `obj`. */
  selectableFields?(obj: KubeObject): Record<string, string>;
  /** The field selector keys `selectableFields` supports (so unsupported ones get a 400). */
  selectableFieldNames?: string[];
  /** Server-side printing columns (`kubectl get`); NAME + AGE when absent. */
  table?: TablePrinter;
  /** How names are validated (upstream's ValidateNameFunc for the kind); DNS-1123 subdomain when absent. */
  nameValidation?: 'dns1123Subdomain' | 'dns1123Label' | 'dns1035Label' | 'pathSegment';
  /** Whether `metadata.generation` is set on create and bumped when anything but metadata and status changes. */
  tracksGeneration?: boolean;
  /** Status changes bump the generation too (custom resources without a status subresource, as upstream). */
  generationCountsStatus?: boolean;
  /** Custom resources: no Go types, so no strategic merge patch (upstream answers 415). */
  unstructured?: boolean;
  /** Where the scale subresource finds replicas; spec.replicas and spec.selector when absent. */
  scale?: ScaleAccess;
  /**
   * Whether a delete must wait (graceful deletion, e.g. a pod bound to a node): returns the grace period in
   * seconds to record in deletionTimestamp, or 0 to delete at once.
   */
  gracefulDeleteSeconds?(obj: KubeObject, requested: number | undefined): number;
  /**
   * Checks a create or update by an HTTP client (the in-process client is the admin and skips it) before admission
   * and validation, as upstream's policybased RBAC storage wraps the store; throws an ApiError (403) to refuse.
   */
  authorizeWrite?(obj: KubeObject, ctx: WriteAuthorizationContext): Promise<void>;
  /** Create-only review resources (SelfSubjectAccessReview, TokenReview…): answered, never stored. */
  review?(obj: KubeObject, ctx: ReviewContext): KubeObject | Promise<KubeObject>;
  /** Whether PUT may create an absent object (upstream AllowCreateOnUpdate). */
  allowCreateOnUpdate?: boolean;
  /** Whether DELETE answers with the deleted object rather than a Success Status (upstream ReturnDeletedObject). */
  returnDeletedObject?: boolean;
  /**
   * Admission's refusal of a delete (e.g. NamespaceLifecycle keeps `default` and `kube-system`): the reason, worded
   * as upstream's Forbidden message ends, or undefined to allow it. Checked before anything else, as admission runs.
   */
  forbidDelete?(obj: KubeObject): string | undefined;
  /** Whether a create keeps the body's status (upstream's node strategy: kubelets register nodes with status). */
  keepsStatusOnCreate?: boolean;
  /** A /status write keeps the body's metadata except labels (upstream's deploymentStatusStrategy); others keep none. */
  statusKeepsMetadataExceptLabels?: boolean;
  /** Finalizers the resource sets itself on delete before it can go (e.g. namespaces wait for their content). */
  onDelete?(obj: KubeObject, ctx: StrategyContext): 'keep' | 'delete';
  /**
   * Called once when the registry is built, with the store and the key prefix of the resource's objects: for
   * state derived from what is stored (the Service ClusterIP and NodePort allocations), kept current by watching.
   */
  attach?(store: Store, prefix: string): void;
}
