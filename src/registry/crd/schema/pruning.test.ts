// Tests for custom resource pruning: unknown field paths as upstream words them, and the generic pruner agreeing.
import { cloneJson } from '../../../meta/deep-equal.js';
import { prune } from '../../generic/field-validation.js';
import type { JSONSchemaProps } from '../crd-types.js';
import { defaultObjectMetaNode } from './object-meta.js';
import { pruneCustomResource, unknownCustomResourceFields } from './pruning.js';
import { customResourceSchemaNode } from './schema-node.js';

const withSpec = (spec: JSONSchemaProps): JSONSchemaProps => ({ type: 'object', properties: { spec } });
const resource = (rest: Record<string, unknown>) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, ...rest });

const template: JSONSchemaProps = {
  type: 'object',
  'x-kubernetes-embedded-resource': true,
  properties: { spec: { type: 'object', properties: { image: { type: 'string' } } } },
};

/** Schema, object, the unknown paths upstream reports, and the object once pruned. */
const cases: [string, JSONSchemaProps, Record<string, unknown>, string[], Record<string, unknown>][] = [
  [
    'undeclared fields at every depth, sorted',
    withSpec({ type: 'object', properties: { a: { type: 'integer' }, c: { type: 'object', properties: { d: { type: 'string' } } } } }),
    resource({ spec: { z: 1, a: 1, c: { d: 'x', e: 2 }, b: { deep: true } }, status: {} }),
    ['spec.b', 'spec.c.e', 'spec.z', 'status'],
    resource({ spec: { a: 1, c: { d: 'x' } } }),
  ],
  [
    'unknown ObjectMeta fields come first',
    withSpec({ type: 'object' }),
    resource({ metadata: { name: 'w', bogus: 1, labels: { a: 'b' } }, spec: { x: 1 } }),
    ['metadata.bogus', 'spec.x'],
    resource({ metadata: { name: 'w', labels: { a: 'b' } }, spec: {} }),
  ],
  [
    'list items',
    withSpec({ type: 'object', properties: { list: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } } }),
    resource({ spec: { list: [{ name: 'a', foo: 1 }, { name: 'b' }, { bar: 2 }] } }),
    ['spec.list[0].foo', 'spec.list[2].bar'],
    resource({ spec: { list: [{ name: 'a' }, { name: 'b' }, {}] } }),
  ],
  [
    'map values (keys dotted)',
    withSpec({ type: 'object', properties: { m: { type: 'object', additionalProperties: { type: 'object', properties: { x: { type: 'integer' } } } } } }),
    resource({ spec: { m: { k1: { x: 1, y: 2 }, k2: { x: 3 } } } }),
    ['spec.m.k1.y'],
    resource({ spec: { m: { k1: { x: 1 }, k2: { x: 3 } } } }),
  ],
  [
    'preserve-unknown-fields keeps the undeclared, prunes inside the declared',
    withSpec({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'object', properties: { x: { type: 'integer' } } } } }),
    resource({ spec: { free: { any: ['thing'] }, a: { x: 1, y: 2 } } }),
    ['spec.a.y'],
    resource({ spec: { free: { any: ['thing'] }, a: { x: 1 } } }),
  ],
  [
    'items of a preserved list keep unknown fields too',
    withSpec({ type: 'object', properties: { l: { type: 'array', 'x-kubernetes-preserve-unknown-fields': true, items: { type: 'object', properties: { n: { type: 'object', properties: {} } } } } } }),
    resource({ spec: { l: [{ other: 1, n: { gone: 1 } }] } }),
    ['spec.l[0].n.gone'],
    resource({ spec: { l: [{ other: 1, n: {} }] } }),
  ],
  [
    'apiVersion, kind and metadata are only special at the root and in embedded resources',
    withSpec({ type: 'object', properties: { template, plain: { type: 'object', properties: {} } } }),
    resource({
      spec: {
        template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', nope: 1 }, spec: { image: 'x', extra: 1 }, other: 2 },
        plain: { apiVersion: 'v1', kind: 'Pod', metadata: {} },
      },
    }),
    ['spec.plain.apiVersion', 'spec.plain.kind', 'spec.plain.metadata', 'spec.template.other', 'spec.template.spec.extra', 'spec.template.metadata.nope'],
    resource({ spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { image: 'x' } }, plain: {} } }),
  ],
  [
    'int-or-string and scalars stay',
    withSpec({ type: 'object', properties: { port: { 'x-kubernetes-int-or-string': true }, n: { type: 'integer' } } }),
    resource({ spec: { port: 'http', n: 3 } }),
    [],
    resource({ spec: { port: 'http', n: 3 } }),
  ],
];

describe('unknownCustomResourceFields', () => {
  it.each(cases)('%s', (_name, schema, object, unknown) => {
    const before = cloneJson(object);
    expect(unknownCustomResourceFields(schema, object)).toEqual(unknown);
    expect(object).toEqual(before);
  });

  it('brackets map keys in embedded metadata paths, as field.Path does', () => {
    const schema = withSpec({ type: 'object', properties: { templates: { type: 'object', additionalProperties: template } } });
    const object = resource({ spec: { templates: { t1: { apiVersion: 'v1', kind: 'Pod', metadata: { zzz: 1 } } } } });
    expect(unknownCustomResourceFields(schema, object)).toEqual(['spec.templates[t1].metadata.zzz']);
  });

  it('records every key of an object where the schema allows no fields', () => {
    const schema = withSpec({ type: 'object', properties: { n: { type: 'integer' } } });
    expect(unknownCustomResourceFields(schema, resource({ spec: { n: { a: 1, b: 2 } } }))).toEqual(['spec.n.a', 'spec.n.b']);
  });
});

describe('pruneCustomResource', () => {
  it.each(cases)('%s', (_name, schema, object, _unknown, pruned) => {
    const copy = cloneJson(object);
    pruneCustomResource(schema, copy);
    expect(copy).toEqual(pruned);
  });

  it.each(cases)('agrees with the generic prune over customResourceSchemaNode: %s', (_name, schema, object, _unknown, pruned) => {
    const copy = cloneJson(object);
    prune(customResourceSchemaNode(schema, defaultObjectMetaNode()), copy);
    expect(copy).toEqual(pruned);
  });
});
