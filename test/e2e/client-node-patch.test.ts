// @kubernetes/client-node 1.4 patches: every PatchStrategy, server-side apply conflicts and force, dryRun, managedFields.
import * as k8s from '@kubernetes/client-node';
import { apiServerOnly, startTestCluster, type TestCluster } from '../helpers.js';
import { apiError, clientsFor, deployment, mergePatch, type Clients } from './client-node-support.js';

let cluster: TestCluster;
let c: Clients;
let objects: k8s.KubernetesObjectApi;
const ns = 'patching';
const { JsonPatch, MergePatch, StrategicMergePatch, ServerSideApply } = k8s.PatchStrategy;
const applyPatch = k8s.setHeaderOptions('Content-Type', ServerSideApply);
const strategicPatch = k8s.setHeaderOptions('Content-Type', StrategicMergePatch);

beforeAll(async () => {
  cluster = await startTestCluster(apiServerOnly);
  c = clientsFor(cluster);
  objects = k8s.KubernetesObjectApi.makeApiClient(c.kc);
  await c.core.createNamespace({ body: { metadata: { name: ns } } });
});
afterAll(async () => {
  await cluster.close();
});

function cm(name: string, data: Record<string, string>): k8s.V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}

/** The apiVersion, kind and metadata KubernetesObjectApi.read needs to address a ConfigMap. */
function ref(name: string) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns } };
}

/** KubernetesObjectApi.patch(spec, pretty, dryRun, fieldManager, force, patchStrategy). */
function patch<T extends k8s.KubernetesObject>(spec: T, strategy: k8s.PatchStrategy, o: { manager?: string; force?: boolean; dryRun?: string } = {}): Promise<T> {
  return objects.patch<T>(spec, undefined, o.dryRun, o.manager, o.force, strategy);
}

/** The managedFields entries as [manager, operation, subresource]. */
function owners(object: k8s.KubernetesObject): string[][] {
  return (object.metadata?.managedFields ?? []).map((e) => [e.manager ?? '', e.operation ?? '', e.subresource ?? '']);
}

function fieldsOf(object: k8s.KubernetesObject, manager: string): Record<string, any> | undefined {
  return object.metadata?.managedFields?.find((e) => e.manager === manager)?.fieldsV1 as Record<string, any> | undefined;
}

