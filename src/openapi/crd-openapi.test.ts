// Tests for the CRD paths and the merged /openapi/v2 and /openapi/v3 documents, namespaced and cluster-scoped, with subresources.
import type { OpenAPIV2 } from 'openapi-types';
import { CrdOpenApi, crdOpenApiV3Documents, mergeCrdSwagger, type CrdSource } from './crd-openapi.js';
import { operationIdAndTags, toValidOperationId } from './crd-openapi-paths.js';
import { gizmoCrd, widgetCrd } from './crd-openapi-test-kit.js';
import { openApiV2DocumentMessage } from '../protobuf/openapi-v2-protobuf.js';
import { loadSwagger, openApiV2ETag } from './openapi-v2.js';
import { buildOpenApiV3 } from './openapi-v3.js';
import type { CustomResourceDefinition } from '../registry/crd/crd-types.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const swagger = loadSwagger();
const merged = mergeCrdSwagger(swagger, [widgetCrd(), gizmoCrd()]) as Any;
const actions = (item: Any): Record<string, string> =>
  Object.fromEntries(['get', 'put', 'post', 'delete', 'patch'].filter((m) => item[m]).map((m) => [m, item[m]['x-kubernetes-action']]));
const paramNames = (list: Any[] | undefined): string[] => (list ?? []).map((p) => (p.$ref ? merged.parameters[p.$ref.slice('#/parameters/'.length)].name : p.name));

describe('operation ids', () => {
  it('follow endpoints/openapi: verb, group without .k8s.io, version, then the rest', () => {
    expect(toValidOperationId('cert-manager.io', true)).toBe('CertManagerIo');
    // A leading digit is dropped and, like any dropped character, capitalises what follows.
    expect(toValidOperationId('9lives.example.com', false)).toBe('LivesExampleCom');
    expect(operationIdAndTags('deletecollectionNamespacedWidget', '/apis/example.com/v1/namespaces/{namespace}/widgets'))
      .toEqual({ id: 'deleteExampleComV1CollectionNamespacedWidget', tags: ['exampleCom_v1'] });
    expect(operationIdAndTags('listWidgetForAllNamespaces', '/apis/metrics.k8s.io/v1beta1/widgets'))
      .toEqual({ id: 'listMetricsV1beta1WidgetForAllNamespaces', tags: ['metrics_v1beta1'] });
  });
});

