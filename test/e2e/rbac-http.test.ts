// RBAC over HTTP with static tokens: 403s worded as upstream's, access reviews, escalation and impersonation checks.
import { apiServerOnly, startTestCluster, type TestCluster } from '../helpers.js';

let cluster: TestCluster;
const tokens = [
  { token: 'root', user: 'kubefake-admin', groups: ['system:masters'] },
  { token: 'alice', user: 'alice', groups: ['dev-team'] },
  { token: 'bob', user: 'bob' },
];
const rbac = 'rbac.authorization.k8s.io/v1';

beforeAll(async () => {
  cluster = await startTestCluster({ ...apiServerOnly, clock: 'virtual', auth: { tokens }, authorization: 'RBAC' });
  for (const name of ['dev', 'prod']) await cluster.client.create('v1', 'namespaces', undefined, { metadata: { name } });
  // What bootstrap's system:basic-user grants, under a name of our own so these tests do not depend on that policy.
  await cluster.client.create(rbac, 'clusterroles', undefined, {
    metadata: { name: 'test:self-reviews' },
    rules: [
      { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
      { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
    ],
  });
  await cluster.client.create(rbac, 'clusterrolebindings', undefined, {
    metadata: { name: 'test:self-reviews' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'test:self-reviews' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }],
  });
});
afterAll(() => cluster.close());

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${cluster.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function expectForbidden(answer: Answer, message: string): void {
  expect(answer).toMatchObject({ status: 403, body: { kind: 'Status', reason: 'Forbidden', code: 403, message } });
}

/** In-process, so unrestricted: grants the way an admin would. */
async function grant(namespace: string, name: string, rules: unknown[], subject = { kind: 'User', name: 'alice' }): Promise<void> {
  await cluster.client.create(rbac, 'roles', namespace, { metadata: { name }, rules });
  await cluster.client.create(rbac, 'rolebindings', namespace, {
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', ...subject }],
  });
}

describe('request authorization', () => {
  test('refusals are 403 Status with upstream wording, before routing', async () => {
    expectForbidden(
      await call('alice', 'GET', '/api/v1/namespaces/dev/pods'),
      'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "dev"',
    );
    const get = await call('alice', 'GET', '/apis/apps/v1/namespaces/dev/deployments/web');
    expectForbidden(get, 'deployments.apps "web" is forbidden: User "alice" cannot get resource "deployments" in API group "apps" in the namespace "dev"');
    expect(get.body.details).toEqual({ name: 'web', group: 'apps', kind: 'deployments' });
    expectForbidden(await call('alice', 'GET', '/api/v1/nodes?watch=true'), 'nodes is forbidden: User "alice" cannot watch resource "nodes" in API group "" at the cluster scope');
    expectForbidden(
      await call('alice', 'GET', '/api/v1/namespaces/dev/pods/web/log'),
      'pods "web" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "dev"',
    );
    // A resource that does not exist is refused the same way: the refused learn nothing of the API.
    expectForbidden(await call('alice', 'GET', '/apis/nope.example.com/v1/things'), 'things.nope.example.com is forbidden: User "alice" cannot list resource "things" in API group "nope.example.com" at the cluster scope');
    const control = await call('alice', 'POST', '/kubefake/v1/kubeconfig', { user: 'eve', token: 'x' });
    expectForbidden(control, 'forbidden: User "alice" cannot post path "/kubefake/v1/kubeconfig"');
    expect(control.body.details).toEqual({});
  });

  test('system:masters and the in-process client are never refused', async () => {
    expect((await call('root', 'GET', '/api/v1/namespaces/dev/pods')).status).toBe(200);
    expect((await call('root', 'GET', '/kubefake/v1/clock')).status).toBe(200);
    await expect(cluster.client.list('v1', 'secrets', 'kube-system')).resolves.toBeDefined();
  });

  test('a RoleBinding grants in its namespace only; resourceNames limit to the named object', async () => {
    await grant('dev', 'pod-reader', [
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] },
    ]);
    await cluster.client.create('v1', 'configmaps', 'dev', { metadata: { name: 'settings' } });
    expect((await call('alice', 'GET', '/api/v1/namespaces/dev/pods')).status).toBe(200);
    expect((await call('alice', 'GET', '/api/v1/namespaces/prod/pods')).status).toBe(403);
    expect((await call('alice', 'GET', '/api/v1/pods')).status).toBe(403);
    expect((await call('alice', 'GET', '/api/v1/namespaces/dev/configmaps/settings')).status).toBe(200);
    expect((await call('alice', 'GET', '/api/v1/namespaces/dev/configmaps')).status).toBe(403);
    expect((await call('alice', 'DELETE', '/api/v1/namespaces/dev/pods')).status).toBe(403);
  });
});

