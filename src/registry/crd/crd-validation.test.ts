// CRD validation of names, group, scope, versions, subresources, columns, conversion and updates, in upstream's words.
import type { CustomResourceDefinition } from './crd-types.js';
import { createProblems, schemaOf, stored, updateProblems, widgetCRD, widgetSchema } from './crd-validation-fixtures.js';

const dns1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const goVersion = (name: string, storage: boolean) =>
  `{"Name":"${name}","Served":true,"Storage":${storage},"Deprecated":false,"DeprecationWarning":null,"Schema":null,"Subresources":null,"AdditionalPrinterColumns":null,"SelectableFields":null}`;

type Case = [string, (crd: CustomResourceDefinition) => void, string[]];

const createCases: Case[] = [
  ['a valid CRD', () => {}, []],
  ['a name other than plural.group', (c) => (c.metadata.name = 'gadgets.example.com'), ['metadata.name: Invalid value: "gadgets.example.com": must be spec.names.plural+"."+spec.group']],
  ['no group', (c) => (c.spec.group = ''), ['spec.group: Required value']],
  ['a group without a dot', (c) => (c.spec.group = 'example'), ['spec.group: Invalid value: "example": should be a domain with at least one dot']],
  [
    'a group that is no DNS subdomain',
    (c) => (c.spec.group = 'Example.com'),
    [
      "spec.group: Invalid value: \"Example.com\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ],
  ],
  ['no scope', (c) => (c.spec.scope = ''), ['spec.scope: Required value']],
  ['an empty spec', (c) => (c.spec = {} as CustomResourceDefinition['spec']), [
    'spec.group: Required value',
    'spec.scope: Required value',
    'spec.versions: Invalid value: null: must have exactly one version marked as storage version',
    'spec.names.plural: Required value',
    'spec.names.singular: Required value',
    'spec.names.kind: Required value',
    'spec.names.listKind: Required value',
    'status.storedVersions: Invalid value: null: must have at least one stored version',
  ]],
  ['an unknown scope', (c) => (c.spec.scope = 'Global'), ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"']],
  [
    'no versions',
    (c) => (c.spec.versions = []),
    ['spec.versions: Invalid value: []: must have exactly one version marked as storage version', 'status.storedVersions: Invalid value: null: must have at least one stored version'],
  ],
  [
    'two storage versions (identical schemas move to the top level)',
    (c) => c.spec.versions.push({ name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: widgetSchema() } }),
    [
      `spec.versions: Invalid value: [${goVersion('v1', true)},${goVersion('v2', true)}]: must have exactly one version marked as storage version`,
      // a create records only the first storage version
      'status.storedVersions: Invalid value: ["v1"]: must have the storage version v2',
    ],
  ],
  [
    'duplicate version names',
    (c) => c.spec.versions.push({ name: 'v1', served: true, storage: false, schema: { openAPIV3Schema: widgetSchema() } }),
    [`spec.versions: Invalid value: [${goVersion('v1', true)},${goVersion('v1', false)}]: must contain unique version names`],
  ],
  ['a version name that is no DNS-1035 label (also copied to spec.version)', (c) => (c.spec.versions[0]!.name = 'V1'), [
    `spec.versions[0].name: Invalid value: "V1": ${dns1035}`,
    `spec.version: Invalid value: "V1": ${dns1035}`,
  ]],
  ['a version without a schema', (c) => delete c.spec.versions[0]!.schema, ['spec.versions[0].schema.openAPIV3Schema: Required value']],
  [
    'a second version without a schema',
    (c) => c.spec.versions.push({ name: 'v2', served: true, storage: false }),
    ['spec.versions[1].schema.openAPIV3Schema: Required value'],
  ],
  ['a deprecation warning on a version that is not deprecated', (c) => (c.spec.versions[0]!.deprecationWarning = 'old'), [
    'spec.versions[0].deprecationWarning: Invalid value: "old": can only be set for deprecated versions',
  ]],
  ['no plural', (c) => (c.spec.names.plural = ''), ['spec.names.plural: Required value']],
  ['no kind (nothing to default singular and listKind from)', (c) => {
    c.spec.names = { plural: 'widgets', kind: '' };
  }, ['spec.names.singular: Required value', 'spec.names.kind: Required value', 'spec.names.listKind: Required value']],
  ['kind equal to listKind', (c) => (c.spec.names.listKind = 'Widget'), ['spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same']],
  ['a kind that is no DNS-1035 label once lower-cased', (c) => {
    c.spec.names.kind = 'Wid_get';
    c.spec.names.listKind = 'WidgetList';
  }, [`spec.names.kind: Invalid value: "Wid_get": may have mixed case, but should otherwise match: ${dns1035}`]],
  ['a bad short name and category', (c) => {
    c.spec.names.shortNames = ['wd', 'w!'];
    c.spec.names.categories = ['all', '9lives'];
  }, [`spec.names.shortNames[1]: Invalid value: "w!": ${dns1035}`, `spec.names.categories[1]: Invalid value: "9lives": ${dns1035}`]],
  ['scale paths outside .spec and .status', (c) => {
    c.spec.versions[0]!.subresources = { scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: '.spec.replicas', labelSelectorPath: '.metadata.labels' } };
  }, [
    'spec.subresources.scale.specReplicasPath: Invalid value: "spec.replicas": must be a simple json path starting with .',
    'spec.subresources.scale.statusReplicasPath: Invalid value: ".spec.replicas": should be a json path under .status',
    'spec.subresources.scale.labelSelectorPath: Invalid value: ".metadata.labels": should be a json path under either .spec or .status',
  ]],
  ['scale without paths', (c) => {
    c.spec.versions[0]!.subresources = { scale: { specReplicasPath: '', statusReplicasPath: '' } };
  }, ['spec.subresources.scale.specReplicasPath: Required value', 'spec.subresources.scale.statusReplicasPath: Required value']],
  ['printer columns of an unknown type and format, and without a path', (c) => {
    c.spec.versions[0]!.additionalPrinterColumns = [{ name: 'Replicas', type: 'float', format: 'percent', jsonPath: '' }];
  }, [
    'spec.additionalPrinterColumns[0].type: Invalid value: "float": must be one of boolean,date,integer,number,string',
    'spec.additionalPrinterColumns[0].format: Invalid value: "percent": must be one of byte,date,date-time,double,float,int32,int64,password',
    'spec.additionalPrinterColumns[0].JSONPath: Required value',
  ]],
  ['a printer column path without a leading dot', (c) => {
    c.spec.versions[0]!.additionalPrinterColumns = [{ name: 'Replicas', type: 'integer', jsonPath: 'spec.replicas' }];
  }, ['spec.additionalPrinterColumns[0].JSONPath: Invalid value: "spec.replicas": must be a simple json path starting with .']],
  ['selectable fields that are missing, objects, repeated or in metadata', (c) => {
    c.spec.versions[0]!.selectableFields = [{ jsonPath: '.spec.name' }, { jsonPath: '.spec.missing' }, { jsonPath: '.spec.tags' }, { jsonPath: '.spec.name' }, { jsonPath: 'spec.name' }];
  }, [
    'spec.selectableFields[1].jsonPath: Invalid value: ".spec.missing": is an invalid path: does not refer to a valid field',
    'spec.selectableFields[2].jsonPath: Invalid value: ".spec.tags": must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.',
    'spec.selectableFields[3].jsonPath: Duplicate value: ".spec.name"',
    'spec.selectableFields[4].jsonPath: Invalid value: "spec.name": is an invalid path: expected [ or . but got: spec',
  ]],
  ['more than 8 selectable fields', (c) => {
    const properties = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`f${i}`, { type: 'string' }]));
    schemaOf(c).properties!.spec = { type: 'object', properties };
    c.spec.versions[0]!.selectableFields = Object.keys(properties).map((k) => ({ jsonPath: `.spec.${k}` }));
  }, ['spec.selectableFields: Too many: 9: must have at most 8 items']],
  ['a Webhook conversion without its webhook', (c) => (c.spec.conversion = { strategy: 'Webhook' }), [
    'spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook',
    'spec.conversion.conversionReviewVersions: Required value',
  ]],
  ['a Webhook conversion over http, with no review version the server knows', (c) => {
    c.spec.conversion = { strategy: 'Webhook', webhook: { clientConfig: { url: 'http://convert.example.com/x?y=1' }, conversionReviewVersions: ['v2'] } };
  }, [
    "spec.conversion.webhookClientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[/path]",
    'spec.conversion.webhookClientConfig.url: Invalid value: "y=1": query parameters are not permitted in the URL',
    'spec.conversion.conversionReviewVersions: Invalid value: ["v2"]: must include at least one of v1, v1beta1',
  ]],
  ['a Webhook conversion with both url and service', (c) => {
    c.spec.conversion = { strategy: 'Webhook', webhook: { clientConfig: { url: 'https://x.example.com', service: { namespace: 'ns', name: 'svc' } }, conversionReviewVersions: ['v1'] } };
  }, ['spec.conversion.webhookClientConfig: Required value: exactly one of url or service is required']],
  ['a Webhook service without a namespace (upstream checks it under name)', (c) => {
    c.spec.conversion = { strategy: 'Webhook', webhook: { clientConfig: { service: { namespace: '', name: 'svc', path: '/convert' } }, conversionReviewVersions: ['v1', 'v1'] } };
  }, ['spec.conversion.webhookClientConfig.service.name: Required value: service name is required', 'spec.conversion.conversionReviewVersions[1]: Invalid value: "v1": duplicate version']],
  ['a None conversion with a webhook', (c) => {
    c.spec.conversion = { strategy: 'None', webhook: { clientConfig: { url: 'https://x.example.com' }, conversionReviewVersions: ['v1'] } };
  }, [
    'spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook',
    'spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not set to Webhook',
  ]],
  ['an unknown conversion strategy', (c) => (c.spec.conversion = { strategy: 'Magic' }), ['spec.conversion.strategy: Unsupported value: "Magic": supported values: "None", "Webhook"']],
  ['preserveUnknownFields', (c) => (c.spec.preserveUnknownFields = true), [
    'spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead',
  ]],
  ['a k8s.io group without API approval', (c) => (c.spec.group = 'widgets.k8s.io'), [
    'metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111',
  ]],
  ['a k8s.io group with an approval that is neither URL nor "unapproved"', (c) => {
    c.spec.group = 'widgets.k8s.io';
    c.metadata.annotations = { 'api-approved.kubernetes.io': 'yes' };
  }, [
    'metadata.annotations[api-approved.kubernetes.io]: Invalid value: "yes": protected groups must have approval annotation "api-approved.kubernetes.io" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111',
  ]],
  ['a k8s.io group marked unapproved', (c) => {
    c.spec.group = 'widgets.k8s.io';
    c.metadata.annotations = { 'api-approved.kubernetes.io': 'unapproved, experimental' };
  }, []],
];

