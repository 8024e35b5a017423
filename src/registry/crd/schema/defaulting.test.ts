// Tests for structural defaulting of custom resources: nesting, lists, maps and nulls.
import type { JSONSchemaProps } from '../crd-types.js';
import { applySchemaDefaults } from './defaulting.js';

const item: JSONSchemaProps = { type: 'object', properties: { name: { type: 'string' }, weight: { type: 'integer', default: 1 } } };

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      default: {},
      properties: {
        replicas: { type: 'integer', default: 1 },
        mode: { type: 'string', default: 'auto' },
        nullableWithDefault: { type: 'string', nullable: true, default: 'd' },
        nullableNoDefault: { type: 'string', nullable: true },
        plain: { type: 'string' },
        items: { type: 'array', items: item },
        byName: { type: 'object', additionalProperties: item },
        defaultedValues: { type: 'object', additionalProperties: { type: 'string', default: 'v' } },
        listOfDefaults: { type: 'array', items: { type: 'string', default: 'x' } },
        tree: { type: 'object', default: { leaf: 'given' }, properties: { leaf: { type: 'string' }, other: { type: 'string', default: 'o' } } },
      },
    },
  },
};

const defaulted = (object: Record<string, unknown>) => {
  applySchemaDefaults(schema, object);
  return object;
};

describe('applySchemaDefaults', () => {
  it('creates a defaulted parent, then defaults inside it', () => {
    expect(defaulted({ kind: 'Widget' })).toEqual({
      kind: 'Widget',
      spec: { replicas: 1, mode: 'auto', nullableWithDefault: 'd', tree: { leaf: 'given', other: 'o' } },
    });
  });

  it('keeps given values', () => {
    expect(defaulted({ spec: { replicas: 3, mode: 'manual', nullableWithDefault: 'x', tree: { leaf: 'mine', other: 'p' } } }).spec).toEqual({
      replicas: 3,
      mode: 'manual',
      nullableWithDefault: 'x',
      tree: { leaf: 'mine', other: 'p' },
    });
  });

  it('defaults inside list items and map values', () => {
    const spec = defaulted({ spec: { items: [{ name: 'a' }, { name: 'b', weight: 5 }], byName: { x: {}, y: { weight: 2 } } } }).spec as Record<string, unknown>;
    expect(spec.items).toEqual([{ name: 'a', weight: 1 }, { name: 'b', weight: 5 }]);
    expect(spec.byName).toEqual({ x: { weight: 1 }, y: { weight: 2 } });
  });

  it('replaces non-nullable nulls by the default, keeps nullable nulls, drops the rest', () => {
    const spec = defaulted({
      spec: { replicas: null, nullableWithDefault: null, nullableNoDefault: null, plain: null, defaultedValues: { k: null }, listOfDefaults: ['a', null] },
    }).spec as Record<string, unknown>;
    expect(spec.replicas).toBe(1);
    expect(spec).toHaveProperty('nullableWithDefault', null);
    expect(spec).toHaveProperty('nullableNoDefault', null);
    expect(spec).not.toHaveProperty('plain');
    expect(spec.defaultedValues).toEqual({ k: 'v' });
    expect(spec.listOfDefaults).toEqual(['a', 'x']);
  });

  it('copies defaults rather than sharing them', () => {
    const a = defaulted({});
    const b = defaulted({});
    ((a.spec as Record<string, unknown>).tree as Record<string, unknown>).leaf = 'changed';
    expect(((b.spec as Record<string, unknown>).tree as Record<string, unknown>).leaf).toBe('given');
    expect((schema.properties!.spec.properties!.tree.default as Record<string, unknown>).leaf).toBe('given');
  });

  it('leaves fields the schema does not describe alone', () => {
    expect(defaulted({ spec: { unknown: null, replicas: 2 }, status: null })).toEqual({
      spec: { unknown: null, replicas: 2, mode: 'auto', nullableWithDefault: 'd', tree: { leaf: 'given', other: 'o' } },
      status: null,
    });
  });
});