describe('server-side apply through KubernetesObjectApi.patch', () => {
  test('apply creates an absent object, owned by the field manager with operation Apply', async () => {
    const created = await patch(cm('ssa', { a: '1', b: '2' }), ServerSideApply, { manager: 'alice' });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.data).toEqual({ a: '1', b: '2' });
    const [entry] = created.metadata!.managedFields!;
    expect(entry).toMatchObject({ manager: 'alice', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1' });
    expect(entry.fieldsV1).toEqual({ 'f:data': { 'f:a': {}, 'f:b': {} } });
    expect(entry.time).toBeInstanceOf(Date);
    expect(entry.subresource).toBeUndefined();
  });

  test('apply without a field manager is refused with 422', async () => {
    const { code, status } = await apiError(patch(cm('ssa', { a: '1' }), ServerSideApply));
    expect(code).toBe(422);
    expect(status.reason).toBe('Invalid');
    expect(status.message).toContain('fieldManager: Required value: is required for apply patch');
  });

  test('re-applying changes values, drops fields left out of the configuration, and an identical apply is a no-op', async () => {
    const before = await objects.read<k8s.V1ConfigMap>(ref('ssa'));
    const changed = await patch(cm('ssa', { a: '10', c: '3' }), ServerSideApply, { manager: 'alice' });
    expect(changed.data).toEqual({ a: '10', c: '3' });
    expect(Number(changed.metadata?.resourceVersion)).toBeGreaterThan(Number(before.metadata?.resourceVersion));
    expect(fieldsOf(changed, 'alice')).toEqual({ 'f:data': { 'f:a': {}, 'f:c': {} } });

    const again = await patch(cm('ssa', { a: '10', c: '3' }), ServerSideApply, { manager: 'alice' });
    expect(again.metadata?.resourceVersion).toBe(changed.metadata?.resourceVersion);
  });

  test('another manager changing an owned field gets a 409 Conflict with FieldManagerConflict causes', async () => {
    const { code, status } = await apiError(patch(cm('ssa', { a: 'bob', d: '4' }), ServerSideApply, { manager: 'bob' }));
    expect(code).toBe(409);
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      message: 'Apply failed with 1 conflict: conflict with "alice": .data.a',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.a' }] },
    });
    const unchanged = await objects.read<k8s.V1ConfigMap>(ref('ssa'));
    expect(unchanged.data).toEqual({ a: '10', c: '3' });
  });

  test('applying the same value as another manager shares ownership without a conflict', async () => {
    const shared = await patch(cm('ssa', { c: '3' }), ServerSideApply, { manager: 'bob' });
    expect(shared.data).toEqual({ a: '10', c: '3' });
    // As upstream, an apply that changes no value stamps no time on its entry, which therefore sorts first.
    expect(owners(shared)).toEqual([
      ['bob', 'Apply', ''],
      ['alice', 'Apply', ''],
    ]);
    expect(shared.metadata?.managedFields?.[0].time).toBeUndefined();
    expect(fieldsOf(shared, 'bob')).toEqual({ 'f:data': { 'f:c': {} } });
    expect(fieldsOf(shared, 'alice')).toEqual({ 'f:data': { 'f:a': {}, 'f:c': {} } });
  });

  test('force: true takes the conflicting field from the other manager', async () => {
    const forced = await patch(cm('ssa', { a: 'bob', c: '3' }), ServerSideApply, { manager: 'bob', force: true });
    expect(forced.data).toEqual({ a: 'bob', c: '3' });
    expect(fieldsOf(forced, 'alice')).toEqual({ 'f:data': { 'f:c': {} } });
    expect(fieldsOf(forced, 'bob')).toEqual({ 'f:data': { 'f:a': {}, 'f:c': {} } });

    // alice stops applying c, but bob still owns it: the value stays, and alice's emptied entry goes away.
    const aliceDrops = await patch<k8s.V1ConfigMap>(ref('ssa'), ServerSideApply, { manager: 'alice' });
    expect(aliceDrops.data).toEqual({ a: 'bob', c: '3' });
    expect(owners(aliceDrops)).toEqual([['bob', 'Apply', '']]);
  });

  test('several conflicting managers are listed in one message, one cause per field', async () => {
    await patch(cm('multi', { x: '1' }), ServerSideApply, { manager: 'first' });
    await patch(cm('multi', { y: '2' }), MergePatch, { manager: 'second' });
    const { code, status } = await apiError(patch(cm('multi', { x: 'n', y: 'n' }), ServerSideApply, { manager: 'third' }));
    expect(code).toBe(409);
    expect(status.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "first":\n- .data.x\nconflicts with "second" using v1:\n- .data.y',
    );
    // Upstream lists the causes in map order; compare them as a set.
    const causes = [...(status.details?.causes ?? [])].sort((p, q) => String(p.field).localeCompare(String(q.field)));
    expect(causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "first"', field: '.data.x' },
      { reason: 'FieldManagerConflict', message: 'conflict with "second" using v1', field: '.data.y' },
    ]);
  });
});

