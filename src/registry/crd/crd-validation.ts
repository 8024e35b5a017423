// CustomResourceDefinition validation on create, update and status update (upstream apiextensions validation.go).
import { deepEqual } from '../../meta/deep-equal.js';
import { invalidCause, requiredCause } from '../../meta/field-errors.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../../meta/name-validation.js';
import type { StatusCause } from '../../meta/types.js';
import type { CustomResourceDefinition, JSONSchemaProps } from './crd-types.js';
import { goVersionsValue, toInternalSpec, type InternalSpec } from './crd-validation-internal.js';
import {
  caBundleError,
  columnCauses,
  conversionCauses,
  deprecationWarningErrors,
  enumCauses,
  hasValidConversionReviewVersionOrEmpty,
  maxSelectableFields,
  namesCauses,
  selectableFieldsCauses,
  subresourcesCauses,
} from './crd-validation-parts.js';
import { mapListKeysMapSetCauses, openapiV3Types } from './crd-validation-schema.js';
import { schemaValidationCauses, someSchema, type ValidationOptions } from './crd-validation-root.js';
import { isNonStructural } from './structural-schema.js';
import { hasUnprunedDefaults } from './structural-schema-defaults.js';

export const apiApprovedAnnotation = 'api-approved.kubernetes.io';

