// Where a group/resource's objects live in the store, shared by the registry and readers below it (the RBAC index).
import type { GroupResource } from '../meta/errors.js';

/** Where a group/resource's objects live in the store: `/registry/<group or core>/<resource>/`. */
export function storagePrefixOf(groupResource: GroupResource): string {
  return `/registry/${groupResource.group || 'core'}/${groupResource.resource}/`;
}
