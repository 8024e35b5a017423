// Tests for the /openapi/v3 document set built from the bundled v2 document.
import { createHash } from 'node:crypto';
import { loadSwagger } from './openapi-v2.js';
import {
  addOpenApiV3Document,
  buildOpenApiV3,
  documentPathFor,
  openApiV3Schemas,
  removeOpenApiV3Document,
} from './openapi-v3.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const swagger = loadSwagger();
const set = buildOpenApiV3(swagger);

function parsed(path: string): Any {
  const doc = set.document(path);
  if (doc === undefined) throw new Error(`no document ${path}`);
  return JSON.parse(doc.bytes.toString('utf8'));
}

function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) refsIn(item, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, sub] of Object.entries(value)) {
      if (key === '$ref' && typeof sub === 'string') out.push(sub);
      else refsIn(sub, out);
    }
  }
  return out;
}

describe('index', () => {
  const index = JSON.parse(set.index().toString('utf8')) as { paths: Record<string, { serverRelativeURL: string }> };

  it('lists group-versions, group roots and the non-API roots kube-apiserver publishes', () => {
    for (const key of ['api', 'api/v1', 'apis', 'apis/apps', 'apis/apps/v1', 'apis/batch/v1', 'version', 'logs',
      '.well-known/openid-configuration', 'openid/v1/jwks', 'apis/apiextensions.k8s.io/v1']) {
      expect(index.paths[key]).toBeDefined();
    }
    expect(Object.keys(index.paths)).toEqual([...Object.keys(index.paths)].sort());
  });

  it('stamps each URL with the uppercase SHA-512 of the document bytes', () => {
    for (const key of ['api/v1', 'apis/apps/v1']) {
      const doc = set.document(key)!;
      const expected = createHash('sha512').update(doc.bytes).digest('hex').toUpperCase();
      expect(doc.hash).toBe(expected);
      expect(index.paths[key].serverRelativeURL).toBe(`/openapi/v3/${key}?hash=${expected}`);
    }
  });

  it('accepts paths with or without slashes', () => {
    expect(set.document('/apis/apps/v1/')).toBe(set.document('apis/apps/v1'));
    expect(set.document('apis/nope/v1')).toBeUndefined();
  });
});

describe('documentPathFor', () => {
  it('maps v2 URL paths onto web-service roots', () => {
    expect(documentPathFor('/api/')).toBe('api');
    expect(documentPathFor('/api/v1/namespaces/{namespace}/pods')).toBe('api/v1');
    expect(documentPathFor('/apis/')).toBe('apis');
    expect(documentPathFor('/apis/apps/')).toBe('apis/apps');
    expect(documentPathFor('/apis/apps/v1/watch/deployments')).toBe('apis/apps/v1');
    expect(documentPathFor('/logs/{logpath}')).toBe('logs');
    expect(documentPathFor('/.well-known/openid-configuration/')).toBe('.well-known/openid-configuration');
    expect(documentPathFor('/openid/v1/jwks/')).toBe('openid/v1/jwks');
  });
});

