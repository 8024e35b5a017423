// @kubernetes/client-node 1.4 list pagination: limit/continue, remainingItemCount, consistency, expired tokens.
import { apiServerOnly, startTestCluster, type TestCluster } from '../helpers.js';
import { apiError, clientsFor, configMap, type Clients } from './client-node-support.js';

describe('list pagination', () => {
  let cluster: TestCluster;
  let c: Clients;
  const ns = 'paged';

  beforeAll(async () => {
    cluster = await startTestCluster(apiServerOnly);
    c = clientsFor(cluster);
    await c.core.createNamespace({ body: { metadata: { name: ns } } });
    for (let i = 0; i < 25; i++) {
      await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap(`cm-${String(i).padStart(2, '0')}`, {}, { parity: i % 2 ? 'odd' : 'even' }) });
    }
  });
  afterAll(async () => {
    await cluster.close();
  });

  test('25 objects in pages of 10: remainingItemCount 15, then 5, then no continue', async () => {
    const page1 = await c.core.listNamespacedConfigMap({ namespace: ns, limit: 10 });
    expect(page1.items).toHaveLength(10);
    expect(page1.metadata?.remainingItemCount).toBe(15);
    expect(page1.metadata?._continue).toBeTruthy();

    const page2 = await c.core.listNamespacedConfigMap({ namespace: ns, limit: 10, _continue: page1.metadata?._continue });
    expect(page2.items).toHaveLength(10);
    expect(page2.metadata?.remainingItemCount).toBe(5);
    // Every page is served at the first page's resourceVersion.
    expect(page2.metadata?.resourceVersion).toBe(page1.metadata?.resourceVersion);

    const page3 = await c.core.listNamespacedConfigMap({ namespace: ns, limit: 10, _continue: page2.metadata?._continue });
    expect(page3.items).toHaveLength(5);
    expect(page3.metadata?.remainingItemCount).toBeUndefined();
    expect(page3.metadata?._continue).toBeUndefined();

    const all = [...page1.items, ...page2.items, ...page3.items].map((i) => i.metadata?.name);
    expect(all).toEqual(Array.from({ length: 25 }, (_, i) => `cm-${String(i).padStart(2, '0')}`));
  });

  test('later pages show the snapshot of the first page, not writes made in between', async () => {
    const page1 = await c.core.listNamespacedConfigMap({ namespace: ns, limit: 20 });
    await c.core.deleteNamespacedConfigMap({ name: 'cm-22', namespace: ns });
    await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('cm-99') });
    const page2 = await c.core.listNamespacedConfigMap({ namespace: ns, limit: 20, _continue: page1.metadata?._continue });
    expect(page2.items.map((i) => i.metadata?.name)).toEqual(['cm-20', 'cm-21', 'cm-22', 'cm-23', 'cm-24']);

    const fresh = await c.core.listNamespacedConfigMap({ namespace: ns });
    const names = fresh.items.map((i) => i.metadata?.name);
    expect(names).toContain('cm-99');
    expect(names).not.toContain('cm-22');
    await c.core.createNamespacedConfigMap({ namespace: ns, body: configMap('cm-22', {}, { parity: 'even' }) });
    await c.core.deleteNamespacedConfigMap({ name: 'cm-99', namespace: ns });
  });

  test('a label selector pages over the matching objects only', async () => {
    const page1 = await c.core.listNamespacedConfigMap({ namespace: ns, limit: 5, labelSelector: 'parity=odd' });
    expect(page1.items.map((i) => i.metadata?.name)).toEqual(['cm-01', 'cm-03', 'cm-05', 'cm-07', 'cm-09']);
    expect(page1.metadata?._continue).toBeTruthy();
    // Upstream only counts the remaining items when no selector filters them.
    expect(page1.metadata?.remainingItemCount).toBeUndefined();
    const rest = await c.core.listNamespacedConfigMap({ namespace: ns, limit: 100, labelSelector: 'parity=odd', _continue: page1.metadata?._continue });
    expect(rest.items.map((i) => i.metadata?.name)).toEqual(['cm-11', 'cm-13', 'cm-15', 'cm-17', 'cm-19', 'cm-21', 'cm-23']);
    expect(rest.metadata?._continue).toBeUndefined();
  });

  test('a garbage continue token is a 400 BadRequest', async () => {
    const { code, status } = await apiError(c.core.listNamespacedConfigMap({ namespace: ns, limit: 10, _continue: 'not-a-token' }));
    expect(code).toBe(400);
    expect(status.reason).toBe('BadRequest');
  });
});

describe('an expired continue token', () => {
  let cluster: TestCluster;
  let c: Clients;

  beforeAll(async () => {
    cluster = await startTestCluster({ ...apiServerOnly, historySize: 5 });
    c = clientsFor(cluster);
    for (let i = 0; i < 25; i++) await c.core.createNamespacedConfigMap({ namespace: 'default', body: configMap(`cm-${i}`) });
  });
  afterAll(async () => {
    await cluster.close();
  });

  test('is a 410 Expired once the history has rolled past its resourceVersion', async () => {
    const page1 = await c.core.listNamespacedConfigMap({ namespace: 'default', limit: 10 });
    expect(page1.metadata?.remainingItemCount).toBe(15);
    for (let i = 0; i < 8; i++) {
      await c.core.patchNamespacedConfigMap({ name: 'cm-0', namespace: 'default', body: [{ op: 'add', path: '/data', value: { n: String(i) } }] });
    }
    const { code, status } = await apiError(c.core.listNamespacedConfigMap({ namespace: 'default', limit: 10, _continue: page1.metadata?._continue }));
    expect(code).toBe(410);
    expect(status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(status.message).toContain('The provided continue parameter is too old');
  });
});
