// The default RBAC policy as loaded from policy/*.yaml: upstream's objects, names, subjects and rules.
import type { KubeObject } from '../../meta/types.js';
import { parse } from 'yaml';
import { autoupdateAnnotation, bootstrapPolicy, bootstrappingLabel, parseSubject, policyFiles, policyFileText, readPolicyText } from './bootstrap-policy.js';

const policy = bootstrapPolicy();
const named = (objects: readonly KubeObject[], name: string, namespace?: string): KubeObject => {
  const found = objects.find((o) => o.metadata.name === name && o.metadata.namespace === namespace);
  if (!found) throw new Error(`no ${name}`);
  return found;
};
const clusterRole = (name: string) => named(policy.clusterRoles, name);
const clusterRoleBinding = (name: string) => named(policy.clusterRoleBindings, name);

test('the policy holds upstream’s objects, every one labelled and annotated as upstream’s bootstrap objects', () => {
  expect(policy.clusterRoles).toHaveLength(65);
  expect(policy.clusterRoleBindings).toHaveLength(46);
  expect(policy.roles).toHaveLength(7);
  expect(policy.roleBindings).toHaveLength(7);
  for (const object of [...policy.clusterRoles, ...policy.clusterRoleBindings, ...policy.roles, ...policy.roleBindings]) {
    expect(object.apiVersion).toBe('rbac.authorization.k8s.io/v1');
    expect(object.metadata.labels?.[bootstrappingLabel]).toBe('rbac-defaults');
    expect(object.metadata.annotations).toEqual({ [autoupdateAnnotation]: 'true' });
  }
  const names = policy.clusterRoles.map((r) => r.metadata.name);
  expect(new Set(names).size).toBe(names.length);
  for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:basic-user', 'system:public-info-viewer',
    'system:node', 'system:node-proxier', 'system:kube-scheduler', 'system:kube-controller-manager', 'system:auth-delegator',
    'system:heapster', 'system:monitoring', 'system:controller:deployment-controller', 'system:controller:clusterrole-aggregation-controller']) {
    expect(names).toContain(name);
  }
});

test('admin, edit and view are aggregated from their aggregate-to labels and chain into each other', () => {
  const selector = (name: string) => (clusterRole(name).aggregationRule as { clusterRoleSelectors: unknown[] }).clusterRoleSelectors;
  expect(selector('admin')).toEqual([{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } }]);
  expect(selector('edit')).toEqual([{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } }]);
  expect(selector('view')).toEqual([{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }]);
  for (const name of ['admin', 'edit', 'view']) expect(clusterRole(name).rules).toBeUndefined();
  expect(clusterRole('edit').metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-admin']).toBe('true');
  expect(clusterRole('view').metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-edit']).toBe('true');
  expect(clusterRole('system:aggregate-to-view').metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-view']).toBe('true');
  const viewResources = (clusterRole('system:aggregate-to-view').rules as { resources?: string[] }[]).flatMap((r) => r.resources ?? []);
  expect(viewResources).not.toContain('secrets');
  expect(viewResources).toContain('pods');
  const editSecrets = (clusterRole('system:aggregate-to-edit').rules as { resources?: string[]; verbs: string[] }[]).filter((r) => r.resources?.includes('secrets'));
  expect(editSecrets.flatMap((r) => r.verbs)).toEqual(expect.arrayContaining(['get', 'create', 'delete', 'update']));
});

test('cluster-admin is everything, bound to system:masters; discovery and public info are bound as upstream binds them', () => {
  expect(clusterRole('cluster-admin').rules).toEqual([
    { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
    { verbs: ['*'], nonResourceURLs: ['*'] },
  ]);
  const group = (name: string) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });
  expect(clusterRoleBinding('cluster-admin')).toMatchObject({
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [group('system:masters')],
  });
  expect(clusterRoleBinding('system:discovery').subjects).toEqual([group('system:authenticated')]);
  expect(clusterRoleBinding('system:basic-user').subjects).toEqual([group('system:authenticated')]);
  expect(clusterRoleBinding('system:public-info-viewer').subjects).toEqual([group('system:authenticated'), group('system:unauthenticated')]);
  expect(clusterRoleBinding('system:kube-dns').subjects).toEqual([{ kind: 'ServiceAccount', name: 'kube-dns', namespace: 'kube-system' }]);
  // Nodes get their access from the Node authorizer: upstream's binding names no one.
  expect(clusterRoleBinding('system:node')).not.toHaveProperty('subjects');
  expect(clusterRole('system:discovery').rules).toEqual([{
    verbs: ['get'],
    nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'],
  }]);
});