describe('the other patch strategies through KubernetesObjectApi.patch', () => {
  test('MergePatch and StrategicMergePatch differ on keyed lists; each writer is an Update manager', async () => {
    const base = deployment('lists');
    base.metadata!.namespace = ns;
    base.spec!.template.spec!.containers.push({ name: 'sidecar', image: 'busybox' });
    await patch(base, ServerSideApply, { manager: 'applier' });
    const containersOnly = (image: string) =>
      ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'lists', namespace: ns }, spec: { template: { spec: { containers: [{ name: 'web', image }] } } } }) as k8s.V1Deployment;

    // Strategic merge merges containers by name: the sidecar stays.
    const smp = await patch(containersOnly('nginx:1.28'), StrategicMergePatch, { manager: 'smp-writer' });
    expect(smp.spec?.template.spec?.containers.map((x) => [x.name, x.image])).toEqual([
      ['web', 'nginx:1.28'],
      ['sidecar', 'busybox'],
    ]);
    expect(owners(smp)).toEqual([
      ['applier', 'Apply', ''],
      ['smp-writer', 'Update', ''],
    ]);
    expect(fieldsOf(smp, 'smp-writer')).toEqual({
      'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {} } } } } },
    });
    expect(smp.metadata?.generation).toBe(2);

    // A merge patch replaces the whole list.
    const merged = await patch(containersOnly('nginx:1.29'), MergePatch, { manager: 'merge-writer' });
    expect(merged.spec?.template.spec?.containers.map((x) => [x.name, x.image])).toEqual([['web', 'nginx:1.29']]);
    // merge-writer changed the image smp-writer owned, so smp-writer's only field moved and its entry is gone;
    // the dropped sidecar no longer belongs to the applier.
    expect(owners(merged)).toEqual([
      ['applier', 'Apply', ''],
      ['merge-writer', 'Update', ''],
    ]);
    expect(fieldsOf(merged, 'merge-writer')).toEqual({
      'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {} } } } } },
    });
    expect(Object.keys(fieldsOf(merged, 'applier')!['f:spec']['f:template']['f:spec']['f:containers'])).toEqual(['k:{"name":"web"}']);
  });

  test('JsonPatch: the object KubernetesObjectApi sends is refused as upstream; typed calls send operations', async () => {
    // KubernetesObjectApi always serializes the spec as an object (it needs apiVersion, kind and metadata for the
    // URL), so a json-patch through it reaches the server as an object: upstream's 400.
    const refused = await apiError(patch(cm('ssa', { a: 'x' }), JsonPatch, { manager: 'jp' }));
    expect(refused.code).toBe(400);
    expect(refused.status).toMatchObject({ reason: 'BadRequest', message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' });

    // The typed calls send application/json-patch+json by default, with the operation list as the body.
    const ops = [
      { op: 'test', path: '/data/c', value: '3' },
      { op: 'replace', path: '/data/c', value: '30' },
      { op: 'add', path: '/data/e', value: '5' },
    ];
    const patched = await c.core.patchNamespacedConfigMap({ name: 'ssa', namespace: ns, body: ops, fieldManager: 'jp' });
    expect(patched.data).toEqual({ a: 'bob', c: '30', e: '5' });
    expect(owners(patched)).toEqual([
      ['bob', 'Apply', ''],
      ['jp', 'Update', ''],
    ]);
    expect(fieldsOf(patched, 'jp')).toEqual({ 'f:data': { 'f:c': {}, 'f:e': {} } });
    expect(fieldsOf(patched, 'bob')).toEqual({ 'f:data': { 'f:a': {} } });

    // A failed `test` operation is upstream's 422 with its fixed message.
    const failed = await apiError(c.core.patchNamespacedConfigMap({ name: 'ssa', namespace: ns, body: [{ op: 'test', path: '/data/c', value: '3' }] }));
    expect(failed.code).toBe(422);
    expect(failed.status.message).toBe('the server rejected our request due to an error in our request');
  });
});

describe('dryRun: All', () => {
  test('apply, merge patch and strategic merge patch answer the result but store nothing', async () => {
    const before = await objects.read<k8s.V1ConfigMap>(ref('ssa'));
    const applied = await patch(cm('ssa', { a: 'dry' }), ServerSideApply, { manager: 'bob', dryRun: 'All' });
    expect(applied.data?.a).toBe('dry');
    const merged = await patch(cm('ssa', { z: 'dry' }), MergePatch, { manager: 'dry', dryRun: 'All' });
    expect(merged.data?.z).toBe('dry');
    expect(owners(merged).map((o) => o[0])).toContain('dry');
    const smp = await patch(cm('ssa', { y: 'dry' }), StrategicMergePatch, { dryRun: 'All' });
    expect(smp.data?.y).toBe('dry');

    const after = await objects.read<k8s.V1ConfigMap>(ref('ssa'));
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(after.data).toEqual(before.data);
    expect(owners(after)).toEqual(owners(before));
  });

  test('a dry-run apply of an absent object answers it without creating it, and conflicts still fail', async () => {
    const dry = await patch(cm('never', { k: 'v' }), ServerSideApply, { manager: 'alice', dryRun: 'All' });
    expect(dry.data).toEqual({ k: 'v' });
    expect(owners(dry)).toEqual([['alice', 'Apply', '']]);
    expect((await apiError(objects.read(ref('never')))).code).toBe(404);

    const conflict = await apiError(patch(cm('ssa', { a: 'alice' }), ServerSideApply, { manager: 'alice', dryRun: 'All' }));
    expect(conflict.code).toBe(409);
  });
});