describe('apis/apps/v1', () => {
  const doc = parsed('apis/apps/v1');

  it('is an OpenAPI 3.0 document holding only its own paths', () => {
    expect(doc.openapi).toBe('3.0.0');
    expect(doc.info).toEqual({ title: 'Kubernetes', version: 'unversioned' });
    expect(Object.keys(doc.paths).every((p: string) => p.startsWith('/apis/apps/v1/'))).toBe(true);
    expect(doc.components.securitySchemes.BearerToken).toMatchObject({ type: 'apiKey', in: 'header' });
  });

  it('converts the create operation with its GVK, action and request body', () => {
    const post = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments'].post;
    expect(post['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', kind: 'Deployment', version: 'v1' });
    expect(post['x-kubernetes-action']).toBe('post');
    expect(post.requestBody).toEqual({
      content: { '*/*': { schema: { $ref: '#/components/schemas/io.k8s.api.apps.v1.Deployment' } } },
      required: true,
    });
    expect(Object.keys(post.responses['201'].content)).toEqual(
      expect.arrayContaining(['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']),
    );
    expect(post.consumes).toBeUndefined();
    expect(post.produces).toBeUndefined();
    expect(post.schemes).toBeUndefined();
    const fieldValidation = post.parameters.find((p: Any) => p.name === 'fieldValidation');
    expect(fieldValidation).toMatchObject({ in: 'query', schema: { type: 'string', uniqueItems: true } });
  });

  it('inlines shared parameters and keeps path-level ones on the path item', () => {
    const item = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments'];
    expect(item.parameters.map((p: Any) => p.name)).toEqual(['namespace', 'pretty']);
    expect(item.parameters[0]).toMatchObject({ in: 'path', required: true, schema: { type: 'string' } });
    expect(refsIn(item).some((ref) => ref.includes('/parameters/'))).toBe(false);
  });

  it('lists watch media types on list operations and patch types on patch bodies', () => {
    const list = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments'].get;
    expect(Object.keys(list.responses['200'].content)).toEqual(
      expect.arrayContaining(['application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch']),
    );
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(Object.keys(patch.requestBody.content)).toEqual(
      expect.arrayContaining(['application/strategic-merge-patch+json', 'application/apply-patch+yaml']),
    );
    expect(patch.parameters.some((p: Any) => p.name === 'fieldValidation' && p.in === 'query')).toBe(true);
  });

  it('carries the reachable schemas with their Kubernetes extensions', () => {
    const schemas = doc.components.schemas;
    expect(schemas['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([
      { group: 'apps', kind: 'Deployment', version: 'v1' },
    ]);
    expect(schemas['io.k8s.api.apps.v1.Deployment'].properties.metadata).toEqual({
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
      description: expect.stringContaining('Standard object'),
    });
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();
    expect(schemas['io.k8s.api.core.v1.PodSpec'].properties.containers).toMatchObject({
      'x-kubernetes-patch-strategy': 'merge',
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      items: { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' },
    });
    // Types only other groups use stay out.
    expect(schemas['io.k8s.api.batch.v1.Job']).toBeUndefined();
  });

  it('publishes IntOrString and Quantity with the oneOf kube-apiserver uses', () => {
    const schemas = doc.components.schemas;
    const intOrString = schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'];
    expect(intOrString.format).toBe('int-or-string');
    expect(intOrString.type).toBeUndefined();
    expect(intOrString.oneOf).toEqual([{ type: 'integer' }, { type: 'string' }]);
    const quantity = schemas['io.k8s.apimachinery.pkg.api.resource.Quantity'];
    expect(quantity.type).toBeUndefined();
    expect(quantity.oneOf).toEqual([{ type: 'string' }, { type: 'number' }]);
  });
});

describe('every document', () => {
  it('resolves each $ref inside itself and has no v2 references left', () => {
    for (const path of set.paths()) {
      const bytes = set.document(path)!.bytes.toString('utf8');
      expect(bytes.includes('#/definitions/')).toBe(false);
      expect(bytes.includes('#/parameters/')).toBe(false);
      const doc = JSON.parse(bytes);
      expect(doc.openapi).toBe('3.0.0');
      const schemas = doc.components?.schemas ?? {};
      for (const ref of refsIn(doc.paths).concat(refsIn(schemas))) {
        expect(ref.startsWith('#/components/schemas/')).toBe(true);
        const name = ref.slice('#/components/schemas/'.length);
        if (schemas[name] === undefined) throw new Error(`${path}: dangling ${ref}`);
      }
    }
  });

  it('never gives a $ref siblings, except inside property-name maps', () => {
    const check = (schema: Any, where: string): void => {
      if (typeof schema !== 'object' || schema === null) return;
      if (Array.isArray(schema)) return schema.forEach((s) => check(s, where));
      if (typeof schema.$ref === 'string' && Object.keys(schema).length !== 1) throw new Error(`${where}: ${JSON.stringify(schema)}`);
      for (const [key, value] of Object.entries(schema)) {
        if (key.startsWith('x-') || key === 'enum' || key === 'default' || key === 'example') continue;
        if (key === 'properties' || key === 'patternProperties') {
          for (const sub of Object.values(value as object)) check(sub, where);
        } else check(value, where);
      }
    };
    for (const path of ['api/v1', 'apis/apps/v1', 'apis/apiextensions.k8s.io/v1']) {
      const doc = parsed(path);
      for (const [name, schema] of Object.entries(doc.components.schemas)) check(schema, `${path} ${name}`);
    }
  });
});

describe('mutations', () => {
  it('adds, replaces and removes documents without touching other sets', () => {
    const mine = buildOpenApiV3(swagger);
    const other = buildOpenApiV3(swagger);
    const before = mine.index().toString('utf8');
    const crd = { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'unversioned' }, paths: {} };
    addOpenApiV3Document(mine, 'apis/stable.example.com/v1', crd);
    const added = JSON.parse(mine.index().toString('utf8'));
    const first = mine.document('apis/stable.example.com/v1')!;
    expect(added.paths['apis/stable.example.com/v1'].serverRelativeURL).toBe(`/openapi/v3/apis/stable.example.com/v1?hash=${first.hash}`);
    expect(JSON.parse(first.bytes.toString('utf8'))).toEqual(crd);
    expect(other.document('apis/stable.example.com/v1')).toBeUndefined();

    addOpenApiV3Document(mine, 'apis/stable.example.com/v1', { ...crd, info: { title: 'Kubernetes', version: 'v2' } });
    const second = mine.document('apis/stable.example.com/v1')!;
    expect(second.hash).not.toBe(first.hash);
    expect(mine.index().toString('utf8')).toContain(second.hash);

    expect(removeOpenApiV3Document(mine, 'apis/stable.example.com/v1')).toBe(true);
    expect(mine.index().toString('utf8')).toBe(before);
    expect(removeOpenApiV3Document(mine, 'apis/batch/v1')).toBe(true);
    expect(mine.document('apis/batch/v1')).toBeUndefined();
    expect(JSON.parse(mine.index().toString('utf8')).paths['apis/batch/v1']).toBeUndefined();
    expect(other.document('apis/batch/v1')).toBeDefined();
    expect(removeOpenApiV3Document(mine, 'apis/batch/v1')).toBe(false);
  });

  it('shares built-in documents between sets built from the same swagger', () => {
    expect(buildOpenApiV3(swagger).document('apis/apps/v1')).toBe(set.document('apis/apps/v1'));
  });

  it('hands out component schemas with their closure for custom resource documents', () => {
    const schemas = openApiV3Schemas(swagger, ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining([
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      'io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry',
      'io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference',
      'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
    ]));
    (schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'] as Any).description = 'changed';
    expect(parsed('apis/apps/v1').components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].description).not.toBe('changed');
  });
});
