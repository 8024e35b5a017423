// Server-side apply end to end on a real Deployment schema: merging, pruning, sharing, conflicts and upstream's Status texts.
import { ApiError } from '../../meta/errors.js';
import type { KubeObject } from '../../meta/types.js';
import { loadSwagger } from '../../openapi/openapi-v2.js';
import { schemaTree } from '../schema-tree.js';
import { applyObject, LAST_APPLIED_ANNOTATION, type ApplyOptions } from './apply.js';
import { printManager } from './conflict.js';
import { FieldSet } from './fieldpath.js';
import { updateManagedFields, withManagedFields, type ManagedFieldsEntry } from './managed-fields.js';
import { fieldElement } from './path-element.js';

const schema = schemaTree(loadSwagger().definitions as Record<string, unknown>).root('io.k8s.api.apps.v1.Deployment')!;
const T = (day: number) => `2024-01-${String(day).padStart(2, '0')}T00:00:00Z`;

type Config = Record<string, unknown>;

/** A Deployment configuration; `spec` is merged over the usual one, undefined values dropped. */
function config(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): Config {
  const base: Record<string, unknown> = {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } },
  };
  for (const [k, v] of Object.entries(spec)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, ...metadata }, spec: base };
}

/** Just the fields an applier sets (no selector or template). */
const partial = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Config => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', ...metadata },
  spec,
});

function apply(live: KubeObject | undefined, applied: Config, manager: string, more: Partial<ApplyOptions> = {}) {
  return applyObject({ live, applied, manager, force: false, apiVersion: 'apps/v1', kind: 'Deployment', time: T(1), schema, ...more });
}

/** What the registry stores after a create: the object with a uid. */
function stored(obj: KubeObject): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, uid: 'uid-1' } };
}

/** A non-apply write (kubectl edit/patch/scale) by `manager`. */
function update(old: KubeObject, mutate: (o: KubeObject) => void, manager: string, time: string): KubeObject {
  const next = structuredClone(old);
  mutate(next);
  return withManagedFields(next, updateManagedFields({ old, next, manager, apiVersion: 'apps/v1', time, schema }));
}

const entries = (obj: KubeObject) => (obj.metadata.managedFields ?? []) as ManagedFieldsEntry[];
/** manager → its fields, one path per line. */
const owners = (obj: KubeObject) =>
  Object.fromEntries(entries(obj).map((e) => [`${e.manager} ${e.operation}`, FieldSet.fromFieldsV1(e.fieldsV1).toString().split('\n')]));
const spec = (obj: KubeObject) => obj.spec as Record<string, any>;

