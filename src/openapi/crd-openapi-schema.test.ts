// Tests for the kind and list definitions a CRD version publishes to OpenAPI v2 and v3.
import { crdDefinitionName, crdDefinitions, isPublishableSchema } from './crd-openapi-schema.js';
import { gizmoCrd, widgetCrd } from './crd-openapi-test-kit.js';
import { loadSwagger } from './openapi-v2.js';
import type { JsonObject } from './openapi-v3-convert.js';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const staticDefinitions = (loadSwagger() as unknown as { definitions: JsonObject }).definitions;
const status = staticDefinitions['io.k8s.apimachinery.pkg.apis.meta.v1.Status'] as Any;

describe('definition names', () => {
  it('reverse the group like kube-openapi', () => {
    expect(crdDefinitionName('example.com', 'v1', 'Widget')).toBe('com.example.v1.Widget');
    expect(crdDefinitionName('stable.k8s.example.com', 'v2beta1', 'CronTab')).toBe('com.example.k8s.stable.v2beta1.CronTab');
  });
});

describe('v3 kind definition', () => {
  const kind = crdDefinitions(widgetCrd(), 'v1', staticDefinitions, false).kind as Any;
  const spec = kind.properties.spec;

  it('keeps the schema with its descriptions and validations', () => {
    expect(kind.description).toBe('Widget is a thing with gears.');
    expect(spec.description).toBe('WidgetSpec describes how the widget turns.');
    expect(spec.properties.size).toEqual({ type: 'integer', description: 'Number of gears in the widget.', minimum: 1, default: 3 });
    expect(spec.properties.color.enum).toEqual(['red', 'blue']);
    expect(spec.properties.shape.oneOf).toEqual([{ pattern: '^round' }, { pattern: '^square' }]);
    expect(spec.properties.note).toEqual({ type: 'string', nullable: true, description: 'Free text; may be null.' });
    expect(spec.required).toEqual(['size', 'note']);
  });

  it('keeps the x-kubernetes extensions and unfolds int-or-string into its anyOf', () => {
    expect(spec.properties.port).toEqual({
      'x-kubernetes-int-or-string': true, description: 'Port by number or name.', anyOf: [{ type: 'integer' }, { type: 'string' }],
    });
    expect(spec.properties.tags['x-kubernetes-list-type']).toBe('set');
    expect(spec.properties.replicas['x-kubernetes-validations']).toEqual([{ rule: 'self >= 0', message: 'must not be negative' }]);
    expect(spec.properties.extra).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'string' } } });
  });

  it('replaces metadata by the ObjectMeta reference and adds TypeMeta', () => {
    expect(kind.properties.metadata).toEqual({
      $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
    });
    expect(kind.properties.apiVersion).toEqual(status.properties.apiVersion);
    expect(kind.properties.kind).toEqual(status.properties.kind);
    expect(kind.properties.apiVersion.description).toMatch(/^APIVersion defines the versioned schema/);
  });

  it('gives embedded resources apiVersion, kind and metadata, and requires kind and apiVersion', () => {
    const template = spec.properties.template;
    expect(Object.keys(template.properties).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(template.properties.kind.description).toMatch(/^kind is a string value representing the type of this object/);
    expect(template.required).toEqual(['kind', 'apiVersion']);
  });

  it('carries the group-version-kind and the selectable fields without their leading dot', () => {
    expect(kind['x-kubernetes-group-version-kind']).toEqual([{ group: 'example.com', kind: 'Widget', version: 'v1' }]);
    expect(kind['x-kubernetes-selectable-fields']).toEqual([{ fieldPath: 'spec.color' }]);
  });

  it('is emitted with sorted keys, so equal CRDs give equal bytes', () => {
    expect(Object.keys(kind)).toEqual([...Object.keys(kind)].sort());
    expect(Object.keys(spec.properties)).toEqual([...Object.keys(spec.properties)].sort());
  });
});

describe('v2 kind definition', () => {
  const kind = crdDefinitions(widgetCrd(), 'v1', staticDefinitions, true).kind as Any;
  const spec = kind.properties.spec;

  it('drops junctors, nullable types and defaults as ToStructuralOpenAPIV2 and PruneDefaults do', () => {
    expect(spec.properties.shape).toEqual({ type: 'string' });
    expect(spec.properties.port).toEqual({ 'x-kubernetes-int-or-string': true, description: 'Port by number or name.' });
    expect(spec.properties.note).toEqual({ description: 'Free text; may be null.' });
    expect(spec.properties.size).toEqual({ type: 'integer', description: 'Number of gears in the widget.', minimum: 1 });
    // A nullable field is no longer required: kubectl would reject the null it allows.
    expect(spec.required).toEqual(['size']);
  });

  it('leaves preserve-unknown-fields objects untyped and without properties', () => {
    expect(spec.properties.extra).toEqual({ 'x-kubernetes-preserve-unknown-fields': true });
    expect(spec.properties.template.properties.spec).toEqual({ 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('publishes a root that preserves unknown fields as a bare object', () => {
    const crd = widgetCrd();
    crd.spec.versions[0]!.schema!.openAPIV3Schema!['x-kubernetes-preserve-unknown-fields'] = true;
    expect(crdDefinitions(crd, 'v1', staticDefinitions, true).kind).toEqual({
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group: 'example.com', kind: 'Widget', version: 'v1' }],
      'x-kubernetes-selectable-fields': [{ fieldPath: 'spec.color' }],
    });
    // v3 has no such restriction.
    expect(Object.keys((crdDefinitions(crd, 'v1', staticDefinitions, false).kind as Any).properties)).toContain('spec');
  });
});

describe('schemas upstream does not publish fields for', () => {
  it('are a bare object in both versions', () => {
    expect(isPublishableSchema({ type: 'object', properties: { foo: { type: 'array' } } })).toBe(false);
    expect(isPublishableSchema({ type: 'object', properties: { spec: { type: 'bug' } } })).toBe(false);
    expect(isPublishableSchema({ type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } })).toBe(false);
    expect(isPublishableSchema({ type: 'object', properties: { a: { type: 'string', anyOf: [{ type: 'string' }, { description: 'x' }] } } })).toBe(false);
    expect(isPublishableSchema({ type: 'object', properties: { a: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } } })).toBe(true);
    const crd = gizmoCrd();
    crd.spec.versions[0]!.schema = { openAPIV3Schema: { type: 'object', properties: { foo: { type: 'array' } } } };
    for (const v2 of [true, false]) {
      expect(crdDefinitions(crd, 'v1', staticDefinitions, v2).kind).toEqual({
        type: 'object', 'x-kubernetes-group-version-kind': [{ group: 'example.com', kind: 'Gizmo', version: 'v1' }],
      });
    }
  });
});

describe('list definition', () => {
  it('lists items of the kind with ListMeta and the list kind as its group-version-kind', () => {
    const list = crdDefinitions(gizmoCrd(), 'v1', staticDefinitions, true).list as Any;
    expect(list).toEqual({
      description: 'GizmoList is a list of Gizmo',
      type: 'object',
      required: ['items'],
      properties: {
        apiVersion: status.properties.apiVersion,
        kind: status.properties.kind,
        items: {
          description: 'List of gizmos. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md',
          type: 'array',
          items: { $ref: '#/definitions/com.example.v1.Gizmo' },
        },
        metadata: {
          $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta',
          description: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
        },
      },
      'x-kubernetes-group-version-kind': [{ group: 'example.com', kind: 'GizmoList', version: 'v1' }],
    });
  });
});