describe('v2 paths of a namespaced CRD with status and scale', () => {
  const base = '/apis/example.com/v1';
  const ns = `${base}/namespaces/{namespace}/widgets`;

  it('has every route upstream builds, and only for served versions', () => {
    const own = Object.keys(merged.paths).filter((p) => p.startsWith('/apis/example.com/')).sort();
    expect(own).toEqual([
      '/apis/example.com/v1/gizmos', '/apis/example.com/v1/gizmos/{name}', '/apis/example.com/v1/gizmos/{name}/status',
      `${ns}`, `${ns}/{name}`, `${ns}/{name}/scale`, `${ns}/{name}/status`, '/apis/example.com/v1/widgets',
      '/apis/example.com/v1beta1/namespaces/{namespace}/widgets', '/apis/example.com/v1beta1/namespaces/{namespace}/widgets/{name}',
      '/apis/example.com/v1beta1/widgets',
    ].sort());
    expect(actions(merged.paths[`${base}/widgets`])).toEqual({ get: 'list' });
    expect(actions(merged.paths[ns])).toEqual({ get: 'list', post: 'post', delete: 'deletecollection' });
    expect(actions(merged.paths[`${ns}/{name}`])).toEqual({ get: 'get', put: 'put', delete: 'delete', patch: 'patch' });
    expect(actions(merged.paths[`${ns}/{name}/status`])).toEqual({ get: 'get', put: 'put', patch: 'patch' });
    expect(actions(merged.paths[`${ns}/{name}/scale`])).toEqual({ get: 'get', put: 'put', patch: 'patch' });
  });

  it('names, describes and types operations like the builder', () => {
    const item = merged.paths[`${ns}/{name}`];
    expect(merged.paths[`${base}/widgets`].get.operationId).toBe('listExampleComV1WidgetForAllNamespaces');
    expect(merged.paths[ns].post).toMatchObject({
      operationId: 'createExampleComV1NamespacedWidget', description: 'create a Widget', tags: ['exampleCom_v1'],
      consumes: ['application/json', 'application/yaml'], produces: ['application/json', 'application/yaml'], schemes: ['https'],
      'x-kubernetes-group-version-kind': { group: 'example.com', kind: 'Widget', version: 'v1' },
    });
    expect(Object.keys(merged.paths[ns].post.responses)).toEqual(['200', '201', '202', '401']);
    expect(merged.paths[ns].delete.description).toBe('delete collection of Widget');
    expect(merged.paths[ns].get.responses['200'].schema).toEqual({ $ref: '#/definitions/com.example.v1.WidgetList' });
    expect(item.patch.consumes).toEqual(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']);
    expect(item.patch.description).toBe('partially update the specified Widget');
    expect(item.delete.responses['202'].schema).toEqual({ $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Status' });
    const status = merged.paths[`${ns}/{name}/status`];
    expect(status.get).toMatchObject({ operationId: 'readExampleComV1NamespacedWidgetStatus', description: 'read status of the specified Widget' });
    expect(status.put.responses['201'].schema).toEqual({ $ref: '#/definitions/com.example.v1.Widget' });
    const scale = merged.paths[`${ns}/{name}/scale`];
    expect(scale.patch).toMatchObject({ operationId: 'patchExampleComV1NamespacedWidgetScale', description: 'partially update scale of the specified Widget' });
    expect(scale.get.responses['200'].schema).toEqual({ $ref: '#/definitions/io.k8s.api.autoscaling.v1.Scale' });
    expect(scale.put.parameters[0]).toEqual({ in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.api.autoscaling.v1.Scale' } });
  });

  it('moves shared parameters to the path and reuses the static #/parameters', () => {
    expect(paramNames(merged.paths[ns].parameters)).toEqual(['namespace', 'pretty']);
    expect(merged.paths[ns].parameters.every((p: Any) => typeof p.$ref === 'string')).toBe(true);
    expect(paramNames(merged.paths[`${ns}/{name}`].parameters)).toEqual(['name', 'namespace', 'pretty']);
    expect(merged.paths[`${ns}/{name}`].parameters[0]).toEqual({
      description: 'name of the Widget', in: 'path', name: 'name', required: true, type: 'string', uniqueItems: true,
    });
    // The all-namespaces list has one operation, so all of its parameters are common.
    expect(paramNames(merged.paths[`${base}/widgets`].parameters)).toEqual(paramNames(swagger.paths['/apis/apps/v1/deployments']!.parameters as Any));
    expect(paramNames(merged.paths[ns].get.parameters)).toContain('watch');
    expect(paramNames(merged.paths[ns].delete.parameters)).toContain('labelSelector');
    expect(paramNames(merged.paths[`${ns}/{name}`].get.parameters)).toEqual(['resourceVersion']);
    expect(paramNames(merged.paths[`${ns}/{name}`].patch.parameters)).toEqual(['body', 'dryRun', 'fieldManager', 'fieldValidation', 'force']);
    // kubectl looks for these inline.
    const put = merged.paths[`${ns}/{name}`].put.parameters;
    expect(put.find((p: Any) => p.name === 'fieldValidation')).toMatchObject({ in: 'query', type: 'string' });
    expect(put.find((p: Any) => p.name === 'dryRun')).toMatchObject({ in: 'query', type: 'string' });
  });
});

describe('v2 paths of a cluster-scoped CRD', () => {
  it('have no namespace parameter and no all-namespaces list', () => {
    const item = merged.paths['/apis/example.com/v1/gizmos/{name}'];
    expect(paramNames(item.parameters)).toEqual(['name', 'pretty']);
    expect(item.get.operationId).toBe('readExampleComV1Gizmo');
    expect(merged.paths['/apis/example.com/v1/gizmos'].get.operationId).toBe('listExampleComV1Gizmo');
    expect(merged.paths['/apis/example.com/v1/gizmos/{name}/status'].patch.operationId).toBe('patchExampleComV1GizmoStatus');
    expect(merged.paths['/apis/example.com/v1/gizmos/{name}/scale']).toBeUndefined();
  });
});

describe('merged v2 document', () => {
  it('adds kind and list definitions per served version and keeps the static spec intact', () => {
    for (const name of ['com.example.v1.Widget', 'com.example.v1.WidgetList', 'com.example.v1beta1.Widget', 'com.example.v1.Gizmo']) {
      expect(merged.definitions[name]).toBeDefined();
    }
    expect(merged.definitions['com.example.v1alpha1.Widget']).toBeUndefined();
    expect(merged.definitions['com.example.v1beta1.Widget'].properties.spec.description).toBe('Old spec.');
    expect(Object.keys(merged.definitions)).toEqual([...Object.keys(merged.definitions)].sort());
    expect(Object.keys(merged.paths)).toEqual([...Object.keys(merged.paths)].sort());
    expect((swagger.definitions as Any)['com.example.v1.Widget']).toBeUndefined();
    expect(merged.parameters).toBe(swagger.parameters);
    expect(mergeCrdSwagger(swagger, [])).toBe(swagger);
  });

  it('reads cleanly as the gnostic openapi_v2 model kubectl 1.27/1.28 decode', () => {
    const own = (record: Record<string, unknown>, prefix: string): Record<string, unknown> =>
      Object.fromEntries(Object.entries(record).filter(([key]) => key.startsWith(prefix)));
    const crdOnly = {
      swagger: '2.0', info: swagger.info,
      paths: own(merged.paths, '/apis/example.com/'), definitions: own(merged.definitions, 'com.example.'),
    };
    expect(Object.keys(crdOnly.paths)).toHaveLength(11);
    expect(openApiV2DocumentMessage(crdOnly).errors).toEqual([]);
  });

  it('leaves out a version whose definition or paths the static spec already has', () => {
    const clash: CustomResourceDefinition = gizmoCrd();
    clash.spec.group = 'apps';
    clash.spec.names = { plural: 'deployments', kind: 'Deployment', listKind: 'DeploymentList' };
    const out = mergeCrdSwagger(swagger, [clash]) as Any;
    expect(out.paths['/apis/apps/v1/deployments']).toBe(swagger.paths['/apis/apps/v1/deployments']);
  });
});

describe('v3 group-version documents', () => {
  const docs = crdOpenApiV3Documents(swagger, [widgetCrd(), gizmoCrd()]);
  const v1 = docs.get('apis/example.com/v1') as Any;

  it('one per served group-version, holding every CRD of it', () => {
    expect([...docs.keys()].sort()).toEqual(['apis/example.com/v1', 'apis/example.com/v1beta1']);
    expect(v1.openapi).toBe('3.0.0');
    expect(v1.info).toEqual({ title: 'Kubernetes CRD Swagger', version: 'v0.1.0' });
    expect(Object.keys(v1.paths)).toContain('/apis/example.com/v1/gizmos/{name}');
    expect(Object.keys(v1.paths)).toContain('/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/scale');
  });

  it('uses components references, wraps the described metadata ref in allOf and keeps defaults', () => {
    const widget = v1.components.schemas['com.example.v1.Widget'];
    expect(widget.properties.metadata).toEqual({
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
      description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
    });
    expect(widget.properties.spec.properties.size.default).toBe(3);
    expect(widget.properties.spec.properties.note.nullable).toBe(true);
    expect(v1.components.schemas['com.example.v1.WidgetList'].properties.items.items).toEqual({ $ref: '#/components/schemas/com.example.v1.Widget' });
  });

  it('includes every schema it references, and nothing dangles', () => {
    const names = new Set(Object.keys(v1.components.schemas));
    for (const name of ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta',
      'io.k8s.apimachinery.pkg.apis.meta.v1.Status', 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
      'io.k8s.apimachinery.pkg.apis.meta.v1.Patch', 'io.k8s.api.autoscaling.v1.Scale', 'io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry']) {
      expect(names).toContain(name);
    }
    const refs = JSON.stringify(v1).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) expect(names).toContain(ref.slice('"$ref":"#/components/schemas/'.length, -1));
  });

  it('inlines parameters and turns bodies into request bodies', () => {
    const patch = v1.paths['/apis/example.com/v1/namespaces/{namespace}/widgets/{name}'].patch;
    // Go marshals the content map with sorted keys.
    expect(Object.keys(patch.requestBody.content)).toEqual(['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json']);
    expect(patch.requestBody.required).toBe(true);
    expect(patch.parameters.map((p: Any) => p.name)).toEqual(['dryRun', 'fieldManager', 'fieldValidation', 'force']);
    expect(patch.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/com.example.v1.Widget' });
  });
});

describe('CrdOpenApi', () => {
  class FakeSource implements CrdSource {
    generation = 1;
    crds: CustomResourceDefinition[] = [];
    customResourceDefinitions(): readonly CustomResourceDefinition[] {
      return this.crds;
    }
  }

  it('rebuilds once per change of the served CRDs, and the hashes and ETag follow', () => {
    const source = new FakeSource();
    let builtinSets = 0;
    const api = new CrdOpenApi(swagger, source, () => (builtinSets++, buildOpenApiV3(swagger)));
    expect(api.swaggerV2()).toBe(swagger);
    const emptySet = api.openApiV3();
    expect(api.openApiV3()).toBe(emptySet);
    expect(emptySet.document('apis/example.com/v1')).toBeUndefined();

    source.crds = [widgetCrd()];
    source.generation = 2;
    const withWidget = api.swaggerV2();
    expect(api.swaggerV2()).toBe(withWidget);
    expect(openApiV2ETag(withWidget)).not.toBe(openApiV2ETag(swagger));
    const set = api.openApiV3();
    expect(api.openApiV3()).toBe(set);
    expect(builtinSets).toBe(2);
    const hash = set.document('apis/example.com/v1')!.hash;
    expect(JSON.parse(set.index().toString()).paths['apis/example.com/v1'].serverRelativeURL).toBe(`/openapi/v3/apis/example.com/v1?hash=${hash}`);

    // Without a new generation nothing is rebuilt; a schema change moves the registry's generation.
    const changed = widgetCrd();
    changed.spec.versions[0]!.schema!.openAPIV3Schema!.description = 'Changed.';
    source.crds = [changed];
    expect(api.openApiV3()).toBe(set);
    source.generation = 3;
    expect(api.openApiV3().document('apis/example.com/v1')!.hash).not.toBe(hash);
    expect((api.swaggerV2() as Any).definitions['com.example.v1.Widget'].description).toBe('Changed.');

    // Served but not yet Established (names accepted only): upstream publishes nothing yet.
    const pending = gizmoCrd();
    pending.status = { conditions: [{ type: 'NamesAccepted', status: 'True' }, { type: 'Established', status: 'False' }] };
    source.crds = [pending];
    source.generation = 4;
    expect(api.openApiV3().document('apis/example.com/v1')).toBeUndefined();
    expect(api.swaggerV2()).toBe(swagger);

    source.crds = [];
    source.generation = 5;
    expect(api.openApiV3().document('apis/example.com/v1')).toBeUndefined();
    expect((api.swaggerV2() as OpenAPIV2.Document).paths['/apis/example.com/v1/widgets']).toBeUndefined();
  });
});
