// The RBAC authorizer over a store: subjects, scopes, missing roles, system:masters, rulesFor and the cache's freshness.
import { MemoryStore } from '../../store/memory-store.js';
import type { UserInfo } from '../user-info.js';
import type { AuthorizationAttributes } from './attributes.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import type { PolicyRule } from './rules.js';

const rbac = '/registry/rbac.authorization.k8s.io';
let store: MemoryStore;
let authorizer: RbacAuthorizer;

beforeEach(() => {
  store = new MemoryStore();
  authorizer = new RbacAuthorizer(store);
});
afterEach(() => authorizer.close());

const user = (username: string, ...groups: string[]): UserInfo => ({ username, groups });

async function clusterRole(name: string, rules: PolicyRule[]): Promise<void> {
  await store.create(`${rbac}/clusterroles/${name}`, { kind: 'ClusterRole', metadata: { name }, rules });
}

async function role(namespace: string, name: string, rules: PolicyRule[]): Promise<void> {
  await store.create(`${rbac}/roles/${namespace}/${name}`, { kind: 'Role', metadata: { namespace, name }, rules });
}

type Subject = { kind: string; name: string; namespace?: string };

async function clusterBinding(name: string, roleName: string, subjects: Subject[]): Promise<void> {
  await store.create(`${rbac}/clusterrolebindings/${name}`, { metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName }, subjects });
}

async function binding(namespace: string, name: string, roleRef: { kind: string; name: string }, subjects: Subject[]): Promise<void> {
  await store.create(`${rbac}/rolebindings/${namespace}/${name}`, {
    metadata: { namespace, name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects,
  });
}

function can(u: UserInfo, verb: string, resource: string, extra: Partial<{ namespace: string; name: string; group: string; subresource: string }> = {}) {
  return authorizer.authorize({ user: u, verb, resourceRequest: true, group: '', version: 'v1', resource, ...extra } as AuthorizationAttributes);
}

const podReader: PolicyRule[] = [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] }];

test('a ClusterRoleBinding grants everywhere; the allow reason names binding, role and subject', async () => {
  await clusterRole('pod-reader', podReader);
  await clusterBinding('read-pods', 'pod-reader', [{ kind: 'User', name: 'alice' }]);
  expect(await can(user('alice'), 'list', 'pods', { namespace: 'dev' })).toEqual({
    decision: 'allow',
    reason: 'RBAC: allowed by ClusterRoleBinding "read-pods" of ClusterRole "pod-reader" to User "alice"',
  });
  expect((await can(user('alice'), 'list', 'pods')).decision).toBe('allow');
  expect(await can(user('alice'), 'delete', 'pods', { namespace: 'dev', name: 'x' })).toEqual({ decision: 'noOpinion', reason: '' });
  expect((await can(user('bob'), 'list', 'pods', { namespace: 'dev' })).decision).toBe('noOpinion');
});

test('groups, and ServiceAccounts by subject or by the system:serviceaccounts[:ns] groups', async () => {
  await clusterRole('pod-reader', podReader);
  await binding('dev', 'by-group', { kind: 'ClusterRole', name: 'pod-reader' }, [{ kind: 'Group', name: 'devs' }]);
  // A ServiceAccount subject without a namespace is the binding's namespace's.
  await binding('dev', 'by-sa', { kind: 'ClusterRole', name: 'pod-reader' }, [{ kind: 'ServiceAccount', name: 'robot' }]);
  await binding('ci', 'all-sas', { kind: 'ClusterRole', name: 'pod-reader' }, [{ kind: 'Group', name: 'system:serviceaccounts:ci' }]);
  expect((await can(user('carol', 'devs'), 'get', 'pods', { namespace: 'dev', name: 'p' })).reason).toBe(
    'RBAC: allowed by RoleBinding "by-group/dev" of ClusterRole "pod-reader" to Group "devs"',
  );
  const robot = user('system:serviceaccount:dev:robot', 'system:serviceaccounts', 'system:serviceaccounts:dev');
  expect((await can(robot, 'list', 'pods', { namespace: 'dev' })).reason).toBe('RBAC: allowed by RoleBinding "by-sa/dev" of ClusterRole "pod-reader" to ServiceAccount "robot/dev"');
  expect((await can(user('system:serviceaccount:other:robot', 'system:serviceaccounts'), 'list', 'pods', { namespace: 'dev' })).decision).toBe('noOpinion');
  expect((await can(user('system:serviceaccount:ci:builder', 'system:serviceaccounts', 'system:serviceaccounts:ci'), 'list', 'pods', { namespace: 'ci' })).decision).toBe('allow');
  // A user merely named like a group gets nothing from a Group subject.
  expect((await can(user('devs'), 'list', 'pods', { namespace: 'dev' })).decision).toBe('noOpinion');
});