describe('access reviews', () => {
  const ssar = (spec: unknown) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec });

  test('SelfSubjectAccessReview answers for the caller, with the RBAC reason when allowed', async () => {
    await grant('dev', 'secret-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]);
    const denied = await call('alice', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', ssar({ resourceAttributes: { namespace: 'prod', verb: 'get', resource: 'secrets' } }));
    expect(denied).toMatchObject({ status: 201, body: { status: { allowed: false } } });
    const allowed = await call('alice', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', ssar({ resourceAttributes: { namespace: 'dev', verb: 'get', resource: 'secrets' } }));
    expect(allowed.body.status).toEqual({ allowed: true, reason: 'RBAC: allowed by RoleBinding "secret-reader/dev" of Role "secret-reader" to User "alice"' });
  });

  test('SubjectAccessReview asks about the spec user as given; masters are allowed with no reason', async () => {
    const sar = (spec: unknown) => call('root', 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec });
    expect((await sar({ user: 'bob', resourceAttributes: { namespace: 'dev', verb: 'list', resource: 'pods' } })).body.status).toEqual({ allowed: false });
    expect((await sar({ user: 'x', groups: ['system:masters'], nonResourceAttributes: { verb: 'get', path: '/anything' } })).body.status).toEqual({ allowed: true });
    const invalid = await sar({});
    expect(invalid).toMatchObject({ status: 422, body: { reason: 'Invalid' } });
    expect(invalid.body.message).toBe(
      'SubjectAccessReview.authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified]',
    );
    // A SAR is not a self review: bob may not create one.
    expectForbidden(
      await call('bob', 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { spec: { user: 'bob', nonResourceAttributes: { verb: 'get', path: '/' } } }),
      'subjectaccessreviews.authorization.k8s.io is forbidden: User "bob" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope',
    );
  });

  test('LocalSubjectAccessReview must ask about its own namespace', async () => {
    const path = '/apis/authorization.k8s.io/v1/namespaces/dev/localsubjectaccessreviews';
    const lsar = (spec: unknown, metadata: unknown = {}) => call('root', 'POST', path, { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', metadata, spec });
    const ok = await lsar({ user: 'alice', resourceAttributes: { namespace: 'dev', verb: 'get', resource: 'secrets' } });
    expect(ok).toMatchObject({ status: 201, body: { metadata: { namespace: 'dev' }, status: { allowed: true } } });
    const other = await lsar({ user: 'alice', resourceAttributes: { namespace: 'prod', verb: 'get', resource: 'secrets' } });
    expect(other).toMatchObject({ status: 422 });
    expect(other.body.message).toBe('LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "prod": must match metadata.namespace');
    expect((await lsar({ user: 'alice', resourceAttributes: { namespace: 'dev' } }, { namespace: 'prod' })).status).toBe(400);
  });

  test('SelfSubjectRulesReview lists the caller’s rules in spec.namespace, and needs one', async () => {
    const ssrr = (spec: unknown) => call('alice', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec });
    const answer = await ssrr({ namespace: 'dev' });
    const status = answer.body.status as { resourceRules: unknown[]; incomplete: boolean };
    expect(status.incomplete).toBe(false);
    expect(status.resourceRules).toContainEqual({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] });
    expect(status.resourceRules).toContainEqual({ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] });
    // upstream answers a new object holding only the status.
    expect(answer.body.spec).toEqual({});
    expect(await ssrr({})).toMatchObject({ status: 400, body: { message: 'no namespace on request' } });
  });
});

