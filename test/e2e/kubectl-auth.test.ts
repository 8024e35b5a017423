// kubectl against an authenticating cluster (over HTTPS: client-go sends credentials only over TLS): `auth whoami` as
// token users, impersonated users, ServiceAccounts and client certificates, and Unauthorized for the rest.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { apiServerOnly, kubectlBinaries, run, startTestCluster, type RunResult, type TestCluster } from '../helpers.js';
import { httpsCall, ownCertificates } from './tls-support.js';

const wanted = ['1.27', '1.33', '1.35'];
const binaries = kubectlBinaries().filter((b) => wanted.includes(b.version));
const admin = { username: 'kubefake-admin', groups: ['system:masters', 'system:authenticated'] };

let strict: TestCluster;
let open: TestCluster;
const kubeconfigs: Record<string, string> = {};
beforeAll(async () => {
  [strict, open] = await Promise.all([
    startTestCluster({
      ...apiServerOnly,
      tls: true,
      auth: { tokens: [{ token: 'ci-admin', user: 'kubefake-admin', groups: ['system:masters'] }, { token: 'dev-token', user: 'alice', uid: 'alice-uid', groups: ['dev', 'qa'] }] },
    }),
    startTestCluster({ ...apiServerOnly, tls: true }),
  ]);
  await strict.client.create('v1', 'serviceaccounts', 'default', { metadata: { name: 'robot' } });
  const write = (name: string, yaml: string) => {
    kubeconfigs[name] = join(strict.dir, `${name}.kubeconfig`);
    writeFileSync(kubeconfigs[name], yaml);
  };
  write('admin', strict.kubeconfig);
  write('open', open.kubeconfig);
  write('carol', await strict.kubeconfigFor({ user: 'carol', groups: ['dev', 'ops'] }));
  const bare = parse(strict.kubeconfig);
  bare.users[0].user = {};
  write('none', stringify(bare));
  // A client certificate from a CA that is not the cluster's, next to the admin token.
  const foreign = await ownCertificates('someone-elses-ca');
  const stranger = parse(strict.kubeconfig);
  stranger.users[0].user['client-certificate-data'] = Buffer.from(foreign.certPem).toString('base64');
  stranger.users[0].user['client-key-data'] = Buffer.from(foreign.keyPem).toString('base64');
  write('stranger-with-token', stringify(stranger));
  delete stranger.users[0].user.token;
  write('stranger', stringify(stranger));
});
afterAll(() => Promise.all([strict?.close(), open?.close()]));

/** POST a SelfSubjectReview without credentials (or with `token`) over HTTPS, trusting `ca`. */
function selfSubjectReview(url: string, ca: string, token?: string) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
  return httpsCall(`${url}/apis/authentication.k8s.io/v1/selfsubjectreviews`, { method: 'POST', ca, headers, body });
}

test('without credentials: 401 with upstream\'s Status once tokens are configured; health stays open', async () => {
  const ca = strict.caPem!;
  const refused = await selfSubjectReview(strict.url, ca);
  expect(refused).toMatchObject({ status: 401, contentType: 'application/json' });
  expect(JSON.parse(refused.body)).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  expect(await httpsCall(`${strict.url}/readyz`, { ca })).toMatchObject({ status: 200, body: 'ok' });
  // Without configured tokens the same request is system:anonymous.
  const anonymous = await selfSubjectReview(open.url, open.caPem!);
  expect(JSON.parse(anonymous.body).status.userInfo).toEqual({ username: 'system:anonymous', groups: ['system:unauthenticated'] });
});

test('the suite has the kubectl versions it covers', () => {
  expect(binaries.map((b) => b.version)).toEqual(wanted);
});

