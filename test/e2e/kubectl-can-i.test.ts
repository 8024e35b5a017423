// kubectl against an RBAC cluster: `auth can-i` (SelfSubjectAccessReview, --list = SelfSubjectRulesReview, --as =
// impersonation), Forbidden errors as kubectl prints them, and the CLI's --authorization flag.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiServerOnly, kubectlBinaries, run, startTestCluster, type TestCluster } from '../helpers.js';

const binaries = kubectlBinaries();
const kubectl = binaries[binaries.length - 1];
const withKubectl = kubectl ? describe : describe.skip;
const rbac = 'rbac.authorization.k8s.io/v1';

withKubectl('kubectl', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    // TLS, as client-go sends credentials only over it; the admin kubeconfig is system:masters.
    cluster = await startTestCluster({ ...apiServerOnly, tls: true, authorization: 'RBAC' });
    await cluster.client.create('v1', 'namespaces', undefined, { metadata: { name: 'dev' } });
    // What bootstrap's system:basic-user grants, so these tests do not depend on the default policy.
    await cluster.client.create(rbac, 'clusterroles', undefined, {
      metadata: { name: 'test:self-reviews' },
      rules: [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] }],
    });
    await cluster.client.create(rbac, 'clusterrolebindings', undefined, {
      metadata: { name: 'test:self-reviews' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'test:self-reviews' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }],
    });
  });
  afterAll(() => cluster?.close());

  const k = (...args: string[]) => run(kubectl!.path, ['--kubeconfig', cluster.kubeconfigPath, '--cache-dir', cluster.cacheDir, ...args]);

  test('auth can-i answers no, then yes once a RoleBinding grants it; --list shows the rules', async () => {
    expect(await k('auth', 'can-i', 'list', 'pods', '-n', 'dev', '--as', 'alice')).toMatchObject({ code: 1, stdout: 'no\n' });
    expect(await k('auth', 'can-i', 'delete', 'nodes')).toMatchObject({ code: 0, stdout: 'yes\n' });
    await cluster.client.create(rbac, 'roles', 'dev', { metadata: { name: 'pod-reader' }, rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }] });
    await cluster.client.create(rbac, 'rolebindings', 'dev', {
      metadata: { name: 'alice-reads' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
    });
    expect(await k('auth', 'can-i', 'list', 'pods', '-n', 'dev', '--as', 'alice')).toMatchObject({ code: 0, stdout: 'yes\n' });
    expect(await k('auth', 'can-i', 'list', 'pods', '-n', 'default', '--as', 'alice')).toMatchObject({ code: 1, stdout: 'no\n' });
    const listed = await k('auth', 'can-i', '--list', '-n', 'dev', '--as', 'alice');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^pods\s+\[\]\s+\[\]\s+\[get list\]$/m);
    expect(listed.stdout).toMatch(/^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
  });

  test('a refused request prints upstream\'s Forbidden message', async () => {
    const refused = await k('get', 'secrets', '-n', 'dev', '--as', 'alice');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'Error from server (Forbidden): secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "dev"',
    );
  });
});

const cli = join(process.cwd(), 'dist', 'cli', 'main.js');
const testBuilt = existsSync(cli) ? test : test.skip;

testBuilt('the CLI: --authorization RBAC refuses a token user, and an unknown mode is an error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubefake-cli-rbac-'));
  const args = ['--port', '0', '--nodes', '0', '--controllers', '', '--log-level', 'error', '--kubeconfig', join(dir, 'config'), '--token', 'root', '--token', 'bob-token:bob', '--authorization', 'RBAC'];
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += String(d);
        const served = /serving on (\S+)/.exec(out);
        if (served && out.includes('export KUBECONFIG=')) resolve(served[1]!);
      });
      child.on('exit', (code) => reject(new Error(`kubefake exited with ${code}: ${out}`)));
    });
    const as = (token: string) => fetch(`${url}/api/v1/namespaces/default/pods`, { headers: { authorization: `Bearer ${token}` } });
    const refused = await as('bob-token');
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { message: string }).message).toBe('pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"');
    expect((await as('root')).status).toBe(200);
    const bad = await run(process.execPath, [cli, '--port', '0', '--authorization', 'Webhook']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("option '--authorization <mode>' argument 'Webhook' is invalid. Allowed choices are AlwaysAllow, RBAC.");
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});
