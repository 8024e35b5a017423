// The namespace controller on a virtual clock: content deleted (pods first), conditions while some remains, finalize.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import type { KubeObject } from '../../meta/types.js';
import { garbageCollectorController } from '../garbage-collector/garbage-collector.js';
import type { NamespaceCondition } from './namespace-conditions.js';
import { namespaceController } from './namespace.js';
import { rootCACertPublisherController } from './root-ca-cert-publisher.js';
import { serviceAccountController } from './serviceaccount.js';

let tb: ControllerTestbed;
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

type Namespace = KubeObject & { spec?: { finalizers?: string[] }; status?: { phase?: string; conditions?: NamespaceCondition[] } };

async function namespace(name: string): Promise<Namespace | undefined> {
  try {
    return (await tb.client.get('v1', 'namespaces', undefined, name)) as Namespace;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

const pod = (name: string, finalizers?: string[]): KubeObject => ({
  metadata: { name, ...(finalizers ? { finalizers } : {}) },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

function conditionsOf(ns: Namespace | undefined): Record<string, Omit<NamespaceCondition, 'type' | 'lastTransitionTime'>> {
  return Object.fromEntries((ns?.status?.conditions ?? []).map(({ type, status, reason, message }) => [type, { status, reason, message }]));
}

const healthy = {
  NamespaceDeletionDiscoveryFailure: { status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
};

describe('with the namespace controller alone', () => {
  beforeEach(async () => {
    tb = await startControllerTestbed([namespaceController({ deletionGracePeriodMs: 5000 })]);
  });

  test('everything in the namespace is deleted after the grace period, then the namespace goes', async () => {
    await tb.client.create('v1', 'namespaces', undefined, { metadata: { name: 'doomed' } });
    await tb.client.create('v1', 'configmaps', 'doomed', { metadata: { name: 'cm' } });
    await tb.client.create('v1', 'secrets', 'doomed', { metadata: { name: 's' } });
    await tb.client.create('v1', 'pods', 'doomed', pod('p'));
    await tb.client.create('rbac.authorization.k8s.io/v1', 'roles', 'doomed', { metadata: { name: 'r' }, rules: [] });
    await tb.client.delete('v1', 'namespaces', undefined, 'doomed');
    await tb.settle();
    // upstream waits namespaceDeletionGracePeriod (5s) before looking at a deleted namespace.
    expect((await tb.client.list('v1', 'configmaps', 'doomed')).items).toHaveLength(1);
    await tb.advance(5000);
    expect(await namespace('doomed')).toBeUndefined();
    for (const [apiVersion, resource] of [['v1', 'configmaps'], ['v1', 'secrets'], ['v1', 'pods'], ['rbac.authorization.k8s.io/v1', 'roles']]) {
      expect((await tb.client.list(apiVersion!, resource!, 'doomed')).items).toEqual([]);
    }
  });

  test('content held by a finalizer keeps the namespace Terminating, with conditions saying what remains', async () => {
    await tb.client.create('v1', 'namespaces', undefined, { metadata: { name: 'held' } });
    await tb.client.create('v1', 'configmaps', 'held', { metadata: { name: 'hold', finalizers: ['example.com/hold'] } });
    await tb.client.create('v1', 'configmaps', 'held', { metadata: { name: 'free' } });
    await tb.client.delete('v1', 'namespaces', undefined, 'held');
    await tb.advance(5000);

    const terminating = await namespace('held');
    expect(terminating?.status?.phase).toBe('Terminating');
    expect(terminating?.spec?.finalizers).toEqual(['kubernetes']);
    expect(conditionsOf(terminating)).toEqual({
      ...healthy,
      NamespaceContentRemaining: { status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: configmaps. has 1 resource instances' },
      NamespaceFinalizersRemaining: {
        status: 'True',
        reason: 'SomeFinalizersRemain',
        message: 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
      },
    });
    expect((await tb.client.list('v1', 'configmaps', 'held')).items.map((cm) => cm.metadata.name)).toEqual(['hold']);
    await expect(tb.client.create('v1', 'configmaps', 'held', { metadata: { name: 'late' } })).rejects.toMatchObject({ code: 403 });

    await tb.client.patch('v1', 'configmaps', 'held', 'hold', 'merge', { metadata: { finalizers: null } });
    // The last object's deletion wakes the controller at once (upstream would wait for its 8s re-check).
    await tb.settle();
    expect(await namespace('held')).toBeUndefined();
  });

  test('pods go first: nothing else is deleted while a pod remains', async () => {
    await tb.client.create('v1', 'namespaces', undefined, { metadata: { name: 'ordered' } });
    await tb.client.create('v1', 'pods', 'ordered', pod('stuck', ['example.com/pod-hold']));
    await tb.client.create('v1', 'configmaps', 'ordered', { metadata: { name: 'policy-like' } });
    await tb.client.delete('v1', 'namespaces', undefined, 'ordered');
    await tb.advance(5000);

    const cm = await tb.client.get('v1', 'configmaps', 'ordered', 'policy-like');
    expect(cm.metadata.deletionTimestamp).toBeUndefined();
    expect((await tb.client.get('v1', 'pods', 'ordered', 'stuck')).metadata.deletionTimestamp).toBeDefined();
    expect(conditionsOf(await namespace('ordered')).NamespaceContentRemaining?.message).toBe('Some resources are remaining: pods. has 1 resource instances');

    await tb.client.patch('v1', 'pods', 'ordered', 'stuck', 'merge', { metadata: { finalizers: null } });
    await tb.advance(8000);
    expect(await namespace('ordered')).toBeUndefined();
    expect((await tb.client.list('v1', 'configmaps', 'ordered')).items).toEqual([]);
  });

  test('a namespace that is not being deleted is left alone', async () => {
    await tb.client.create('v1', 'namespaces', undefined, { metadata: { name: 'alive' } });
    await tb.client.create('v1', 'configmaps', 'alive', { metadata: { name: 'cm' } });
    await tb.advance(60_000);
    expect((await namespace('alive'))?.status?.conditions).toBeUndefined();
    expect((await tb.client.list('v1', 'configmaps', 'alive')).items).toHaveLength(1);
  });
});

test('with the other namespace-filling controllers running, a namespace still goes away cleanly', async () => {
  tb = await startControllerTestbed([
    namespaceController({ deletionGracePeriodMs: 5000 }),
    garbageCollectorController(),
    serviceAccountController(),
    rootCACertPublisherController({ caCertificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' }),
  ]);
  await tb.client.create('v1', 'namespaces', undefined, { metadata: { name: 'busy' } });
  await tb.settle();
  expect((await tb.client.list('v1', 'serviceaccounts', 'busy')).items.map((sa) => sa.metadata.name)).toEqual(['default']);
  const owner = await tb.client.create('v1', 'configmaps', 'busy', { metadata: { name: 'owner' } });
  await tb.client.create('v1', 'secrets', 'busy', {
    metadata: { name: 'dep', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid!, blockOwnerDeletion: true }] },
  });
  await tb.client.delete('v1', 'namespaces', undefined, 'busy');
  await tb.advance(5000);
  expect(await namespace('busy')).toBeUndefined();
  expect((await tb.client.list('v1', 'serviceaccounts', 'busy')).items).toEqual([]);
  expect((await tb.client.list('v1', 'configmaps', 'busy')).items).toEqual([]);
});

test('a namespace deleted in the foreground keeps its spec finalizer until its content is gone', async () => {
  tb = await startControllerTestbed([namespaceController({ deletionGracePeriodMs: 5000 }), garbageCollectorController()]);
  await tb.client.create('v1', 'namespaces', undefined, { metadata: { name: 'fg' } });
  await tb.client.create('v1', 'configmaps', 'fg', { metadata: { name: 'cm' } });
  await tb.client.delete('v1', 'namespaces', undefined, 'fg', { propagationPolicy: 'Foreground' });
  await tb.settle();
  // The collector drops foregroundDeletion at once (a namespace has no dependents): spec.finalizers still hold it.
  const waiting = await namespace('fg');
  expect(waiting?.metadata.finalizers).toBeUndefined();
  expect(waiting?.spec?.finalizers).toEqual(['kubernetes']);
  await tb.advance(5000);
  expect(await namespace('fg')).toBeUndefined();
});
