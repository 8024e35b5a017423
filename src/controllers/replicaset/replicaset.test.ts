// The ReplicaSet controller on a virtual clock: creating, replacing and scaling pods, status counts and Events.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import type { KubeObject } from '../../meta/types.js';
import { replicaSetController, type ReplicaController } from './replicaset.js';
import { createAndSettle, eventsAbout, fresh, ns, pod, podsOf, replicaSet, scale, setPodState } from './replicaset-test-helpers.js';

let tb: ControllerTestbed;
let controller: ReplicaController;
beforeEach(async () => {
  controller = replicaSetController();
  tb = await startControllerTestbed([controller]);
});
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

const createRS = (owner: KubeObject) => createAndSettle(tb, owner);

const statusOf = async (rs: KubeObject) => (await fresh(tb.client, rs)).status as Record<string, unknown>;

describe('creating pods', () => {
  it('creates spec.replicas pods from the template, named after and owned by the ReplicaSet', async () => {
    const rs = await createRS(replicaSet('web', 3, { app: 'web' }, { templateLabels: { app: 'web', tier: 'frontend' } }));
    const pods = await podsOf(tb.client, rs);
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.metadata.generateName).toBe('web-');
      expect(p.metadata.labels).toEqual({ app: 'web', tier: 'frontend' });
      expect(p.metadata.annotations).toEqual({ team: 'web' });
      expect(p.metadata.ownerReferences).toEqual([
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
      expect((p.spec as { containers: { image: string }[] }).containers[0].image).toBe('nginx:1.27');
    }
    const events = await eventsAbout(tb.client, rs);
    expect(events.map((e) => [e.type, e.reason, e.message, e.component]).sort()).toEqual(
      pods.map((p) => ['Normal', 'SuccessfulCreate', `Created pod: ${p.metadata.name}`, 'replicaset-controller']).sort(),
    );
    expect(await statusOf(rs)).toEqual({
      replicas: 3,
      fullyLabeledReplicas: 3,
      readyReplicas: 0,
      availableReplicas: 0,
      terminatingReplicas: 0,
      observedGeneration: 1,
    });
    expect(controller.pendingExpectations(`${ns}/web`)).toEqual({ add: 0, del: 0 });
  });

  it('counts only pods carrying every template label as fully labeled', async () => {
    await tb.client.create('v1', 'pods', ns, pod('partial', { app: 'web' }));
    const rs = await createRS(replicaSet('web', 2, { app: 'web' }, { templateLabels: { app: 'web', tier: 'frontend' } }));
    expect((await podsOf(tb.client, rs)).map((p) => p.metadata.name)).toContain('partial');
    expect(await statusOf(rs)).toMatchObject({ replicas: 2, fullyLabeledReplicas: 1 });
  });

  it('replaces a pod the user deletes', async () => {
    const rs = await createRS(replicaSet('web', 2, { app: 'web' }));
    const [victim, survivor] = await podsOf(tb.client, rs);
    await tb.client.delete('v1', 'pods', ns, victim.metadata.name!);
    await tb.settle();
    const pods = await podsOf(tb.client, rs);
    expect(pods).toHaveLength(2);
    expect(pods.map((p) => p.metadata.name)).toContain(survivor.metadata.name);
    expect(pods.map((p) => p.metadata.name)).not.toContain(victim.metadata.name);
    const creates = (await eventsAbout(tb.client, rs)).filter((e) => e.reason === 'SuccessfulCreate');
    expect(creates).toHaveLength(3);
  });

  it('replaces a gracefully deleted pod at once, reporting it as terminating', async () => {
    await tb.client.create('v1', 'pods', ns, pod('scheduled', { app: 'web' }, 'node-1'));
    await setPodState(tb.client, 'scheduled', { phase: 'Running', readySince: tb.clock.now() });
    const rs = await createRS(replicaSet('web', 1, { app: 'web' }));
    expect((await podsOf(tb.client, rs)).map((p) => p.metadata.name)).toEqual(['scheduled']);
    await tb.client.delete('v1', 'pods', ns, 'scheduled');
    await tb.settle();
    const pods = await podsOf(tb.client, rs);
    expect(pods).toHaveLength(2);
    expect(pods.find((p) => p.metadata.name === 'scheduled')?.metadata.deletionTimestamp).toBeDefined();
    expect(await statusOf(rs)).toMatchObject({ replicas: 1, readyReplicas: 0, terminatingReplicas: 1 });
  });
});

