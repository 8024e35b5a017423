// The garbage collector on a virtual clock: background, foreground and orphan deletion, dangling and invalid owners.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import type { KubeObject, OwnerReference } from '../../meta/types.js';
import { garbageCollectorController } from './garbage-collector.js';

let tb: ControllerTestbed;
beforeEach(async () => {
  tb = await startControllerTestbed([garbageCollectorController()]);
  await tb.client.create('v1', 'namespaces', undefined, { metadata: { name: 'gc' } });
  await tb.settle();
});
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

function ownerRef(owner: KubeObject, extra: Partial<OwnerReference> = {}): OwnerReference {
  return { apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata.name!, uid: owner.metadata.uid!, ...extra };
}

const configMap = (name: string, owners: OwnerReference[] = [], finalizers?: string[]): KubeObject => ({
  metadata: { name, ownerReferences: owners, ...(finalizers ? { finalizers } : {}) },
});

async function exists(apiVersion: string, resource: string, namespace: string | undefined, name: string): Promise<boolean> {
  try {
    await tb.client.get(apiVersion, resource, namespace, name);
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return false;
    throw err;
  }
}

/** Names of configmaps in `gc` in the order their DELETED events arrive. */
async function recordDeletions(): Promise<string[]> {
  const deleted: string[] = [];
  const { resourceVersion } = await tb.client.list('v1', 'configmaps', 'gc');
  await tb.client.watch('v1', 'configmaps', 'gc', { resourceVersion }, (e) => {
    if (e.type === 'DELETED') deleted.push(e.object.metadata.name!);
  });
  return deleted;
}

const pod = (name: string, owners: OwnerReference[]): KubeObject => ({
  metadata: { name, ownerReferences: owners },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

describe('background deletion', () => {
  test("a ConfigMap owner's Secrets, ConfigMaps and Pods go when it does", async () => {
    const owner = await tb.client.create('v1', 'configmaps', 'gc', configMap('owner'));
    await tb.client.create('v1', 'secrets', 'gc', { metadata: { name: 'dep-secret', ownerReferences: [ownerRef(owner)] } });
    await tb.client.create('v1', 'configmaps', 'gc', configMap('dep-cm', [ownerRef(owner)]));
    await tb.client.create('v1', 'pods', 'gc', pod('dep-pod', [ownerRef(owner)]));
    await tb.settle();
    expect(await exists('v1', 'secrets', 'gc', 'dep-secret')).toBe(true);

    await tb.client.delete('v1', 'configmaps', 'gc', 'owner');
    await tb.settle();
    expect(await exists('v1', 'secrets', 'gc', 'dep-secret')).toBe(false);
    expect(await exists('v1', 'configmaps', 'gc', 'dep-cm')).toBe(false);
    expect(await exists('v1', 'pods', 'gc', 'dep-pod')).toBe(false);
  });

  test('a chain is collected level by level', async () => {
    const a = await tb.client.create('v1', 'configmaps', 'gc', configMap('a'));
    const b = await tb.client.create('v1', 'configmaps', 'gc', configMap('b', [ownerRef(a)]));
    await tb.client.create('v1', 'configmaps', 'gc', configMap('c', [ownerRef(b)]));
    await tb.settle();
    const deleted = await recordDeletions();
    await tb.client.delete('v1', 'configmaps', 'gc', 'a');
    await tb.settle();
    expect(deleted).toEqual(['a', 'b', 'c']);
  });

  test('a namespaced dependent of a cluster-scoped owner is collected', async () => {
    const role = await tb.client.create('rbac.authorization.k8s.io/v1', 'clusterroles', undefined, { metadata: { name: 'gc-owner' }, rules: [] });
    await tb.client.create('v1', 'configmaps', 'gc', configMap('of-role', [ownerRef(role)]));
    await tb.settle();
    expect(await exists('v1', 'configmaps', 'gc', 'of-role')).toBe(true);
    await tb.client.delete('rbac.authorization.k8s.io/v1', 'clusterroles', undefined, 'gc-owner');
    await tb.settle();
    expect(await exists('v1', 'configmaps', 'gc', 'of-role')).toBe(false);
  });

  test('a dependent whose owner never existed, or exists under another uid, is collected', async () => {
    const live = await tb.client.create('v1', 'configmaps', 'gc', configMap('live'));
    await tb.client.create('v1', 'secrets', 'gc', {
      metadata: { name: 'never', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '2c8a4c3e-0000-4000-8000-000000000001' }] },
    });
    await tb.client.create('v1', 'secrets', 'gc', {
      metadata: { name: 'other-uid', ownerReferences: [{ ...ownerRef(live), uid: '2c8a4c3e-0000-4000-8000-000000000002' }] },
    });
    await tb.settle();
    expect(await exists('v1', 'secrets', 'gc', 'never')).toBe(false);
    expect(await exists('v1', 'secrets', 'gc', 'other-uid')).toBe(false);
    expect(await exists('v1', 'configmaps', 'gc', 'live')).toBe(true);
  });

  test('a dependent with two owners keeps the remaining one and loses the reference to the deleted one', async () => {
    const first = await tb.client.create('v1', 'configmaps', 'gc', configMap('first'));
    const second = await tb.client.create('v1', 'configmaps', 'gc', configMap('second'));
    await tb.client.create('v1', 'secrets', 'gc', { metadata: { name: 'shared', ownerReferences: [ownerRef(first), ownerRef(second)] } });
    await tb.settle();
    await tb.client.delete('v1', 'configmaps', 'gc', 'first');
    await tb.settle();
    const shared = await tb.client.get('v1', 'secrets', 'gc', 'shared');
    expect(shared.metadata.ownerReferences).toEqual([ownerRef(second)]);
  });

  test('an owner named in another served version of its kind still counts as present', async () => {
    const hpa = await tb.client.create('autoscaling/v1', 'horizontalpodautoscalers', 'gc', {
      metadata: { name: 'scaler' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 3 },
    });
    // The collector watches the preferred autoscaling/v2; the reference says v1.
    await tb.client.create('v1', 'configmaps', 'gc', configMap('of-hpa', [ownerRef(hpa)]));
    await tb.settle();
    expect(await exists('v1', 'configmaps', 'gc', 'of-hpa')).toBe(true);
    await tb.client.delete('autoscaling/v2', 'horizontalpodautoscalers', 'gc', 'scaler');
    await tb.settle();
    expect(await exists('v1', 'configmaps', 'gc', 'of-hpa')).toBe(false);
  });

  test('a reference to a kind the server does not serve is unresolvable: the dependent is left alone', async () => {
    await tb.client.create('v1', 'configmaps', 'gc', {
      metadata: { name: 'widget-child', ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: '2c8a4c3e-0000-4000-8000-000000000003' }] },
    });
    await tb.settle();
    expect(await exists('v1', 'configmaps', 'gc', 'widget-child')).toBe(true);
  });
});

