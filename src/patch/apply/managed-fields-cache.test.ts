// The write-path caches of managed fields (decoded lists, FieldsV1 per set, identity-keeping algebra, element keys) never go stale.
import type { KubeObject } from '../../meta/types.js';
import { loadSwagger } from '../../openapi/openapi-v2.js';
import { schemaTree } from '../schema-tree.js';
import { compareValues } from './compare.js';
import { FieldSet } from './fieldpath.js';
import { decodeManagedFields, decodeStoredManagedFields, encodeManagedFields, type Managed, type ManagedFieldsEntry } from './managed-fields-codec.js';
import { updateManagedFields } from './managed-fields.js';
import { elementKey, fieldElement, keyElement, serializeElement, type PathElement } from './path-element.js';
import { typeOf, withZeros, withZerosPair } from './typed-schema.js';

const tree = schemaTree(loadSwagger().definitions as Record<string, unknown>);
const podSchema = tree.root('io.k8s.api.core.v1.Pod')!;
const f = fieldElement;
const T = (s: number) => `2024-01-01T00:00:${String(s).padStart(2, '0')}Z`;
const statusOnly = () => FieldSet.of([f('spec')]);
const specOnly = () => FieldSet.of([f('status')]);

/** What the decode of these entries holds, as comparable text. */
const show = (m: Managed) => [...m.sets].map(([id, vs]) => `${id} ${vs.apiVersion} ${vs.applied} ${m.times.get(id)} ${vs.set.toString()}`).sort();

function pod(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', labels: { app: 'x' } },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  };
}

/** The store keeps what it is given behind a new top level and metadata, sharing everything else. */
const stored = (next: KubeObject): KubeObject => ({ ...next, metadata: { ...next.metadata, resourceVersion: '1' } });

function created(): KubeObject {
  const next = pod();
  next.metadata.managedFields = updateManagedFields({ old: undefined, next, manager: 'creator', apiVersion: 'v1', time: T(0), schema: podSchema, ignoredFields: specOnly() });
  next.metadata.uid = 'u';
  return stored(next);
}

/** A status write by `manager` on `old`, its result stored as the registry stores it. */
function statusWrite(old: KubeObject, manager: string, status: Record<string, unknown>, time: string): KubeObject {
  const next: KubeObject = { ...structuredClone(old), status };
  const entries = updateManagedFields({ old, next, manager, apiVersion: 'v1', subresource: 'status', time, schema: podSchema, ignoredFields: statusOnly() });
  next.metadata.managedFields = entries;
  return stored(next);
}

describe('decoded managedFields lists', () => {
  test('a list this module encoded decodes as decoding it afresh does', () => {
    let obj = created();
    obj = statusWrite(obj, 'kubelet', { phase: 'Pending' }, T(1));
    obj = statusWrite(obj, 'other', { phase: 'Running', podIP: '10.0.0.1' }, T(2));
    const entries = obj.metadata.managedFields!;
    expect(show(decodeStoredManagedFields(entries))).toEqual(show(decodeManagedFields(structuredClone(entries))));
  });

  test('the same content in another list, changed through a copy, is decoded from that copy', () => {
    const obj = statusWrite(created(), 'kubelet', { phase: 'Pending' }, T(1));
    const entries = obj.metadata.managedFields as ManagedFieldsEntry[];
    decodeStoredManagedFields(entries);
    const copy = structuredClone(entries);
    copy[1].fieldsV1 = { 'f:status': { 'f:hostIP': {} } };
    expect(show(decodeStoredManagedFields(copy))).toEqual(show(decodeManagedFields(structuredClone(copy))));
    expect(show(decodeStoredManagedFields(copy)).join('\n')).toContain('.status.hostIP');
    // The original list still decodes as itself.
    expect(show(decodeStoredManagedFields(entries)).join('\n')).toContain('.status.phase');
  });

  test('a list whose entries were replaced or edited in place is decoded again', () => {
    const obj = statusWrite(created(), 'kubelet', { phase: 'Pending' }, T(1));
    const entries = obj.metadata.managedFields as ManagedFieldsEntry[];
    const before = show(decodeStoredManagedFields(entries));
    entries[1] = { ...entries[1], manager: 'renamed' };
    expect(show(decodeStoredManagedFields(entries))).toEqual(show(decodeManagedFields(structuredClone(entries))));
    expect(show(decodeStoredManagedFields(entries))).not.toEqual(before);
    entries[1].time = T(9);
    expect(show(decodeStoredManagedFields(entries))).toEqual(show(decodeManagedFields(structuredClone(entries))));
    entries[1].fieldsV1 = { 'f:status': { 'f:reason': {} } };
    expect(show(decodeStoredManagedFields(entries)).join('\n')).toContain('.status.reason');
    entries.pop();
    expect(show(decodeStoredManagedFields(entries))).toEqual(show(decodeManagedFields(structuredClone(entries))));
  });

  test('what a caller does to a decoded result does not reach the next decode', () => {
    const entries = statusWrite(created(), 'kubelet', { phase: 'Pending' }, T(1)).metadata.managedFields!;
    const first = decodeStoredManagedFields(entries);
    const before = show(decodeStoredManagedFields(entries));
    first.sets.clear();
    first.times.clear();
    expect(show(decodeStoredManagedFields(entries))).toEqual(before);
  });

  test('a list decoding rejects keeps being rejected', () => {
    const bad = [{ manager: 'm', operation: 'Patch', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} }];
    expect(() => decodeStoredManagedFields(bad)).toThrow('operation must be `Apply` or `Update`');
    expect(() => decodeStoredManagedFields(bad)).toThrow('operation must be `Apply` or `Update`');
  });
});

