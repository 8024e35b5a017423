// A cluster under RBAC starts with upstream's default policy, aggregated, and reset() returns to it; AlwaysAllow adds none.
import type { Cluster } from './cluster.js';
import { rbacApi, useClusterPerTest } from './cluster-seed-policy-support.js';
import type { KubeObject } from './meta/types.js';
import { bootstrapPolicy } from './auth/bootstrap-policy/bootstrap-policy.js';

const api = rbacApi;
const start = useClusterPerTest();
const listNames = async (c: Cluster, resource: string) => (await c.client.list(api, resource, undefined)).items.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
const rulesOf = async (c: Cluster, name: string) => (await c.client.get(api, 'clusterroles', undefined, name)).rules as object[];
const policyRules = (name: string) => bootstrapPolicy().clusterRoles.find((r) => r.metadata.name === name)!.rules as object[];

test('under RBAC the cluster starts with every default role and binding, and admin/edit/view aggregated', async () => {
  const c = await start({ authorization: 'RBAC' });
  const policy = bootstrapPolicy();
  const expected = (objects: readonly KubeObject[]) => objects.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
  expect(await listNames(c, 'clusterroles')).toEqual(expected(policy.clusterRoles));
  expect(await listNames(c, 'clusterrolebindings')).toEqual(expected(policy.clusterRoleBindings));
  expect(await listNames(c, 'roles')).toEqual(expected(policy.roles));
  expect(await listNames(c, 'rolebindings')).toEqual(expected(policy.roleBindings));

  const view = policyRules('system:aggregate-to-view');
  const edit = [...policyRules('system:aggregate-to-edit'), ...view];
  expect(await rulesOf(c, 'view')).toEqual(view);
  expect(await rulesOf(c, 'edit')).toEqual(edit);
  expect(await rulesOf(c, 'admin')).toEqual([...edit, ...policyRules('system:aggregate-to-admin')]);
  const resources = (rules: object[]) => rules.flatMap((r) => (r as { resources?: string[] }).resources ?? []);
  expect(resources(await rulesOf(c, 'view'))).not.toContain('secrets');
  expect(resources(await rulesOf(c, 'edit'))).toContain('secrets');

  const binding = await c.client.get(api, 'clusterrolebindings', undefined, 'cluster-admin');
  expect(binding.subjects).toEqual([{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:masters' }]);
  expect(binding.metadata.labels).toEqual({ 'kubernetes.io/bootstrapping': 'rbac-defaults' });
  expect(binding.metadata.annotations).toEqual({ 'rbac.authorization.kubernetes.io/autoupdate': 'true' });
  expect(await rulesOf(c, 'system:controller:deployment-controller')).toEqual(policyRules('system:controller:deployment-controller'));
});

test('reset() brings the seeded policy back: deleted, changed and added RBAC objects', async () => {
  const c = await start({ authorization: 'RBAC' });
  const before = await c.snapshot();
  await c.client.delete(api, 'clusterrolebindings', undefined, 'cluster-admin');
  await c.client.delete(api, 'roles', 'kube-system', 'system:controller:token-cleaner');
  await c.client.patch(api, 'clusterroles', undefined, 'view', 'merge', { metadata: { labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': null } } });
  await c.client.create(api, 'clusterroles', undefined, {
    metadata: { name: 'extra', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
    rules: [{ verbs: ['get'], apiGroups: ['example.com'], resources: ['widgets'] }],
  });
  await c.settle();
  expect(await rulesOf(c, 'edit')).toEqual(policyRules('system:aggregate-to-edit'));
  expect((await rulesOf(c, 'view')).length).toBe(policyRules('system:aggregate-to-view').length + 1);

  await c.reset();
  const view = policyRules('system:aggregate-to-view');
  expect(await rulesOf(c, 'view')).toEqual(view);
  expect(await rulesOf(c, 'edit')).toEqual([...policyRules('system:aggregate-to-edit'), ...view]);
  expect(await listNames(c, 'clusterroles')).not.toContain('/extra');
  expect((await c.client.get(api, 'clusterrolebindings', undefined, 'cluster-admin')).roleRef).toMatchObject({ name: 'cluster-admin' });
  expect(await listNames(c, 'roles')).toContain('kube-system/system:controller:token-cleaner');
  expect([...(await c.snapshot()).objects.keys()].sort()).toEqual([...before.objects.keys()].sort());
});

test('AlwaysAllow (the default) seeds no RBAC objects; aggregation still works for roles users create', async () => {
  const explicit = await start({ authorization: 'AlwaysAllow' });
  for (const resource of ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings']) expect(await listNames(explicit, resource)).toEqual([]);
  await explicit.close();
  const c = await start({});
  for (const resource of ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings']) expect(await listNames(c, resource)).toEqual([]);
  await c.client.create(api, 'clusterroles', undefined, { metadata: { name: 'monitoring' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } }] } });
  await c.client.create(api, 'clusterroles', undefined, {
    metadata: { name: 'monitoring-endpoints', labels: { 'example.com/aggregate-to-monitoring': 'true' } },
    rules: [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['endpoints'] }],
  });
  await c.settle();
  expect(await rulesOf(c, 'monitoring')).toEqual([{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['endpoints'] }]);
});

test('without the aggregation controller the policy is stored as upstream writes it: admin, edit and view without rules', async () => {
  const c = await start({ authorization: 'RBAC', controllers: '*,-clusterrole-aggregation' });
  expect((await c.client.get(api, 'clusterroles', undefined, 'admin')).rules).toBeUndefined();
  expect(c.controllers.enabled()).not.toContain('clusterrole-aggregation');
});
