// Versions sharing storage: autoscaling v1/v2 HPAs and core/events.k8s.io Events are one object seen two ways.
import { startCluster, type Cluster } from '../cluster.js';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ port: 0 });
});
afterAll(() => cluster.close());

const r = (group: string, version: string, resource: string) => cluster.registry.lookup(group, version, resource)!;

test('an autoscaling/v1 HPA is stored once and read back as v2 and as v1', async () => {
  const v1 = r('autoscaling', 'v1', 'horizontalpodautoscalers');
  const v2 = r('autoscaling', 'v2', 'horizontalpodautoscalers');
  const created = await cluster.registry.create(v1, 'default', {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 60 },
  });
  expect(created.object.apiVersion).toBe('autoscaling/v1');
  expect((created.object.spec as Record<string, unknown>).targetCPUUtilizationPercentage).toBe(60);
  const asV2 = await cluster.registry.get(v2, 'default', 'web');
  expect(asV2.object.apiVersion).toBe('autoscaling/v2');
  expect((asV2.object.spec as { metrics: unknown[] }).metrics).toEqual([
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
  ]);
  expect(asV2.object.metadata.resourceVersion).toBe(created.object.metadata.resourceVersion);
  const listedV1 = await cluster.registry.list(v1, 'default', {});
  expect(listedV1.views.map((v) => v.object.apiVersion)).toEqual(['autoscaling/v1']);
  // A v2 write is visible through v1 with the v1 field.
  await cluster.registry.patch(v2, 'default', 'web', (current) => ({
    ...current,
    spec: { ...(current.spec as object), metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 75 } } }] },
  }));
  const readV1 = await cluster.registry.get(v1, 'default', 'web');
  expect((readV1.object.spec as Record<string, unknown>).targetCPUUtilizationPercentage).toBe(75);
});

test('core and events.k8s.io Events are the same objects, with field selectors in each version\'s names', async () => {
  const core = r('', 'v1', 'events');
  const events = r('events.k8s.io', 'v1', 'events');
  await cluster.registry.create(core, 'default', {
    metadata: { name: 'e1' },
    involvedObject: { kind: 'Pod', name: 'p1', namespace: 'default' },
    reason: 'Started',
    message: 'Started container',
    type: 'Normal',
    source: { component: 'kubelet' },
  });
  const v1 = await cluster.registry.get(events, 'default', 'e1');
  expect(v1.object).toMatchObject({ apiVersion: 'events.k8s.io/v1', kind: 'Event', regarding: { kind: 'Pod', name: 'p1' }, note: 'Started container', reason: 'Started' });
  const selected = await cluster.registry.list(events, 'default', { fieldSelector: 'regarding.name=p1' });
  expect(selected.views.map((v) => v.object.metadata.name)).toEqual(['e1']);
  const none = await cluster.registry.list(events, 'default', { fieldSelector: 'regarding.name=p2' });
  expect(none.views).toHaveLength(0);
});