describe('typed API patch calls with the content type set by setHeaderOptions', () => {
  test('patchNamespacedConfigMap as a strategic merge patch and as an apply', async () => {
    await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'typed' }, data: { a: '1' } }, fieldManager: 'creator' });
    const smp = await c.core.patchNamespacedConfigMap({ name: 'typed', namespace: ns, body: { data: { b: '2' } }, fieldManager: 'typed-smp' }, strategicPatch);
    expect(smp.data).toEqual({ a: '1', b: '2' });
    expect(owners(smp)).toEqual([
      ['creator', 'Update', ''],
      ['typed-smp', 'Update', ''],
    ]);

    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typed' }, data: { b: '20' } };
    const conflict = await apiError(c.core.patchNamespacedConfigMap({ name: 'typed', namespace: ns, body, fieldManager: 'typed-apply' }, applyPatch));
    expect(conflict.code).toBe(409);
    expect(conflict.status.details?.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "typed-smp" using v1', field: '.data.b' }]);
    const forced = await c.core.patchNamespacedConfigMap({ name: 'typed', namespace: ns, body, fieldManager: 'typed-apply', force: true }, applyPatch);
    expect(forced.data).toEqual({ a: '1', b: '20' });
    // Entries sort as upstream's: Apply before Update, then by time and name.
    expect(owners(forced)).toEqual([
      ['typed-apply', 'Apply', ''],
      ['creator', 'Update', ''],
    ]);
  });

  test('patchNamespacedDeployment as an apply creates; /status and /scale writers are recorded per subresource', async () => {
    const body = { ...deployment('typed-apply', 2), metadata: { name: 'typed-apply' } };
    const created = await c.apps.patchNamespacedDeployment({ name: 'typed-apply', namespace: ns, body, fieldManager: 'deployer' }, applyPatch);
    expect(created.metadata?.generation).toBe(1);
    expect(owners(created)).toEqual([['deployer', 'Apply', '']]);

    const status = await c.apps.patchNamespacedDeploymentStatus(
      { name: 'typed-apply', namespace: ns, body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'typed-apply' }, status: { replicas: 2 } }, fieldManager: 'status-writer' },
      applyPatch,
    );
    expect(status.status?.replicas).toBe(2);
    expect(fieldsOf(status, 'status-writer')).toEqual({ 'f:status': { 'f:replicas': {} } });

    const scaled = await c.apps.patchNamespacedDeploymentScale({ name: 'typed-apply', namespace: ns, body: { spec: { replicas: 4 } }, fieldManager: 'scaler' }, mergePatch);
    expect(scaled.spec?.replicas).toBe(4);
    const read = await c.apps.readNamespacedDeployment({ name: 'typed-apply', namespace: ns });
    expect(read.metadata?.generation).toBe(2);
    expect(owners(read)).toEqual([
      ['deployer', 'Apply', ''],
      ['status-writer', 'Apply', 'status'],
      ['scaler', 'Update', 'scale'],
    ]);
    expect(fieldsOf(read, 'scaler')).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(fieldsOf(read, 'deployer')?.['f:spec']['f:replicas']).toBeUndefined();

    // The deployer re-applying its replicas now conflicts with the scale writer.
    const conflict = await apiError(c.apps.patchNamespacedDeployment({ name: 'typed-apply', namespace: ns, body, fieldManager: 'deployer' }, applyPatch));
    expect(conflict.status.message).toBe('Apply failed with 1 conflict: conflict with "scaler" with subresource "scale" using apps/v1: .spec.replicas');
  });
});

describe('managedFields on reads', () => {
  test('read and list carry every manager with its operation, apiVersion, time and fieldsV1', async () => {
    const read = await c.core.readNamespacedConfigMap({ name: 'typed', namespace: ns });
    for (const entry of read.metadata!.managedFields!) {
      expect(entry.fieldsType).toBe('FieldsV1');
      expect(entry.apiVersion).toBe('v1');
      expect(entry.time).toBeInstanceOf(Date);
      expect(Object.keys(entry.fieldsV1 as object).length).toBeGreaterThan(0);
    }
    const listed = await c.core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'metadata.name=typed' });
    expect(owners(listed.items[0])).toEqual(owners(read));
    const generic = await objects.read<k8s.V1ConfigMap>(ref('typed'));
    expect(owners(generic)).toEqual([
      ['typed-apply', 'Apply', ''],
      ['creator', 'Update', ''],
    ]);
  });

  test('a writer that names no field manager is recorded under its User-Agent prefix', async () => {
    // client-node 1.4 sends node-fetch's default User-Agent, `node-fetch/1.0 (+https://github.com/bitinn/node-fetch)`.
    const patched = await c.core.patchNamespacedConfigMap({ name: 'typed', namespace: ns, body: { data: { anon: 'yes' } } }, mergePatch);
    expect(owners(patched)).toEqual([
      ['typed-apply', 'Apply', ''],
      ['creator', 'Update', ''],
      ['node-fetch', 'Update', ''],
    ]);
    expect(fieldsOf(patched, 'node-fetch')).toEqual({ 'f:data': { 'f:anon': {} } });
  });
});
