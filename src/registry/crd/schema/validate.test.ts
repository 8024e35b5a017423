// Tests for custom resource schema validation: each keyword's upstream message and field path.
import { causeString } from '../../../meta/field-errors.js';
import type { JSONSchemaProps } from '../crd-types.js';
import { validateCustomResource } from './validate.js';

/** A CRD schema with `spec.x` as given, and the messages for a resource whose spec.x is `value`. */
function checkX(x: JSONSchemaProps, value: unknown): string[] {
  const schema: JSONSchemaProps = { type: 'object', properties: { spec: { type: 'object', properties: { x } } } };
  return validateCustomResource(schema, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { x: value } }).map(causeString);
}

describe('validateCustomResource keywords', () => {
  const cases: [string, JSONSchemaProps, unknown, string[]][] = [
    ['type integer given a string', { type: 'integer' }, 'abc', ['spec.x: Invalid value: "string": spec.x in body must be of type integer: "string"']],
    [
      'type integer given a fraction',
      { type: 'integer' },
      1.5,
      [
        'spec.x: Invalid value: "number": spec.x in body must be of type integer: "number"',
        '<nil>: Invalid value: "": Checked value must be of type integer (default format) in spec.x',
      ],
    ],
    ['type number accepts integers', { type: 'number' }, 3, []],
    ['type string given an integer', { type: 'string' }, 5, ['spec.x: Invalid value: "integer": spec.x in body must be of type string: "integer"']],
    ['type boolean given an object', { type: 'boolean' }, { a: 1 }, ['spec.x: Invalid value: "object": spec.x in body must be of type boolean: "object"']],
    ['type object given an array', { type: 'object' }, [1], ['spec.x: Invalid value: "array": spec.x in body must be of type object: "array"']],
    ['null where not nullable', { type: 'string' }, null, ['spec.x: Invalid value: "null": spec.x in body must be of type string: "null"']],
    ['null where nullable', { type: 'string', nullable: true }, null, []],
    ['enum of strings', { type: 'string', enum: ['a', 'b'] }, 'c', ['spec.x: Unsupported value: "c": supported values: "a", "b"']],
    ['enum of numbers', { type: 'integer', enum: [1, 2] }, 3, ['spec.x: Unsupported value: 3: supported values: "1", "2"']],
    ['enum of objects', { type: 'object', enum: [{ a: 1 }] }, { a: 2 }, ['spec.x: Unsupported value: {"a":2}: supported values: "{\\"a\\":1}"']],
    ['enum matches', { type: 'string', enum: ['a', 'b'] }, 'b', []],
    ['enum with nullable null', { type: 'string', nullable: true, enum: ['a'] }, null, ['spec.x: Unsupported value: "null": supported values: "a"']],
    ['pattern', { type: 'string', pattern: '^[a-z]+$' }, 'ABC', ["spec.x: Invalid value: \"ABC\": spec.x in body should match '^[a-z]+$'"]],
    ['pattern matches', { type: 'string', pattern: '^[a-z]+$' }, 'abc', []],
    ['minLength', { type: 'string', minLength: 3 }, 'ab', ['spec.x: Invalid value: "ab": spec.x in body should be at least 3 chars long']],
    ['maxLength', { type: 'string', maxLength: 3 }, 'abcd', ['spec.x: Too long: may not be more than 3 bytes']],
    ['maxLength counts characters', { type: 'string', maxLength: 3 }, 'äöü', []],
    ['maxLength is checked before pattern', { type: 'string', maxLength: 1, pattern: '^a$' }, 'bb', ['spec.x: Too long: may not be more than 1 byte']],
    ['minimum', { type: 'integer', minimum: 5 }, 3, ['spec.x: Invalid value: 3: spec.x in body should be greater than or equal to 5']],
    ['exclusiveMinimum', { type: 'integer', minimum: 5, exclusiveMinimum: true }, 5, ['spec.x: Invalid value: 5: spec.x in body should be greater than 5']],
    ['maximum', { type: 'integer', maximum: 10 }, 11, ['spec.x: Invalid value: 11: spec.x in body should be less than or equal to 10']],
    ['exclusiveMaximum', { type: 'integer', maximum: 10, exclusiveMaximum: true }, 10, ['spec.x: Invalid value: 10: spec.x in body should be less than 10']],
    ['maximum of a float', { type: 'number', maximum: 10 }, 10.5, ['spec.x: Invalid value: 10.5: spec.x in body should be less than or equal to 10']],
    ['float bound printed like Go', { type: 'number', minimum: 1000000.5 }, 0.5, ['spec.x: Invalid value: 0.5: spec.x in body should be greater than or equal to 1.0000005e+06']],
    [
      'minimum and maximum both reported, minimum first',
      { type: 'integer', minimum: 5, maximum: 1 },
      3,
      ['spec.x: Invalid value: 3: spec.x in body should be greater than or equal to 5', 'spec.x: Invalid value: 3: spec.x in body should be less than or equal to 1'],
    ],
    ['multipleOf', { type: 'integer', multipleOf: 3 }, 7, ['spec.x: Invalid value: 7: spec.x in body should be a multiple of 3']],
    ['multipleOf a fraction', { type: 'number', multipleOf: 0.5 }, 0.3, ['spec.x: Invalid value: 0.3: spec.x in body should be a multiple of 0.5']],
    ['multipleOf satisfied', { type: 'number', multipleOf: 0.5 }, 1.5, []],
    ['minItems', { type: 'array', items: { type: 'integer' }, minItems: 2 }, [1], ['spec.x: Invalid value: 1: spec.x in body should have at least 2 items']],
    ['maxItems', { type: 'array', items: { type: 'integer' }, maxItems: 1 }, [1, 2], ['spec.x: Too many: 2: must have at most 1 item']],
    ['uniqueItems', { type: 'array', items: { type: 'integer' }, uniqueItems: true }, [1, 2, 1], ['spec.x: Invalid value: "": spec.x in body shouldn\'t contain duplicates']],
    ['items checked with index paths', { type: 'array', items: { type: 'string' } }, ['a', 2], ['spec.x[1]: Invalid value: "integer": spec.x[1] in body must be of type string: "integer"']],
    ['minProperties', { type: 'object', additionalProperties: { type: 'string' }, minProperties: 2 }, { a: 'b' }, ['spec.x: Invalid value: 1: spec.x in body should have at least 2 properties']],
    ['maxProperties', { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 1 }, { a: 'b', c: 'd' }, ['spec.x: Too many: 2: must have at most 1 item']],
    ['additionalProperties values', { type: 'object', additionalProperties: { type: 'integer' } }, { a: 1, b: 'two' }, ['spec.x.b: Invalid value: "string": spec.x.b in body must be of type integer: "string"']],
    [
      'required',
      { type: 'object', required: ['a', 'b'], properties: { a: { type: 'string' }, b: { type: 'string' } } },
      { a: 'x' },
      ['spec.x.b: Required value'],
    ],
    ['required is satisfied by null', { type: 'object', required: ['a'], properties: { a: { type: 'string', nullable: true } } }, { a: null }, []],
    ['int-or-string accepts both', { 'x-kubernetes-int-or-string': true }, '50%', []],
    ['int-or-string rejects booleans', { 'x-kubernetes-int-or-string': true }, true, ['spec.x: Invalid value: "boolean": spec.x in body must be of type integer,string: "boolean"']],
    ['preserve-unknown-fields accepts anything', { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, { a: [1, { b: 2 }] }, []],
  ];
  it.each(cases)('%s', (_name, x, value, expected) => {
    expect(checkX(x, value)).toEqual(expected);
  });
});

describe('validateCustomResource formats', () => {
  const cases: [string, string, boolean][] = [
    ['uuid', '123e4567-e89b-12d3-a456-426614174000', true],
    ['uuid', 'not-a-uuid', false],
    ['uuid4', '123e4567-e89b-42d3-a456-426614174000', true],
    ['uuid4', '123e4567-e89b-12d3-a456-426614174000', false],
    ['date', '2024-02-29', true],
    ['date', '2023-02-29', false],
    ['date-time', '2024-01-02T03:04:05Z', true],
    ['date-time', '2024-01-02T25:04:05Z', false],
    ['datetime', '2024-01-02 03:04:05', false],
    ['duration', '1h30m', true],
    ['duration', '3 days', true],
    ['duration', 'soon', false],
    ['email', 'a@example.com', true],
    ['email', 'John <a@example.com>', true],
    ['email', 'not an email', false],
    ['hostname', 'example.com', true],
    ['hostname', '-bad-.com', false],
    ['ipv4', '10.0.0.1', true],
    ['ipv4', '10.0.0', false],
    ['ipv6', '2001:db8::1', true],
    ['ipv6', '10.0.0.1', false],
    ['cidr', '10.0.0.0/8', true],
    ['cidr', '10.0.0.0/33', false],
    ['mac', '00:00:5e:00:53:01', true],
    ['mac', '00:00:5e:00:53', false],
    ['uri', 'https://example.com/x', true],
    ['uri', 'relative/path', false],
    ['byte', 'aGVsbG8=', true],
    ['byte', 'hello!', false],
    ['bsonobjectid', '507f1f77bcf86cd799439011', true],
    ['bsonobjectid', '507f1f77', false],
    ['hexcolor', '#ffaa00', true],
    ['hexcolor', '#ffaa0', false],
    ['k8s-short-name', 'my-name', true],
    ['k8s-short-name', 'My-Name', false],
    ['k8s-long-name', 'a.b-c.d', true],
    ['k8s-long-name', 'a..b', false],
    ['password', 'anything at all', true],
    // not in apiextensions' supported list: stripped, so nothing is checked
    ['color', 'whatever', true],
  ];
  it.each(cases)('%s %j valid=%s', (format, value, valid) => {
    const expected = valid ? [] : [`spec.x: Invalid value: ${JSON.stringify(value)}: spec.x in body must be of type ${format}: ${JSON.stringify(value)}`];
    expect(checkX({ type: 'string', format }, value)).toEqual(expected);
  });

  it('checks int32 ranges on integers, and ignores string formats there', () => {
    expect(checkX({ type: 'integer', format: 'int32' }, 3000000000)).toEqual([
      '<nil>: Invalid value: "": Checked value must be of type integer with format int32 in spec.x',
    ]);
    expect(checkX({ type: 'integer', format: 'int32' }, 2147483647)).toEqual([]);
    expect(checkX({ type: 'integer', format: 'uuid' }, 5)).toEqual([]);
  });

  it('reports a non-string in a formatted string field by its Go number format', () => {
    expect(checkX({ type: 'string', format: 'uuid' }, 5)).toEqual(['spec.x: Invalid value: "int64": spec.x in body must be of type uuid: "int64"']);
  });
});

describe('validateCustomResource combinators', () => {
  it('anyOf: the summary on the nil path, then the best failing alternative', () => {
    expect(checkX({ type: 'integer', anyOf: [{ minimum: 5 }, { maximum: 1 }] }, 3)).toEqual([
      '<nil>: Invalid value: "": "spec.x" must validate at least one schema (anyOf)',
      'spec.x: Invalid value: 3: spec.x in body should be greater than or equal to 5',
    ]);
    expect(checkX({ type: 'integer', anyOf: [{ minimum: 5 }, { maximum: 4 }] }, 3)).toEqual([]);
  });

  it('oneOf: none or several valid', () => {
    expect(checkX({ type: 'integer', oneOf: [{ minimum: 5 }, { maximum: 1 }] }, 3)).toEqual([
      '<nil>: Invalid value: "": "spec.x" must validate one and only one schema (oneOf). Found none valid',
      'spec.x: Invalid value: 3: spec.x in body should be greater than or equal to 5',
    ]);
    expect(checkX({ type: 'integer', oneOf: [{ minimum: 1 }, { maximum: 5 }] }, 3)).toEqual([
      '<nil>: Invalid value: "": "spec.x" must validate one and only one schema (oneOf). Found 2 valid alternatives',
    ]);
    expect(checkX({ type: 'integer', oneOf: [{ minimum: 1 }, { maximum: 2 }] }, 3)).toEqual([]);
  });

  it('allOf: each failure, then the summary', () => {
    expect(checkX({ type: 'integer', allOf: [{ minimum: 5 }, { maximum: 1 }] }, 3)).toEqual([
      'spec.x: Invalid value: 3: spec.x in body should be greater than or equal to 5',
      'spec.x: Invalid value: 3: spec.x in body should be less than or equal to 1',
      '<nil>: Invalid value: "": "spec.x" must validate all the schemas (allOf). None validated',
    ]);
    expect(checkX({ type: 'integer', allOf: [{ minimum: 1 }, { maximum: 1 }] }, 3)).toEqual([
      'spec.x: Invalid value: 3: spec.x in body should be less than or equal to 1',
      '<nil>: Invalid value: "": "spec.x" must validate all the schemas (allOf)',
    ]);
  });

  it('not', () => {
    expect(checkX({ type: 'string', not: { enum: ['forbidden'] } }, 'forbidden')).toEqual([
      '<nil>: Invalid value: "": "spec.x" must not validate the schema (not)',
    ]);
    expect(checkX({ type: 'string', not: { enum: ['forbidden'] } }, 'fine')).toEqual([]);
  });

  it('reaches into properties declared inside allOf', () => {
    expect(checkX({ type: 'object', properties: { a: { type: 'string' } }, allOf: [{ properties: { a: { maxLength: 1 } } }] }, { a: 'xy' })).toEqual([
      'spec.x.a: Too long: may not be more than 1 byte',
      '<nil>: Invalid value: "": "spec.x" must validate all the schemas (allOf). None validated',
    ]);
  });
});

describe('validateCustomResource at the root', () => {
  it('names root required fields without a leading dot', () => {
    const schema: JSONSchemaProps = { type: 'object', required: ['spec'], properties: { spec: { type: 'object' } } };
    expect(validateCustomResource(schema, { apiVersion: 'a/v1', kind: 'K', metadata: {} }).map(causeString)).toEqual(['spec: Required value']);
  });

  it('keeps causes structured for the 422 status', () => {
    const schema: JSONSchemaProps = { type: 'object', properties: { spec: { type: 'object', properties: { n: { type: 'integer', minimum: 1 } } } } };
    expect(validateCustomResource(schema, { spec: { n: 0 } })).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.n', message: 'Invalid value: 0: spec.n in body should be greater than or equal to 1' },
    ]);
  });
});