describe('writes on shared stored objects store what writes on private copies store', () => {
  const statuses = [
    { phase: 'Pending' },
    { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], podIP: '10.0.0.1' },
    { phase: 'Running', podIP: '10.0.0.1' },
    { phase: 'Succeeded', conditions: [{ type: 'Ready', status: 'False' }] },
  ];
  const managers = ['kubelet', 'other', 'kubelet', 'third', 'kubelet', 'other', 'fourth'];

  test('status writes by several managers', () => {
    let shared = created();
    let fresh = structuredClone(shared);
    for (let i = 0; i < 20; i++) {
      const status = statuses[i % statuses.length];
      const manager = managers[i % managers.length];
      shared = statusWrite(shared, manager, status, T(i + 1));
      // A deep copy of everything: no cache can know these objects.
      fresh = structuredClone(statusWrite(structuredClone(fresh), manager, status, T(i + 1)));
      expect(JSON.stringify(shared.metadata.managedFields)).toBe(JSON.stringify(fresh.metadata.managedFields));
    }
  });

  test('a client sending back an edited copy of the stored entries is tracked from that copy', () => {
    const old = statusWrite(created(), 'kubelet', { phase: 'Pending' }, T(1));
    const next = structuredClone(old);
    (next.metadata.managedFields as ManagedFieldsEntry[]).splice(0, 1); // drops the creator's entry
    next.metadata.labels = { app: 'y' };
    const entries = updateManagedFields({ old, next, manager: 'editor', apiVersion: 'v1', time: T(2), schema: podSchema, ignoredFields: specOnly() });
    expect(entries.map((e) => e.manager)).toEqual(['kubelet', 'editor']);
    // The stored object itself still decodes as it was stored.
    expect(decodeStoredManagedFields(old.metadata.managedFields).sets.size).toBe(2);
  });
});

describe('FieldsV1 kept per set', () => {
  test('inserting into a set after encoding it shows in the next encoding, at any depth', () => {
    const s = FieldSet.of([f('a'), f('b')]);
    expect(JSON.stringify(s.toFieldsV1())).toBe('{"f:a":{"f:b":{}}}');
    s.insert([f('a'), f('c')]);
    expect(JSON.stringify(s.toFieldsV1())).toBe('{"f:a":{"f:b":{},"f:c":{}}}');
    s.insert([f('a')]);
    expect(JSON.stringify(s.toFieldsV1())).toBe('{"f:a":{".":{},"f:b":{},"f:c":{}}}');
  });

  test('encoding a changed set writes its new paths', () => {
    const set = FieldSet.of([f('status'), f('phase')]);
    const managed: Managed = { sets: new Map([['{"manager":"m","operation":"Update","apiVersion":"v1"}', { set, apiVersion: 'v1', applied: false }]]), times: new Map() };
    expect(JSON.stringify(encodeManagedFields(managed)[0].fieldsV1)).toBe('{"f:status":{"f:phase":{}}}');
    const grown = set.union(FieldSet.of([f('status'), f('podIP')]));
    managed.sets.set('{"manager":"m","operation":"Update","apiVersion":"v1"}', { set: grown, apiVersion: 'v1', applied: false });
    expect(JSON.stringify(encodeManagedFields(managed)[0].fieldsV1)).toBe('{"f:status":{"f:phase":{},"f:podIP":{}}}');
  });
});

