// The ReplicationController controller: the ReplicaSet behaviour through core/v1's map selector and status.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import type { KubeObject } from '../../meta/types.js';
import { replicaSetController } from './replicaset.js';
import { createAndSettle, eventsAbout, fresh, ns, pod, podsOf, replicaSet, replicationController, scale, setPodState } from './replicaset-test-helpers.js';
import { replicationControllerController } from './replicationcontroller.js';

let tb: ControllerTestbed;
beforeEach(async () => {
  tb = await startControllerTestbed([replicationControllerController()]);
});
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

const createRC = (owner: KubeObject) => createAndSettle(tb, owner);

it('is named and reports Events as kube-controller-manager does', () => {
  const rc = replicationControllerController();
  expect([rc.name, rc.component]).toEqual(['replicationcontroller', 'replication-controller']);
  const rs = replicaSetController();
  expect([rs.name, rs.component]).toEqual(['replicaset', 'replicaset-controller']);
});

it('creates pods owned by the ReplicationController, with Events and a status without terminatingReplicas', async () => {
  const rc = await createRC(replicationController('frontend', 3, { app: 'frontend' }));
  const pods = await podsOf(tb.client, rc);
  expect(pods).toHaveLength(3);
  for (const p of pods) {
    expect(p.metadata.name).toMatch(/^frontend-[a-z0-9]{5}$/);
    expect(p.metadata.labels).toEqual({ app: 'frontend' });
    expect(p.metadata.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'ReplicationController', name: 'frontend', uid: rc.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
  }
  const events = await eventsAbout(tb.client, rc);
  expect(events.map((e) => `${e.component} ${e.reason} ${e.message}`).sort()).toEqual(
    pods.map((p) => `replication-controller SuccessfulCreate Created pod: ${p.metadata.name}`).sort(),
  );
  expect((await fresh(tb.client, rc)).status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 0, availableReplicas: 0, observedGeneration: 1 });
});

it('defaults its selector from the template labels and selects by that map', async () => {
  const owner = replicationController('defaulted', 2, { app: 'defaulted' });
  delete (owner.spec as { selector?: unknown }).selector;
  const rc = await createRC(owner);
  expect((await fresh(tb.client, rc)).spec).toMatchObject({ selector: { app: 'defaulted' } });
  expect(await podsOf(tb.client, rc)).toHaveLength(2);
});

it('scales up and down, deleting unready pods before ready ones', async () => {
  const rc = await createRC(replicationController('frontend', 1, { app: 'frontend' }));
  const [keeper] = await podsOf(tb.client, rc);
  await setPodState(tb.client, keeper.metadata.name!, { phase: 'Running', readySince: tb.clock.now() });
  await scale(tb.client, rc, 3);
  await tb.settle();
  expect(await podsOf(tb.client, rc)).toHaveLength(3);
  await scale(tb.client, rc, 1);
  await tb.settle();
  expect((await podsOf(tb.client, rc)).map((p) => p.metadata.name)).toEqual([keeper.metadata.name]);
  const deletes = (await eventsAbout(tb.client, rc)).filter((e) => e.reason === 'SuccessfulDelete');
  expect(deletes).toHaveLength(2);
  expect((await fresh(tb.client, rc)).status).toMatchObject({ replicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 3 });
});

it('adopts matching orphans, releases pods that stop matching, and ignores pods a ReplicaSet controls', async () => {
  await tb.client.create('v1', 'pods', ns, pod('orphan', { app: 'frontend', tier: 'web' }));
  const foreign = pod('rs-owned', { app: 'frontend' });
  const rsRef = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: '5b1e7f3c-0000-4000-8000-000000000003', controller: true };
  await tb.client.create('v1', 'pods', ns, { ...foreign, metadata: { ...foreign.metadata, ownerReferences: [rsRef] } });
  const rc = await createRC(replicationController('frontend', 2, { app: 'frontend' }));
  expect((await tb.client.get('v1', 'pods', ns, 'orphan')).metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicationController', uid: rc.metadata.uid });
  expect((await tb.client.get('v1', 'pods', ns, 'rs-owned')).metadata.ownerReferences).toEqual([rsRef]);
  expect(await podsOf(tb.client, rc)).toHaveLength(2);

  await tb.client.patch('v1', 'pods', ns, 'orphan', 'merge', { metadata: { labels: { app: 'canary', tier: 'web' } } });
  await tb.settle();
  expect((await tb.client.get('v1', 'pods', ns, 'orphan')).metadata.ownerReferences).toBeUndefined();
  expect(await podsOf(tb.client, rc)).toHaveLength(2);
});

it('counts available pods after minReadySeconds', async () => {
  const rc = await createRC(replicationController('frontend', 1, { app: 'frontend' }, { minReadySeconds: 30 }));
  const [only] = await podsOf(tb.client, rc);
  await setPodState(tb.client, only.metadata.name!, { phase: 'Running', readySince: tb.clock.now() });
  await tb.settle();
  expect((await fresh(tb.client, rc)).status).toMatchObject({ readyReplicas: 1, availableReplicas: 0 });
  await tb.advance(30_000);
  expect((await fresh(tb.client, rc)).status).toMatchObject({ readyReplicas: 1, availableReplicas: 1 });
});

it('replaces a deleted pod and leaves pods behind when the RC itself is deleted', async () => {
  const rc = await createRC(replicationController('frontend', 2, { app: 'frontend' }));
  const [victim] = await podsOf(tb.client, rc);
  await tb.client.delete('v1', 'pods', ns, victim.metadata.name!);
  await tb.settle();
  expect((await podsOf(tb.client, rc)).map((p) => p.metadata.name)).not.toContain(victim.metadata.name);
  expect(await podsOf(tb.client, rc)).toHaveLength(2);
  await tb.client.delete('v1', 'replicationcontrollers', ns, 'frontend');
  await tb.settle();
  expect(await podsOf(tb.client, rc)).toHaveLength(2);
});

it('does not touch ReplicaSets, which only the replicaset controller manages', async () => {
  const rs = await tb.client.create('apps/v1', 'replicasets', ns, replicaSet('web', 2, { app: 'web' }));
  await tb.settle();
  expect(await podsOf(tb.client, rs)).toEqual([]);
});