describe('validateCustomResource list types', () => {
  it('reports set duplicates at their second occurrence', () => {
    expect(checkX({ type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } }, ['a', 'b', 'a', 'a', 'b'])).toEqual([
      'spec.x[2]: Duplicate value: "a"',
      'spec.x[4]: Duplicate value: "b"',
    ]);
    expect(checkX({ type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }, [{ a: 1, b: 2 }, { b: 2, a: 1 }])).toEqual([
      'spec.x[1]: Duplicate value: {"a":1,"b":2}',
    ]);
  });

  it('reports map-list key duplicates with the key', () => {
    const item: JSONSchemaProps = { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer' } } };
    expect(checkX({ type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: item }, [{ name: 'a' }, { name: 'a', port: 1 }])).toEqual([
      'spec.x[1]: Duplicate value: {"name":"a"}',
    ]);
    expect(checkX({ type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port', 'name'], items: item }, [{ name: 'a', port: 80 }, { port: 80, name: 'a' }, { name: 'a', port: 81 }])).toEqual([
      'spec.x[1]: Duplicate value: {"name":"a","port":80}',
    ]);
    expect(checkX({ type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: item }, [{ port: 1 }, { port: 2 }])).toEqual([
      'spec.x[1]: Duplicate value: {}',
    ]);
  });

  it('finds list types under maps with bracketed keys', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: { spec: { type: 'object', additionalProperties: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'integer' } } } },
    };
    expect(validateCustomResource(schema, { spec: { k: [1, 1] } }).map(causeString)).toEqual(['spec[k][1]: Duplicate value: 1']);
  });
});

