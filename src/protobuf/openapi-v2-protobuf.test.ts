// Tests for encodeOpenApiV2Protobuf: decode the output with protobufjs, rebuild swagger JSON from it, compare with the source.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import protobuf from 'protobufjs';
import YAML from 'yaml';
import { encodeOpenApiV2Protobuf, openApiV2DocumentMessage } from './openapi-v2-protobuf.js';
import { loadProtoFile } from './proto-loader.js';

type Obj = Record<string, unknown>;

const swaggerPath = new URL('../../openapi/swagger-1.36.json', import.meta.url);
const swagger = JSON.parse(readFileSync(swaggerPath, 'utf8')) as Obj;
const root = loadProtoFile('openapiv2/OpenAPIv2.proto');
const documentType = root.lookupType('openapi.v2.Document');

const ONEOFS = new Set(['Parameter', 'NonBodyParameter', 'ParametersItem', 'ResponseValue', 'SchemaItem', 'SecurityDefinitionsItem', 'AdditionalPropertiesItem']);
const camel = (s: string): string => (s === '_ref' ? '$ref' : s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()));
// kubectl reads Any.yaml with a YAML 1.1 parser (goyaml.v2).
const parseYaml = (text: string): unknown => YAML.parse(text, { version: '1.1' });

/** Rebuilds the swagger JSON a gnostic message stands for (what kube-openapi's FromGnostic does). */
function toSwagger(type: protobuf.Type, m: Obj): unknown {
  const name = type.name;
  if (name === 'Any') return parseYaml(m.yaml as string);
  if (name === 'TypeItem') return (m.value as string[]).length === 1 ? (m.value as string[])[0] : m.value;
  if (name === 'ItemsItem') return toSwagger(type.fields.schema.resolvedType as protobuf.Type, (m.schema as Obj[])[0]);
  if (name === 'StringArray') return m.value ?? [];
  if (ONEOFS.has(name)) {
    const [key] = Object.keys(m);
    const field = type.fields[key];
    return field.resolvedType ? toSwagger(field.resolvedType as protobuf.Type, m[key] as Obj) : m[key];
  }
  const out: Obj = {};
  for (const [key, value] of Object.entries(m)) {
    const field = type.fields[key];
    const sub = field.resolvedType as protobuf.Type | null;
    if (field.repeated && ['vendor_extension', 'additional_properties', 'path', 'response_code'].includes(key)) {
      for (const entry of value as Obj[]) {
        const valueField = (sub as protobuf.Type).fields.value;
        const vt = valueField.resolvedType as protobuf.Type | null;
        out[entry.name as string] = vt ? toSwagger(vt, (entry.value ?? {}) as Obj) : (entry.value ?? '');
      }
    } else if (sub) {
      out[camel(key)] = field.repeated ? (value as Obj[]).map((v) => toSwagger(sub, v)) : toSwagger(sub, value as Obj);
    } else {
      out[camel(key)] = value;
    }
  }
  return out;
}

function decode(buf: Buffer): Obj {
  return documentType.toObject(documentType.decode(buf), { longs: Number }) as Obj;
}

