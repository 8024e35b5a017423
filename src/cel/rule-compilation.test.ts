// Tests for compileRuleErrors: the CRD-time report of x-kubernetes-validations problems, with upstream's paths and words.
import type { JSONSchemaProps } from '../registry/crd/crd-types.js';
import { compileRuleErrors, goRuleText } from './rule-compilation.js';

const prefix = 'spec.versions[0].schema.openAPIV3Schema';

function withSpecRules(rules: JSONSchemaProps['x-kubernetes-validations'], extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps {
  return {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        'x-kubernetes-validations': rules,
        properties: { replicas: { type: 'integer' }, name: { type: 'string' }, labels: { type: 'object', additionalProperties: { type: 'string' } } },
        ...extra,
      },
    },
  };
}

const specRules = `${prefix}.properties[spec].x-kubernetes-validations`;

describe('compileRuleErrors', () => {
  it('accepts rules that compile, including root metadata access', () => {
    const schema = withSpecRules([{ rule: "self.replicas > 0 && self.labels.all(k, self.labels[k] != '')" }]);
    schema['x-kubernetes-validations'] = [{ rule: "self.metadata.name.startsWith('a') && self.kind == 'Widget'" }];
    expect(compileRuleErrors(schema, prefix)).toEqual([]);
  });

  it('prints the rule as Go %#v does', () => {
    expect(goRuleText({ rule: 'self.x', message: 'm', reason: 'FieldValueForbidden' })).toBe(
      'apiextensions.ValidationRule{Rule:"self.x", Message:"m", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(0xc000010000), FieldPath:"", OptionalOldSelf:(*bool)(nil)}',
    );
  });

  it.each<[string, JSONSchemaProps['x-kubernetes-validations'], { field: string; reason: string; message: string }]>([
    [
      'an undefined field',
      [{ rule: 'self.nope > 0' }],
      {
        field: `${specRules}[0].rule`,
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: apiextensions.ValidationRule{Rule:"self.nope > 0", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: ' +
          "compilation failed: ERROR: <input>:1:5: undefined field 'nope'\n | self.nope > 0\n | ....^",
      },
    ],
    [
      'an undeclared function',
      [{ rule: 'frobnicate(self)' }],
      {
        field: `${specRules}[0].rule`,
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: apiextensions.ValidationRule{Rule:"frobnicate(self)", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: ' +
          "compilation failed: ERROR: <input>:1:11: undeclared reference to 'frobnicate' (in container '')\n | frobnicate(self)\n | ..........^",
      },
    ],
    [
      'a messageExpression that does not compile',
      [{ rule: 'true', messageExpression: 'oops' }],
      {
        field: `${specRules}[0].messageExpression`,
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: apiextensions.ValidationRule{Rule:"true", Message:"", MessageExpression:"oops", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: ' +
          "messageExpression compilation failed: ERROR: <input>:1:1: undeclared reference to 'oops' (in container '')\n | oops\n | ^",
      },
    ],
    ['an empty rule', [{ rule: '  ' }], { field: `${specRules}[0].rule`, reason: 'FieldValueRequired', message: 'Required value: rule is not specified' }],
    [
      'a blank message',
      [{ rule: 'true', message: ' ' }],
      { field: `${specRules}[0].message`, reason: 'FieldValueInvalid', message: 'Invalid value: " ": message must be non-empty if specified' },
    ],
    [
      'a multi-line rule without message',
      [{ rule: 'true &&\ntrue' }],
      { field: `${specRules}[0].message`, reason: 'FieldValueRequired', message: 'Required value: message must be specified if rule contains line breaks' },
    ],
    [
      'an unknown reason',
      [{ rule: 'true', reason: 'FieldValueOops' }],
      {
        field: `${specRules}[0].reason`,
        reason: 'FieldValueNotSupported',
        message: 'Unsupported value: "FieldValueOops": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"',
      },
    ],
    [
      'a fieldPath to nowhere',
      [{ rule: 'true', fieldPath: '.nope' }],
      { field: `${specRules}[0].fieldPath`, reason: 'FieldValueInvalid', message: 'Invalid value: ".nope": fieldPath must be a valid path: does not refer to a valid field' },
    ],
    [
      'optionalOldSelf without oldSelf',
      [{ rule: 'true', optionalOldSelf: true }],
      { field: `${specRules}[0].optionalOldSelf`, reason: 'FieldValueInvalid', message: 'Invalid value: true: may not be set if oldSelf is not used in rule' },
    ],
  ])('%s', (_name, rules, cause) => {
    expect(compileRuleErrors(withSpecRules(rules), prefix)).toEqual([cause]);
  });

  it('accepts valid fieldPaths into properties and maps', () => {
    const rules = [
      { rule: 'true', fieldPath: '.replicas' },
      { rule: 'true', fieldPath: ".labels['a.b']" },
      { rule: 'true', fieldPath: "['name']" },
    ];
    expect(compileRuleErrors(withSpecRules(rules), prefix)).toEqual([]);
  });

  it('refuses oldSelf below a list that is not a map list', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        list: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf' }] } },
        mapList: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['k'],
          items: { type: 'object', properties: { k: { type: 'string' } }, 'x-kubernetes-validations': [{ rule: 'self == oldSelf' }] },
        },
      },
    };
    expect(compileRuleErrors(schema, prefix)).toEqual([
      {
        field: `${prefix}.properties[list].items.x-kubernetes-validations[0].rule`,
        reason: 'FieldValueInvalid',
        message: `Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within ${prefix}.properties[list].items`,
      },
    ]);
  });
});
