// managedFields entries (identity, order, decoding, reset) and how non-apply writes move ownership, as upstream's field manager does.
import type { KubeObject } from '../../meta/types.js';
import { loadSwagger } from '../../openapi/openapi-v2.js';
import { schemaTree } from '../schema-tree.js';
import { FieldSet } from './fieldpath.js';
import {
  buildManagerIdentifier,
  decodeManagedFields,
  formatTime,
  isResetManagedFields,
  managerFromRequest,
  sortManagedFields,
  updateManagedFields,
  validatePatchOptions,
  validateWriteOptions,
  withManagedFields,
  type ManagedFieldsEntry,
} from './managed-fields.js';
import { fieldElement } from './path-element.js';

const schema = schemaTree(loadSwagger().definitions as Record<string, unknown>).root('io.k8s.api.apps.v1.Deployment')!;
const T = (day: number) => `2024-01-${String(day).padStart(2, '0')}T00:00:00Z`;

function deployment(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

type Extra = Partial<Parameters<typeof updateManagedFields>[0]>;

/** What the registry does on create: record the write, then the object gets its uid. */
function create(obj: KubeObject, manager: string, time = T(1), extra: Extra = {}): KubeObject {
  const entries = updateManagedFields({ old: undefined, next: obj, manager, apiVersion: 'apps/v1', time, schema, ...extra });
  const out = withManagedFields(obj, entries);
  out.metadata.uid = 'uid-1';
  return out;
}

/** A write of `old` changed by `mutate`, carrying the managedFields the client read (as kubectl edit does). */
function write(old: KubeObject, mutate: (o: KubeObject) => void, manager: string, time: string, extra: Extra = {}): KubeObject {
  const next = structuredClone(old);
  mutate(next);
  return withManagedFields(next, updateManagedFields({ old, next, manager, apiVersion: 'apps/v1', time, schema, ...extra }));
}

/** One line per entry: manager, operation, time, subresource and fields. */
const summary = (obj: KubeObject) =>
  ((obj.metadata.managedFields ?? []) as ManagedFieldsEntry[]).map(
    (e) => `${e.manager} ${e.operation} ${e.time ?? '-'}${e.subresource ? ` /${e.subresource}` : ''} ${JSON.stringify(e.fieldsV1)}`,
  );

describe('manager identifiers', () => {
  test.each([
    [{ manager: 'foo', operation: 'Update', apiVersion: 'v1' }, '{"manager":"foo","operation":"Update","apiVersion":"v1"}'],
    // Appliers keep one identity across versions.
    [{ manager: 'foo', operation: 'Apply', apiVersion: 'v1' }, '{"manager":"foo","operation":"Apply"}'],
    [{ manager: 'foo', operation: 'Apply', apiVersion: 'v1', subresource: 'scale' }, '{"manager":"foo","operation":"Apply","subresource":"scale"}'],
    [{ manager: 'a<b', operation: 'Update', apiVersion: 'v1' }, '{"manager":"a\\u003cb","operation":"Update","apiVersion":"v1"}'],
  ])('%j', (entry, id) => expect(buildManagerIdentifier(entry)).toBe(id));
});

describe('entry order', () => {
  const e = (manager: string, operation: string, time?: string, subresource?: string): ManagedFieldsEntry => ({
    manager,
    operation,
    ...(time ? { time } : {}),
    ...(subresource ? { subresource } : {}),
  });
  test.each([
    ['apply first', [e('a', 'Update', T(1)), e('a', 'Apply')], [e('a', 'Apply'), e('a', 'Update', T(1))]],
    ['no time first, then by name', [e('a', 'Apply', T(1)), e('b', 'Apply'), e('a', 'Apply')], [e('a', 'Apply'), e('b', 'Apply'), e('a', 'Apply', T(1))]],
    ['oldest first', [e('c', 'Update', T(2)), e('a', 'Apply'), e('c', 'Update', T(1))], [e('a', 'Apply'), e('c', 'Update', T(1)), e('c', 'Update', T(2))]],
    [
      'whole seconds only',
      [e('c', 'Update', '2024-01-01T00:00:00.3Z'), e('a', 'Update', '2024-01-01T00:00:00.9Z'), e('b', 'Update', '2024-01-01T00:00:00.1Z')],
      [e('a', 'Update', '2024-01-01T00:00:00.9Z'), e('b', 'Update', '2024-01-01T00:00:00.1Z'), e('c', 'Update', '2024-01-01T00:00:00.3Z')],
    ],
    ['subresource last', [e('a', 'Apply', undefined, 'status'), e('a', 'Apply', undefined, 'scale'), e('a', 'Apply')], [e('a', 'Apply'), e('a', 'Apply', undefined, 'scale'), e('a', 'Apply', undefined, 'status')]],
  ])('%s', (_name, input, sorted) => expect(sortManagedFields(input)).toEqual(sorted));
});

describe('decoding entries', () => {
  const ok = { manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} };
  test.each([
    [{ ...ok, operation: 'Patch' }, 'operation must be `Apply` or `Update`'],
    [{ ...ok, apiVersion: '' }, 'apiVersion must not be empty'],
    [{ ...ok, fieldsType: undefined }, 'missing fieldsType in managed fields entry 0'],
    [{ ...ok, fieldsType: 'FieldsV2' }, 'invalid fieldsType "FieldsV2" in managed fields entry 0'],
    [{ ...ok, fieldsV1: { 'f:a': 'x' } }, /error decoding set/],
  ])('rejects %j', (entry, message) => expect(() => decodeManagedFields([entry])).toThrow(message));

  test('times are normalised to whole UTC seconds', () => {
    const m = decodeManagedFields([{ ...ok, time: '2024-01-01T02:00:00.5+02:00' }]);
    expect([...m.times.values()]).toEqual(['2024-01-01T00:00:00Z']);
  });
});