describe('validateCustomResource embedded resources', () => {
  const embedded = (template: unknown) =>
    checkX({ type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true }, template);

  it('requires apiVersion and kind', () => {
    expect(embedded({})).toEqual(['spec.x.apiVersion: Required value', 'spec.x.kind: Required value']);
    expect(embedded({ apiVersion: 'v1', kind: 'Pod' })).toEqual([]);
  });

  it('checks apiVersion and kind values', () => {
    expect(embedded({ apiVersion: 'a/b/c', kind: 'Foo_Bar' })).toEqual([
      'spec.x.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
      "spec.x.kind: Invalid value: \"Foo_Bar\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
    expect(embedded({ apiVersion: '', kind: 3 })).toEqual([
      'spec.x.apiVersion: Invalid value: "": must not be empty',
      'spec.x.kind: Invalid value: 3: must be a string',
    ]);
  });

  it('validates embedded metadata like ObjectMeta', () => {
    expect(embedded({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a/b', labels: { 'bad key!': 'x' } } })).toEqual([
      "spec.x.metadata.name: Invalid value: \"a/b\": may not contain '/'",
      "spec.x.metadata.labels: Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]);
    expect(embedded({ apiVersion: 'v1', kind: 'Pod', metadata: {} })).toEqual([]);
  });

  it('reports metadata that does not decode as ObjectMeta', () => {
    expect(embedded({ apiVersion: 'v1', kind: 'Pod', metadata: { labels: 'x' } })).toEqual([
      'spec.x.metadata: Invalid value: {"labels":"x"}: json: cannot unmarshal string into Go struct field ObjectMeta.labels of type map[string]string',
    ]);
  });
});