function thrown(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('apply', () => {
  test('creates: the object is the configuration, the applier owns exactly what it applied', () => {
    const r = apply(undefined, config(), 'kubectl');
    expect(r.changed).toBe(true);
    expect(r.object).toEqual({ ...config(), metadata: { ...(config().metadata as object), managedFields: r.managedFields } });
    expect(r.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2024-01-01T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
            },
          },
        },
      },
    ]);
  });

  test('re-applying the same configuration changes nothing, not even the time', () => {
    const live = stored(apply(undefined, config(), 'a').object);
    const r = apply(live, config(), 'a', { time: T(2) });
    expect(r.changed).toBe(false);
    expect(r.object).toEqual(live);
  });

  test('a changed configuration updates the object and the applier time', () => {
    const live = stored(apply(undefined, config(), 'a').object);
    const r = apply(live, config({ replicas: 5 }), 'a', { time: T(2) });
    expect(spec(r.object).replicas).toBe(5);
    expect(r.managedFields.map((e) => e.time)).toEqual([T(2)]);
  });

  test('a field the applier stops applying is removed', () => {
    const live = stored(apply(undefined, config(), 'a').object);
    const r = apply(live, config({ replicas: undefined }), 'a', { time: T(2) });
    expect(spec(r.object)).not.toHaveProperty('replicas');
    expect(owners(r.object)['a Apply']).not.toContain('.spec.replicas');
  });

  test('a list-map item the applier stops applying is removed; the others stay', () => {
    const two = { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'a' }, { name: 'log', image: 'b' }] } } };
    const live = stored(apply(undefined, config(two), 'a').object);
    const r = apply(live, config(), 'a', { time: T(2) });
    expect(spec(r.object).template.spec.containers).toEqual([{ name: 'web', image: 'nginx:1.25' }]);
  });

  test('a field the applier drops stays while another applier owns it', () => {
    let live = stored(apply(undefined, config(), 'a').object);
    live = apply(live, partial({ replicas: 3 }), 'b', { time: T(2) }).object;
    const r = apply(live, config({ replicas: undefined }), 'a', { time: T(3) });
    expect(spec(r.object).replicas).toBe(3);
    expect(owners(r.object)['b Apply']).toEqual(['.spec.replicas']);
    expect(owners(r.object)['a Apply']).not.toContain('.spec.replicas');
  });

  test('appliers setting the same value share the field without conflict', () => {
    let live = stored(apply(undefined, config(), 'a').object);
    const r = apply(live, partial({ replicas: 3 }), 'b', { time: T(2) });
    // Nothing changed, so the new applier's entry carries no time.
    expect(r.changed).toBe(true);
    expect(r.managedFields.map((e) => [e.manager, e.time])).toEqual([['b', undefined], ['a', T(1)]]);
    live = r.object;
    expect(owners(live)['a Apply']).toContain('.spec.replicas');
    expect(owners(live)['b Apply']).toEqual(['.spec.replicas']);
  });

  test('changing a field an update wrote conflicts with that manager, with upstream Status', () => {
    let live = stored(apply(undefined, config(), 'kubectl').object);
    live = update(live, (o) => (spec(o).replicas = 5), 'other-manager', T(2));
    const err = thrown(() => apply(live, config(), 'kubectl', { time: T(3) }));
    expect(err.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "other-manager" using apps/v1: .spec.replicas',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "other-manager" using apps/v1', field: '.spec.replicas' }] },
      code: 409,
    });
  });

  test('force takes the conflicting fields over', () => {
    let live = stored(apply(undefined, config(), 'a').object);
    live = update(live, (o) => (spec(o).replicas = 5), 'scaler', T(2));
    const r = apply(live, config(), 'a', { force: true, time: T(3) });
    expect(spec(r.object).replicas).toBe(3);
    // The updater owned nothing else, so its entry is gone.
    expect(Object.keys(owners(r.object))).toEqual(['a Apply']);
    expect(owners(r.object)['a Apply']).toContain('.spec.replicas');
  });

  test('several conflicts are grouped by manager, appliers printed without a version', () => {
    let live = stored(apply(undefined, config(), 'a').object);
    live = update(live, (o) => (spec(o).paused = true), 'b', T(2));
    const err = thrown(() => apply(live, partial({ replicas: 7, paused: false }, { labels: { app: 'x' } }), 'c', { time: T(3) }));
    expect(err.message).toBe(
      'Apply failed with 3 conflicts: conflicts with "a":\n- .metadata.labels.app\n- .spec.replicas\nconflicts with "b" using apps/v1:\n- .spec.paused',
    );
    expect(err.details!.causes!.map((c) => [c.message, c.field])).toEqual([
      ['conflict with "a"', '.metadata.labels.app'],
      ['conflict with "a"', '.spec.replicas'],
      ['conflict with "b" using apps/v1', '.spec.paused'],
    ]);
  });

  test('list-map items merge by key: other appliers keep their items', () => {
    let live = stored(apply(undefined, config(), 'a').object);
    const sidecar = partial({ template: { spec: { containers: [{ name: 'log', image: 'fluentd' }] } } });
    live = apply(live, sidecar, 'b', { time: T(2) }).object;
    expect(spec(live).template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['web', 'log']);
    const r = apply(live, config({ template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } }), 'a', { time: T(3) });
    expect(spec(r.object).template.spec.containers).toEqual([{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'fluentd' }]);
    expect(owners(r.object)['b Apply']).toEqual([
      '.spec.template.spec.containers[name="log"]',
      '.spec.template.spec.containers[name="log"].image',
      '.spec.template.spec.containers[name="log"].name',
    ]);
  });

  test('granular maps merge key by key', () => {
    let live = stored(apply(undefined, config(), 'a').object);
    const labels: Config = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { tier: 'front' } } };
    live = apply(live, labels, 'b', { time: T(2) }).object;
    expect(live.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(owners(live)['b Apply']).toEqual(['.metadata.labels.tier']);
  });

  test('an atomic struct (the selector) is owned, compared and replaced whole', () => {
    const live = stored(apply(undefined, config(), 'a').object);
    const wider = partial({ selector: { matchLabels: { app: 'web', tier: 'x' } } });
    expect(thrown(() => apply(live, wider, 'b')).message).toBe('Apply failed with 1 conflict: conflict with "a": .spec.selector');
    const r = apply(live, partial({ selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } }), 'b', { force: true, time: T(2) });
    expect(spec(r.object).selector).toEqual({ matchExpressions: [{ key: 'app', operator: 'Exists' }] });
    expect(owners(r.object)['b Apply']).toEqual(['.spec.selector']);
  });

  test('updates move ownership away from an applier, so re-applying the old value conflicts', () => {
    let live = stored(apply(undefined, config(), 'a').object);
    live = update(live, (o) => (spec(o).template.spec.containers[0].image = 'nginx:edited'), 'kubectl-edit', T(2));
    expect(owners(live)['kubectl-edit Update']).toEqual(['.spec.template.spec.containers[name="web"].image']);
    expect(owners(live)['a Apply']).not.toContain('.spec.template.spec.containers[name="web"].image');
    expect(thrown(() => apply(live, config(), 'a', { time: T(3) })).message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.template.spec.containers[name="web"].image',
    );
  });

  test('an existing object without managed fields: its fields go to before-first-apply', () => {
    const live = stored(config() as KubeObject);
    const r = apply(live, partial({ replicas: 3 }), 'a', { time: T(2) });
    expect(Object.keys(owners(r.object))).toEqual(['a Apply', 'before-first-apply Update']);
    expect(owners(r.object)['before-first-apply Update']).toContain('.spec.replicas');
    expect(entries(r.object)[1].time).toBe(T(2));
    // A different value would have been a conflict with it.
    expect(thrown(() => apply(live, partial({ replicas: 4 }), 'a')).message).toBe(
      'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas',
    );
  });

  test('fields the endpoint resets are applied but not owned', () => {
    const ignoredFields = FieldSet.of([fieldElement('status')]);
    const r = apply(undefined, { ...config(), status: { replicas: 1 } }, 'a', { ignoredFields });
    expect(owners(r.object)['a Apply'].some((p) => p.startsWith('.status'))).toBe(false);
  });

  test('a subresource applier is named with its subresource', () => {
    const live = stored(apply(undefined, partial({ replicas: 3 }), 'hpa', { subresource: 'scale' }).object);
    expect(entries(live)[0].subresource).toBe('scale');
    expect(thrown(() => apply(live, partial({ replicas: 4 }), 'a')).message).toBe(
      'Apply failed with 1 conflict: conflict with "hpa" with subresource "scale": .spec.replicas',
    );
    expect(printManager('{"manager":"foo","operation":"Update","apiVersion":"v1","subresource":"scale"}')).toBe('"foo" with subresource "scale" using v1');
  });
});