const isEstablished = (crd: CustomResourceDefinition): boolean =>
  (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');

function versionCauses(spec: InternalSpec, opts: ValidationOptions): StatusCause[] {
  const causes: StatusCause[] = [];
  spec.versions.forEach((version, i) => {
    const path = `spec.versions[${i}]`;
    const nameErrs = isDNS1035Label(version.name);
    if (nameErrs.length > 0) causes.push(invalidCause(`${path}.name`, version.name, nameErrs.join(',')));
    for (const err of deprecationWarningErrors(version.deprecated, version.deprecationWarning)) {
      causes.push(invalidCause(`${path}.deprecationWarning`, version.deprecationWarning ?? null, err));
    }
    const subresources = spec.versions.some((v) => v.subresources) ? version.subresources : spec.subresources;
    causes.push(...schemaValidationCauses(version.schema, !!subresources?.status, opts, `${path}.schema`));
    causes.push(...subresourcesCauses(version.subresources, `${path}.subresources`));
    (version.additionalPrinterColumns ?? []).forEach((c, j) => causes.push(...columnCauses(c, `${path}.additionalPrinterColumns[${j}]`)));
    if ((version.selectableFields ?? []).length > 0) {
      const schema = version.schema?.openAPIV3Schema;
      if (!schema) causes.push(invalidCause(`${path}.selectableFields`, '', 'may only be set when `version.schema.openAPIV3Schema` is not included'));
      else causes.push(...selectableFieldsCauses(version.selectableFields!, schema, `${path}.selectableFields`, opts.allowTooManySelectableFields.has(version.name)));
    }
  });
  return causes;
}

/** upstream validateCustomResourceDefinitionSpec. */
function specCauses(spec: InternalSpec, options: ValidationOptions): StatusCause[] {
  const opts = { ...options };
  const causes: StatusCause[] = [];
  if (spec.group === '') causes.push(requiredCause('spec.group'));
  else {
    const errs = isDNS1123Subdomain(spec.group);
    if (errs.length > 0) causes.push(invalidCause('spec.group', spec.group, errs.join(',')));
    else if (spec.group.split('.').length < 2) causes.push(invalidCause('spec.group', spec.group, 'should be a domain with at least one dot'));
  }
  causes.push(...enumCauses('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
  if (!spec.preserveUnknownFields) opts.requireStructuralSchema = true;
  if (!spec.validation?.openAPIV3Schema) {
    spec.versions.forEach((v, i) => {
      const path = `spec.versions[${i}].schema.openAPIV3Schema`;
      if (v.schema?.openAPIV3Schema) return;
      if (opts.requireOpenAPISchema) causes.push(requiredCause(path));
      else if (!spec.preserveUnknownFields && v.served) causes.push(requiredCause(path, 'because otherwise all fields are pruned'));
    });
  }
  if (opts.allowDefaults && someSchema(spec, (s) => s.default !== undefined && s.default !== null)) {
    opts.requireStructuralSchema = true;
    if (spec.preserveUnknownFields) causes.push(invalidCause('spec.preserveUnknownFields', true, 'must be false in order to use defaults in the schema'));
  }
  if (someSchema(spec, hasKubernetesExtensions)) opts.requireStructuralSchema = true;

  causes.push(...versionCauses(spec, opts));
  const versionsValue = spec.versionsGiven ? goVersionsValue(spec.versions) : null;
  if (new Set(spec.versions.map((v) => v.name)).size !== spec.versions.length) {
    causes.push(invalidCause('spec.versions', versionsValue, 'must contain unique version names'));
  }
  if (spec.versions.filter((v) => v.storage).length !== 1) {
    causes.push(invalidCause('spec.versions', versionsValue, 'must have exactly one version marked as storage version'));
  }
  if (spec.version !== '') {
    // The conversion copies versions[0].name here, so a bad first version name is reported twice, as upstream does.
    const errs = isDNS1035Label(spec.version);
    if (errs.length > 0) causes.push(invalidCause('spec.version', spec.version, errs.join(',')));
  }
  for (const field of ['plural', 'singular', 'kind', 'listKind'] as const) {
    if (!spec.names[field]) causes.push(requiredCause(`spec.names.${field}`));
  }
  causes.push(...namesCauses(spec.names, 'spec.names'));
  const anyStatus = !!spec.subresources?.status || spec.versions.some((v) => !!v.subresources?.status);
  causes.push(...schemaValidationCauses(spec.validation, anyStatus, opts, 'spec.validation'));
  causes.push(...subresourcesCauses(spec.subresources, 'spec.subresources'));
  (spec.additionalPrinterColumns ?? []).forEach((c, i) => causes.push(...columnCauses(c, `spec.additionalPrinterColumns[${i}]`)));
  if ((spec.selectableFields ?? []).length > 0) {
    const schema = spec.validation?.openAPIV3Schema;
    if (!spec.validation) causes.push(invalidCause('spec.selectableFields', '', 'may only be set when validations.schema is included'));
    else causes.push(...selectableFieldsCauses(spec.selectableFields!, schema, 'spec.selectableFields', opts.allowTooManySelectableFields.has('')));
  }
  if (spec.conversion && spec.conversion.strategy !== 'None' && spec.preserveUnknownFields) {
    causes.push(invalidCause('spec.conversion.strategy', spec.conversion.strategy, 'must be None if spec.preserveUnknownFields is true'));
  }
  causes.push(...conversionCauses(spec.conversion, opts.requireRecognizedConversionReviewVersion, opts.allowInvalidCABundle, 'spec.conversion'));
  return causes;
}

function hasKubernetesExtensions(s: JSONSchemaProps): boolean {
  return (
    s['x-kubernetes-embedded-resource'] === true ||
    (s['x-kubernetes-preserve-unknown-fields'] !== undefined && s['x-kubernetes-preserve-unknown-fields'] !== null) ||
    s['x-kubernetes-int-or-string'] === true ||
    (s['x-kubernetes-list-map-keys'] ?? []).length > 0 ||
    (s['x-kubernetes-list-type'] !== undefined && s['x-kubernetes-list-type'] !== null) ||
    (s['x-kubernetes-validations'] ?? []).length > 0
  );
}

/** upstream ValidateCustomResourceDefinitionStoredVersions. */
function storedVersionsCauses(stored: string[] | null | undefined, spec: InternalSpec): StatusCause[] {
  const path = 'status.storedVersions';
  const list = Array.isArray(stored) ? stored : [];
  // A create leaves Go's nil slice when no version is marked for storage, which prints as null.
  if (list.length === 0) return [invalidCause(path, null, 'must have at least one stored version')];
  const causes: StatusCause[] = [];
  const remaining = new Map<string, number>();
  list.forEach((v, i) => remaining.set(v, i));
  for (const v of spec.versions) {
    if (v.storage && !remaining.has(v.name)) causes.push(invalidCause(path, list, `must have the storage version ${v.name}`));
    remaining.delete(v.name);
  }
  for (const [v, i] of remaining) {
    causes.push(
      invalidCause(
        `${path}[${i}]`,
        v,
        `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`,
      ),
    );
  }
  return causes;
}

type ApprovalState = 'invalid' | 'approved' | 'bypassed' | 'missing';

/** upstream IsProtectedCommunityGroup: k8s.io and kubernetes.io groups need API review approval. */
export function isProtectedCommunityGroup(group: string): boolean {
  return group === 'k8s.io' || group.endsWith('.k8s.io') || group === 'kubernetes.io' || group.endsWith('.kubernetes.io');
}

/** upstream GetAPIApprovalState: the state and the sentence the condition and the error use. */
export function apiApprovalState(annotations: Record<string, string> | undefined): { state: ApprovalState; reason: string } {
  const value = annotations?.[apiApprovedAnnotation] ?? '';
  const seeKep = 'see https://github.com/kubernetes/enhancements/pull/1111';
  if (value === '') return { state: 'missing', reason: `protected groups must have approval annotation "${apiApprovedAnnotation}", ${seeKep}` };
  if (value.startsWith('unapproved')) return { state: 'bypassed', reason: `not approved: ${JSON.stringify(value)}` };
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url && url.host !== '' && url.protocol !== '') return { state: 'approved', reason: `approved in ${value}` };
  return {
    state: 'invalid',
    reason: `protected groups must have approval annotation "${apiApprovedAnnotation}" with either a URL or a reason starting with "unapproved", ${seeKep}`,
  };
}

function apiApprovalCauses(crd: CustomResourceDefinition, old?: CustomResourceDefinition): StatusCause[] {
  if (!isProtectedCommunityGroup(String(crd.spec?.group ?? ''))) return [];
  const next = apiApprovalState(crd.metadata.annotations);
  if (old && apiApprovalState(old.metadata.annotations).state === next.state) return [];
  const path = `metadata.annotations[${apiApprovedAnnotation}]`;
  if (next.state === 'missing') return [requiredCause(path, next.reason)];
  if (next.state === 'invalid') return [invalidCause(path, crd.metadata.annotations?.[apiApprovedAnnotation] ?? '', next.reason)];
  return [];
}

function preserveUnknownFieldsCauses(crd: CustomResourceDefinition, old?: CustomResourceDefinition): StatusCause[] {
  if (old?.spec?.preserveUnknownFields === true || crd.spec?.preserveUnknownFields !== true) return [];
  return [invalidCause('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead')];
}

const createOptions = (): ValidationOptions => ({
  allowDefaults: true,
  requireRecognizedConversionReviewVersion: true,
  requireOpenAPISchema: true,
  requireValidPropertyType: true,
  requireStructuralSchema: true,
  requirePrunedDefaults: true,
  requireAtomicSetType: true,
  requireMapListKeysMapSetValidation: true,
  allowInvalidCABundle: true,
  allowTooManySelectableFields: new Set(),
  unchangedSchemaVersions: new Set(),
});

/** Everything upstream validates on create, beside ObjectMeta (which the generic registry checks). */
export function validateCustomResourceDefinition(crd: CustomResourceDefinition): StatusCause[] {
  const spec = toInternalSpec(crd.spec ?? ({} as CustomResourceDefinition['spec']));
  const causes: StatusCause[] = [];
  const name = crd.metadata.name ?? '';
  if (name !== '' && name !== `${spec.names.plural ?? ''}.${spec.group}`) {
    causes.push(invalidCause('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  }
  causes.push(...specCauses(spec, createOptions()));
  causes.push(...namesCauses(crd.status?.acceptedNames, 'status.acceptedNames'));
  causes.push(...storedVersionsCauses(crd.status?.storedVersions, spec));
  causes.push(...apiApprovalCauses(crd));
  causes.push(...preserveUnknownFieldsCauses(crd));
  return causes;
}

/** Update validation: the create rules, relaxed where the stored object already breaks them, plus immutable fields. */
export function validateCustomResourceDefinitionUpdate(crd: CustomResourceDefinition, old: CustomResourceDefinition): StatusCause[] {
  const spec = toInternalSpec(crd.spec ?? ({} as CustomResourceDefinition['spec']));
  const oldSpec = toInternalSpec(old.spec ?? ({} as CustomResourceDefinition['spec']));
  const oldConversion = oldSpec.conversion;
  const opts: ValidationOptions = {
    ...createOptions(),
    requireRecognizedConversionReviewVersion: !oldConversion || hasValidConversionReviewVersionOrEmpty(oldConversion.conversionReviewVersions),
    requireOpenAPISchema: !!oldSpec.validation?.openAPIV3Schema || oldSpec.versions.every((v) => !!v.schema?.openAPIV3Schema),
    requireValidPropertyType: !someSchema(oldSpec, (s) => !!s.type && !openapiV3Types.includes(s.type)),
    requireStructuralSchema: !rootSchemas(oldSpec).some(isNonStructural),
    requirePrunedDefaults: !rootSchemas(oldSpec).some(hasUnprunedDefaults),
    requireAtomicSetType: !someSchema(oldSpec, hasNonAtomicSetType),
    requireMapListKeysMapSetValidation: !someSchema(oldSpec, (s) => mapListKeysMapSetCauses(s, '').length > 0),
    allowInvalidCABundle: allowInvalidCABundle(old, oldSpec),
    allowTooManySelectableFields: tooManySelectableFieldsAllowed(spec, oldSpec),
  };
  const causes = specCauses(spec, opts);
  if (isEstablished(old)) {
    if (spec.scope !== oldSpec.scope) causes.push(invalidCause('spec.scope', spec.scope, 'field is immutable'));
    if ((spec.names.kind ?? '') !== (oldSpec.names.kind ?? '')) causes.push(invalidCause('spec.names.kind', spec.names.kind ?? '', 'field is immutable'));
  }
  if (spec.group !== oldSpec.group) causes.push(invalidCause('spec.group', spec.group, 'field is immutable'));
  if ((spec.names.plural ?? '') !== (oldSpec.names.plural ?? '')) causes.push(invalidCause('spec.names.plural', spec.names.plural ?? '', 'field is immutable'));
  causes.push(...namesCauses(crd.status?.acceptedNames, 'status.acceptedNames'));
  causes.push(...storedVersionsCauses(crd.status?.storedVersions, spec));
  causes.push(...apiApprovalCauses(crd, old));
  causes.push(...preserveUnknownFieldsCauses(crd, old));
  return causes;
}

/** A /status write: only the accepted names are checked (upstream ValidateUpdateCustomResourceDefinitionStatus). */
export function validateCustomResourceDefinitionStatusUpdate(crd: CustomResourceDefinition): StatusCause[] {
  return namesCauses(crd.status?.acceptedNames, 'status.acceptedNames');
}

function rootSchemas(spec: InternalSpec): JSONSchemaProps[] {
  const all = [spec.validation?.openAPIV3Schema, ...spec.versions.map((v) => v.schema?.openAPIV3Schema)];
  return all.filter((s): s is JSONSchemaProps => !!s);
}

function hasNonAtomicSetType(s: JSONSchemaProps): boolean {
  const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
  if (s['x-kubernetes-list-type'] !== 'set' || !items) return false;
  if (items.type === 'array') return !!items['x-kubernetes-list-type'] && items['x-kubernetes-list-type'] !== 'atomic';
  if (items.type === 'object') return items['x-kubernetes-map-type'] !== 'atomic';
  return false;
}

function allowInvalidCABundle(old: CustomResourceDefinition, oldSpec: InternalSpec): boolean {
  if (!isEstablished(old)) return true;
  const caBundle = oldSpec.conversion?.webhookClientConfig?.caBundle;
  return !!caBundle && caBundleError(caBundle) !== undefined;
}

function tooManySelectableFieldsAllowed(spec: InternalSpec, oldSpec: InternalSpec): Set<string> {
  const allowed = new Set<string>();
  const tooMany = (fields: { jsonPath: string }[] | undefined) => (fields ?? []).length > maxSelectableFields;
  if (tooMany(oldSpec.selectableFields) && deepEqual(spec.selectableFields, oldSpec.selectableFields)) allowed.add('');
  for (const v of spec.versions) {
    const oldVersion = oldSpec.versions.find((o) => o.name === v.name);
    if (oldVersion && tooMany(oldVersion.selectableFields) && deepEqual(v.selectableFields, oldVersion.selectableFields)) allowed.add(v.name);
  }
  return allowed;
}

