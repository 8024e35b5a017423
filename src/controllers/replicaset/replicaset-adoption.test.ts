// ReplicaSet pod ownership: adopting matching orphans, releasing pods that stop matching, leaving others' pods alone.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import type { KubeObject } from '../../meta/types.js';
import { replicaSetController } from './replicaset.js';
import { createAndSettle, eventsAbout, fresh, ns, pod, podsOf, replicaSet, setPodState } from './replicaset-test-helpers.js';

let tb: ControllerTestbed;
beforeEach(async () => {
  tb = await startControllerTestbed([replicaSetController()]);
});
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

const createRS = (owner: KubeObject) => createAndSettle(tb, owner);

const getPod = (name: string) => tb.client.get('v1', 'pods', ns, name);

it('adopts a matching orphan instead of creating a pod for it', async () => {
  await tb.client.create('v1', 'pods', ns, pod('orphan', { app: 'web', extra: 'yes' }));
  const rs = await createRS(replicaSet('web', 2, { app: 'web' }));
  expect((await getPod('orphan')).metadata.ownerReferences).toEqual([
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
  ]);
  expect(await podsOf(tb.client, rs)).toHaveLength(2);
  expect((await eventsAbout(tb.client, rs)).map((e) => e.reason)).toEqual(['SuccessfulCreate']);
});

it('adopts an orphan created later, deleting the excess it brings', async () => {
  const rs = await createRS(replicaSet('web', 1, { app: 'web' }));
  const [own] = await podsOf(tb.client, rs);
  await tb.client.create('v1', 'pods', ns, pod('latecomer', { app: 'web' }, 'node-1'));
  await setPodState(tb.client, 'latecomer', { phase: 'Running', readySince: tb.clock.now() });
  await tb.settle();
  // Adopted, then the unscheduled pending pod goes first.
  expect(controllerUid(await getPod('latecomer'))).toBe(rs.metadata.uid);
  await expect(getPod(own.metadata.name!)).rejects.toMatchObject({ code: 404 });
  expect((await fresh(tb.client, rs)).status).toMatchObject({ replicas: 1, readyReplicas: 1 });
});

it('keeps an orphan that only has non-controller owner references as a candidate', async () => {
  const other = { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', uid: '5b1e7f3c-0000-4000-8000-000000000001' };
  await tb.client.create('v1', 'pods', ns, { ...pod('referenced', { app: 'web' }), metadata: { ...pod('referenced', { app: 'web' }).metadata, ownerReferences: [other] } });
  const rs = await createRS(replicaSet('web', 1, { app: 'web' }));
  // A strategic merge puts list elements the server did not have before those it kept.
  expect((await getPod('referenced')).metadata.ownerReferences).toEqual([
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
    other,
  ]);
  expect(await podsOf(tb.client, rs)).toHaveLength(1);
});

it('releases a pod whose labels stop matching and replaces it', async () => {
  const rs = await createRS(replicaSet('web', 2, { app: 'web' }));
  const [leaving] = await podsOf(tb.client, rs);
  await tb.client.patch('v1', 'pods', ns, leaving.metadata.name!, 'merge', { metadata: { labels: { app: 'debug' } } });
  await tb.settle();
  const released = await getPod(leaving.metadata.name!);
  expect(released.metadata.ownerReferences).toBeUndefined();
  expect(released.metadata.labels).toEqual({ app: 'debug' });
  const pods = await podsOf(tb.client, rs);
  expect(pods).toHaveLength(2);
  expect(pods.map((p) => p.metadata.name)).not.toContain(leaving.metadata.name);
});

it('re-adopts a released pod whose labels match again', async () => {
  const rs = await createRS(replicaSet('web', 1, { app: 'web' }));
  const [leaving] = await podsOf(tb.client, rs);
  await tb.advance(60_000);
  await tb.client.patch('v1', 'pods', ns, leaving.metadata.name!, 'merge', { metadata: { labels: { app: 'debug' } } });
  await tb.settle();
  const [replacement] = await podsOf(tb.client, rs);
  await tb.client.patch('v1', 'pods', ns, leaving.metadata.name!, 'merge', { metadata: { labels: { app: 'web' } } });
  await tb.settle();
  // Adopted back, which makes two: the replacement, as unscheduled but a minute newer, is deleted.
  expect(controllerUid(await getPod(leaving.metadata.name!))).toBe(rs.metadata.uid);
  await expect(getPod(replacement.metadata.name!)).rejects.toMatchObject({ code: 404 });
});

it('leaves pods controlled by something else alone, whatever their labels', async () => {
  const foreignRef = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'other', uid: '5b1e7f3c-0000-4000-8000-000000000002', controller: true };
  const foreign = pod('foreign', { app: 'web' });
  await tb.client.create('v1', 'pods', ns, { ...foreign, metadata: { ...foreign.metadata, ownerReferences: [foreignRef] } });
  const rs = await createRS(replicaSet('web', 2, { app: 'web' }));
  expect((await getPod('foreign')).metadata.ownerReferences).toEqual([foreignRef]);
  expect(await podsOf(tb.client, rs)).toHaveLength(2);
});

it('neither adopts nor counts finished or terminating orphans', async () => {
  await tb.client.create('v1', 'pods', ns, pod('failed', { app: 'web' }));
  await setPodState(tb.client, 'failed', { phase: 'Failed' });
  await tb.client.create('v1', 'pods', ns, pod('leaving', { app: 'web' }, 'node-1'));
  await tb.client.delete('v1', 'pods', ns, 'leaving');
  const rs = await createRS(replicaSet('web', 1, { app: 'web' }));
  expect((await getPod('failed')).metadata.ownerReferences).toBeUndefined();
  expect((await getPod('leaving')).metadata.ownerReferences).toBeUndefined();
  expect(await podsOf(tb.client, rs)).toHaveLength(1);
  // Orphans are not its own terminating pods.
  expect((await fresh(tb.client, rs)).status).toMatchObject({ replicas: 1, terminatingReplicas: 0 });
});

it('lets two ReplicaSets with disjoint selectors each keep their own pods', async () => {
  const web = await createRS(replicaSet('web', 2, { app: 'web' }));
  const api = await createRS(replicaSet('api', 1, { app: 'api' }));
  expect(await podsOf(tb.client, web)).toHaveLength(2);
  expect(await podsOf(tb.client, api)).toHaveLength(1);
  const [moved] = await podsOf(tb.client, web);
  await tb.client.patch('v1', 'pods', ns, moved.metadata.name!, 'merge', { metadata: { labels: { app: 'api' } } });
  await tb.settle();
  // Released by web, adopted by api (which then has one too many and deletes the newer unscheduled pod).
  expect(await podsOf(tb.client, web)).toHaveLength(2);
  expect(await podsOf(tb.client, api)).toHaveLength(1);
  expect((await podsOf(tb.client, web)).map((p) => p.metadata.name)).not.toContain(moved.metadata.name);
});

function controllerUid(p: KubeObject): string | undefined {
  return p.metadata.ownerReferences?.find((r) => r.controller)?.uid;
}
