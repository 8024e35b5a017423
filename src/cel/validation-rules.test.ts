// Tests for validateCelRules: schema typing of self/oldSelf, transition rules, messages, reasons, field paths and nesting.
import type { JSONSchemaProps } from '../registry/crd/crd-types.js';
import { validateCelRules } from './validation-rules.js';

const schema: JSONSchemaProps = {
  type: 'object',
  'x-kubernetes-validations': [{ rule: "self.metadata.name.startsWith('app-')" }],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      'x-kubernetes-validations': [
        { rule: 'self.minReplicas <= self.replicas', message: 'minReplicas must not exceed replicas', fieldPath: '.minReplicas' },
        { rule: "!has(self.mode) || self.mode != 'legacy'", reason: 'FieldValueForbidden', message: 'legacy mode is gone' },
      ],
      properties: {
        replicas: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self >= 0' }, { rule: 'self / 2 * 2 == self', message: 'must be even' }] },
        minReplicas: { type: 'integer' },
        ratio: { type: 'number', 'x-kubernetes-validations': [{ rule: 'type(self) == double && self < 1.0' }] },
        name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'name is immutable' }] },
        mode: { type: 'string' },
        created: { type: 'string', format: 'date-time', 'x-kubernetes-validations': [{ rule: "self > timestamp('2000-01-01T00:00:00Z')" }] },
        timeout: { type: 'string', format: 'duration', 'x-kubernetes-validations': [{ rule: "self <= duration('1h')" }] },
        port: {
          'x-kubernetes-int-or-string': true,
          'x-kubernetes-validations': [{ rule: "type(self) == int ? self > 0 : self.startsWith('http')" }],
        },
        limit: {
          type: 'integer',
          'x-kubernetes-validations': [
            { rule: '!oldSelf.hasValue() || self >= oldSelf.value()', optionalOldSelf: true, message: 'limit may only grow' },
          ],
        },
        items: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            'x-kubernetes-validations': [
              { rule: 'self.size < 10', messageExpression: "'size ' + string(self.size) + ' is too big for ' + self.name" },
              { rule: 'self.size == oldSelf.size', message: 'size is immutable', reason: 'FieldValueForbidden' },
            ],
            properties: { name: { type: 'string' }, size: { type: 'integer' } },
          },
        },
        tags: {
          type: 'array',
          items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == self.lowerAscii()', reason: 'FieldValueDuplicate' }] },
        },
        labels: {
          type: 'object',
          additionalProperties: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() < 5', reason: 'FieldValueRequired' }] },
        },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-validations': [{ rule: 'self.count > 1' }] },
      },
    },
  },
};

function resource(spec: Record<string, unknown>, name = 'app-1'): Record<string, unknown> {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec: { replicas: 2, minReplicas: 1, ...spec } };
}

