// What every generic registry operation needs: the store, the clock, resource lookup, and option types.
import type { TokenReviewer } from '../../auth/authenticator.js';
import type { Authorizer } from '../../auth/authorization/authorizer.js';
import type { UserInfo } from '../../auth/user-info.js';
import type { Clock } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import type { Store, StoredRecord } from '../../store/types.js';
import type { Admission } from '../admission.js';
import type { Resource } from '../resource.js';
import type { FieldScan } from './field-validation.js';

export interface RegistryContext {
  store: Store;
  clock: Clock;
  /** The namespaces resource, for the "namespace must exist" rule. */
  namespaces(): Resource | undefined;
  /** A fresh UID. */
  uid(): string;
  /** Five random characters for generateName. */
  nameSuffix(): string;
  /** Mutating and validating admission (webhooks, policies) writes pass through; undefined when none would act. */
  admission(): Admission | undefined;
  /** The cluster's token authenticator, for TokenReview; undefined in a registry without one. */
  authentication?(): TokenReviewer | undefined;
  /** The cluster's authorizer, for access reviews and RBAC's escalation checks; undefined in a registry without one. */
  authorization?(): Authorizer | undefined;
}

/** An object answered to a client: the object and its JSON bytes, encoded at most once. */
export interface ObjectView {
  readonly object: Readonly<KubeObject>;
  bytes(): Buffer;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  userAgent?: string;
  /** `status` for writes to /status; undefined for the main resource. */
  subresource?: string;
  /** What to do with unknown fields (default Warn, as the apiserver's). */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** Collects `Warning` header texts for the response. */
  warnings?: string[];
  /** Duplicate keys found in the raw body, for fieldValidation. */
  fieldScan?: FieldScan;
  /** Set by server-side apply, which computes metadata.managedFields itself. */
  managedFieldsSet?: boolean;
  /** A strategic merge patch as upstream's strict-decoding Invalid shows it (`%+v`); other patches show the result. */
  patchValue?: () => string;
  /** Who is writing (after impersonation); the in-process client, which leaves it out, is the admin. */
  user?: UserInfo;
}

export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  /** Collects `Warning` header texts for the response (admission webhooks' and policies' warnings). */
  warnings?: string[];
}

export function viewOf(object: KubeObject): ObjectView {
  let encoded: Buffer | undefined;
  return {
    object,
    bytes: () => (encoded ??= Buffer.from(JSON.stringify(object))),
  };
}

export function recordView(record: StoredRecord): ObjectView {
  return record as unknown as ObjectView;
}

/** Stamps the store revision into an object's metadata without touching the caller's copy (the Versioner). */
export function stampResourceVersion(object: Record<string, unknown>, revision: number): Record<string, unknown> {
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  return { ...object, metadata: { ...metadata, resourceVersion: String(revision) } };
}