describe('scaling', () => {
  it('scales up from the template and records the new generation', async () => {
    const rs = await createRS(replicaSet('web', 1, { app: 'web' }));
    await scale(tb.client, rs, 4);
    await tb.settle();
    expect(await podsOf(tb.client, rs)).toHaveLength(4);
    expect(await statusOf(rs)).toMatchObject({ replicas: 4, observedGeneration: 2 });
  });

  it('scales down in upstream order: unassigned, then Pending < Unknown < Running, not ready, then newest ready', async () => {
    const now = tb.clock.now();
    await tb.client.create('v1', 'pods', ns, pod('unassigned', { app: 'web' }));
    const scheduled: [string, Parameters<typeof setPodState>[2]][] = [
      ['pending', { phase: 'Pending' }],
      ['unknown', { phase: 'Unknown' }],
      ['running-not-ready', { phase: 'Running' }],
      ['ready-recently', { phase: 'Running', readySince: now - 10_000 }],
      ['ready-long-ago', { phase: 'Running', readySince: now - 3_600_000 }],
    ];
    // Created in reverse so creation order would pick the wrong pods if the ranking were ignored.
    for (const [name, state] of [...scheduled].reverse()) {
      await tb.client.create('v1', 'pods', ns, pod(name, { app: 'web' }, 'node-1'));
      await setPodState(tb.client, name, state);
    }
    const rs = await createRS(replicaSet('web', 6, { app: 'web' }));
    expect(await podsOf(tb.client, rs)).toHaveLength(6);
    expect(await eventsAbout(tb.client, rs)).toEqual([]);

    const deleted: string[] = [];
    for (let replicas = 5; replicas >= 1; replicas--) {
      await scale(tb.client, rs, replicas);
      await tb.settle();
      const events = (await eventsAbout(tb.client, rs)).filter((e) => e.reason === 'SuccessfulDelete');
      expect(events).toHaveLength(deleted.length + 1);
      deleted.push(events[events.length - 1].message.replace('Deleted pod: ', ''));
      expect(await statusOf(rs)).toMatchObject({ replicas, terminatingReplicas: deleted.length - 1 });
    }
    expect(deleted).toEqual(['unassigned', 'pending', 'unknown', 'running-not-ready', 'ready-recently']);
    const remaining = (await podsOf(tb.client, rs)).filter((p) => !p.metadata.deletionTimestamp);
    expect(remaining.map((p) => p.metadata.name)).toEqual(['ready-long-ago']);
  });

  it('deletes several pods in one sync and waits for those deletions only', async () => {
    const rs = await createRS(replicaSet('web', 5, { app: 'web' }));
    await scale(tb.client, rs, 2);
    await tb.settle();
    expect(await podsOf(tb.client, rs)).toHaveLength(2);
    expect((await eventsAbout(tb.client, rs)).filter((e) => e.reason === 'SuccessfulDelete')).toHaveLength(3);
    expect(controller.pendingExpectations(`${ns}/web`)).toEqual({ add: 0, del: 0 });
    expect(await statusOf(rs)).toMatchObject({ replicas: 2, terminatingReplicas: 0, observedGeneration: 2 });
  });
});

describe('status', () => {
  it('counts ready pods at once and available ones after minReadySeconds, rechecking when they become available', async () => {
    const rs = await createRS(replicaSet('web', 3, { app: 'web' }, { minReadySeconds: 10 }));
    const [first, second, third] = await podsOf(tb.client, rs);
    await setPodState(tb.client, first.metadata.name!, { phase: 'Running', readySince: tb.clock.now() });
    await setPodState(tb.client, second.metadata.name!, { phase: 'Running' });
    await tb.settle();
    expect(await statusOf(rs)).toMatchObject({ replicas: 3, readyReplicas: 1, availableReplicas: 0 });

    await tb.advance(4_000);
    await setPodState(tb.client, third.metadata.name!, { phase: 'Running', readySince: tb.clock.now() });
    await tb.settle();
    expect(await statusOf(rs)).toMatchObject({ readyReplicas: 2, availableReplicas: 0 });

    await tb.advance(5_999);
    expect(await statusOf(rs)).toMatchObject({ availableReplicas: 0 });
    await tb.advance(1);
    expect(await statusOf(rs)).toMatchObject({ readyReplicas: 2, availableReplicas: 1 });
    await tb.advance(4_000);
    expect(await statusOf(rs)).toMatchObject({ readyReplicas: 2, availableReplicas: 2 });
  });

  it('counts ready pods as available at once without minReadySeconds, and drops finished pods', async () => {
    const rs = await createRS(replicaSet('web', 2, { app: 'web' }));
    const [first, second] = await podsOf(tb.client, rs);
    await setPodState(tb.client, first.metadata.name!, { phase: 'Running', readySince: tb.clock.now() });
    await tb.settle();
    expect(await statusOf(rs)).toMatchObject({ replicas: 2, readyReplicas: 1, availableReplicas: 1 });
    await setPodState(tb.client, second.metadata.name!, { phase: 'Failed' });
    await tb.settle();
    // The failed pod no longer counts, so a replacement is created; the failed one is left for the pod GC.
    const pods = await podsOf(tb.client, rs);
    expect(pods).toHaveLength(3);
    expect(await statusOf(rs)).toMatchObject({ replicas: 2, readyReplicas: 1, availableReplicas: 1 });
  });
});

describe('deleting the ReplicaSet', () => {
  it('leaves its pods to the garbage collector', async () => {
    const rs = await createRS(replicaSet('web', 2, { app: 'web' }));
    await tb.client.delete('apps/v1', 'replicasets', ns, 'web');
    await tb.settle();
    expect(await podsOf(tb.client, rs)).toHaveLength(2);
    expect((await eventsAbout(tb.client, rs)).filter((e) => e.reason === 'SuccessfulDelete')).toEqual([]);
  });

  it('neither creates nor adopts while being deleted, but keeps reporting status', async () => {
    const rs = await createRS(replicaSet('web', 2, { app: 'web' }, { finalizers: ['example.com/hold'] }));
    await tb.client.delete('apps/v1', 'replicasets', ns, 'web');
    const [victim] = await podsOf(tb.client, rs);
    await tb.client.delete('v1', 'pods', ns, victim.metadata.name!);
    await tb.client.create('v1', 'pods', ns, pod('orphan', { app: 'web' }));
    await tb.settle();
    expect(await podsOf(tb.client, rs)).toHaveLength(1);
    expect((await tb.client.get('v1', 'pods', ns, 'orphan')).metadata.ownerReferences).toBeUndefined();
    expect(await statusOf(rs)).toMatchObject({ replicas: 1 });
  });
});