describe('validateCelRules', () => {
  it('accepts a valid object', () => {
    expect(validateCelRules(schema, resource({ ratio: 0.5, name: 'a', items: [{ name: 'x', size: 1 }] }))).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, { field: string; reason: string; message: string }]>([
    ['a scalar failure shows the value', { replicas: -2, minReplicas: -3 }, { field: 'spec.replicas', reason: 'FieldValueInvalid', message: 'Invalid value: -2: failed rule: self >= 0' }],
    ['ints divide as ints', { replicas: 3 }, { field: 'spec.replicas', reason: 'FieldValueInvalid', message: 'Invalid value: 3: must be even' }],
    ['fieldPath moves the error', { minReplicas: 4 }, { field: 'spec.minReplicas', reason: 'FieldValueInvalid', message: 'Invalid value: minReplicas must not exceed replicas' }],
    ['reason Forbidden', { mode: 'legacy' }, { field: 'spec', reason: 'FieldValueForbidden', message: 'Forbidden: legacy mode is gone' }],
    ['a JSON integer in a number field is a double', { ratio: 1 }, { field: 'spec.ratio', reason: 'FieldValueInvalid', message: 'Invalid value: 1: failed rule: type(self) == double && self < 1.0' }],
    ['date-time is a timestamp', { created: '1999-01-01T00:00:00Z' }, { field: 'spec.created', reason: 'FieldValueInvalid', message: `Invalid value: "1999-01-01T00:00:00Z": failed rule: self > timestamp('2000-01-01T00:00:00Z')` }],
    ['duration is a duration', { timeout: '2h' }, { field: 'spec.timeout', reason: 'FieldValueInvalid', message: `Invalid value: "2h": failed rule: self <= duration('1h')` }],
    ['int-or-string holds an int', { port: 0 }, { field: 'spec.port', reason: 'FieldValueInvalid', message: `Invalid value: 0: failed rule: type(self) == int ? self > 0 : self.startsWith('http')` }],
    ['int-or-string holds a string', { port: 'ftp' }, { field: 'spec.port', reason: 'FieldValueInvalid', message: `Invalid value: "ftp": failed rule: type(self) == int ? self > 0 : self.startsWith('http')` }],
    ['messageExpression on a list item', { items: [{ name: 'a', size: 1 }, { name: 'b', size: 12 }] }, { field: 'spec.items[1]', reason: 'FieldValueInvalid', message: 'Invalid value: size 12 is too big for b' }],
    ['reason Duplicate on a list of strings', { tags: ['ok', 'Bad'] }, { field: 'spec.tags[1]', reason: 'FieldValueDuplicate', message: 'Duplicate value: "Bad"' }],
    ['reason Required on a map value', { labels: { short: 'x', long: 'toolong' } }, { field: 'spec.labels[long]', reason: 'FieldValueRequired', message: 'Required value: failed rule: self.size() < 5' }],
    ['preserve-unknown-fields is dynamic', { extra: { count: 1 } }, { field: 'spec.extra', reason: 'FieldValueInvalid', message: 'Invalid value: failed rule: self.count > 1' }],
    ['a missing key is an evaluation error', { extra: { other: 1 } }, { field: 'spec.extra', reason: 'FieldValueInvalid', message: 'Invalid value: "object": no such key: count evaluating rule: self.count > 1' }],
    ['a run-time type mismatch', { port: true }, { field: 'spec.port', reason: 'FieldValueInvalid', message: `Invalid value: "": 'no such overload': call arguments did not match a supported operator, function or macro signature for rule: type(self) == int ? self > 0 : self.startsWith('http')` }],
  ])('%s', (_name, spec, cause) => {
    expect(validateCelRules(schema, resource(spec))).toEqual([cause]);
  });

  it('reports a root rule under <nil> and reads metadata.name', () => {
    expect(validateCelRules(schema, resource({}, 'web'))).toEqual([
      { field: '<nil>', reason: 'FieldValueInvalid', message: "Invalid value: failed rule: self.metadata.name.startsWith('app-')" },
    ]);
  });

  it('reports every failure, outer rules first', () => {
    const causes = validateCelRules(schema, resource({ replicas: -1, minReplicas: 0, mode: 'legacy' }));
    expect(causes.map((c) => c.field)).toEqual(['spec.minReplicas', 'spec', 'spec.replicas', 'spec.replicas']);
  });
});

describe('validateCelRules transition rules', () => {
  it('skips oldSelf rules on create', () => {
    expect(validateCelRules(schema, resource({ name: 'a', items: [{ name: 'x', size: 1 }] }))).toEqual([]);
  });

  it('checks an immutable field on update', () => {
    const old = resource({ name: 'a' });
    expect(validateCelRules(schema, resource({ name: 'a' }), old)).toEqual([]);
    expect(validateCelRules(schema, resource({ name: 'b' }), old)).toEqual([
      { field: 'spec.name', reason: 'FieldValueInvalid', message: 'Invalid value: "b": name is immutable' },
    ]);
  });

  it('correlates map-list items by key, not position', () => {
    const old = resource({ items: [{ name: 'x', size: 1 }, { name: 'y', size: 2 }] });
    expect(validateCelRules(schema, resource({ items: [{ name: 'y', size: 2 }, { name: 'x', size: 1 }] }), old)).toEqual([]);
    expect(validateCelRules(schema, resource({ items: [{ name: 'y', size: 3 }, { name: 'z', size: 5 }] }), old)).toEqual([
      { field: 'spec.items[0]', reason: 'FieldValueForbidden', message: 'Forbidden: size is immutable' },
    ]);
  });

  it('runs optionalOldSelf rules on create and update', () => {
    expect(validateCelRules(schema, resource({ limit: 5 }))).toEqual([]);
    expect(validateCelRules(schema, resource({ limit: 4 }), resource({ limit: 5 }))).toEqual([
      { field: 'spec.limit', reason: 'FieldValueInvalid', message: 'Invalid value: 4: limit may only grow' },
    ]);
  });

  it('ratchets a failure on an unchanged value into a warning', () => {
    const warnings: string[] = [];
    const old = resource({ replicas: -2, minReplicas: -3 });
    expect(validateCelRules(schema, resource({ replicas: -2, minReplicas: -3, mode: 'x' }), old, warnings)).toEqual([]);
    expect(warnings).toEqual(['spec.replicas: Invalid value: -2: failed rule: self >= 0']);
    expect(validateCelRules(schema, resource({ replicas: -4, minReplicas: -5 }), old)).toHaveLength(1);
  });
});

describe('validateCelRules messages', () => {
  const messageSchema = (rule: Record<string, unknown>): JSONSchemaProps => ({
    type: 'object',
    properties: { spec: { type: 'object', properties: { n: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self < 3', ...rule }] } } } },
  });
  const object = { spec: { n: 7 } };

  it.each<[string, Record<string, unknown>, string]>([
    ['default', {}, 'Invalid value: 7: failed rule: self < 3'],
    ['message trimmed', { message: '  too big  ' }, 'Invalid value: 7: too big'],
    ['messageExpression', { messageExpression: "'n is ' + string(self)" }, 'Invalid value: 7: n is 7'],
    ['messageExpression wins over message', { message: 'm', messageExpression: "'e'" }, 'Invalid value: 7: e'],
    ['failing messageExpression falls back to message', { message: 'm', messageExpression: 'self.x' }, 'Invalid value: 7: m'],
    ['non-string messageExpression falls back', { messageExpression: '1' }, 'Invalid value: 7: failed rule: self < 3'],
    ['empty messageExpression result falls back', { messageExpression: "'  '" }, 'Invalid value: 7: failed rule: self < 3'],
    ['multi-line messageExpression result falls back', { messageExpression: "'a\\nb'" }, 'Invalid value: 7: failed rule: self < 3'],
    ['an evaluation error names the message', { rule: 'self / 0 == 1', message: 'bad' }, 'Invalid value: "integer": division by zero evaluating rule: bad'],
  ])('%s', (_name, rule, message) => {
    expect(validateCelRules(messageSchema(rule), object)).toEqual([{ field: 'spec.n', reason: 'FieldValueInvalid', message }]);
  });

  it('reports a rule that does not compile at evaluation', () => {
    const causes = validateCelRules(messageSchema({ rule: 'self.nope' }), object);
    expect(causes).toEqual([
      {
        field: 'spec.n',
        reason: 'FieldValueInvalid',
        message:
          "Invalid value: \"integer\": rule compile error: compilation failed: ERROR: <input>:1:5: type 'int' does not support field selection\n | self.nope\n | ....^",
      },
    ]);
  });
});
