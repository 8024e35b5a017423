// One CRD schema as upstream's validateCustomResourceDefinitionValidation checks it: root rules, structure, defaults, CEL.
import { cel, schemaHasCelRules } from '../../cel/cel-loader.js';
import { forbiddenCause, invalidCause } from '../../meta/field-errors.js';
import type { StatusCause } from '../../meta/types.js';
import type { JSONSchemaProps } from './crd-types.js';
import type { InternalSpec, InternalVersion } from './crd-validation-internal.js';
import { rootSchemaContext, statusRootCauses, validateOpenAPISchema } from './crd-validation-schema.js';
import { newStructuralError, validateStructural } from './structural-schema.js';
import { validateSchemaDefaults } from './structural-schema-defaults.js';

/** upstream validationOptions: what create requires, and what an update relaxes when the stored CRD already breaks it. */
export interface ValidationOptions {
  allowDefaults: boolean;
  requireRecognizedConversionReviewVersion: boolean;
  requireOpenAPISchema: boolean;
  requireValidPropertyType: boolean;
  requireStructuralSchema: boolean;
  requirePrunedDefaults: boolean;
  requireAtomicSetType: boolean;
  requireMapListKeysMapSetValidation: boolean;
  allowInvalidCABundle: boolean;
  /** Versions ('' for the top level) whose more-than-8 selectable fields were already stored unchanged. */
  allowTooManySelectableFields: Set<string>;
  /** Versions whose schema an update leaves as it was (upstream skips CEL cost limits for them). */
  unchangedSchemaVersions: Set<string>;
}

type SchemaHolder = InternalVersion['schema'];

/** Walks every schema node (upstream SchemaHas) and says whether `pred` holds for one. */
export function schemaHas(s: JSONSchemaProps | undefined, pred: (s: JSONSchemaProps) => boolean): boolean {
  if (!s || typeof s !== 'object') return false;
  if (pred(s)) return true;
  const items = Array.isArray(s.items) ? s.items : s.items ? [s.items] : [];
  const nested: (JSONSchemaProps | undefined)[] = [
    ...items,
    ...(s.allOf ?? []),
    ...(s.anyOf ?? []),
    ...(s.oneOf ?? []),
    s.not,
    ...Object.values(s.properties ?? {}),
    typeof s.additionalProperties === 'object' && s.additionalProperties !== null ? s.additionalProperties : undefined,
    ...Object.values(s.patternProperties ?? {}),
    typeof s.additionalItems === 'object' && s.additionalItems !== null ? s.additionalItems : undefined,
    ...Object.values(s.definitions ?? {}),
    ...Object.values(s.dependencies ?? {}).map((d) => (Array.isArray(d) ? undefined : d)),
  ];
  return nested.some((n) => schemaHas(n, pred));
}

/** upstream HasSchemaWith: whether any of the spec's schemas (top-level or per version) has a node matching `pred`. */
export function someSchema(spec: InternalSpec, pred: (s: JSONSchemaProps) => boolean): boolean {
  if (schemaHas(spec.validation?.openAPIV3Schema, pred)) return true;
  return spec.versions.some((v) => schemaHas(v.schema?.openAPIV3Schema, pred));
}

/** upstream validateCustomResourceDefinitionValidation for the schema at `path` (`spec.validation` or a version's). */
export function schemaValidationCauses(holder: SchemaHolder, statusEnabled: boolean, opts: ValidationOptions, path: string): StatusCause[] {
  const schema = holder?.openAPIV3Schema;
  if (!schema || typeof schema !== 'object') return [];
  const schemaPath = `${path}.openAPIV3Schema`;
  const causes: StatusCause[] = [];
  if (statusEnabled) causes.push(...statusRootCauses(schema, path));
  if (schema.nullable) causes.push(forbiddenCause(`${schemaPath}.nullable`, 'nullable cannot be true at the root'));
  // Structural problems overlap the OpenAPI checks below, so the conversion error only shows when nothing else does.
  let structuralInitCauses: StatusCause[] = [];
  let compileRules = false;
  if (opts.requireStructuralSchema) {
    const initError = newStructuralError(schema);
    if (initError !== undefined) structuralInitCauses = [invalidCause(schemaPath, '', initError)];
    else {
      const structural = validateStructural(schemaPath, schema);
      const defaults = structural.length === 0 ? validateSchemaDefaults(schemaPath, schema, opts.requirePrunedDefaults) : [];
      causes.push(...structural, ...defaults);
      compileRules = structural.length === 0 && defaults.length === 0;
    }
  }
  const context = rootSchemaContext({
    allowDefaults: opts.allowDefaults,
    requireValidPropertyType: opts.requireValidPropertyType,
    requireAtomicSetType: opts.requireAtomicSetType,
    requireMapListKeysMapSetValidation: opts.requireMapListKeysMapSetValidation,
  });
  const schemaCauses = validateOpenAPISchema(schema, schemaPath, context, true);
  causes.push(...schemaCauses);
  // upstream skips CEL below any node with schema errors; here any schema error skips the schema's rules.
  if (compileRules && schemaCauses.length === 0 && schemaHasCelRules(schema)) causes.push(...cel().compileRuleErrors(schema, schemaPath));
  if (causes.length === 0) causes.push(...structuralInitCauses);
  return causes;
}
