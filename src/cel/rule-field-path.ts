// Field paths for CRD validation rules: Go field.Path rendering and upstream's ValidFieldPath for a rule's fieldPath.
import type { JSONSchemaProps } from '../registry/crd/crd-types.js';
import { validFieldPath as resolveFieldPath } from '../registry/crd/structural-schema-field-path.js';

/** field.Path.Child: a nil (empty) parent renders as the bare name. */
export function childPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}

export function indexPath(parent: string, index: number | string): string {
  return `${parent}[${index}]`;
}

/** field.Path.String() of a possibly nil path. */
export function renderPath(path: string): string {
  return path === '' ? '<nil>' : path;
}

/** upstream ValidFieldPath for a rule's fieldPath: the path (from a nil root) it names, or the error text. */
export function validFieldPath(jsonPath: string, schema: JSONSchemaProps): { path: string } | { error: string } {
  try {
    return { path: resolveFieldPath(jsonPath, schema).path };
  } catch (err) {
    return { error: (err as Error).message };
  }
}
