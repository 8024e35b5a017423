// ObjectMeta, labels, annotations and label-selector validation producing upstream's StatusCause list.
import { byteLength, isDNS1123Label, isQualifiedName, isValidLabelValue, type NameValidator } from './name-validation.js';
import { forbiddenCause, goQuote, invalidCause, requiredCause, tooLongCause } from './field-errors.js';
import type { LabelSelectorObject } from './label-selector.js';
import type { ObjectMeta, OwnerReference, StatusCause } from './types.js';

export * from './name-validation.js';
export * from './field-errors.js';

export const TotalAnnotationSizeLimitB = 256 * 1024;
export const FieldImmutableErrorMsg = 'field is immutable';
export const IsNegativeErrorMsg = 'must be greater than or equal to 0';
export const FinalizerOrphanDependents = 'orphan';
export const FinalizerDeleteDependents = 'foregroundDeletion';
const standardFinalizers = new Set(['kubernetes', FinalizerOrphanDependents, FinalizerDeleteDependents]);

/** upstream ValidateLabelName: one cause per failed rule, the key as the value. */
export function validateLabelName(key: string, fieldPath: string): StatusCause[] {
  return isQualifiedName(key).map((m) => invalidCause(fieldPath, key, m));
}

/** upstream ValidateLabels: every cause sits on the map's path itself, not on the key. */
export function validateLabels(labels: Record<string, string> | null | undefined, fieldPath: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!labels) return causes;
  for (const [k, v] of Object.entries(labels)) {
    causes.push(...validateLabelName(k, fieldPath));
    // Go decodes a null map value as the empty string (YAML `{a b}` is {"a b": null}): never a crash here.
    const value = v ?? '';
    for (const m of isValidLabelValue(value)) causes.push(invalidCause(fieldPath, value, m));
  }
  return causes;
}

/** upstream ValidateAnnotations: keys are qualified names with case ignored; total size ≤ 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | null | undefined, fieldPath: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!annotations) return causes;
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase())) causes.push(invalidCause(fieldPath, k, m));
    total += byteLength(k) + byteLength(String(v));
  }
  if (total > TotalAnnotationSizeLimitB) causes.push(tooLongCause(fieldPath, TotalAnnotationSizeLimitB));
  return causes;
}

/** upstream ValidateNonnegativeField. */
export function validateNonnegativeField(value: number, fieldPath: string): StatusCause[] {
  return value < 0 ? [invalidCause(fieldPath, value, IsNegativeErrorMsg)] : [];
}