describe.each(binaries)('kubectl $version', (binary) => {
  const minor = Number(binary.version.split('.')[1]);
  const kubectl = (kubeconfig: string, args: string[], input?: string): Promise<RunResult> =>
    run(binary.path, ['--kubeconfig', kubeconfigs[kubeconfig]!, '--cache-dir', join(strict.dir, `cache-${binary.version}-${kubeconfig}`), ...args], {}, input);

  /** The caller's UserInfo: `auth whoami -o json`; kubectl 1.27 asks only v1beta1, which a 1.36 server does not serve. */
  async function whoami(kubeconfig: string, args: string[] = []): Promise<unknown> {
    const result =
      minor >= 28
        ? await kubectl(kubeconfig, ['auth', 'whoami', '-o', 'json', ...args])
        : await kubectl(kubeconfig, ['create', '--validate=false', '-f', '-', '-o', 'json', ...args], JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(result.stdout).status.userInfo;
  }

  test('auth whoami: the kubeconfig token\'s user, then a --token user with its uid and groups', async () => {
    if (minor >= 28) {
      const table = await kubectl('admin', ['auth', 'whoami']);
      expect(table).toMatchObject({ code: 0, stdout: 'ATTRIBUTE   VALUE\nUsername    kubefake-admin\nGroups      [system:masters system:authenticated]\n' });
    } else {
      // As against a real 1.29+ apiserver: authentication.k8s.io/v1beta1 is off by default there.
      const refused = await kubectl('admin', ['auth', 'whoami']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('the selfsubjectreviews API is not enabled in the cluster');
    }
    expect(await whoami('admin')).toEqual(admin);
    expect(await whoami('admin', ['--token', 'dev-token'])).toEqual({ username: 'alice', uid: 'alice-uid', groups: ['dev', 'qa', 'system:authenticated'] });
  });

  test('--as and --as-group impersonate; a ServiceAccount name brings the ServiceAccount groups', async () => {
    expect(await whoami('admin', ['--as', 'alice', '--as-group', 'dev', '--as-group', 'ops'])).toEqual({
      username: 'alice',
      groups: ['dev', 'ops', 'system:authenticated'],
    });
    expect(await whoami('admin', ['--as', 'system:serviceaccount:default:robot'])).toEqual({
      username: 'system:serviceaccount:default:robot',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
    });
  });

  test('a token from `kubectl create token` authenticates as the ServiceAccount', async () => {
    const created = await kubectl('admin', ['create', 'token', 'robot', '--duration', '15m']);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const token = created.stdout.trim();
    const uid = (await strict.client.get('v1', 'serviceaccounts', 'default', 'robot')).metadata.uid;
    expect(await whoami('none', ['--token', token])).toEqual({
      username: 'system:serviceaccount:default:robot',
      uid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/credential-id': [expect.stringMatching(/^JTI=/)] },
    });
  });

  test('a wrong token, or only a certificate from another CA: Unauthorized', async () => {
    // Newer kubectl words a 401 met during discovery its own way.
    const loggedOut = /error: You must be logged in to the server \((Unauthorized|the server has asked for the client to provide credentials)\)/;
    for (const [kubeconfig, args] of [['admin', ['--token', 'wrong']], ['stranger', []]] as const) {
      const refused = await kubectl(kubeconfig, ['get', 'namespaces', ...args]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(loggedOut);
    }
  });

  test('a client certificate from the cluster CA is its CN and Os; a foreign one beside a token leaves the token in charge', async () => {
    expect(await whoami('carol')).toEqual({
      username: 'carol',
      groups: ['dev', 'ops', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/credential-id': [expect.stringMatching(/^X509SHA256=[0-9a-f]{64}$/)] },
    });
    expect(await whoami('stranger-with-token')).toEqual(admin);
  });

  test('without configured tokens the default kubeconfig is the admin', async () => {
    expect(await whoami('open')).toEqual(admin);
  });
});

const cli = join(process.cwd(), 'dist', 'cli', 'main.js');
const testBuilt = existsSync(cli) ? test : test.skip;

testBuilt('the CLI: --token users with groups, the first token in the kubeconfig, --anonymous-auth', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubefake-cli-auth-'));
  const kubeconfig = join(dir, 'config');
  const args = ['--port', '0', '--nodes', '0', '--controllers', '', '--log-level', 'error', '--tls', '--kubeconfig', kubeconfig, '--token', 'root-token', '--token', 'bob-token:bob:dev,qa', '--anonymous-auth', 'true'];
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += String(d);
        if (out.includes('export KUBECONFIG=')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`kubefake exited with ${code}: ${out}`)));
    });
    expect(parse(readFileSync(kubeconfig, 'utf8')).users[0].user).toEqual({ token: 'root-token' });
    const newest = binaries[binaries.length - 1]!;
    const whoami = async (extra: string[]) => {
      const result = await run(newest.path, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'auth', 'whoami', '-o', 'json', ...extra]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      return JSON.parse(result.stdout).status.userInfo;
    };
    expect(await whoami([])).toEqual(admin);
    expect(await whoami(['--token', 'bob-token'])).toEqual({ username: 'bob', groups: ['dev', 'qa', 'system:authenticated'] });
    // --anonymous-auth true: no credentials is system:anonymous. (Not kubectl: it prompts for a username when a
    // kubeconfig has no credentials, before sending anything.)
    const ca = Buffer.from(parse(readFileSync(kubeconfig, 'utf8')).clusters[0].cluster['certificate-authority-data'], 'base64').toString();
    const url = parse(readFileSync(kubeconfig, 'utf8')).clusters[0].cluster.server;
    const anonymous = await selfSubjectReview(url, ca);
    expect(anonymous).toMatchObject({ status: 201 });
    expect(JSON.parse(anonymous.body).status.userInfo).toEqual({ username: 'system:anonymous', groups: ['system:unauthenticated'] });
    const bad = await run(process.execPath, [cli, '--port', '0', '--token', 'a:b:c:d']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('expected token[:user[:group1,group2]]');
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});