describe('CRD create validation', () => {
  test.each(createCases)('%s', (_name, mutate, expected) => {
    expect(createProblems(widgetCRD(mutate))).toEqual(expected);
  });

  test('a single version reports schema problems under spec.validation, several versions under their own', () => {
    const single = widgetCRD((c) => (schemaOf(c).properties!.spec!.properties!.replicas = {}));
    expect(createProblems(single)).toEqual(['spec.validation.openAPIV3Schema.properties[spec].properties[replicas].type: Required value: must not be empty for specified object fields']);
    const several = widgetCRD((c) => {
      c.spec.versions.push({ name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', properties: { spec: {} } } } });
    });
    expect(createProblems(several)).toEqual(['spec.versions[1].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields']);
  });
});

describe('CRD update validation', () => {
  const old = stored(widgetCRD());
  const established = stored(widgetCRD(), ['NamesAccepted', 'Established']);

  test('scope and kind may change until the CRD is established', () => {
    const next = widgetCRD((c) => {
      c.spec.scope = 'Cluster';
      c.spec.names.kind = 'Gadget';
      c.spec.names.listKind = 'GadgetList';
    });
    expect(updateProblems(old, next)).toEqual([]);
    expect(updateProblems(established, next)).toEqual(['spec.scope: Invalid value: "Cluster": field is immutable', 'spec.names.kind: Invalid value: "Gadget": field is immutable']);
  });

  test('group and plural never change', () => {
    const next = widgetCRD((c) => {
      c.spec.group = 'other.com';
      c.spec.names.plural = 'gadgets';
    });
    next.metadata.name = old.metadata.name;
    expect(updateProblems(old, next)).toEqual(['spec.group: Invalid value: "other.com": field is immutable', 'spec.names.plural: Invalid value: "gadgets": field is immutable']);
  });

  test('a new storage version is recorded, and a stored version must stay in spec.versions', () => {
    const next = widgetCRD((c) => {
      c.spec.versions[0]!.storage = false;
      c.spec.versions.push({ name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: widgetSchema() } });
    });
    expect(updateProblems(established, next)).toEqual([]);
    const dropped = widgetCRD((c) => (c.spec.versions[0]!.name = 'v2'));
    expect(updateProblems(established, dropped)).toEqual([
      'status.storedVersions[0]: Invalid value: "v1": missing from spec.versions; v1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1 and removes v1 from status.storedVersions',
    ]);
  });
});