describe('the reset rule', () => {
  test.each([
    [[], true],
    [[{}], true],
    [[{ manager: '' }], true],
    [[{ manager: 'a' }], false],
    [[{ fieldsV1: {} }], false],
    [[{}, {}], false],
    [undefined, false],
    [null, false],
  ])('%j → %s', (entries, reset) => expect(isResetManagedFields(entries)).toBe(reset));
});

describe('manager names', () => {
  test.each([
    ['my-controller', 'kubectl/v1.32.0 (linux/amd64) kubernetes/abc', 'my-controller'],
    [undefined, 'kubectl-client-side-apply/v1.32.0 (linux/amd64) kubernetes/abc', 'kubectl-client-side-apply'],
    ['', 'kubectl-edit/v1.32.0', 'kubectl-edit'],
    [undefined, 'node-fetch', 'node-fetch'],
    [undefined, 'a\u0007b\tc/1', 'abc'],
    [undefined, 'x'.repeat(200) + '/1', 'x'.repeat(128)],
    [undefined, 'é'.repeat(100), 'é'.repeat(64)],
    [undefined, undefined, 'unknown'],
    [undefined, '/v1', 'unknown'],
  ])('fieldManager %j, User-Agent %j → %s', (fieldManager, userAgent, manager) => {
    expect(managerFromRequest(fieldManager, userAgent)).toBe(manager);
  });

  test('apply requires a fieldManager', () => {
    const err = validatePatchOptions({ apply: true, fieldManager: undefined })!;
    expect(err.code).toBe(422);
    expect(err.message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
  });

  test('force is only for apply', () => {
    expect(validatePatchOptions({ apply: false, fieldManager: 'm', force: true })!.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );
    expect(validatePatchOptions({ apply: true, fieldManager: 'm', force: true })).toBeUndefined();
  });

  test('names are at most 128 bytes and printable', () => {
    expect(validateWriteOptions('CreateOptions', 'x'.repeat(129))!.message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes',
    );
    expect(validateWriteOptions('UpdateOptions', 'a\u0001')!.message).toBe(
      'UpdateOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "a\\x01": invalid character U+0001 (at position 1)',
    );
  });
});

describe('updates', () => {
  test('a create owns what it set: added containers are `.` members, struct fields a Go value always has are not', () => {
    expect(summary(create(deployment(), 'kubectl-create'))).toEqual([
      'kubectl-create Update 2024-01-01T00:00:00Z {"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{".":{},"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}},"f:resources":{}}}}}}}',
    ]);
  });

  test('an update moves the fields it changed to its manager, at its time', () => {
    const scaled = write(create(deployment(), 'creator'), (o) => ((o.spec as { replicas: number }).replicas = 3), 'scaler', T(2));
    expect(summary(scaled)).toEqual([
      'creator Update 2024-01-01T00:00:00Z {"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:selector":{},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{".":{},"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}},"f:resources":{}}}}}}}',
      'scaler Update 2024-01-02T00:00:00Z {"f:spec":{"f:replicas":{}}}',
    ]);
  });

  test('an update that changes nothing records nothing', () => {
    const created = create(deployment(), 'creator');
    expect(write(created, () => {}, 'other', T(2)).metadata.managedFields).toEqual(created.metadata.managedFields);
  });

  test("a manager's later writes join its entry and refresh its time", () => {
    let obj = create(deployment(), 'creator');
    obj = write(obj, (o) => ((o.metadata.labels as Record<string, string>).tier = 'a'), 'labeller', T(2));
    obj = write(obj, (o) => ((o.metadata.annotations = { note: 'x' })), 'labeller', T(3));
    expect(summary(obj)[1]).toBe('labeller Update 2024-01-03T00:00:00Z {"f:metadata":{"f:annotations":{".":{},"f:note":{}},"f:labels":{"f:tier":{}}}}');
  });

  test('removing a field takes it from every manager', () => {
    let obj = create(deployment(), 'creator');
    obj = write(obj, (o) => ((o.metadata.labels as Record<string, string>).tier = 'a'), 'labeller', T(2));
    obj = write(obj, (o) => delete (o.metadata.labels as Record<string, string>).tier, 'cleaner', T(3));
    expect(summary(obj).map((s) => s.split(' ')[0])).toEqual(['creator']);
  });

  test.each([[[{}]], [[]]])('sending managedFields %j clears them', (sent) => {
    const created = create(deployment(), 'creator');
    const next = structuredClone(created);
    next.metadata.managedFields = sent;
    (next.spec as { replicas: number }).replicas = 2;
    expect(updateManagedFields({ old: created, next, manager: 'm', apiVersion: 'apps/v1', time: T(2), schema })).toEqual([]);
  });

  test('omitting managedFields keeps the stored ones', () => {
    const created = create(deployment(), 'creator');
    const obj = write(created, (o) => delete o.metadata.managedFields, 'other', T(2));
    expect(obj.metadata.managedFields).toEqual(created.metadata.managedFields);
  });

  test('valid managedFields from the client replace the stored ones; invalid ones are ignored', () => {
    const created = create(deployment(), 'creator');
    const mine = [{ manager: 'imported', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:paused': {} } } }];
    expect(summary(write(created, (o) => (o.metadata.managedFields = mine), 'other', T(2)))).toEqual(['imported Apply - {"f:spec":{"f:paused":{}}}']);
    const bad = [{ manager: 'imported', operation: 'Sideways', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' }];
    expect(write(created, (o) => (o.metadata.managedFields = bad), 'other', T(2)).metadata.managedFields).toEqual(created.metadata.managedFields);
  });

  test('an existing object without managed fields stays untracked', () => {
    const created = { ...deployment(), metadata: { ...deployment().metadata, uid: 'u' } };
    expect(write(created, (o) => ((o.spec as { replicas: number }).replicas = 4), 'm', T(2)).metadata.managedFields).toBeUndefined();
  });

  test('subresource writes keep the stored entries and say which subresource', () => {
    const created = create(deployment(), 'creator', T(1), { ignoredFields: FieldSet.of([fieldElement('status')]) });
    expect(summary(created)[0]).not.toContain('status');
    const obj = write(
      created,
      (o) => {
        o.status = { readyReplicas: 1 };
        o.metadata.managedFields = [];
      },
      'kube-controller-manager',
      T(2),
      { subresource: 'status' },
    );
    expect(summary(obj)[1]).toBe('kube-controller-manager Update 2024-01-02T00:00:00Z /status {"f:status":{"f:readyReplicas":{}}}');
  });

  test('beyond ten update managers the oldest merge into ancient-changes', () => {
    let obj = create(deployment(), 'm0');
    for (let n = 1; n <= 10; n++) obj = write(obj, (o) => ((o.metadata.labels as Record<string, string>)[`l${n}`] = 'x'), `m${n}`, T(n + 1));
    const lines = summary(obj);
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe(
      'ancient-changes Update 2024-01-02T00:00:00Z {"f:metadata":{"f:labels":{".":{},"f:app":{},"f:l1":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{".":{},"k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}},"f:resources":{}}}}}}}',
    );
    expect(lines.slice(1).map((l) => l.split(' ')[0])).toEqual(['m2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10']);
  });
});

test('formatTime answers the same whether or not it has seen the time before', () => {
  const cases: Array<[string, string]> = [
    ['2026-01-02T03:04:05.678Z', '2026-01-02T03:04:05Z'],
    ['2026-01-02T04:04:05+01:00', '2026-01-02T03:04:05Z'],
    ['1969-12-31T23:59:58.500Z', '1969-12-31T23:59:58Z'],
    ['not a time', 'not a time'],
  ];
  for (let round = 0; round < 2; round++) for (const [input, want] of cases) expect(formatTime(input)).toBe(want);
  for (let i = 0; i < 5000; i++) formatTime(`2026-01-01T00:00:${String(i % 60).padStart(2, '0')}.${i}Z`);
  for (const [input, want] of cases) expect(formatTime(input)).toBe(want);
});
