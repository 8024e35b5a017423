// ReplicaSet create failures (slow start, FailedCreate, ReplicaFailure) and expectations against a lagging pod watch.
import type { ClientWatchEvent, InProcessClient } from '../../client/client.js';
import { VirtualClock } from '../../clock/virtual-clock.js';
import { startCluster, type Cluster } from '../../cluster.js';
import { errors } from '../../meta/errors.js';
import type { KubeObject } from '../../meta/types.js';
import { replicaSetController } from './replicaset.js';
import { eventsAbout, fresh, ns, overriding, podsOf, replicaSet } from './replicaset-test-helpers.js';
import { ControllerManager, type Controller } from '../runtime/index.js';

interface WrappedTestbed {
  cluster: Cluster;
  clock: VirtualClock;
  manager: ControllerManager;
  /** The unwrapped client, for the test's own reads and writes. */
  client: InProcessClient;
  errors: unknown[];
  close(): Promise<void>;
}

/**
 * Like the controller testbed, but the controllers talk through `wrap(client)`: a test double standing in for an
 * admission plugin kubefake lacks (ResourceQuota) or a watch that lags behind a remote server's.
 */
async function startWrapped(controllers: Controller[], wrap: (client: InProcessClient, clock: VirtualClock) => InProcessClient): Promise<WrappedTestbed> {
  const clock = new VirtualClock();
  const cluster = await startCluster({ clock, controllers: '' });
  const logged: unknown[] = [];
  const manager = new ControllerManager({ client: wrap(cluster.client, clock), clock, controllers, logError: (err) => logged.push(err) });
  await manager.start();
  await manager.settle();
  return {
    cluster,
    clock,
    manager,
    client: cluster.client,
    errors: logged,
    close: async () => {
      manager.stop();
      await cluster.close();
    },
  };
}

let tb: WrappedTestbed | undefined;
afterEach(async () => {
  await tb?.close();
  tb = undefined;
});

/**
 * Stands in for the ResourceQuota admission plugin kubefake lacks: refuses pod creates beyond `limit`, with the
 * message upstream's quota evaluator gives. Counting happens before the create is awaited, as admission would.
 */
class PodQuota {
  limit: number;
  admitted = 0;
  attempts: ('ok' | 'refused')[] = [];
  constructor(limit: number) {
    this.limit = limit;
  }

  wrap(client: InProcessClient): InProcessClient {
    const create: InProcessClient['create'] = async (apiVersion, resource, namespace, object, options) => {
      if (resource === 'pods') {
        if (this.admitted >= this.limit) {
          this.attempts.push('refused');
          const why = `exceeded quota: pods, requested: pods=1, used: pods=${this.admitted}, limited: pods=${this.limit}`;
          throw errors.forbidden({ group: '', resource: 'pods' }, '', why);
        }
        this.admitted++;
        this.attempts.push('ok');
      }
      return client.create(apiVersion, resource, namespace, object, options);
    };
    return overriding(client, { create });
  }
}

const quotaMessage = 'pods is forbidden: exceeded quota: pods, requested: pods=1, used: pods=4, limited: pods=4';

