// Server-side apply and managed fields: the public surface of src/patch/apply.
export { applyObject, LAST_APPLIED_ANNOTATION, type ApplyOptions, type ApplyResult } from './apply.js';
export { conflictError, printManager, type Conflict } from './conflict.js';
export { FieldSet } from './fieldpath.js';
export {
  buildManagerIdentifier,
  decodeManagedFields,
  DEFAULT_MAX_UPDATE_MANAGERS,
  encodeManagedFields,
  isResetManagedFields,
  ManagedFieldsError,
  managerFromRequest,
  prefixFromUserAgent,
  sortManagedFields,
  updateManagedFields,
  validatePatchOptions,
  validateWriteOptions,
  withManagedFields,
  type ManagedFieldsEntry,
  type UpdateManagedFieldsOptions,
} from './managed-fields.js';
export { elementString, fieldElement, pathString, type Path, type PathElement } from './path-element.js';
export { fieldsOf } from './typed-fields.js';