/** schema.ParseGroupVersion folded into FromAPIVersionAndKind: a malformed apiVersion yields an empty group/version. */
function groupVersionOf(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { group: '', version: apiVersion };
  if (apiVersion.indexOf('/', slash + 1) >= 0) return { group: '', version: '' };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** An owner reference in Go struct field order with omitempty applied, so it prints like json.Marshal. */
function ownerRefForJSON(ref: OwnerReference): Record<string, unknown> {
  const out: Record<string, unknown> = {
    apiVersion: ref.apiVersion ?? '',
    kind: ref.kind ?? '',
    name: ref.name ?? '',
    uid: ref.uid ?? '',
  };
  if (ref.controller != null) out.controller = ref.controller;
  if (ref.blockOwnerDeletion != null) out.blockOwnerDeletion = ref.blockOwnerDeletion;
  return out;
}

/** upstream ValidateOwnerReferences; per-reference causes carry no index, as upstream's do. */
export function validateOwnerReferences(refs: OwnerReference[] | undefined, fieldPath: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!refs) return causes;
  let firstController = '';
  for (const ref of refs) {
    const apiVersion = ref.apiVersion ?? '';
    const kind = ref.kind ?? '';
    const gv = groupVersionOf(apiVersion);
    if (!gv.version) causes.push(invalidCause(`${fieldPath}.apiVersion`, apiVersion, 'version must not be empty'));
    if (!kind) causes.push(invalidCause(`${fieldPath}.kind`, kind, 'must not be empty'));
    if (!ref.name) causes.push(invalidCause(`${fieldPath}.name`, ref.name ?? '', 'must not be empty'));
    if (!ref.uid) causes.push(invalidCause(`${fieldPath}.uid`, ref.uid ?? '', 'must not be empty'));
    // BannedOwners holds only core v1 Event.
    if (gv.group === '' && gv.version === 'v1' && kind === 'Event') {
      causes.push(invalidCause(fieldPath, ownerRefForJSON(ref), '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller === true) {
      const current = `${kind}/${ref.name ?? ''}`;
      if (firstController) {
        causes.push(
          invalidCause(
            fieldPath,
            refs.map(ownerRefForJSON),
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else {
        firstController = current;
      }
    }
  }
  return causes;
}

/** upstream ValidateFinalizerName. */
export function validateFinalizerName(name: string, fieldPath: string): StatusCause[] {
  return isQualifiedName(name).map((m) => invalidCause(fieldPath, name, m));
}

/** upstream ValidateFinalizers: name checks on the list's path, plus the orphan/foreground conflict. */
export function validateFinalizers(finalizers: string[] | undefined, fieldPath: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!finalizers) return causes;
  // Go decodes a null list element as the empty string: an invalid name, never a crash.
  for (const f of finalizers) causes.push(...validateFinalizerName(f ?? '', fieldPath));
  if (finalizers.includes(FinalizerOrphanDependents) && finalizers.includes(FinalizerDeleteDependents)) {
    causes.push(
      invalidCause(
        fieldPath,
        finalizers,
        `finalizer ${FinalizerOrphanDependents} and ${FinalizerDeleteDependents} cannot be both set`,
      ),
    );
  }
  return causes;
}

/**
 * The extra finalizer rule of k8s.io/kubernetes core validation (used by built-in types, not CRs):
 * an unprefixed finalizer must be one of the standard ones. Paths carry the index.
 */
export function validateBuiltinFinalizerNames(finalizers: string[] | undefined, fieldPath: string): StatusCause[] {
  const causes: StatusCause[] = [];
  finalizers?.forEach((f, i) => {
    if (!f.includes('/') && !standardFinalizers.has(f)) {
      causes.push(
        invalidCause(`${fieldPath}[${i}]`, f, 'name is neither a standard finalizer name nor is it fully qualified'),
      );
    }
  });
  return causes;
}

/**
 * Warnings the custom-resource strategy returns for finalizers newly added by a create/update
 * (apiextensions-apiserver validateKubeFinalizerName), in upstream's sorted order.
 */
export function finalizerWarnings(finalizers: string[] | undefined, oldFinalizers?: string[]): string[] {
  const old = new Set(oldFinalizers ?? []);
  const added = [...new Set(finalizers ?? [])].filter((f) => !old.has(f)).sort();
  const path = 'metadata.finalizers';
  const warnings: string[] = [];
  for (const f of added) {
    for (const m of isQualifiedName(f)) warnings.push(`${path}: ${goQuote(f)}: ${m}`);
    if (!f.includes('/') && !standardFinalizers.has(f)) {
      const how = f.includes('.') ? 'a domain-qualified finalizer name including a path (/)' : 'a domain-qualified finalizer name';
      warnings.push(`${path}: ${goQuote(f)}: prefer ${how} to avoid accidental conflicts with other finalizer writers`);
    }
  }
  return warnings;
}

const FieldManagerMaxLength = 128;
const MaxSubresourceNameLength = 256;
const printableRune = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** upstream ValidateFieldManager. */
export function validateFieldManager(manager: string, fieldPath: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (byteLength(manager) > FieldManagerMaxLength) causes.push(tooLongCause(fieldPath, FieldManagerMaxLength));
  let pos = 0; // Go reports the byte offset of the rune
  for (const ch of manager) {
    if (!printableRune.test(ch)) {
      const hex = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      causes.push(invalidCause(fieldPath, manager, `invalid character U+${hex} (at position ${pos})`));
    }
    pos += byteLength(ch);
  }
  return causes;
}

/** upstream ValidateManagedFields. */
export function validateManagedFields(entries: unknown[] | undefined, fieldPath: string): StatusCause[] {
  const causes: StatusCause[] = [];
  entries?.forEach((raw, i) => {
    const e = (raw ?? {}) as Record<string, unknown>;
    const p = `${fieldPath}[${i}]`;
    const operation = typeof e.operation === 'string' ? e.operation : '';
    if (operation !== 'Apply' && operation !== 'Update') {
      causes.push(invalidCause(`${p}.operation`, operation, 'must be `Apply` or `Update`'));
    }
    const fieldsType = typeof e.fieldsType === 'string' ? e.fieldsType : '';
    if (fieldsType && fieldsType !== 'FieldsV1') {
      causes.push(invalidCause(`${p}.fieldsType`, fieldsType, 'must be `FieldsV1`'));
    }
    causes.push(...validateFieldManager(typeof e.manager === 'string' ? e.manager : '', `${p}.manager`));
    const sub = typeof e.subresource === 'string' ? e.subresource : '';
    if (byteLength(sub) > MaxSubresourceNameLength) causes.push(tooLongCause(`${p}.subresource`, MaxSubresourceNameLength));
  });
  return causes;
}

/** The name part of upstream ValidateObjectMetaAccessor: generateName (as a prefix), then name. */
export function validateObjectMetaName(
  name: string | undefined,
  generateName: string | undefined,
  nameValidator: NameValidator,
  fieldPath = 'metadata',
): StatusCause[] {
  const causes: StatusCause[] = [];
  if (generateName) {
    for (const m of nameValidator(generateName, true)) causes.push(invalidCause(`${fieldPath}.generateName`, generateName, m));
  }
  if (!name) {
    causes.push(requiredCause(`${fieldPath}.name`, 'name or generateName is required'));
  } else {
    for (const m of nameValidator(name, false)) causes.push(invalidCause(`${fieldPath}.name`, name, m));
  }
  return causes;
}

export interface ObjectMetaValidationOptions {
  namespaced: boolean;
  nameValidator: NameValidator;
  /** Defaults to "metadata"; pod templates use e.g. "spec.template.metadata". */
  fieldPath?: string;
  /** Also apply core's "standard finalizer or fully qualified" rule (built-in types, not CRs). */
  builtinFinalizerRules?: boolean;
}

/** upstream ValidateObjectMeta (create), in upstream's cause order. */
export function validateObjectMeta(meta: ObjectMeta, opts: ObjectMetaValidationOptions): StatusCause[] {
  const p = opts.fieldPath ?? 'metadata';
  const causes = validateObjectMetaName(meta.name, meta.generateName, opts.nameValidator, p);
  if (opts.namespaced) {
    if (!meta.namespace) causes.push(requiredCause(`${p}.namespace`));
    else for (const m of isDNS1123Label(meta.namespace)) causes.push(invalidCause(`${p}.namespace`, meta.namespace, m));
  } else if (meta.namespace) {
    causes.push(forbiddenCause(`${p}.namespace`, 'not allowed on this type'));
  }
  causes.push(...validateNonnegativeField(meta.generation ?? 0, `${p}.generation`));
  causes.push(...validateLabels(meta.labels, `${p}.labels`));
  causes.push(...validateAnnotations(meta.annotations, `${p}.annotations`));
  causes.push(...validateOwnerReferences(meta.ownerReferences, `${p}.ownerReferences`));
  causes.push(...validateFinalizers(meta.finalizers, `${p}.finalizers`));
  causes.push(...validateManagedFields(meta.managedFields, `${p}.managedFields`));
  if (opts.builtinFinalizerRules) causes.push(...validateBuiltinFinalizerNames(meta.finalizers, `${p}.finalizers`));
  return causes;
}

/** Go's %#v of a []string, as upstream prints the new finalizers. */
function goStringSlice(values: string[]): string {
  return `[]string{${values.map(goQuote).join(', ')}}`;
}

/** metav1.Time as json.Marshal prints it (UTC, whole seconds); unset prints as null. */
function timeValue(s: string | undefined): string | null {
  if (!s) return null;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? s : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function sameTime(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return !a && !b;
  const x = Date.parse(a);
  const y = Date.parse(b);
  return Number.isNaN(x) || Number.isNaN(y) ? a === b : x === y;
}

/** upstream ValidateObjectMetaUpdate, in upstream's cause order. */
export function validateObjectMetaUpdate(
  newMeta: ObjectMeta,
  oldMeta: ObjectMeta,
  opts: { fieldPath?: string; builtinFinalizerRules?: boolean } = {},
): StatusCause[] {
  const p = opts.fieldPath ?? 'metadata';
  const causes: StatusCause[] = [];
  if (oldMeta.deletionTimestamp) {
    const old = new Set(oldMeta.finalizers ?? []);
    const extra = [...new Set(newMeta.finalizers ?? [])].filter((f) => !old.has(f)).sort();
    if (extra.length > 0) {
      causes.push(
        forbiddenCause(
          `${p}.finalizers`,
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`,
        ),
      );
    }
  }
  if (!newMeta.resourceVersion) causes.push(invalidCause(`${p}.resourceVersion`, '', 'must be specified for an update'));
  if ((newMeta.generation ?? 0) < (oldMeta.generation ?? 0)) {
    causes.push(invalidCause(`${p}.generation`, newMeta.generation ?? 0, 'must not be decremented'));
  }
  if ((newMeta.name ?? '') !== (oldMeta.name ?? '')) causes.push(invalidCause(`${p}.name`, newMeta.name ?? '', FieldImmutableErrorMsg));
  if ((newMeta.namespace ?? '') !== (oldMeta.namespace ?? '')) {
    causes.push(invalidCause(`${p}.namespace`, newMeta.namespace ?? '', FieldImmutableErrorMsg));
  }
  if ((newMeta.uid ?? '') !== (oldMeta.uid ?? '')) causes.push(invalidCause(`${p}.uid`, newMeta.uid ?? '', FieldImmutableErrorMsg));
  for (const f of ['creationTimestamp', 'deletionTimestamp'] as const) {
    if (!sameTime(newMeta[f], oldMeta[f])) causes.push(invalidCause(`${p}.${f}`, timeValue(newMeta[f]), FieldImmutableErrorMsg));
  }
  const grace = newMeta.deletionGracePeriodSeconds ?? null;
  if (grace !== (oldMeta.deletionGracePeriodSeconds ?? null)) {
    causes.push(invalidCause(`${p}.deletionGracePeriodSeconds`, grace, FieldImmutableErrorMsg));
  }
  causes.push(...validateLabels(newMeta.labels, `${p}.labels`));
  causes.push(...validateAnnotations(newMeta.annotations, `${p}.annotations`));
  causes.push(...validateOwnerReferences(newMeta.ownerReferences, `${p}.ownerReferences`));
  causes.push(...validateManagedFields(newMeta.managedFields, `${p}.managedFields`));
  if (opts.builtinFinalizerRules) causes.push(...validateBuiltinFinalizerNames(newMeta.finalizers, `${p}.finalizers`));
  return causes;
}

/** upstream metav1 validation.ValidateLabelSelector (e.g. a Deployment's spec.selector). */
export function validateLabelSelector(
  sel: LabelSelectorObject | null | undefined,
  fieldPath: string,
  opts: { allowInvalidLabelValueInSelector?: boolean; allowUnknownOperatorInRequirement?: boolean } = {},
): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!sel) return causes;
  causes.push(...validateLabels(sel.matchLabels, `${fieldPath}.matchLabels`));
  sel.matchExpressions?.forEach((expr, i) => {
    const p = `${fieldPath}.matchExpressions[${i}]`;
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          causes.push(requiredCause(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          causes.push(forbiddenCause(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        }
        break;
      default:
        if (!opts.allowUnknownOperatorInRequirement) {
          causes.push(invalidCause(`${p}.operator`, expr.operator ?? '', 'not a valid selector operator'));
        }
    }
    causes.push(...validateLabelName(expr.key ?? '', `${p}.key`));
    if (!opts.allowInvalidLabelValueInSelector) {
      values.forEach((v, j) => {
        for (const m of isValidLabelValue(v)) causes.push(invalidCause(`${p}.values[${j}]`, v, m));
      });
    }
  });
  return causes;
}