describe('failed creates', () => {
  it('stops a slow-start batch at the first failure, records FailedCreate and the ReplicaFailure condition', async () => {
    const quota = new PodQuota(4);
    tb = await startWrapped([replicaSetController()], (client) => quota.wrap(client));
    const rs = await tb.client.create('apps/v1', 'replicasets', ns, replicaSet('web', 10, { app: 'web' }));
    await tb.manager.settle();

    // Batches of 1, 2 and 4 (3 of the 4 refused, so no batch of 3 follows). Its status write (the condition, with
    // the replicas counted before it created any) wakes the ReplicaSet, which records 4 replicas, which wakes it
    // once more; each of those two syncs tries a first batch of 1, refused.
    expect(quota.attempts).toEqual(['ok', 'ok', 'ok', 'ok', 'refused', 'refused', 'refused', 'refused', 'refused']);
    expect(await podsOf(tb.client, rs)).toHaveLength(4);
    const failures = (await eventsAbout(tb.client, rs)).filter((e) => e.reason === 'FailedCreate');
    // Five refusals: the recorder may write concurrent identical Events separately, so count them across Events.
    for (const e of failures) expect(e).toMatchObject({ type: 'Warning', message: `Error creating: ${quotaMessage}`, component: 'replicaset-controller' });
    expect(failures.reduce((sum, e) => sum + e.count, 0)).toBe(5);
    const status = (await fresh(tb.client, rs)).status as { conditions: unknown[]; replicas: number };
    expect(status.replicas).toBe(4);
    expect(status.conditions).toEqual([
      { type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'FailedCreate', message: quotaMessage },
    ]);
    // The refusal is returned as the sync's error, so the key is retried with backoff.
    expect(tb.errors.map((e) => (e as Error).message)).toEqual([quotaMessage, quotaMessage, quotaMessage]);

    await tb.manager.advance(60_000);
    expect(quota.attempts.filter((a) => a === 'ok')).toHaveLength(4);
    expect(quota.attempts.length).toBeGreaterThan(9);

    // Once the quota allows it, the next retry creates the rest and the condition goes away.
    quota.limit = 10;
    await tb.manager.advance(1_000_000);
    expect(await podsOf(tb.client, rs)).toHaveLength(10);
    expect((await fresh(tb.client, rs)).status).toEqual({
      replicas: 10,
      fullyLabeledReplicas: 10,
      readyReplicas: 0,
      availableReplicas: 0,
      terminatingReplicas: 0,
      observedGeneration: 1,
    });
  });

  it('reports a failed delete as FailedDelete', async () => {
    let refuseDeletes = false;
    tb = await startWrapped([replicaSetController()], (client) =>
      overriding(client, {
        delete: async (apiVersion, resource, namespace, name, options) => {
          if (refuseDeletes && resource === 'pods') throw errors.forbidden({ group: '', resource: 'pods' }, name, 'deletion is not allowed');
          return client.delete(apiVersion, resource, namespace, name, options);
        },
      }),
    );
    const rs = await tb.client.create('apps/v1', 'replicasets', ns, replicaSet('web', 2, { app: 'web' }));
    await tb.manager.settle();
    refuseDeletes = true;
    const current = await fresh(tb.client, rs);
    await tb.client.update('apps/v1', 'replicasets', ns, { ...current, spec: { ...(current.spec as object), replicas: 1 } });
    await tb.manager.settle();
    const [failure] = (await eventsAbout(tb.client, rs)).filter((e) => e.reason === 'FailedDelete');
    expect(failure.type).toBe('Warning');
    expect(failure.message).toMatch(/^Error deleting: pods "web-[a-z0-9]{5}" is forbidden: deletion is not allowed$/);
    const status = (await fresh(tb.client, rs)).status as { conditions: { reason: string; message: string }[] };
    expect(status.conditions[0]).toMatchObject({ reason: 'FailedDelete', message: expect.stringMatching(/^unable to delete pods: pods "web-/) });
    expect(await podsOf(tb.client, rs)).toHaveLength(2);
  });
});

describe('a terminating namespace', () => {
  it('refuses creates without a FailedCreate Event, a ReplicaFailure condition or a retry', async () => {
    tb = await startWrapped([replicaSetController()], (client) => client);
    await tb.client.create('v1', 'namespaces', undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' } });
    const owner = { ...replicaSet('web', 0, { app: 'web' }), metadata: { name: 'web', namespace: 'doomed' } };
    await tb.client.create('apps/v1', 'replicasets', 'doomed', owner);
    await tb.manager.settle();
    // Nothing finalizes the namespace without the namespace controller, so it stays Terminating.
    await tb.client.delete('v1', 'namespaces', undefined, 'doomed');
    const current = await tb.client.get('apps/v1', 'replicasets', 'doomed', 'web');
    await tb.client.update('apps/v1', 'replicasets', 'doomed', { ...current, spec: { ...(current.spec as object), replicas: 2 } });
    await tb.manager.settle();
    expect((await tb.client.list('v1', 'pods', 'doomed')).items).toEqual([]);
    expect((await tb.client.list('v1', 'events', 'doomed')).items).toEqual([]);
    const status = (await tb.client.get('apps/v1', 'replicasets', 'doomed', 'web')).status as Record<string, unknown>;
    expect(status).toMatchObject({ replicas: 0, observedGeneration: 2 });
    expect(status.conditions).toBeUndefined();
    expect(tb.errors).toEqual([]);
  });
});

describe('expectations', () => {
  /** A pod watch that delivers each event 100 ms late, as a remote server's watch lags behind its writes. */
  function laggingPodWatch(client: InProcessClient, clock: { after(ms: number, fn: () => void): unknown }): InProcessClient {
    const watch: InProcessClient['watch'] = (apiVersion, resource, namespace, query, onEvent) =>
      client.watch(apiVersion, resource, namespace, query, (event: ClientWatchEvent) => {
        if (resource === 'pods') clock.after(100, () => onEvent(event));
        else onEvent(event);
      });
    return overriding(client, { watch });
  }

  it('does not create again before its own creates reach the informer', async () => {
    const controller = replicaSetController();
    tb = await startWrapped([controller], (client, clock) => laggingPodWatch(client, clock));
    const rs = await tb.client.create('apps/v1', 'replicasets', ns, replicaSet('web', 3, { app: 'web' }));
    await tb.manager.settle();
    // The status write woke the ReplicaSet again while its pod cache was still empty: it waited instead of creating.
    expect(await podsOf(tb.client, rs)).toHaveLength(3);
    expect(controller.pendingExpectations(`${ns}/web`)).toEqual({ add: 3, del: 0 });
    expect((await fresh(tb.client, rs)).status).toMatchObject({ replicas: 0 });

    await tb.manager.advance(100);
    expect(controller.pendingExpectations(`${ns}/web`)).toEqual({ add: 0, del: 0 });
    expect(await podsOf(tb.client, rs)).toHaveLength(3);
    expect((await fresh(tb.client, rs)).status).toMatchObject({ replicas: 3 });
    expect(tb.errors).toEqual([]);
  });

  it('does not delete again before its own deletes reach the informer', async () => {
    tb = await startWrapped([replicaSetController()], (client, clock) => laggingPodWatch(client, clock));
    const rs = await tb.client.create('apps/v1', 'replicasets', ns, replicaSet('web', 4, { app: 'web' }));
    await tb.manager.advance(1_000);
    const current: KubeObject = await fresh(tb.client, rs);
    await tb.client.update('apps/v1', 'replicasets', ns, { ...current, spec: { ...(current.spec as object), replicas: 1 } });
    await tb.manager.settle();
    await tb.manager.advance(1_000);
    expect(await podsOf(tb.client, rs)).toHaveLength(1);
    expect((await eventsAbout(tb.client, rs)).filter((e) => e.reason === 'SuccessfulDelete')).toHaveLength(3);
    expect(tb.errors).toEqual([]);
  });
});
