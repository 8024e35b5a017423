// kubectl against an RBAC cluster (over HTTPS, tokens): allowed and forbidden requests, `auth can-i` (--list, --as),
// the bootstrap `view` role, ServiceAccount tokens, impersonation refused, and escalation prevention.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlBinaries, run, startTestCluster, type RunResult, type TestCluster } from '../helpers.js';

const wanted = ['1.33', '1.35'];
const binaries = kubectlBinaries().filter((b) => wanted.includes(b.version));
const rbac = 'rbac.authorization.k8s.io/v1';

let cluster: TestCluster;
let kubeconfig: string;
beforeAll(async () => {
  cluster = await startTestCluster({
    // The aggregation controller fills the bootstrap admin/edit/view roles (without it they have no rules, as upstream).
    controllers: 'clusterrole-aggregation',
    nodes: 0,
    tls: true,
    authorization: 'RBAC',
    auth: {
      tokens: [
        { token: 'ci-admin', user: 'kubefake-admin', groups: ['system:masters'] },
        { token: 'alice-token', user: 'alice' },
        { token: 'bob-token', user: 'bob', groups: ['dev-team'] },
      ],
    },
  });
  kubeconfig = join(cluster.dir, 'admin.kubeconfig');
  writeFileSync(kubeconfig, cluster.kubeconfig);
  const client = cluster.client;
  await client.create('v1', 'namespaces', undefined, { metadata: { name: 'dev' } });
  await client.create('v1', 'serviceaccounts', 'dev', { metadata: { name: 'robot' } });
  await client.create('v1', 'pods', 'dev', { metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
  await client.create(rbac, 'roles', 'dev', {
    metadata: { name: 'pod-reader' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
  });
  await client.create(rbac, 'roles', 'dev', {
    metadata: { name: 'role-writer' },
    rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['create', 'get', 'list'] }],
  });
  for (const role of ['pod-reader', 'role-writer']) {
    await client.create(rbac, 'rolebindings', 'dev', {
      metadata: { name: `alice-${role}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
    });
  }
  // The bootstrap `view` ClusterRole (aggregated from system:aggregate-to-view), for bob's group in dev only.
  await client.create(rbac, 'rolebindings', 'dev', {
    metadata: { name: 'dev-team-view' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'dev-team' }],
  });
  await cluster.settle();
});
afterAll(() => cluster?.close());

test('the suite has the kubectl versions it covers', () => {
  expect(binaries.map((b) => b.version)).toEqual(wanted);
});

describe.each(binaries)('kubectl $version', (binary) => {
  const kubectl = (args: string[], input?: string): Promise<RunResult> =>
    run(binary.path, ['--kubeconfig', kubeconfig, '--cache-dir', join(cluster.dir, `cache-${binary.version}`), ...args], {}, input);
  const as = (token: string, args: string[], input?: string) => kubectl(['--token', token, ...args], input);

  test('a Role bound to alice: she lists pods in dev and is refused elsewhere with upstream\'s message', async () => {
    const allowed = await as('alice-token', ['get', 'pods', '-n', 'dev', '-o', 'name']);
    expect(allowed).toMatchObject({ code: 0, stdout: 'pod/web\n' });
    const elsewhere = await as('alice-token', ['get', 'pods', '-n', 'default']);
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.stderr).toContain(
      'Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    const write = await as('alice-token', ['delete', 'pod', 'web', '-n', 'dev']);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toContain('pods "web" is forbidden: User "alice" cannot delete resource "pods" in API group "" in the namespace "dev"');
    const clusterScoped = await as('alice-token', ['get', 'nodes']);
    expect(clusterScoped.stderr).toContain('nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope');
    expect((await cluster.client.get('v1', 'pods', 'dev', 'web')).metadata.name).toBe('web');
  });

  test('auth can-i answers yes and no, also for another user with --as', async () => {
    expect(await as('alice-token', ['auth', 'can-i', 'list', 'pods', '-n', 'dev'])).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(await as('alice-token', ['auth', 'can-i', 'create', 'pods', '-n', 'dev'])).toMatchObject({ code: 1, stdout: 'no\n' });
    expect(await kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'dev', '--as', 'alice'])).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect((await kubectl(['auth', 'can-i', 'list', 'secrets', '-n', 'dev', '--as', 'alice'])).stdout).toBe('no\n');
    // The admin (system:masters) may do anything.
    expect(await kubectl(['auth', 'can-i', '*', '*'])).toMatchObject({ code: 0, stdout: 'yes\n' });
    // The view ClusterRole through a group: deployments yes, secrets no (view never reads secrets), nothing outside dev.
    expect((await as('bob-token', ['auth', 'can-i', 'get', 'deployments.apps', '-n', 'dev'])).stdout).toBe('yes\n');
    expect((await as('bob-token', ['auth', 'can-i', 'get', 'secrets', '-n', 'dev'])).stdout).toBe('no\n');
    expect((await as('bob-token', ['auth', 'can-i', 'get', 'deployments.apps', '-n', 'default'])).stdout).toBe('no\n');
    // Impersonating bob without his group leaves only what every authenticated user has.
    expect((await kubectl(['auth', 'can-i', 'get', 'deployments.apps', '-n', 'dev', '--as', 'bob'])).stdout).toBe('no\n');
    expect((await kubectl(['auth', 'can-i', 'get', 'deployments.apps', '-n', 'dev', '--as', 'bob', '--as-group', 'dev-team'])).stdout).toBe('yes\n');
  });

  test('auth can-i --list shows the rules that apply in the namespace', async () => {
    const listed = await as('alice-token', ['auth', 'can-i', '--list', '-n', 'dev']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
    expect(listed.stdout).toMatch(/^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    expect(listed.stdout).toMatch(/^roles\.rbac\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create get list\]$/m);
    expect(listed.stdout).toMatch(/^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    // Non-resource URLs every authenticated user may get (system:public-info-viewer, system:discovery).
    expect(listed.stdout).toMatch(/^\s+\[\/healthz\]\s+\[\]\s+\[get\]$/m);
    expect(listed.stdout).not.toContain('secrets');
    const elsewhere = await as('alice-token', ['auth', 'can-i', '--list', '-n', 'default']);
    expect(elsewhere.code).toBe(0);
    expect(elsewhere.stdout).not.toMatch(/^pods\s/m);
  });

  test('impersonation needs the impersonate verb', async () => {
    const refused = await as('alice-token', ['get', 'pods', '-n', 'dev', '--as', 'bob']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope');
    const asAlice = await kubectl(['get', 'pods', '-n', 'default', '--as', 'alice']);
    expect(asAlice.stderr).toContain('pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
  });

  test('a ServiceAccount token is refused until a binding names the ServiceAccount', async () => {
    const token = (await kubectl(['create', 'token', 'robot', '-n', 'dev'])).stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const before = await as(token, ['get', 'pods', '-n', 'dev']);
    expect(before.stderr).toContain('pods is forbidden: User "system:serviceaccount:dev:robot" cannot list resource "pods" in API group "" in the namespace "dev"');
    const binding = `robot-view-${binary.version.replace('.', '-')}`;
    expect(await kubectl(['create', 'rolebinding', binding, '--clusterrole=view', '--serviceaccount=dev:robot', '-n', 'dev'])).toMatchObject({ code: 0 });
    expect(await as(token, ['get', 'pods', '-n', 'dev', '-o', 'name'])).toMatchObject({ code: 0, stdout: 'pod/web\n' });
    expect((await kubectl(['delete', 'rolebinding', binding, '-n', 'dev'])).code).toBe(0);
    expect((await as(token, ['get', 'pods', '-n', 'dev'])).code).not.toBe(0);
  });

  test('escalation prevention: alice may create roles and bindings only with permissions she holds', async () => {
    const suffix = binary.version.replace('.', '-');
    const escalating = await as('alice-token', ['create', 'role', `secret-reader-${suffix}`, '--verb=get', '--resource=secrets', '-n', 'dev']);
    expect(escalating.code).not.toBe(0);
    expect(escalating.stderr).toContain(`roles.rbac.authorization.k8s.io "secret-reader-${suffix}" is forbidden: user "alice"`);
    expect(escalating.stderr).toContain('is attempting to grant RBAC permissions not currently held');
    const held = await as('alice-token', ['create', 'role', `pod-peeker-${suffix}`, '--verb=get', '--resource=pods', '-n', 'dev']);
    expect(held).toMatchObject({ code: 0 });
    // A binding to the edit ClusterRole would hand out more than alice holds.
    const binding = await as('alice-token', ['create', 'rolebinding', `alice-edit-${suffix}`, '--clusterrole=edit', '--user=alice', '-n', 'dev']);
    expect(binding.code).not.toBe(0);
    expect(binding.stderr).toContain('is attempting to grant RBAC permissions not currently held');
    const ownRole = await as('alice-token', ['create', 'rolebinding', `bob-peeker-${suffix}`, `--role=pod-peeker-${suffix}`, '--user=bob', '-n', 'dev']);
    expect(ownRole).toMatchObject({ code: 0 });
    await expect(cluster.client.get(rbac, 'roles', 'dev', `secret-reader-${suffix}`)).rejects.toMatchObject({ code: 404 });
  });
});
