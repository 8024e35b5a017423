// Compiles a request's label and field selectors into one matcher over stored objects.
import { ApiError } from '../../meta/errors.js';
import { parseFieldSelector, unknownFieldSelectorError, unsupportedFieldError } from '../../meta/field-selector.js';
import { parseLabelSelector } from '../../meta/label-selector.js';
import type { KubeObject } from '../../meta/types.js';
import type { Resource } from '../resource.js';

export type ObjectMatcher = (object: KubeObject) => boolean;

/** Returns undefined when both selectors select everything (so callers can skip filtering entirely). */
export function compileSelectors(
  resource: Resource,
  labelSelector: string | undefined,
  fieldSelector: string | undefined,
): ObjectMatcher | undefined {
  const labels = labelSelector ? parseLabelSelector(labelSelector) : undefined;
  const fields = fieldSelector ? parseFieldSelector(fieldSelector) : undefined;
  const supported = new Set(['metadata.name', 'metadata.namespace', ...(resource.strategy.selectableFieldNames ?? [])]);
  for (const requirement of fields?.requirements ?? []) {
    if (supported.has(requirement.field)) continue;
    // Kinds that register their own field labels answer like their conversion func; the rest like the default one.
    throw (resource.strategy.selectableFieldNames ? unsupportedFieldError(requirement.field) : unknownFieldSelectorError(requirement.field)) as ApiError;
  }
  const labelMatch = labels && !labels.empty ? labels : undefined;
  const fieldMatch = fields && fields.requirements.length > 0 ? fields : undefined;
  if (!labelMatch && !fieldMatch) return undefined;
  const selectable = resource.strategy.selectableFields;
  const onlyMetadata = fieldMatch?.requirements.every((r) => r.field.startsWith('metadata.')) ?? true;
  return (object) => {
    if (labelMatch && !labelMatch.matches(object.metadata?.labels)) return false;
    if (!fieldMatch) return true;
    const extra = onlyMetadata || !selectable ? undefined : selectable(object);
    return fieldMatch.matches((field) => {
      if (field === 'metadata.name') return object.metadata?.name ?? '';
      if (field === 'metadata.namespace') return object.metadata?.namespace ?? '';
      return extra?.[field] ?? '';
    });
  };
}
