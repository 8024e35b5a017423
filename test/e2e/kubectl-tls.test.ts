// kubectl over HTTPS: the kubeconfig verifies the serving certificate, a wrong CA is refused, client certificates work,
// and the CLI's --tls, --tls-cert/--tls-key and `kubefake kubeconfig`.
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { parse } from 'yaml';
import { listenCluster } from '../../src/cluster-listen.js';
import { kubeconfigForIdentity } from '../../src/kubeconfig.js';
import { clusterCACertificatePem } from '../../src/tls/cluster-ca.js';
import { resolveServingTls } from '../../src/tls/serving-cert.js';
import { apiServerOnly, kubectlBinaries, run, startTestCluster, type TestCluster } from '../helpers.js';
import { kubectlOf } from './kubectl-harness.js';
import { httpsCall, ownCertificates } from './tls-support.js';

const wanted = ['1.27', '1.31', '1.33', '1.35'];
const binaries = kubectlBinaries().filter((b) => wanted.includes(b.version));
const newest = binaries[binaries.length - 1]!;
const cli = join(process.cwd(), 'dist', 'cli', 'main.js');

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ ...apiServerOnly, tls: true });
});
afterAll(() => cluster.close());

/** kubectl of `version` with another kubeconfig against the suite's cluster. */
function kubectlWith(kubeconfig: string, args: string[], binary = newest) {
  return run(binary.path, ['--kubeconfig', kubeconfig, '--cache-dir', join(cluster.dir, `cache-${kubeconfig.replace(/\W/g, '')}`), ...args]);
}

function writeTemp(name: string, text: string): string {
  const path = join(cluster.dir, name);
  writeFileSync(path, text);
  return path;
}

test('the suite has the kubectl versions it covers', () => {
  expect(binaries.map((b) => b.version)).toEqual(wanted);
});

test('the kubeconfig is https, trusts the cluster CA and does not skip verification', async () => {
  const config = parse(cluster.kubeconfig);
  expect(cluster.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  expect(config.clusters[0].cluster).toEqual({
    server: cluster.url,
    'certificate-authority-data': Buffer.from(await clusterCACertificatePem()).toString('base64'),
  });
  expect(config.users[0]).toEqual({ name: 'kubefake', user: { token: 'kubefake' } });
});

describe.each(binaries)('kubectl $version', (binary) => {
  const k = kubectlOf(binary, () => cluster);
  test('lists namespaces and creates a configmap through the verified connection', async () => {
    const namespaces = await k.run(['get', 'namespaces', '-o', 'name']);
    expect(namespaces.stderr).toBe('');
    expect(namespaces.stdout).toContain('namespace/kube-system');
    const name = `over-tls-${k.minor}`;
    const created = await k.run(['create', 'configmap', name, '--from-literal=a=1']);
    expect(created).toMatchObject({ code: 0, stdout: `configmap/${name} created\n` });
    expect((await cluster.client.get('v1', 'configmaps', 'default', name)).data).toEqual({ a: '1' });
  });
});

test('a kubeconfig trusting another CA is refused with a certificate error', async () => {
  const other = await ownCertificates('not-the-cluster-ca');
  const config = parse(cluster.kubeconfig);
  config.clusters[0].cluster['certificate-authority-data'] = Buffer.from(other.caPem).toString('base64');
  const path = writeTemp('wrong-ca', JSON.stringify(config));
  for (const binary of [binaries[0]!, newest]) {
    const result = await kubectlWith(path, ['get', 'namespaces'], binary);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/x509: certificate signed by unknown authority/);
  }
});

