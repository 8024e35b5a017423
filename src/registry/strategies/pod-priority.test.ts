// Priority admission on pod create: spec.priority from the PriorityClass or the global default, 403 for unknown classes.
import { startCluster, type Cluster } from '../../cluster.js';
import type { KubeObject } from '../../meta/types.js';

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster({ controllers: '', nodes: 0 });
  await cluster.client.create('scheduling.k8s.io/v1', 'priorityclasses', undefined, { metadata: { name: 'high' }, value: 1000 } as KubeObject);
});
afterAll(() => cluster.close());

const pod = (name: string, spec: Record<string, unknown> = {}) =>
  ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } }) as KubeObject;
const specOf = (o: KubeObject) => o.spec as { priority?: number; preemptionPolicy?: string; priorityClassName?: string };

test('a pod of a class gets its value and preemption policy', async () => {
  const created = await cluster.client.create('v1', 'pods', 'default', pod('ranked', { priorityClassName: 'high' }));
  expect(specOf(created)).toMatchObject({ priority: 1000, preemptionPolicy: 'PreemptLowerPriority' });
  const system = await cluster.client.create('v1', 'pods', 'default', pod('critical', { priorityClassName: 'system-node-critical' }));
  expect(specOf(system).priority).toBe(2000001000);
});

test('an unknown class or a client-set value the class disagrees with is refused with 403, nothing stored', async () => {
  await expect(cluster.client.create('v1', 'pods', 'default', pod('lost', { priorityClassName: 'nope' }))).rejects.toMatchObject({
    code: 403,
    message: 'pods "lost" is forbidden: no PriorityClass with name nope was found',
  });
  await expect(cluster.client.create('v1', 'pods', 'default', pod('bold', { priorityClassName: 'high', priority: 5 }))).rejects.toMatchObject({
    code: 403,
    message: expect.stringContaining('the integer value of priority (5) must not be provided in pod spec'),
  });
  const names = (await cluster.client.list('v1', 'pods', 'default')).items.map((p) => p.metadata.name);
  expect(names).not.toContain('lost');
  expect(names).not.toContain('bold');
});

test('without a class a pod gets the global default, or 0', async () => {
  expect(specOf(await cluster.client.create('v1', 'pods', 'default', pod('plain'))).priority).toBe(0);
  await cluster.client.create('scheduling.k8s.io/v1', 'priorityclasses', undefined, { metadata: { name: 'everyone' }, value: 7, globalDefault: true } as KubeObject);
  const defaulted = await cluster.client.create('v1', 'pods', 'default', pod('defaulted'));
  expect(specOf(defaulted)).toMatchObject({ priority: 7, priorityClassName: 'everyone' });
});
