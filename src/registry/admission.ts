// The admission contract the request pipeline calls: mutating then validating plugins (webhooks, policies) per write.
import type { KubeObject } from '../meta/types.js';
import type { Resource } from './resource.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionUser {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** The user every request is made as until authentication lands: kind's and envtest's admin. */
export const defaultAdmissionUser: AdmissionUser = { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

/** One write as admission sees it (upstream admission.Attributes). */
export interface AdmissionRequest {
  operation: AdmissionOperation;
  /** The resource addressed (its group, version, resource, kind and scope). */
  resource: Resource;
  /** `status`, `scale`… for writes through a subresource. */
  subresource?: string;
  namespace?: string;
  name: string;
  /**
   * The object being written; mutating plugins change it in place (or replace it through `setObject`).
   * Absent for DELETE.
   */
  object?: KubeObject;
  /** The stored object, for UPDATE and DELETE. */
  oldObject?: KubeObject;
  dryRun: boolean;
  /** CreateOptions / UpdateOptions / DeleteOptions as upstream passes them (with kind and apiVersion meta.k8s.io/v1). */
  options: Record<string, unknown>;
  userInfo: AdmissionUser;
  /** Collects `Warning` header texts for the response (webhook and policy warnings). */
  warnings?: string[];
}

export interface Admission {
  /** Whether anything is configured that could act on a write; false lets the pipeline skip admission. */
  active?(): boolean;
  /** Mutating admission: may change `request.object` in place; throws an ApiError to deny. */
  mutate(request: AdmissionRequest): Promise<void>;
  /** Validating admission: throws an ApiError to deny; must not change the object. */
  validate(request: AdmissionRequest): Promise<void>;
}