test('POST /kubefake/v1/kubeconfig answers a client-certificate kubeconfig kubectl uses', async () => {
  const answer = await httpsCall(`${cluster.url}/kubefake/v1/kubeconfig?user=alice&group=system:masters&group=dev`, {
    method: 'POST', ca: await clusterCACertificatePem(), headers: { Authorization: 'Bearer kubefake' },
  });
  expect(answer).toMatchObject({ status: 200, contentType: 'application/yaml' });
  const config = parse(answer.body);
  expect(config['current-context']).toBe('alice@kubefake');
  expect(config.clusters[0].cluster['insecure-skip-tls-verify']).toBeUndefined();
  const cert = new X509Certificate(Buffer.from(config.users[0].user['client-certificate-data'], 'base64'));
  expect(cert.subject).toBe('O=system:masters\nO=dev\nCN=alice');
  expect(config.users[0].user.token).toBeUndefined();
  const path = writeTemp('alice', answer.body);
  for (const binary of binaries) {
    const created = await kubectlWith(path, ['create', 'configmap', `alice-${binary.version}`], binary);
    expect(created).toMatchObject({ code: 0, stdout: `configmap/alice-${binary.version} created\n` });
  }
  // The server authenticated the certificate, not the (absent) token: it knows alice and her groups.
  const whoami = await kubectlWith(path, ['auth', 'whoami', '-o', 'json']);
  expect(JSON.parse(whoami.stdout).status.userInfo).toMatchObject({ username: 'alice', groups: expect.arrayContaining(['system:masters', 'dev']) });
});

test('the https server asks for client certificates and sees kubectl present one that the cluster CA verifies', async () => {
  // The transport alone, with an app that reports what the TLS socket saw, as the authenticator will read it.
  const seen = (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket as TLSSocket;
    const peer: Partial<PeerCertificate> = socket.getPeerCertificate();
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ authorized: socket.authorized, subject: peer.subject ?? null }));
  };
  const listening = await listenCluster(seen, { host: '127.0.0.1', port: 0, tls: await resolveServingTls(true, '127.0.0.1') });
  try {
    const alice = await kubeconfigForIdentity(listening.endpoint, { user: 'alice', groups: ['dev', 'ops'] });
    const withCert = await kubectlWith(writeTemp('alice-raw', alice), ['get', '--raw', '/whoami']);
    expect(JSON.parse(withCert.stdout)).toEqual({ authorized: true, subject: { O: ['dev', 'ops'], CN: 'alice' } });
    // The admin kubeconfig has no certificate: still served (a token is the way in), nothing authorized.
    const admin = writeTemp('admin-raw', cluster.kubeconfig.replace(cluster.url, listening.endpoint.url));
    const withToken = await kubectlWith(admin, ['get', '--raw', '/whoami']);
    expect(JSON.parse(withToken.stdout)).toEqual({ authorized: false, subject: null });
  } finally {
    await new Promise((resolve) => listening.server.close(resolve));
  }
});

test('a certificate of the user\'s own with its CA: the kubeconfig trusts that CA and kubectl verifies it', async () => {
  const own = await ownCertificates();
  const certFile = writeTemp('own.crt', own.certPem);
  const keyFile = writeTemp('own.key', own.keyPem);
  const mine = await startTestCluster({ ...apiServerOnly, tls: { cert: certFile, key: keyFile, ca: own.caPem } });
  try {
    expect(parse(mine.kubeconfig).clusters[0].cluster['certificate-authority-data']).toBe(Buffer.from(own.caPem).toString('base64'));
    const served = await httpsCall(`${mine.url}/readyz`, { ca: own.caPem });
    expect(served).toMatchObject({ status: 200, body: 'ok', serverCN: 'users-own-server' });
    const result = await run(newest.path, ['--kubeconfig', mine.kubeconfigPath, '--cache-dir', mine.cacheDir, 'get', 'namespace', 'default', '-o', 'name']);
    expect(result).toMatchObject({ code: 0, stdout: 'namespace/default\n' });
  } finally {
    await mine.close();
  }
});

interface Started {
  child: ChildProcess;
  url: string;
  kubeconfig: string;
}

function startCli(args: string[]): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'kubefake-cli-tls-'));
  const kubeconfig = join(dir, 'config');
  const child = spawn(process.execPath, [cli, '--port', '0', '--nodes', '0', '--controllers', '', '--kubeconfig', kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += String(d);
      const match = /serving on (\S+)/.exec(out);
      if (match && out.includes('export KUBECONFIG=')) resolve({ child, url: match[1]!, kubeconfig });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`kubefake exited with ${code}: ${out}`)));
  });
}