describe('escalation prevention', () => {
  beforeAll(async () => {
    // alice may manage RBAC objects in prod, and read (only) pods there.
    await grant('prod', 'rbac-manager', [
      { verbs: ['create', 'update', 'get'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'] },
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
    ]);
  });
  const role = (name: string, rules: unknown[]) => ({ apiVersion: rbac, kind: 'Role', metadata: { name }, rules });
  const roles = '/apis/rbac.authorization.k8s.io/v1/namespaces/prod/roles';
  const bindings = '/apis/rbac.authorization.k8s.io/v1/namespaces/prod/rolebindings';

  test('a Role granting only what the writer holds is created; more is refused with the missing rules', async () => {
    expect((await call('alice', 'POST', roles, role('pod-viewer', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]))).status).toBe(201);
    const refused = await call('alice', 'POST', roles, role('pod-killer', [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods', 'secrets'] }]));
    expectForbidden(
      refused,
      'roles.rbac.authorization.k8s.io "pod-killer" is forbidden: user "alice" (groups=["dev-team" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}',
    );
    // Updates are checked too.
    const updated = await call('alice', 'PUT', `${roles}/pod-viewer`, role('pod-viewer', [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }]));
    expect(updated.status).toBe(403);
    // The in-process (admin) client is not checked.
    await expect(cluster.client.create(rbac, 'roles', 'prod', role('admin-made', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]))).resolves.toBeDefined();
  });

  test('`escalate` on roles lets the writer grant what it does not hold', async () => {
    await grant('prod', 'escalator', [{ verbs: ['escalate'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] }], { kind: 'Group', name: 'dev-team' });
    expect((await call('alice', 'POST', roles, role('pod-killer', [{ verbs: ['delete'], apiGroups: [''], resources: ['pods'] }]))).status).toBe(201);
  });

  test('a binding needs the role’s rules held, or `bind` on it; a missing role is 404', async () => {
    const bind = (name: string, roleName: string) => ({
      apiVersion: rbac,
      kind: 'RoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
      subjects: [{ kind: 'User', name: 'bob' }],
    });
    expect((await call('alice', 'POST', bindings, bind('bob-views', 'pod-viewer'))).status).toBe(201);
    const refused = await call('alice', 'POST', bindings, bind('bob-admin', 'admin-made'));
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/^rolebindings.rbac.authorization.k8s.io "bob-admin" is forbidden: user "alice" .* not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}$/);
    // The registry's rule resolver reads roles through their storage, so the miss names the resource (not the lister's kind).
    expect(await call('alice', 'POST', bindings, bind('bob-ghost', 'ghost'))).toMatchObject({
      status: 404,
      body: { reason: 'NotFound', message: 'roles.rbac.authorization.k8s.io "ghost" not found', details: { name: 'ghost', group: 'rbac.authorization.k8s.io', kind: 'roles' } },
    });
    await grant('prod', 'binder', [{ verbs: ['bind'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], resourceNames: ['admin-made'] }]);
    expect((await call('alice', 'POST', bindings, bind('bob-admin', 'admin-made'))).status).toBe(201);
    // bob now holds admin-made in prod, by alice's binding.
    expect((await call('bob', 'DELETE', '/api/v1/namespaces/prod/pods/none')).status).toBe(404);
  });
});