test('a RoleBinding to a ClusterRole grants only in its own namespace, never cluster-wide', async () => {
  await clusterRole('pod-reader', podReader);
  await binding('dev', 'read', { kind: 'ClusterRole', name: 'pod-reader' }, [{ kind: 'User', name: 'alice' }]);
  expect((await can(user('alice'), 'list', 'pods', { namespace: 'dev' })).decision).toBe('allow');
  expect((await can(user('alice'), 'list', 'pods', { namespace: 'prod' })).decision).toBe('noOpinion');
  expect((await can(user('alice'), 'list', 'pods')).decision).toBe('noOpinion');
});

test('a Role is looked up in its binding namespace; resourceNames allow get but not list', async () => {
  await role('dev', 'web-only', [{ verbs: ['get', 'list'], apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'], resourceNames: ['web'] }]);
  await role('prod', 'web-only', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]);
  await binding('dev', 'web', { kind: 'Role', name: 'web-only' }, [{ kind: 'User', name: 'alice' }]);
  const alice = user('alice');
  expect((await can(alice, 'get', 'deployments', { group: 'apps', namespace: 'dev', name: 'web' })).decision).toBe('allow');
  expect((await can(alice, 'get', 'deployments', { group: 'apps', namespace: 'dev', name: 'db' })).decision).toBe('noOpinion');
  expect((await can(alice, 'list', 'deployments', { group: 'apps', namespace: 'dev' })).decision).toBe('noOpinion');
  expect((await can(alice, 'get', 'deployments', { group: 'apps', namespace: 'dev', name: 'web', subresource: 'scale' })).decision).toBe('allow');
  expect((await can(alice, 'get', 'deployments', { group: 'apps', namespace: 'dev', name: 'web', subresource: 'status' })).decision).toBe('noOpinion');
});

test('a binding to a missing role is an evaluation error in the reason, but other bindings still grant', async () => {
  await binding('dev', 'broken', { kind: 'Role', name: 'gone' }, [{ kind: 'User', name: 'alice' }]);
  await clusterBinding('broken-too', 'also-gone', [{ kind: 'Group', name: 'system:authenticated' }]);
  const alice = user('alice', 'system:authenticated');
  expect(await can(alice, 'list', 'pods', { namespace: 'dev' })).toEqual({
    decision: 'noOpinion',
    reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "also-gone" not found, role.rbac.authorization.k8s.io "gone" not found]',
  });
  expect((await can(alice, 'list', 'pods')).reason).toBe('RBAC: clusterrole.rbac.authorization.k8s.io "also-gone" not found');
  await clusterRole('pod-reader', podReader);
  await binding('dev', 'works', { kind: 'ClusterRole', name: 'pod-reader' }, [{ kind: 'User', name: 'alice' }]);
  expect((await can(alice, 'list', 'pods', { namespace: 'dev' })).decision).toBe('allow');
  const rules = await authorizer.rulesFor(alice, 'dev');
  expect(rules.resourceRules).toEqual([{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] }]);
  expect(rules.evaluationError).toBe('[clusterrole.rbac.authorization.k8s.io "also-gone" not found, role.rbac.authorization.k8s.io "gone" not found]');
});

