// CRD schema validation: structural rules, Kubernetes extensions, defaults and rules, with upstream's paths and texts.
import { loadCel } from '../../cel/cel-loader.js';
import type { CustomResourceDefinition, JSONSchemaProps } from './crd-types.js';
import { createProblems, schemaOf, widgetCRD } from './crd-validation-fixtures.js';

const root = 'spec.validation.openAPIV3Schema';
const specPath = `${root}.properties[spec]`;

/** A CRD whose `.spec` field `field` has the given schema. */
function withField(field: string, schema: JSONSchemaProps): CustomResourceDefinition {
  return widgetCRD((c) => (schemaOf(c).properties!.spec!.properties![field] = schema));
}

type Case = [string, CustomResourceDefinition, string[]];

const cases: Case[] = [
  ['a field without a type', withField('x', {}), [`${specPath}.properties[x].type: Required value: must not be empty for specified object fields`]],
  ['array items without a type', withField('x', { type: 'array', items: {} }), [
    `${specPath}.properties[x].items.type: Required value: must not be empty for specified array items`,
  ]],
  ['an array without items', withField('x', { type: 'array' }), [`${specPath}.properties[x].items: Required value: must be specified`]],
  ['no type at the root', widgetCRD((c) => delete schemaOf(c).type), [`${root}.type: Required value: must not be empty at the root`]],
  ['a string at the root', widgetCRD((c) => {
    c.spec.versions[0]!.schema = { openAPIV3Schema: { type: 'string' } };
  }), [`${root}.type: Invalid value: "string": must be object at the root`]],
  ['$ref', withField('x', { type: 'object', $ref: '#/definitions/x' }), [`${specPath}.properties[x].$ref: Forbidden: $ref is not supported`]],
  ['type null', withField('x', { type: 'null' }), [
    `${specPath}.properties[x].type: Unsupported value: "null": supported values: "array", "boolean", "integer", "number", "object", "string"`,
    `${specPath}.properties[x].type: Forbidden: type cannot be set to null, use nullable as an alternative`,
  ]],
  ['uniqueItems', withField('x', { type: 'array', items: { type: 'string' }, uniqueItems: true }), [
    `${specPath}.properties[x].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
  ]],
  ['properties beside additionalProperties', withField('x', { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } }), [
    `${specPath}.properties[x].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
  ]],
  ['metadata restricted beyond name', widgetCRD((c) => {
    schemaOf(c).properties!.metadata = { type: 'object', properties: { labels: { type: 'object' } } };
  }), [`${root}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`]],
  ['metadata restricting its name only', widgetCRD((c) => {
    schemaOf(c).properties!.metadata = { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } };
  }), []],
  ['a default for top-level metadata', widgetCRD((c) => {
    schemaOf(c).properties!.metadata = { type: 'object', default: { name: 'x' } };
  }), [`${root}.properties[metadata].default: Forbidden: must not be set in top-level metadata`]],
  ['a type beside anyOf', withField('x', { type: 'string', anyOf: [{ type: 'string' }] }), [`${specPath}.properties[x].anyOf[0].type: Forbidden: must be empty to be structural`]],
  ['anyOf at the root naming a field the schema lacks', widgetCRD((c) => (schemaOf(c).anyOf = [{ properties: { y: { minLength: 1 } } }])), [
    `${root}.properties[y]: Required value: because it is defined in ${root}.anyOf[0].properties[y]`,
  ]],
  // upstream checks completeness from the root's value validations only, not those of nested fields
  ['anyOf in a field naming a field it lacks', withField('x', { type: 'object', anyOf: [{ properties: { y: { minLength: 1 } } }] }), []],
  ['the int-or-string anyOf pattern', withField('x', { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] }), []],
  ['int-or-string preserving unknown fields', withField('x', { 'x-kubernetes-int-or-string': true, 'x-kubernetes-preserve-unknown-fields': true }), [
    `${specPath}.properties[x].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true`,
  ]],
  ['preserve-unknown-fields false', withField('x', { type: 'object', 'x-kubernetes-preserve-unknown-fields': false }), [
    `${specPath}.properties[x].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`,
  ]],
  ['an embedded resource that is a string', withField('x', { type: 'string', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true }), [
    `${specPath}.properties[x].type: Invalid value: "string": must be object if x-kubernetes-embedded-resource is true`,
  ]],
  ['an embedded resource with neither properties nor preserve-unknown-fields', withField('x', { type: 'object', 'x-kubernetes-embedded-resource': true }), [
    `${specPath}.properties[x].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`,
  ]],
  ['a list type on an object', withField('x', { type: 'object', 'x-kubernetes-list-type': 'atomic' }), [
    `${specPath}.properties[x].type: Invalid value: "object": must be array if x-kubernetes-list-type is specified`,
  ]],
  ['an unknown list type', withField('x', { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'bag' }), [
    `${specPath}.properties[x].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`,
  ]],
  ['a map list without keys', withField('x', { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object', properties: { name: { type: 'string' } } } }), [
    `${specPath}.properties[x].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
  ]],
  ['map keys that are no item property', withField('x', {
    type: 'array',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['id'],
    items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
  }), [`${specPath}.properties[x].x-kubernetes-list-map-keys: Invalid value: ["id"]: entries must all be names of item properties`]],
  ['a map key neither required nor defaulted', withField('x', {
    type: 'array',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['name'],
    items: { type: 'object', properties: { name: { type: 'string' } } },
  }), [
    `${specPath}.properties[x].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
  ]],
  ['map keys without a list type', withField('x', { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-map-keys': ['a'] }), [
    `${specPath}.properties[x].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty`,
  ]],
  ['a set of objects that are not atomic', withField('x', { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'object', properties: { a: { type: 'string' } } } }), [
    `${specPath}.properties[x].items.x-kubernetes-map-type: Invalid value: null: must be atomic as item of a list with x-kubernetes-list-type=set`,
  ]],
  ['a map type on a string', withField('x', { type: 'string', 'x-kubernetes-map-type': 'granular' }), [
    `${specPath}.properties[x].type: Invalid value: "string": must be object if x-kubernetes-map-type is specified`,
  ]],
  ['a default with fields the schema prunes', withField('x', { type: 'object', properties: { a: { type: 'integer' } }, default: { a: 1, b: 2 } }), [
    `${specPath}.properties[x].default: Invalid value: {"a":1,"b":2}: must not have unknown fields`,
  ]],
  ['a default breaking its own schema', withField('x', { type: 'integer', maximum: 5, default: 10 }), [
    // kube-openapi names the default's own root "", hence the leading space
    `${specPath}.properties[x].default: Invalid value: 10:  in body should be less than or equal to 5`,
  ]],
  ['a valid default', withField('x', { type: 'integer', maximum: 5, default: 3 }), []],
  ['an invalid pattern', withField('x', { type: 'string', pattern: '(' }), [
    `${specPath}.properties[x].pattern: Invalid value: "(": must be a valid regular expression, but isn't: error parsing regexp: missing closing ): \`(\``,
  ]],
  ['a rule that is empty, and an unknown reason', withField('x', { type: 'string', 'x-kubernetes-validations': [{ rule: ' ' }, { rule: 'self.size() > 1', reason: 'FieldValueBad' }] }), [
    `${specPath}.properties[x].x-kubernetes-validations[0].rule: Required value: rule is not specified`,
    `${specPath}.properties[x].x-kubernetes-validations[1].reason: Unsupported value: "FieldValueBad": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`,
  ]],
  ['a rule with a field path the schema lacks', withField('x', { type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: 'true', fieldPath: '.b' }] }), [
    `${specPath}.properties[x].x-kubernetes-validations[0].fieldPath: Invalid value: ".b": must be a valid path`,
  ]],
  ['a valid rule', withField('x', { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() > 1' }] }), []],
  ['a nullable root', widgetCRD((c) => (schemaOf(c).nullable = true)), [`${root}.nullable: Forbidden: nullable cannot be true at the root`]],
  ['a non-object root type with the status subresource', widgetCRD((c) => {
    c.spec.versions[0]!.subresources = { status: {} };
    c.spec.versions[0]!.schema = { openAPIV3Schema: { type: 'string' } };
  }), [
    `spec.validation.openAPIV3Schema.type: Invalid value: "string": only "object" is allowed as the type at the root of the schema if the status subresource is enabled`,
    `${root}.type: Invalid value: "string": must be object at the root`,
  ]],
];

describe('CRD schema validation', () => {
  // The strategy is called directly here; the registry loads the CEL engine before CRD writes.
  beforeAll(() => loadCel());

  test.each(cases)('%s', (_name, crd, expected) => {
    expect(createProblems(crd)).toEqual(expected);
  });

  test('a rule that does not compile is reported by the CEL compiler on the rule', () => {
    const problems = createProblems(withField('x', { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size( >' }] }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${specPath.replace(/[[\].]/g, '\\$&')}\\.properties\\[x\\]\\.x-kubernetes-validations\\[0\\]\\.rule: Invalid value: `));
    expect(problems[0]).toContain('compilation failed');
  });

  test('with the status subresource, a root field outside the allowed list shows the whole schema as Go prints it', () => {
    const crd = widgetCRD((c) => {
      c.spec.versions[0]!.subresources = { status: {} };
      c.spec.versions[0]!.schema = { openAPIV3Schema: { type: 'object', minProperties: 1 } };
    });
    const goSchema =
      '{"ID":"","Schema":"","Ref":null,"Description":"","Type":"object","Nullable":false,"Format":"","Title":"","Default":null,"Maximum":null,' +
      '"ExclusiveMaximum":false,"Minimum":null,"ExclusiveMinimum":false,"MaxLength":null,"MinLength":null,"Pattern":"","MaxItems":null,"MinItems":null,' +
      '"UniqueItems":false,"MultipleOf":null,"Enum":null,"MaxProperties":null,"MinProperties":1,"Required":null,"Items":null,"AllOf":null,"OneOf":null,' +
      '"AnyOf":null,"Not":null,"Properties":null,"AdditionalProperties":null,"PatternProperties":null,"Dependencies":null,"AdditionalItems":null,' +
      '"Definitions":null,"ExternalDocs":null,"Example":null,"XPreserveUnknownFields":null,"XEmbeddedResource":false,"XIntOrString":false,' +
      '"XListMapKeys":null,"XListType":null,"XMapType":null,"XValidations":null}';
    expect(createProblems(crd)).toEqual([
      `spec.validation.openAPIV3Schema: Invalid value: ${goSchema}: only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled`,
    ]);
  });
});
