// The OpenAPI 2.0 object model as gnostic's openapi_v2 compiler reads it: keys, kinds, required keys and enums per message.
//
// Every "strict" object rejects keys other than its own fields and `x-` extensions; those
// checks matter because gnostic picks a oneof alternative by which candidate parses cleanly.

/** How a JSON value becomes a proto field (see openapi-v2-protobuf.ts for each kind's rules). */
export type Kind = 'string' | 'bool' | 'int' | 'float' | 'strings' | 'any' | 'anys' | { msg: string } | { msgs: string };

export interface FieldSpec {
  key: string;
  field: string;
  kind: Kind;
  enumValues?: readonly string[];
}

export interface MessageSpec {
  /** Only own keys and vendor extensions are allowed (plus `namedPattern` keys). */
  strict: boolean;
  required: readonly string[];
  fields: readonly FieldSpec[];
  /** Proto field collecting `x-*` keys as NamedAny, if the object has one. */
  extensions?: string;
  /** Map-like objects: keys (optionally filtered) become Named* entries in this proto field. */
  named?: { field: string; value: Kind; pattern?: RegExp };
  byKey: ReadonlyMap<string, FieldSpec>;
}

/** JSON key → proto field name ("$ref" → "_ref", camelCase → snake_case). */
const protoName = (key: string): string => (key === '$ref' ? '_ref' : key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

function f(key: string, kind: Kind, enumValues?: readonly string[]): FieldSpec {
  return { key, field: protoName(key), kind, enumValues };
}

const msg = (name: string): Kind => ({ msg: name });
const msgs = (name: string): Kind => ({ msgs: name });

const SCHEMES = ['http', 'https', 'ws', 'wss'];
const PRIMITIVE_TYPES = ['string', 'number', 'integer', 'boolean', 'array'];
const PARAM_TYPES = ['string', 'number', 'boolean', 'integer', 'array'];
const FORMATS = ['csv', 'ssv', 'tsv', 'pipes'];

/** The validation keywords shared by PrimitivesItems, Header and the non-body parameters. */
function primitiveFields(types: readonly string[], collectionFormats: readonly string[]): FieldSpec[] {
  return [
    f('type', 'string', types),
    f('format', 'string'),
    f('items', msg('PrimitivesItems')),
    f('collectionFormat', 'string', collectionFormats),
    f('default', 'any'),
    f('maximum', 'float'),
    f('exclusiveMaximum', 'bool'),
    f('minimum', 'float'),
    f('exclusiveMinimum', 'bool'),
    f('maxLength', 'int'),
    f('minLength', 'int'),
    f('pattern', 'string'),
    f('maxItems', 'int'),
    f('minItems', 'int'),
    f('uniqueItems', 'bool'),
    f('enum', 'anys'),
    f('multipleOf', 'float'),
  ];
}

function paramSubSchema(location: string, types: readonly string[], collectionFormats: readonly string[], allowEmpty: boolean): FieldSpec[] {
  return [
    f('required', 'bool'),
    f('in', 'string', [location]),
    f('description', 'string'),
    f('name', 'string'),
    ...(allowEmpty ? [f('allowEmptyValue', 'bool')] : []),
    ...primitiveFields(types, collectionFormats),
  ];
}

function oauth2(flow: string, urls: readonly string[]): FieldSpec[] {
  return [f('type', 'string', ['oauth2']), f('flow', 'string', [flow]), f('scopes', msg('Oauth2Scopes')), ...urls.map((u) => f(u, 'string')), f('description', 'string')];
}

type Raw = Omit<MessageSpec, 'byKey' | 'strict' | 'required'> & { strict?: boolean; required?: readonly string[] };

function strict(required: readonly string[], fields: FieldSpec[]): Raw {
  return { strict: true, required, fields, extensions: 'vendor_extension' };
}

function mapOf(field: string, value: Kind): Raw {
  return { fields: [], named: { field, value } };
}

const RAW: Record<string, Raw> = {
  Document: strict(
    ['info', 'paths', 'swagger'],
    [
      f('swagger', 'string', ['2.0']),
      f('info', msg('Info')),
      f('host', 'string'),
      f('basePath', 'string'),
      f('schemes', 'strings', SCHEMES),
      f('consumes', 'strings'),
      f('produces', 'strings'),
      f('paths', msg('Paths')),
      f('definitions', msg('Definitions')),
      f('parameters', msg('ParameterDefinitions')),
      f('responses', msg('ResponseDefinitions')),
      f('security', msgs('SecurityRequirement')),
      f('securityDefinitions', msg('SecurityDefinitions')),
      f('tags', msgs('Tag')),
      f('externalDocs', msg('ExternalDocs')),
    ],
  ),
  Info: strict(
    ['title', 'version'],
    [f('title', 'string'), f('version', 'string'), f('description', 'string'), f('termsOfService', 'string'), f('contact', msg('Contact')), f('license', msg('License'))],
  ),
  Contact: strict([], [f('name', 'string'), f('url', 'string'), f('email', 'string')]),
  License: strict(['name'], [f('name', 'string'), f('url', 'string')]),
  ExternalDocs: strict(['url'], [f('description', 'string'), f('url', 'string')]),
  Tag: strict(['name'], [f('name', 'string'), f('description', 'string'), f('externalDocs', msg('ExternalDocs'))]),
  Xml: strict([], [f('name', 'string'), f('namespace', 'string'), f('prefix', 'string'), f('attribute', 'bool'), f('wrapped', 'bool')]),
  Paths: { ...strict([], []), named: { field: 'path', value: msg('PathItem'), pattern: /^\// } },
  PathItem: strict(
    [],
    [
      f('$ref', 'string'),
      ...['get', 'put', 'post', 'delete', 'options', 'head', 'patch'].map((m) => f(m, msg('Operation'))),
      f('parameters', msgs('ParametersItem')),
    ],
  ),
  Operation: strict(
    ['responses'],
    [
      f('tags', 'strings'),
      f('summary', 'string'),
      f('description', 'string'),
      f('externalDocs', msg('ExternalDocs')),
      f('operationId', 'string'),
      f('produces', 'strings'),
      f('consumes', 'strings'),
      f('parameters', msgs('ParametersItem')),
      f('responses', msg('Responses')),
      f('schemes', 'strings', SCHEMES),
      f('deprecated', 'bool'),
      f('security', msgs('SecurityRequirement')),
    ],
  ),
  Responses: { ...strict([], []), named: { field: 'response_code', value: msg('ResponseValue'), pattern: /^([0-9]{3})$|^(default)$/ } },
  Response: strict(['description'], [f('description', 'string'), f('schema', msg('SchemaItem')), f('headers', msg('Headers')), f('examples', msg('Examples'))]),
  Header: strict(['type'], [...primitiveFields(PRIMITIVE_TYPES, FORMATS), f('description', 'string')]),
  PrimitivesItems: strict([], primitiveFields(PRIMITIVE_TYPES, FORMATS)),
  Schema: strict(
    [],
    [
      f('$ref', 'string'),
      f('format', 'string'),
      f('title', 'string'),
      f('description', 'string'),
      f('default', 'any'),
      f('multipleOf', 'float'),
      f('maximum', 'float'),
      f('exclusiveMaximum', 'bool'),
      f('minimum', 'float'),
      f('exclusiveMinimum', 'bool'),
      f('maxLength', 'int'),
      f('minLength', 'int'),
      f('pattern', 'string'),
      f('maxItems', 'int'),
      f('minItems', 'int'),
      f('uniqueItems', 'bool'),
      f('maxProperties', 'int'),
      f('minProperties', 'int'),
      f('required', 'strings'),
      f('enum', 'anys'),
      f('additionalProperties', msg('AdditionalPropertiesItem')),
      f('type', msg('TypeItem')),
      f('items', msg('ItemsItem')),
      f('allOf', msgs('Schema')),
      f('properties', msg('Properties')),
      f('discriminator', 'string'),
      f('readOnly', 'bool'),
      f('xml', msg('Xml')),
      f('externalDocs', msg('ExternalDocs')),
      f('example', 'any'),
    ],
  ),
  FileSchema: strict(
    ['type'],
    [
      f('format', 'string'),
      f('title', 'string'),
      f('description', 'string'),
      f('default', 'any'),
      f('required', 'strings'),
      f('type', 'string', ['file']),
      f('readOnly', 'bool'),
      f('externalDocs', msg('ExternalDocs')),
      f('example', 'any'),
    ],
  ),
  BodyParameter: strict(
    ['in', 'name', 'schema'],
    [f('description', 'string'), f('name', 'string'), f('in', 'string', ['body']), f('required', 'bool'), f('schema', msg('Schema'))],
  ),
  HeaderParameterSubSchema: strict([], paramSubSchema('header', PARAM_TYPES, FORMATS, false)),
  FormDataParameterSubSchema: strict([], paramSubSchema('formData', [...PARAM_TYPES, 'file'], [...FORMATS, 'multi'], true)),
  QueryParameterSubSchema: strict([], paramSubSchema('query', PARAM_TYPES, [...FORMATS, 'multi'], true)),
  PathParameterSubSchema: strict(['required'], paramSubSchema('path', PARAM_TYPES, FORMATS, false)),
  JsonReference: { required: ['$ref'], fields: [f('$ref', 'string'), f('description', 'string')] },
  ApiKeySecurity: strict(['in', 'name', 'type'], [f('type', 'string', ['apiKey']), f('name', 'string'), f('in', 'string', ['header', 'query']), f('description', 'string')]),
  BasicAuthenticationSecurity: strict(['type'], [f('type', 'string', ['basic']), f('description', 'string')]),
  Oauth2ImplicitSecurity: strict(['authorizationUrl', 'flow', 'type'], oauth2('implicit', ['authorizationUrl'])),
  Oauth2PasswordSecurity: strict(['flow', 'tokenUrl', 'type'], oauth2('password', ['tokenUrl'])),
  Oauth2ApplicationSecurity: strict(['flow', 'tokenUrl', 'type'], oauth2('application', ['tokenUrl'])),
  Oauth2AccessCodeSecurity: strict(['authorizationUrl', 'flow', 'tokenUrl', 'type'], oauth2('accessCode', ['authorizationUrl', 'tokenUrl'])),
  Definitions: mapOf('additional_properties', msg('Schema')),
  Properties: mapOf('additional_properties', msg('Schema')),
  ParameterDefinitions: mapOf('additional_properties', msg('Parameter')),
  ResponseDefinitions: mapOf('additional_properties', msg('Response')),
  SecurityDefinitions: mapOf('additional_properties', msg('SecurityDefinitionsItem')),
  SecurityRequirement: mapOf('additional_properties', msg('StringArray')),
  Headers: mapOf('additional_properties', msg('Header')),
  Examples: mapOf('additional_properties', 'any'),
  Oauth2Scopes: mapOf('additional_properties', 'string'),
};

/** Message specs keyed by openapi.v2 message name. */
export const OPENAPI_V2_SPECS: ReadonlyMap<string, MessageSpec> = new Map(
  Object.entries(RAW).map(([name, raw]) => [
    name,
    { strict: raw.strict ?? false, required: raw.required ?? [], ...raw, byKey: new Map(raw.fields.map((fs) => [fs.key, fs])) },
  ]),
);

/** Oneof messages: alternatives in proto order; the last one that parses cleanly wins. */
export const OPENAPI_V2_ONEOFS: Readonly<Record<string, readonly [field: string, message: string][]>> = {
  Parameter: [
    ['body_parameter', 'BodyParameter'],
    ['non_body_parameter', 'NonBodyParameter'],
  ],
  NonBodyParameter: [
    ['header_parameter_sub_schema', 'HeaderParameterSubSchema'],
    ['form_data_parameter_sub_schema', 'FormDataParameterSubSchema'],
    ['query_parameter_sub_schema', 'QueryParameterSubSchema'],
    ['path_parameter_sub_schema', 'PathParameterSubSchema'],
  ],
  ParametersItem: [
    ['parameter', 'Parameter'],
    ['json_reference', 'JsonReference'],
  ],
  ResponseValue: [
    ['response', 'Response'],
    ['json_reference', 'JsonReference'],
  ],
  SchemaItem: [
    ['schema', 'Schema'],
    ['file_schema', 'FileSchema'],
  ],
  SecurityDefinitionsItem: [
    ['basic_authentication_security', 'BasicAuthenticationSecurity'],
    ['api_key_security', 'ApiKeySecurity'],
    ['oauth2_implicit_security', 'Oauth2ImplicitSecurity'],
    ['oauth2_password_security', 'Oauth2PasswordSecurity'],
    ['oauth2_application_security', 'Oauth2ApplicationSecurity'],
    ['oauth2_access_code_security', 'Oauth2AccessCodeSecurity'],
  ],
};