test('system:masters is allowed everything without any binding, and lists no rules of its own', async () => {
  const admin = user('root', 'system:masters');
  expect(await can(admin, 'delete', 'nodes', { name: 'n1' })).toEqual({ decision: 'allow', reason: '' });
  expect((await authorizer.authorize({ user: admin, verb: 'post', resourceRequest: false, path: '/kubefake/v1/reset' })).decision).toBe('allow');
  expect(await authorizer.rulesFor(admin, 'default')).toEqual({ resourceRules: [], nonResourceRules: [], incomplete: false });
});

test('non-resource rules are checked cluster-wide and listed apart from resource rules', async () => {
  await clusterRole('health', [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/readyz/*'] }, ...podReader]);
  await clusterBinding('health', 'health', [{ kind: 'Group', name: 'system:unauthenticated' }]);
  const anonymous = user('system:anonymous', 'system:unauthenticated');
  const get = (p: string) => authorizer.authorize({ user: anonymous, verb: 'get', resourceRequest: false, path: p });
  expect((await get('/healthz')).decision).toBe('allow');
  expect((await get('/readyz/etcd')).decision).toBe('allow');
  expect((await get('/version')).decision).toBe('noOpinion');
  expect(await authorizer.rulesFor(anonymous, 'default')).toEqual({
    resourceRules: [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] }],
    nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/readyz/*'] }],
    incomplete: false,
  });
});

test('the cache follows every change to roles and bindings, and only those rebuild it', async () => {
  const alice = user('alice');
  const list = async () => (await can(alice, 'list', 'pods', { namespace: 'dev' })).decision;
  expect(await list()).toBe('noOpinion');
  await clusterRole('pod-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]);
  await binding('dev', 'read', { kind: 'ClusterRole', name: 'pod-reader' }, [{ kind: 'User', name: 'alice' }]);
  expect(await list()).toBe('noOpinion');
  // The role gains `list`: the next decision sees it.
  await store.update(`${rbac}/clusterroles/pod-reader`, { metadata: { name: 'pod-reader' }, rules: podReader });
  expect(await list()).toBe('allow');
  const loads = authorizer.index.loads;
  // Writes elsewhere (pods, configmaps) keep the cache.
  for (let i = 0; i < 5; i++) await store.create(`/registry/core/pods/dev/p${i}`, { metadata: { name: `p${i}` } });
  expect(await list()).toBe('allow');
  expect(authorizer.index.loads).toBe(loads);
  // The binding's subject changes: alice loses it at once.
  await store.update(`${rbac}/rolebindings/dev/read`, { metadata: { namespace: 'dev', name: 'read' }, roleRef: { kind: 'ClusterRole', name: 'pod-reader' }, subjects: [{ kind: 'User', name: 'bob' }] });
  expect(await list()).toBe('noOpinion');
  expect((await can(user('bob'), 'list', 'pods', { namespace: 'dev' })).decision).toBe('allow');
  await store.delete(`${rbac}/rolebindings/dev/read`);
  expect((await can(user('bob'), 'list', 'pods', { namespace: 'dev' })).decision).toBe('noOpinion');
  expect(authorizer.index.loads).toBeGreaterThan(loads);
});

test('decisions racing a write never answer from a snapshot older than the decision', async () => {
  await clusterRole('pod-reader', podReader);
  const pending = can(user('alice'), 'list', 'pods', { namespace: 'dev' });
  await binding('dev', 'read', { kind: 'ClusterRole', name: 'pod-reader' }, [{ kind: 'User', name: 'alice' }]);
  // Started before the binding existed: either answer is sound; the next one must see it.
  await pending;
  expect((await can(user('alice'), 'list', 'pods', { namespace: 'dev' })).decision).toBe('allow');
});