describe("kubectl's last-applied annotation", () => {
  const lastApplied = (c: Config) => JSON.stringify(c);

  /** An object kubectl client-side applied: the annotation, owned by kubectl-client-side-apply. */
  function clientSideApplied(): KubeObject {
    const c = config();
    const obj = { ...c, metadata: { ...(c.metadata as object), annotations: { [LAST_APPLIED_ANNOTATION]: lastApplied(c) } } } as KubeObject;
    return stored(withManagedFields(obj, updateManagedFields({ old: undefined, next: obj, manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', time: T(1), schema })));
  }

  test('fields still as last applied are taken over instead of conflicting, and the annotation follows', () => {
    const r = apply(clientSideApplied(), config({ replicas: 4 }), 'kubectl', { time: T(2) });
    expect(spec(r.object).replicas).toBe(4);
    expect(r.object.metadata.annotations![LAST_APPLIED_ANNOTATION]).toBe(
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app":"web"},"name":"web","namespace":"default"},"spec":{"replicas":4,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.25","name":"web"}]}}}}\n',
    );
  });

  test('fields changed since the last client-side apply still conflict', () => {
    const live = update(clientSideApplied(), (o) => (spec(o).replicas = 9), 'scaler', T(2));
    expect(thrown(() => apply(live, config({ replicas: 4 }), 'kubectl', { time: T(3) })).message).toBe(
      'Apply failed with 1 conflict: conflict with "scaler" using apps/v1: .spec.replicas',
    );
  });

  test('other managers get no such allowance', () => {
    expect(thrown(() => apply(clientSideApplied(), config({ replicas: 4 }), 'kubectl-ssa', { time: T(2) })).message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
  });
});