describe('aggregated ClusterRoles', () => {
  const clusterRoles = '/apis/rbac.authorization.k8s.io/v1/clusterroles';
  const aggregated = (name: string) => ({
    apiVersion: rbac,
    kind: 'ClusterRole',
    metadata: { name },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-reader': 'true' } }] },
    rules: [],
  });

  test('an aggregationRule needs cluster-admin, even with no rules; setting or dropping one too', async () => {
    // carol may write ClusterRoles and holds what this one grants directly (nothing), but not `*` on `*.*`.
    await cluster.client.create(rbac, 'clusterroles', undefined, {
      metadata: { name: 'test:clusterrole-writer' },
      rules: [{ verbs: ['create', 'update', 'patch', 'get'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'] }],
    });
    await cluster.client.create(rbac, 'clusterrolebindings', undefined, {
      metadata: { name: 'test:clusterrole-writer' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'test:clusterrole-writer' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }],
    });
    expectForbidden(
      await call('bob', 'POST', clusterRoles, aggregated('reader')),
      'clusterroles.rbac.authorization.k8s.io "reader" is forbidden: must have cluster-admin privileges to use the aggregationRule',
    );
    expect((await call('bob', 'POST', clusterRoles, { apiVersion: rbac, kind: 'ClusterRole', metadata: { name: 'plain' }, rules: [] })).status).toBe(201);
    // Adding one by a patch, or dropping one an admin set, is refused the same way.
    const addByPatch = await call('bob', 'PATCH', `${clusterRoles}/plain`, { aggregationRule: aggregated('plain').aggregationRule }, { 'content-type': 'application/merge-patch+json' });
    expect(addByPatch).toMatchObject({ status: 403, body: { message: 'clusterroles.rbac.authorization.k8s.io "plain" is forbidden: must have cluster-admin privileges to use the aggregationRule' } });
    await cluster.client.create(rbac, 'clusterroles', undefined, aggregated('admin-aggregated'));
    const drop = await call('bob', 'PATCH', `${clusterRoles}/admin-aggregated`, { aggregationRule: null }, { 'content-type': 'application/merge-patch+json' });
    expect(drop.status).toBe(403);
    // Only labels changing on a role without one is fine.
    expect((await call('bob', 'PATCH', `${clusterRoles}/plain`, { metadata: { labels: { a: 'b' } } }, { 'content-type': 'application/merge-patch+json' })).status).toBe(200);
    expect((await call('root', 'POST', clusterRoles, aggregated('reader'))).status).toBe(201);
  });
});

describe('impersonation', () => {
  test('refused without `impersonate`, worded as upstream; allowed once granted', async () => {
    const whoami = () =>
      call('alice', 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }, { 'impersonate-user': 'bob' });
    expectForbidden(await whoami(), 'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope');
    const asGroup = await call('alice', 'GET', '/api/v1/namespaces/dev/pods', undefined, { 'impersonate-user': 'bob', 'impersonate-group': 'admins' });
    expect(asGroup.status).toBe(403);
    await cluster.client.create(rbac, 'clusterroles', undefined, { metadata: { name: 'impersonate-bob' }, rules: [{ verbs: ['impersonate'], apiGroups: [''], resources: ['users'], resourceNames: ['bob'] }] });
    await cluster.client.create(rbac, 'clusterrolebindings', undefined, {
      metadata: { name: 'alice-as-bob' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'impersonate-bob' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
    });
    const as = await whoami();
    expect(as).toMatchObject({ status: 201, body: { status: { userInfo: { username: 'bob', groups: ['system:authenticated'] } } } });
    // Groups are checked one by one: bob alone is not enough to add a group.
    expectForbidden(
      await call('alice', 'GET', '/api/v1/namespaces/dev/pods', undefined, { 'impersonate-user': 'bob', 'impersonate-group': 'admins' }),
      'groups "admins" is forbidden: User "alice" cannot impersonate resource "groups" in API group "" at the cluster scope',
    );
  });
});

describe('AlwaysAllow (the default)', () => {
  let open: TestCluster;
  beforeAll(async () => {
    open = await startTestCluster({ ...apiServerOnly, clock: 'virtual' });
  });
  afterAll(() => open.close());

  test('reviews answer as upstream AlwaysAllow: allowed with no reason, and * rules', async () => {
    const post = async (resource: string, body: unknown) => {
      const res = await fetch(`${open.url}/apis/authorization.k8s.io/v1/${resource}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return (await res.json()) as { status: unknown };
    };
    expect((await post('selfsubjectaccessreviews', { spec: { resourceAttributes: { verb: 'delete', resource: 'nodes' } } })).status).toEqual({ allowed: true });
    expect((await post('selfsubjectrulesreviews', { spec: { namespace: 'default' } })).status).toEqual({
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    });
    const res = await fetch(`${open.url}/api/v1/namespaces/default/pods`, { headers: { 'impersonate-user': 'anyone' } });
    expect(res.status).toBe(200);
  });
});