describe('foreground deletion', () => {
  test('the owner waits, with its finalizer, until blocking dependents are gone', async () => {
    const owner = await tb.client.create('v1', 'configmaps', 'gc', configMap('fg-owner'));
    await tb.client.create('v1', 'configmaps', 'gc', configMap('fg-blocking', [ownerRef(owner, { blockOwnerDeletion: true })], ['example.com/hold']));
    await tb.client.create('v1', 'secrets', 'gc', { metadata: { name: 'fg-plain', ownerReferences: [ownerRef(owner)] } });
    await tb.settle();

    await tb.client.delete('v1', 'configmaps', 'gc', 'fg-owner', { propagationPolicy: 'Foreground' });
    await tb.settle();
    const waiting = await tb.client.get('v1', 'configmaps', 'gc', 'fg-owner');
    expect(waiting.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(waiting.metadata.deletionTimestamp).toBeDefined();
    expect(await exists('v1', 'secrets', 'gc', 'fg-plain')).toBe(false);
    expect((await tb.client.get('v1', 'configmaps', 'gc', 'fg-blocking')).metadata.deletionTimestamp).toBeDefined();

    await tb.client.patch('v1', 'configmaps', 'gc', 'fg-blocking', 'merge', { metadata: { finalizers: null } });
    await tb.settle();
    expect(await exists('v1', 'configmaps', 'gc', 'fg-blocking')).toBe(false);
    expect(await exists('v1', 'configmaps', 'gc', 'fg-owner')).toBe(false);
  });

  test('a blocking chain is deleted leaves first: the owner goes last', async () => {
    const a = await tb.client.create('v1', 'configmaps', 'gc', configMap('fa'));
    const b = await tb.client.create('v1', 'configmaps', 'gc', configMap('fb', [ownerRef(a, { blockOwnerDeletion: true })]));
    await tb.client.create('v1', 'configmaps', 'gc', configMap('fc', [ownerRef(b, { blockOwnerDeletion: true })]));
    await tb.settle();
    const deleted = await recordDeletions();
    await tb.client.delete('v1', 'configmaps', 'gc', 'fa', { propagationPolicy: 'Foreground' });
    await tb.settle();
    expect(deleted).toEqual(['fc', 'fb', 'fa']);
  });

  test('a dependent that also has another live owner only loses its reference', async () => {
    const owner = await tb.client.create('v1', 'configmaps', 'gc', configMap('fg-one'));
    const keeper = await tb.client.create('v1', 'configmaps', 'gc', configMap('fg-keeper'));
    await tb.client.create('v1', 'secrets', 'gc', { metadata: { name: 'fg-shared', ownerReferences: [ownerRef(owner, { blockOwnerDeletion: true }), ownerRef(keeper)] } });
    await tb.settle();
    await tb.client.delete('v1', 'configmaps', 'gc', 'fg-one', { propagationPolicy: 'Foreground' });
    await tb.settle();
    expect(await exists('v1', 'configmaps', 'gc', 'fg-one')).toBe(false);
    expect((await tb.client.get('v1', 'secrets', 'gc', 'fg-shared')).metadata.ownerReferences).toEqual([ownerRef(keeper)]);
  });
});

describe('orphan deletion', () => {
  test('dependents lose the reference and stay; the owner goes once they are released', async () => {
    const owner = await tb.client.create('v1', 'configmaps', 'gc', configMap('orphaner'));
    const other = await tb.client.create('v1', 'configmaps', 'gc', configMap('other'));
    await tb.client.create('v1', 'secrets', 'gc', { metadata: { name: 'orphan-a', ownerReferences: [ownerRef(owner)] } });
    await tb.client.create('v1', 'pods', 'gc', pod('orphan-b', [ownerRef(owner, { blockOwnerDeletion: true }), ownerRef(other)]));
    await tb.settle();
    await tb.client.delete('v1', 'configmaps', 'gc', 'orphaner', { propagationPolicy: 'Orphan' });
    await tb.settle();
    expect(await exists('v1', 'configmaps', 'gc', 'orphaner')).toBe(false);
    expect((await tb.client.get('v1', 'secrets', 'gc', 'orphan-a')).metadata.ownerReferences).toBeUndefined();
    expect((await tb.client.get('v1', 'pods', 'gc', 'orphan-b')).metadata.ownerReferences).toEqual([ownerRef(other)]);
  });
});

describe('owner references across namespaces', () => {
  const events = async (namespace: string) =>
    (await tb.client.list('v1', 'events', namespace, { fieldSelector: 'reason=OwnerRefInvalidNamespace' })).items as (KubeObject & {
      type: string;
      message: string;
      involvedObject: { kind: string; name: string };
      source: { component: string };
    })[];

  test('a dependent in another namespace than its namespaced owner is reported and collected', async () => {
    await tb.client.create('v1', 'namespaces', undefined, { metadata: { name: 'gc-other' } });
    const owner = await tb.client.create('v1', 'configmaps', 'gc', configMap('ns-owner'));
    await tb.settle();
    await tb.client.create('v1', 'secrets', 'gc-other', { metadata: { name: 'elsewhere', ownerReferences: [ownerRef(owner)] } });
    await tb.settle();
    expect(await exists('v1', 'secrets', 'gc-other', 'elsewhere')).toBe(false);
    expect(await exists('v1', 'configmaps', 'gc', 'ns-owner')).toBe(true);
    const [event] = await events('gc-other');
    expect(event).toMatchObject({
      type: 'Warning',
      involvedObject: { kind: 'Secret', name: 'elsewhere' },
      source: { component: 'garbage-collector-controller' },
      message: `ownerRef [v1/ConfigMap, namespace: gc-other, name: ns-owner, uid: ${owner.metadata.uid}] does not exist in namespace "gc-other"`,
    });
  });

  test('a cluster-scoped dependent of a namespaced owner is reported and never collected', async () => {
    const owner = await tb.client.create('v1', 'configmaps', 'gc', configMap('cs-owner'));
    await tb.settle();
    await tb.client.create('rbac.authorization.k8s.io/v1', 'clusterroles', undefined, { metadata: { name: 'gc-invalid', ownerReferences: [ownerRef(owner)] }, rules: [] });
    await tb.settle();
    await tb.client.delete('v1', 'configmaps', 'gc', 'cs-owner');
    await tb.settle();
    expect(await exists('rbac.authorization.k8s.io/v1', 'clusterroles', undefined, 'gc-invalid')).toBe(true);
    const [event] = await events('default');
    expect(event).toMatchObject({ type: 'Warning', involvedObject: { kind: 'ClusterRole', name: 'gc-invalid' } });
    expect(event!.message).toBe(`ownerRef [v1/ConfigMap, namespace: , name: cs-owner, uid: ${owner.metadata.uid}] does not exist in namespace ""`);
  });
});