describe('rejected configurations', () => {
  test.each([
    ['another version', { ...config(), apiVersion: 'apps/v1beta1' }, 'invalid object type: apps/v1beta1, Kind=Deployment'],
    ['another kind', { ...config(), kind: 'StatefulSet' }, 'invalid object type: apps/v1, Kind=StatefulSet'],
    ['no apiVersion', { ...config(), apiVersion: undefined }, 'invalid object type: /, Kind=Deployment'],
    ['a core kind', { ...config(), apiVersion: 'v1', kind: 'Pod' }, 'invalid object type: /v1, Kind=Pod'],
    ['an unparseable apiVersion', { ...config(), apiVersion: 'apps/v1/x' }, 'invalid object type: /, Kind='],
    ['managedFields', config({}, { managedFields: [{ manager: 'x' }] }), 'metadata.managedFields must be nil'],
    ['empty managedFields', config({}, { managedFields: [] }), 'metadata.managedFields must be nil'],
  ])('400 for %s', (_name, applied, message) => {
    const err = thrown(() => apply(undefined, applied as Config, 'a'));
    expect([err.code, err.reason, err.message]).toEqual([400, 'BadRequest', message]);
  });

  test.each([
    ['an undeclared field', config({ bogus: 1 }), '.spec.bogus: field not declared in schema'],
    [
      'a repeated key',
      config({ template: { spec: { containers: [{ name: 'web' }, { name: 'web' }] } } }),
      '.spec.template.spec.containers: duplicate entries for key [name="web"]',
    ],
    [
      'an item without its key',
      config({ template: { spec: { containers: [{ image: 'x' }] } } }),
      '.spec.template.spec.containers: element 0: associative list with keys has an element that omits all key fields ["name"] (and doesn\'t have default values for any key fields)',
    ],
    [
      'scalars for structs',
      config({ selector: 'app=web', template: 5 }),
      'errors:\n  .spec.selector: expected map, got &{app=web}\n  .spec.template: expected map, got &{5}',
    ],
  ])('500 for %s', (_name, applied, detail) => {
    const err = thrown(() => apply(undefined, applied, 'a'));
    expect([err.code, err.reason]).toEqual([500, '']);
    expect(err.message).toBe(`failed to create typed patch object (default/web; apps/v1, Kind=Deployment): ${detail}`);
  });

  test('500 for live managed fields that do not decode', () => {
    const live = stored({ ...config(), metadata: { name: 'web', managedFields: [{ manager: 'x', operation: 'Nope' }] } } as KubeObject);
    expect(thrown(() => apply(live, config(), 'a')).message).toBe('failed to decode managed fields: operation must be `Apply` or `Update`');
  });
});