test('each controller has upstream’s role, bound to its kube-system ServiceAccount', () => {
  expect(clusterRole('system:controller:deployment-controller').rules).toEqual([
    { verbs: ['get', 'list', 'update', 'watch'], apiGroups: ['apps', 'extensions'], resources: ['deployments'] },
    { verbs: ['update'], apiGroups: ['apps', 'extensions'], resources: ['deployments/status'] },
    { verbs: ['update'], apiGroups: ['apps', 'extensions'], resources: ['deployments/finalizers'] },
    { verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], apiGroups: ['apps', 'extensions'], resources: ['replicasets'] },
    { verbs: ['get', 'list', 'update', 'watch'], apiGroups: [''], resources: ['pods'] },
    { verbs: ['create', 'patch', 'update'], apiGroups: ['', 'events.k8s.io'], resources: ['events'] },
  ]);
  expect(clusterRole('system:controller:clusterrole-aggregation-controller').rules).toEqual([
    { verbs: ['escalate', 'get', 'list', 'patch', 'update', 'watch'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'] },
  ]);
  const controllerRoles = policy.clusterRoles.filter((r) => r.metadata.name!.startsWith('system:controller:'));
  expect(controllerRoles).toHaveLength(34);
  for (const role of controllerRoles) {
    const sa = role.metadata.name!.slice('system:controller:'.length);
    expect(clusterRoleBinding(role.metadata.name!)).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: role.metadata.name },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: 'kube-system' }],
    });
  }
});

test('kube-system and kube-public get upstream’s Roles and RoleBindings', () => {
  expect(policy.roles.map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual([
    'kube-public/system:controller:bootstrap-signer',
    'kube-system/extension-apiserver-authentication-reader',
    'kube-system/system::leader-locking-kube-controller-manager',
    'kube-system/system::leader-locking-kube-scheduler',
    'kube-system/system:controller:bootstrap-signer',
    'kube-system/system:controller:cloud-provider',
    'kube-system/system:controller:token-cleaner',
  ]);
  expect(named(policy.roleBindings, 'system::leader-locking-kube-scheduler', 'kube-system')).toMatchObject({
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'system::leader-locking-kube-scheduler' },
    subjects: [
      { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'system:kube-scheduler' },
      { kind: 'ServiceAccount', name: 'kube-scheduler', namespace: 'kube-system' },
    ],
  });
  expect(named(policy.roleBindings, 'system::extension-apiserver-authentication-reader', 'kube-system').roleRef)
    .toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' });
  // Every binding refers to a role the policy has.
  for (const b of policy.roleBindings) expect(policy.roles.some((r) => r.metadata.name === (b.roleRef as { name: string }).name && r.metadata.namespace === b.metadata.namespace)).toBe(true);
  for (const b of policy.clusterRoleBindings) expect(policy.clusterRoles.some((r) => r.metadata.name === (b.roleRef as { name: string }).name)).toBe(true);
});

test('the parsed policy is read once per process and frozen', () => {
  expect(bootstrapPolicy()).toBe(policy);
  expect(Object.isFrozen(policy.clusterRoles[0]!.metadata)).toBe(true);
  expect(() => parseSubject('Robot:r2d2')).toThrow('bad subject');
});

test('each policy file is YAML whose body also reads as JSON (the fast path), to the same data', () => {
  for (const file of policyFiles) {
    const text = policyFileText(file);
    expect(text.startsWith('# ')).toBe(true);
    const fast = JSON.parse(text.replace(/^[ \t]*#.*$/gm, '')) as unknown;
    expect(parse(text)).toEqual(fast);
    expect(readPolicyText(text)).toEqual(fast);
  }
  // A file edited into block style is still read, by the YAML parser.
  expect(readPolicyText('# note\nroles:\n- name: a\n  rules: []\n')).toEqual({ roles: [{ name: 'a', rules: [] }] });
});
