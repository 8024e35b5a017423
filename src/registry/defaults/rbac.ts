// rbac.authorization.k8s.io/v1 defaulting: the roleRef and subject API groups of (Cluster)RoleBindings.
import type { KubeObject } from '../../meta/types.js';
import { eachObject, objectAt, setIfEmptyString } from './util.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/**
 * Defaults a RoleBinding or ClusterRoleBinding: roleRef.apiGroup is the RBAC group, and User/Group subjects
 * take the RBAC group too (ServiceAccount subjects stay in the core group, "", which is omitted on output).
 */
export function defaultRoleBinding(obj: KubeObject): void {
  // roleRef is a non-pointer struct upstream, but only its apiGroup is defaulted, so a missing one is not invented.
  const roleRef = objectAt(obj, 'roleRef');
  if (roleRef) setIfEmptyString(roleRef, 'apiGroup', RBAC_GROUP);
  eachObject(obj, 'subjects', (subject) => {
    if (subject.kind === 'User' || subject.kind === 'Group') setIfEmptyString(subject, 'apiGroup', RBAC_GROUP);
  });
}

/** Roles and ClusterRoles have no defaults. */
export function defaultRole(_obj: KubeObject): void {}