async function stop(server: Started): Promise<void> {
  const exited = new Promise((resolve) => server.child.on('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

const describeBuilt = existsSync(cli) ? describe : describe.skip;

describeBuilt('the kubefake CLI', () => {
  test('--tls serves https, /readyz answers, and `kubefake kubeconfig` writes a 0600 client-certificate kubeconfig', async () => {
    const server = await startCli(['--tls', '--tls-san', 'kubefake.test']);
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const admin = parse(readFileSync(server.kubeconfig, 'utf8'));
      const ca = Buffer.from(admin.clusters[0].cluster['certificate-authority-data'], 'base64').toString('utf8');
      expect(admin.clusters[0].cluster['insecure-skip-tls-verify']).toBeUndefined();
      expect(await httpsCall(`${server.url}/readyz`, { ca })).toMatchObject({ status: 200, body: 'ok', serverCN: 'kube-apiserver' });
      const served = await httpsCall(`${server.url}/readyz`, { ca, servername: 'kubefake.test' });
      expect(served.status).toBe(200);

      const output = join(mkdtempSync(join(tmpdir(), 'kubefake-kc-')), 'bob.yaml');
      const written = await run(process.execPath, [cli, 'kubeconfig', '--kubeconfig', server.kubeconfig, '--user', 'bob', '--group', 'system:masters', '-o', output]);
      expect(written).toMatchObject({ code: 0, stdout: '' });
      expect(statSync(output).mode & 0o777).toBe(0o600);
      const bob = parse(readFileSync(output, 'utf8'));
      expect(new X509Certificate(Buffer.from(bob.users[0].user['client-certificate-data'], 'base64')).subject).toBe('O=system:masters\nCN=bob');
      const created = await run(newest.path, ['--kubeconfig', output, '--cache-dir', join(output, '..', 'cache'), 'create', 'configmap', 'from-bob']);
      expect(created).toMatchObject({ code: 0, stdout: 'configmap/from-bob created\n' });

      const toStdout = await run(process.execPath, [cli, 'kubeconfig', '--kubeconfig', server.kubeconfig, '--user', 'carol']);
      expect(toStdout.code).toBe(0);
      expect(parse(toStdout.stdout).users[0].name).toBe('carol');
    } finally {
      await stop(server);
    }
  });

  test('--tls-cert/--tls-key serve the user\'s certificate; the kubeconfig skips verification, as it has no CA', async () => {
    const own = await ownCertificates();
    const dir = mkdtempSync(join(tmpdir(), 'kubefake-own-'));
    writeFileSync(join(dir, 'tls.crt'), own.certPem);
    writeFileSync(join(dir, 'tls.key'), own.keyPem);
    const server = await startCli(['--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key')]);
    try {
      expect(server.url).toMatch(/^https:\/\//);
      expect(parse(readFileSync(server.kubeconfig, 'utf8')).clusters[0].cluster).toEqual({ server: server.url, 'insecure-skip-tls-verify': true });
      expect(await httpsCall(`${server.url}/readyz`, { ca: own.caPem })).toMatchObject({ status: 200, serverCN: 'users-own-server' });
      const result = await run(newest.path, ['--kubeconfig', server.kubeconfig, '--cache-dir', join(dir, 'cache'), 'get', 'namespace', 'default', '-o', 'name']);
      expect(result).toMatchObject({ code: 0, stdout: 'namespace/default\n' });
    } finally {
      await stop(server);
    }
  });

  test('flag mistakes and a plain-http server fail with what is wrong', async () => {
    const lonely = await run(process.execPath, [cli, '--port', '0', '--tls-cert', '/nonexistent.crt']);
    expect(lonely).toMatchObject({ code: 1, stderr: 'kubefake: --tls-cert and --tls-key go together\n' });
    // `kubefake kubeconfig` talks to any server its kubeconfig names: an in-process one without TLS will do.
    const plain = await startTestCluster(apiServerOnly);
    try {
      const refused = await run(process.execPath, [cli, 'kubeconfig', '--kubeconfig', plain.kubeconfigPath, '--user', 'dave']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(`kubefake: ${plain.url} answered 400: client certificates need TLS: start kubefake with tls: true (--tls); tokens work without TLS\n`);
      const noUser = await run(process.execPath, [cli, 'kubeconfig', '--kubeconfig', plain.kubeconfigPath]);
      expect(noUser.code).toBe(1);
      expect(noUser.stderr).toContain("required option '--user <name>' not specified");
    } finally {
      await plain.close();
    }
  });
});