describe('entries kept per versioned set', () => {
  test('an entry changed in place after encoding is not handed out again', () => {
    const id = '{"manager":"m","operation":"Update","apiVersion":"v1"}';
    const managed: Managed = { sets: new Map([[id, { set: FieldSet.of([f('a')]), apiVersion: 'v1', applied: false }]]), times: new Map([[id, T(1)]]) };
    const first = encodeManagedFields(managed);
    const text = JSON.stringify(first);
    expect(JSON.stringify(encodeManagedFields(managed))).toBe(text);
    first[0].manager = 'changed';
    delete first[0].time;
    expect(JSON.stringify(encodeManagedFields(managed))).toBe(text);
  });
});

describe('set algebra keeps an unchanged input', () => {
  const a = FieldSet.of([f('x'), f('y')], [f('x'), f('z')], [f('w')]);
  const fresh = (s: FieldSet) => FieldSet.fromFieldsV1(JSON.parse(JSON.stringify(s.toFieldsV1())));

  test('union with a subset, difference with a disjoint set, intersection with a superset', () => {
    expect(a.union(FieldSet.of([f('x'), f('y')]))).toBe(a);
    expect(a.union(FieldSet.empty())).toBe(a);
    expect(a.difference(FieldSet.of([f('q')], [f('x'), f('q')]))).toBe(a);
    expect(a.recursiveDifference(FieldSet.of([f('x'), f('q')]))).toBe(a);
    expect(a.intersection(a.union(FieldSet.of([f('v')])))).toBe(a);
  });

  test('and builds a new set, leaving its inputs alone, when something changes', () => {
    const before = a.toString();
    const u = a.union(FieldSet.of([f('x'), f('q')]));
    expect(u).not.toBe(a);
    expect(u.toString()).toBe(fresh(u).toString());
    expect(u.has([f('x'), f('q')])).toBe(true);
    const d = a.difference(FieldSet.of([f('x'), f('y')]));
    expect(d.toString()).toBe('.w\n.x.z');
    expect(a.recursiveDifference(FieldSet.of([f('x')])).toString()).toBe('.w');
    expect(a.intersection(FieldSet.of([f('w')])).toString()).toBe('.w');
    expect(a.toString()).toBe(before);
    expect(JSON.stringify(a.toFieldsV1())).toBe('{"f:w":{},"f:x":{"f:y":{},"f:z":{}}}');
  });
});

describe('element keys', () => {
  const k = (fields: Record<string, unknown>): PathElement => keyElement(Object.entries(fields));
  const v = (value: unknown): PathElement => ({ kind: 'value', value });
  const elements: PathElement[] = [
    k({ name: 'a' }),
    k({ name: 'a', port: 1 }),
    k({ name: 'a1:s' }),
    k({ name: 1 }),
    k({ name: '1' }),
    k({ name: true }),
    k({ name: 'true' }),
    k({ name: null }),
    k({ name: -0 }),
    k({ name: 0 }),
    k({ name: 1.5 }),
    k({ name: { b: 1, a: 2 } }),
    k({ name: { a: 2, b: 1 } }),
    k({ na: 'me' }),
    k({ 'name:1': 'a' }),
    v('a'),
    v('1'),
    v(1),
    v(null),
    v(false),
    f('name'),
    { kind: 'index', index: 1 },
  ];
  test('two elements share a key exactly when they serialise alike', () => {
    for (const x of elements) {
      for (const y of elements) expect([x, y, elementKey(x) === elementKey(y)]).toEqual([x, y, serializeElement(x) === serializeElement(y)]);
    }
  });
});

describe('typed views compared in pairs', () => {
  const type = typeOf(podSchema);
  const objects: unknown[] = [
    {},
    { status: {} },
    { status: { phase: 'Running' } },
    { spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    { spec: { containers: [{ name: 'c', image: 'x' }] } },
    { spec: { containers: [{ name: 'c', image: 'x', resources: {} }], securityContext: {} } },
    { metadata: { labels: { a: 'b' } }, status: { containerStatuses: [{ name: 'c', state: {} }] } },
    { metadata: {}, status: 'not an object' },
  ];
  test('find the same changes as separate views', () => {
    for (const l of objects) {
      for (const r of objects) {
        const [pl, pr] = withZerosPair(l, r, type);
        const paired = compareValues(pl, pr, type);
        const separate = compareValues(withZeros(l, type), withZeros(r, type), type);
        for (const which of ['added', 'modified', 'removed'] as const) {
          expect([l, r, which, paired[which].toString()]).toEqual([l, r, which, separate[which].toString()]);
        }
      }
    }
  });
});
