// The internal (hub) view of a v1 CRD that upstream validates, and Go's JSON rendering of its values in messages.
import { deepEqual } from '../../meta/deep-equal.js';
import type {
  CustomResourceColumnDefinition,
  CustomResourceDefinitionNames,
  CustomResourceDefinitionSpec,
  CustomResourceDefinitionVersion,
  JSONSchemaProps,
  WebhookClientConfig,
} from './crd-types.js';
import { goMapOrder } from './schema/go-values.js';

type Subresources = NonNullable<CustomResourceDefinitionVersion['subresources']>;
type SchemaHolder = NonNullable<CustomResourceDefinitionVersion['schema']>;

export interface InternalVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated: boolean;
  deprecationWarning?: string;
  schema?: SchemaHolder;
  subresources?: Subresources;
  additionalPrinterColumns?: CustomResourceColumnDefinition[];
  selectableFields?: { jsonPath: string }[];
}

/** The internal conversion: the webhook's clientConfig and review versions sit directly on it. */
export interface InternalConversion {
  strategy: string;
  webhookClientConfig?: WebhookClientConfig;
  conversionReviewVersions?: string[];
}

export interface InternalSpec {
  group: string;
  names: CustomResourceDefinitionNames;
  scope: string;
  /** versions[0].name, as the conversion copies it. */
  version: string;
  versions: InternalVersion[];
  /** Whether spec.versions was a list at all (Go prints an absent one as null, an empty one as []). */
  versionsGiven: boolean;
  validation?: SchemaHolder;
  subresources?: Subresources;
  additionalPrinterColumns?: CustomResourceColumnDefinition[];
  selectableFields?: { jsonPath: string }[];
  conversion?: InternalConversion;
  preserveUnknownFields: boolean;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const arr = <T>(v: T[] | undefined | null): T[] | undefined => (Array.isArray(v) ? v : undefined);
/** apimachinery's semantic DeepEqual: an empty list equals an absent one. */
const emptyToUndefined = (v: unknown): unknown => (Array.isArray(v) && v.length === 0 ? undefined : v);
const sameValue = (a: unknown, b: unknown): boolean => deepEqual(emptyToUndefined(a), emptyToUndefined(b));

/**
 * Upstream's Convert_v1_CustomResourceDefinitionSpec_To_apiextensions: per-version schemas, subresources, columns and
 * selectable fields that are identical across every version move to the top level, which is why the errors of a
 * single-version CRD name `spec.validation.openAPIV3Schema…` rather than `spec.versions[0].schema…`.
 */
export function toInternalSpec(spec: CustomResourceDefinitionSpec): InternalSpec {
  const versions: InternalVersion[] = (arr(spec.versions) ?? []).map((v) => ({
    name: str(v?.name),
    served: v?.served === true,
    storage: v?.storage === true,
    deprecated: v?.deprecated === true,
    ...(v?.deprecationWarning !== undefined && v?.deprecationWarning !== null ? { deprecationWarning: v.deprecationWarning } : {}),
    ...(v?.schema ? { schema: v.schema } : {}),
    ...(v?.subresources ? { subresources: v.subresources } : {}),
    ...(arr(v?.additionalPrinterColumns) ? { additionalPrinterColumns: v.additionalPrinterColumns } : {}),
    ...(arr(v?.selectableFields) ? { selectableFields: v.selectableFields } : {}),
  }));
  const conversion = spec.conversion
    ? {
        strategy: str(spec.conversion.strategy),
        ...(spec.conversion.webhook?.clientConfig ? { webhookClientConfig: spec.conversion.webhook.clientConfig } : {}),
        ...(arr(spec.conversion.webhook?.conversionReviewVersions)
          ? { conversionReviewVersions: spec.conversion.webhook!.conversionReviewVersions }
          : {}),
      }
    : undefined;
  const internal: InternalSpec = {
    group: str(spec.group),
    names: (spec.names ?? {}) as CustomResourceDefinitionNames,
    scope: str(spec.scope),
    version: versions[0]?.name ?? '',
    versions,
    versionsGiven: Array.isArray(spec.versions),
    ...(conversion ? { conversion } : {}),
    preserveUnknownFields: spec.preserveUnknownFields === true,
  };
  if (versions.length === 0) return internal;
  const lift = <K extends 'schema' | 'subresources' | 'additionalPrinterColumns' | 'selectableFields'>(
    key: K,
    top: 'validation' | 'subresources' | 'additionalPrinterColumns' | 'selectableFields',
  ): void => {
    const first = versions[0]![key];
    if (!versions.every((v) => sameValue(v[key], first))) return;
    if (first !== undefined) (internal as unknown as Record<string, unknown>)[top] = first;
    for (const v of versions) delete v[key];
  };
  lift('schema', 'validation');
  lift('subresources', 'subresources');
  lift('additionalPrinterColumns', 'additionalPrinterColumns');
  lift('selectableFields', 'selectableFields');
  return internal;
}

const orNull = (v: unknown): unknown => (v === undefined ? null : v);
const numberOrNull = (v: unknown): unknown => (typeof v === 'number' ? v : null);

function sortedMap<T>(map: Record<string, T> | undefined, render: (v: T) => unknown): unknown {
  if (!map || typeof map !== 'object') return null;
  return Object.fromEntries(Object.keys(map).sort().map((k) => [k, render(map[k]!)]));
}

/**
 * An internal JSONSchemaProps as Go's json.Marshal prints it: the internal type has no json tags, so every field
 * appears under its Go name, zero values included.
 */
export function goSchemaValue(s: JSONSchemaProps | undefined | null): unknown {
  if (!s) return null;
  const schemaOrBool = (v: JSONSchemaProps | boolean | undefined): unknown =>
    v === undefined ? null : typeof v === 'boolean' ? { Allows: v, Schema: null } : { Allows: true, Schema: goSchemaValue(v) };
  const many = (list: JSONSchemaProps[] | undefined): unknown => (Array.isArray(list) ? list.map(goSchemaValue) : null);
  const items = s.items === undefined ? null : Array.isArray(s.items) ? { Schema: null, JSONSchemas: many(s.items) } : { Schema: goSchemaValue(s.items), JSONSchemas: null };
  const json = (v: unknown): unknown => (v === undefined ? null : goMapOrder(v));
  return {
    ID: s.id ?? '',
    Schema: s.$schema ?? '',
    Ref: orNull(s.$ref),
    Description: s.description ?? '',
    Type: s.type ?? '',
    Nullable: s.nullable === true,
    Format: s.format ?? '',
    Title: s.title ?? '',
    Default: json(s.default),
    Maximum: numberOrNull(s.maximum),
    ExclusiveMaximum: s.exclusiveMaximum === true,
    Minimum: numberOrNull(s.minimum),
    ExclusiveMinimum: s.exclusiveMinimum === true,
    MaxLength: numberOrNull(s.maxLength),
    MinLength: numberOrNull(s.minLength),
    Pattern: s.pattern ?? '',
    MaxItems: numberOrNull(s.maxItems),
    MinItems: numberOrNull(s.minItems),
    UniqueItems: s.uniqueItems === true,
    MultipleOf: numberOrNull(s.multipleOf),
    Enum: Array.isArray(s.enum) ? s.enum.map((e) => goMapOrder(e)) : null,
    MaxProperties: numberOrNull(s.maxProperties),
    MinProperties: numberOrNull(s.minProperties),
    Required: orNull(s.required),
    Items: items,
    AllOf: many(s.allOf),
    OneOf: many(s.oneOf),
    AnyOf: many(s.anyOf),
    Not: goSchemaValue(s.not),
    Properties: sortedMap(s.properties, goSchemaValue),
    AdditionalProperties: schemaOrBool(s.additionalProperties),
    PatternProperties: sortedMap(s.patternProperties, goSchemaValue),
    Dependencies: sortedMap(s.dependencies, (d) => (Array.isArray(d) ? { Schema: null, Property: d } : { Schema: goSchemaValue(d), Property: null })),
    AdditionalItems: schemaOrBool(s.additionalItems),
    Definitions: sortedMap(s.definitions, goSchemaValue),
    ExternalDocs: s.externalDocs ? { Description: s.externalDocs.description ?? '', URL: s.externalDocs.url ?? '' } : null,
    Example: json(s.example),
    XPreserveUnknownFields: orNull(s['x-kubernetes-preserve-unknown-fields']),
    XEmbeddedResource: s['x-kubernetes-embedded-resource'] === true,
    XIntOrString: s['x-kubernetes-int-or-string'] === true,
    XListMapKeys: orNull(s['x-kubernetes-list-map-keys']),
    XListType: orNull(s['x-kubernetes-list-type']),
    XMapType: orNull(s['x-kubernetes-map-type']),
    XValidations: Array.isArray(s['x-kubernetes-validations'])
      ? s['x-kubernetes-validations'].map((r) => ({
          Rule: r.rule ?? '',
          Message: r.message ?? '',
          MessageExpression: r.messageExpression ?? '',
          Reason: orNull(r.reason),
          FieldPath: r.fieldPath ?? '',
          OptionalOldSelf: orNull(r.optionalOldSelf),
        }))
      : null,
  };
}

/** An internal []CustomResourceDefinitionVersion as json.Marshal prints it in `spec.versions` messages. */
export function goVersionsValue(versions: InternalVersion[]): unknown {
  return versions.map((v) => ({
    Name: v.name,
    Served: v.served,
    Storage: v.storage,
    Deprecated: v.deprecated,
    DeprecationWarning: orNull(v.deprecationWarning),
    Schema: v.schema ? { OpenAPIV3Schema: goSchemaValue(v.schema.openAPIV3Schema) } : null,
    Subresources: v.subresources
      ? {
          Status: v.subresources.status ? {} : null,
          Scale: v.subresources.scale
            ? {
                SpecReplicasPath: v.subresources.scale.specReplicasPath ?? '',
                StatusReplicasPath: v.subresources.scale.statusReplicasPath ?? '',
                LabelSelectorPath: orNull(v.subresources.scale.labelSelectorPath),
              }
            : null,
        }
      : null,
    AdditionalPrinterColumns: v.additionalPrinterColumns
      ? v.additionalPrinterColumns.map((c) => ({
          Name: c.name ?? '',
          Type: c.type ?? '',
          Format: c.format ?? '',
          Description: c.description ?? '',
          Priority: c.priority ?? 0,
          JSONPath: c.jsonPath ?? '',
        }))
      : null,
    SelectableFields: v.selectableFields ? v.selectableFields.map((f) => ({ JSONPath: f.jsonPath ?? '' })) : null,
  }));
}