describe('encodeOpenApiV2Protobuf on the bundled swagger', () => {
  let buf: Buffer;
  let decoded: Obj;
  let encodeMs = 0;

  beforeAll(() => {
    const start = performance.now();
    buf = encodeOpenApiV2Protobuf(swagger);
    encodeMs = performance.now() - start;
    decoded = decode(buf);
  });

  it('encodes the 4 MB document well under a second', () => {
    const again = performance.now();
    encodeOpenApiV2Protobuf(swagger);
    console.log(`openapi v2 protobuf: ${buf.length} bytes; first encode ${encodeMs.toFixed(0)} ms (incl. proto load), warm ${(performance.now() - again).toFixed(0)} ms`);
    expect(encodeMs).toBeLessThan(1500);
  });

  it('reports no gnostic validation errors', () => {
    expect(openApiV2DocumentMessage(swagger).errors).toEqual([]);
  });

  it('round-trips the whole document', () => {
    expect(toSwagger(documentType, decoded)).toEqual(swagger);
  });

  const definition = (name: string): Obj => {
    const defs = (decoded.definitions as { additional_properties: Obj[] }).additional_properties;
    return defs.find((d) => d.name === name)?.value as Obj;
  };
  const extension = (m: Obj, name: string): string | undefined =>
    ((m.vendor_extension ?? []) as { name: string; value: { yaml: string } }[]).find((e) => e.name === name)?.value.yaml;

  it('carries GVK, patch and list extensions on definitions as YAML', () => {
    expect(decoded.swagger).toBe('2.0');
    expect(decoded.info).toEqual({ title: 'Kubernetes', version: 'unversioned' });
    const deployment = definition('io.k8s.api.apps.v1.Deployment');
    expect(extension(deployment, 'x-kubernetes-group-version-kind')).toBe('- group: apps\n  kind: Deployment\n  version: v1\n');
    const podSpec = definition('io.k8s.api.core.v1.PodSpec');
    const props = (podSpec.properties as { additional_properties: Obj[] }).additional_properties;
    const containers = props.find((p) => p.name === 'containers')?.value as Obj;
    expect(extension(containers, 'x-kubernetes-patch-merge-key')).toBe('name\n');
    expect(extension(containers, 'x-kubernetes-patch-strategy')).toBe('merge\n');
    expect(extension(containers, 'x-kubernetes-list-type')).toBe('map\n');
    expect(extension(containers, 'x-kubernetes-list-map-keys')).toBe('- name\n');
    expect(containers.type).toEqual({ value: ['array'] });
    expect(containers.items).toEqual({ schema: [{ _ref: '#/definitions/io.k8s.api.core.v1.Container' }] });
    expect(podSpec.required).toEqual(['containers']);
    const labels = (definition('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta').properties as { additional_properties: Obj[] }).additional_properties.find(
      (p) => p.name === 'labels',
    )?.value as Obj;
    expect(labels.additional_properties).toEqual({ schema: { type: { value: ['string'] } } });
  });

  it('carries operations with their extensions, parameters and responses', () => {
    const paths = (decoded.paths as { path: Obj[] }).path;
    const pods = paths.find((p) => p.name === '/api/v1/namespaces/{namespace}/pods')?.value as Obj;
    const get = pods.get as Obj;
    expect(get.operation_id).toBe('listCoreV1NamespacedPod');
    expect(extension(get, 'x-kubernetes-action')).toBe('list\n');
    expect(extension(get, 'x-kubernetes-group-version-kind')).toBe('group: ""\nkind: Pod\nversion: v1\n');
    expect((get.parameters as Obj[])[0]).toEqual({ json_reference: { _ref: expect.stringMatching(/^#\/parameters\/allowWatchBookmarks-/) } });
    const ok = ((get.responses as { response_code: Obj[] }).response_code[0] as Obj).value;
    expect(ok).toEqual({ response: { description: 'OK', schema: { schema: { _ref: '#/definitions/io.k8s.api.core.v1.PodList' } } } });
    const post = pods.post as Obj;
    const body = (post.parameters as Obj[]).find((p) => (p.parameter as Obj | undefined)?.body_parameter);
    expect(body).toEqual({ parameter: { body_parameter: { name: 'body', in: 'body', required: true, schema: { _ref: '#/definitions/io.k8s.api.core.v1.Pod' } } } });
    const params = (decoded.parameters as { additional_properties: Obj[] }).additional_properties;
    const watch = params.find((p) => (p.name as string).startsWith('watch-'))?.value as Obj;
    expect(watch).toEqual({
      non_body_parameter: { query_parameter_sub_schema: { in: 'query', name: 'watch', type: 'boolean', unique_items: true, description: expect.any(String) } },
    });
    expect(decoded.security_definitions).toEqual({
      additional_properties: [
        { name: 'BearerToken', value: { api_key_security: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer Token authentication' } } },
      ],
    });
  });
});

describe('gnostic choices on small documents', () => {
  const base = { swagger: '2.0', info: { title: 't', version: '1' }, paths: {} };
  const encodeDoc = (extra: Obj): Obj => decode(encodeOpenApiV2Protobuf({ ...base, ...extra }));

  it('picks oneof alternatives the way gnostic does', () => {
    const doc = encodeDoc({
      parameters: {
        q: { name: 'q', in: 'query', type: 'string', collectionFormat: 'multi' },
        p: { name: 'p', in: 'path', type: 'string', required: true },
        h: { name: 'h', in: 'header', type: 'integer' },
        f: { name: 'f', in: 'formData', type: 'file' },
        b: { name: 'b', in: 'body', schema: { type: 'object' } },
        // No `in`: every sub-schema but path's parses, and gnostic keeps the last that does.
        none: { name: 'n', type: 'string' },
      },
      definitions: { open: { type: 'object', additionalProperties: false }, file: { type: ['string', 'null'] } },
    });
    const kinds = (doc.parameters as { additional_properties: { name: string; value: Obj }[] }).additional_properties.map((p) => [
      p.name,
      Object.keys(p.value)[0],
      Object.keys((Object.values(p.value)[0] as Obj) ?? {})[0],
    ]);
    expect(kinds).toEqual([
      ['q', 'non_body_parameter', 'query_parameter_sub_schema'],
      ['p', 'non_body_parameter', 'path_parameter_sub_schema'],
      ['h', 'non_body_parameter', 'header_parameter_sub_schema'],
      ['f', 'non_body_parameter', 'form_data_parameter_sub_schema'],
      ['b', 'body_parameter', 'name'],
      ['none', 'non_body_parameter', 'query_parameter_sub_schema'],
    ]);
    const defs = (doc.definitions as { additional_properties: { name: string; value: Obj }[] }).additional_properties;
    expect(defs[0].value.additional_properties).toEqual({ boolean: false });
    expect(defs[1].value.type).toEqual({ value: ['string', 'null'] });
  });

  it('uses FileSchema for file responses and JsonReference for $ref responses', () => {
    const doc = encodeDoc({
      paths: { '/x': { get: { responses: { '200': { description: 'file', schema: { type: 'file' } }, default: { $ref: '#/responses/err' } } } } },
      'x-top': { nested: ['a', true, 1] },
    });
    const get = ((doc.paths as { path: { value: Obj }[] }).path[0].value.get as Obj).responses as { response_code: { name: string; value: Obj }[] };
    expect(get.response_code.map((r) => [r.name, r.value])).toEqual([
      ['200', { response: { description: 'file', schema: { file_schema: { type: 'file' } } } }],
      ['default', { json_reference: { _ref: '#/responses/err' } }],
    ]);
    expect(doc.vendor_extension).toEqual([{ name: 'x-top', value: { yaml: 'nested:\n    - a\n    - true\n    - 1\n' } }]);
  });

  it('collects validation errors instead of throwing', () => {
    const { errors } = openApiV2DocumentMessage({ ...base, definitions: { bad: { type: 'object', nope: 1, items: [] } } });
    expect(errors).toEqual(['/definitions/bad: Schema has invalid property nope', '/definitions/bad/items: has unexpected value for item array']);
  });
});
