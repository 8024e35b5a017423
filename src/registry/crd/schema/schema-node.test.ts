// Tests for the SchemaNode view of CRD schemas and the ResourceSchema built on it.
import type { JSONSchemaProps } from '../crd-types.js';
import { defaultObjectMetaNode } from './object-meta.js';
import { customResourceSchema } from './resource-schema.js';
import { customResourceSchemaNode } from './schema-node.js';

const objectMeta = defaultObjectMetaNode();
const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', properties: { name: { type: 'string' }, port: { 'x-kubernetes-int-or-string': true } } },
        },
        labels: { type: 'object', 'x-kubernetes-map-type': 'atomic', additionalProperties: { type: 'string' } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
};

describe('customResourceSchemaNode', () => {
  const root = customResourceSchemaNode(schema, objectMeta);

  it('answers apiVersion, kind and metadata at the root', () => {
    expect(root.kind).toBe('struct');
    expect(root.field('apiVersion')?.kind).toBe('scalar');
    expect(root.field('metadata')).toBe(objectMeta);
    expect(root.field('status')).toBeUndefined();
    expect(root.fieldNames()).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
  });

  it('carries list and map types', () => {
    const spec = root.field('spec')!;
    const ports = spec.field('ports')!;
    expect(ports.kind).toBe('list');
    expect(ports.listType).toBe('map');
    expect(ports.listMapKeys).toEqual(['name']);
    expect(ports.element().field('port')?.kind).toBe('scalar');
    expect(spec.field('labels')?.kind).toBe('map');
    expect(spec.field('labels')?.mapType).toBe('atomic');
    expect(spec.field('labels')?.element().kind).toBe('scalar');
  });

  it('treats preserved objects as free-form, embedded ones with ObjectMeta', () => {
    const spec = root.field('spec')!;
    expect(spec.field('free')?.kind).toBe('any');
    const template = spec.field('template')!;
    expect(template.kind).toBe('struct');
    expect(template.field('metadata')).toBe(objectMeta);
    expect(template.field('spec')?.kind).toBe('any');
    expect(spec.field('nope')).toBeUndefined();
  });
});

describe('customResourceSchema', () => {
  it('never fails the type check and reports unknown fields', () => {
    const rs = customResourceSchema(schema, objectMeta);
    expect(rs.typeCheck({ spec: 'not an object' })).toBeUndefined();
    expect(rs.unknownFields({ apiVersion: 'a/v1', kind: 'K', metadata: {}, spec: { bogus: 1 } })).toEqual(['spec.bogus']);
    expect(rs.node().field('spec')?.field('ports')?.listType).toBe('map');
  });
});
