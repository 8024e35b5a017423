// The test helpers' kubeconfig reader and HTTP client: contexts, credentials, TLS material and relative file paths.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { kubeRequest, kubeTarget, kubeTargetFromFile } from './kubeconfig-request.js';

function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown>, current = 'ctx'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'other', cluster: { server: 'https://elsewhere:6443' } }, { name: 'c', cluster }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    'current-context': current,
  });
}

test('the current context picks the cluster and a bearer token', () => {
  const target = kubeTarget(kubeconfig({ server: 'http://127.0.0.1:8080' }, { token: 'abc' }));
  expect(target.server.href).toBe('http://127.0.0.1:8080/');
  expect(target.options.headers).toEqual({ authorization: 'Bearer abc' });
  expect(target.options.ca).toBeUndefined();
});

test('https: CA and client certificate data are decoded; insecure-skip-tls-verify turns verification off', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const target = kubeTarget(
    kubeconfig(
      { server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64('CA PEM'), 'tls-server-name': 'kubernetes' },
      { 'client-certificate-data': b64('CERT PEM'), 'client-key-data': b64('KEY PEM') },
    ),
  );
  expect(target.options).toMatchObject({ ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM', rejectUnauthorized: true, servername: 'kubernetes' });
  expect(kubeTarget(kubeconfig({ server: 'https://h', 'insecure-skip-tls-verify': true }, {})).options.rejectUnauthorized).toBe(false);
});

test('file paths resolve against the kubeconfig file\'s directory, as kubectl resolves them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubefake-kc-'));
  writeFileSync(join(dir, 'ca.crt'), 'CA FROM FILE');
  writeFileSync(join(dir, 'token'), 'file-token\n');
  writeFileSync(join(dir, 'config'), kubeconfig({ server: 'https://h:1', 'certificate-authority': 'ca.crt' }, { tokenFile: 'token' }));
  const target = kubeTargetFromFile(join(dir, 'config'));
  expect(target.options.ca).toBe('CA FROM FILE');
  expect(target.options.headers).toEqual({ authorization: 'Bearer file-token' });
});

test('basic auth; a KubeConfig export (nulls for unset fields) reads like YAML', () => {
  const basic = kubeTarget(kubeconfig({ server: 'http://h' }, { username: 'admin', password: 'secret' }));
  expect(basic.options.headers).toEqual({ authorization: `Basic ${Buffer.from('admin:secret').toString('base64')}` });
  const exported = JSON.stringify({
    clusters: [{ name: 'c', cluster: { server: 'http://h', 'certificate-authority-data': null, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'u', user: { token: 't', exec: null, 'auth-provider': null, username: null } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  });
  expect(kubeTarget(exported).options.headers).toEqual({ authorization: 'Bearer t' });
});

test('what the helpers cannot use is refused with a message', () => {
  expect(() => kubeTarget(kubeconfig({ server: 'http://h' }, {}, ''))).toThrow('kubeconfig has no current-context');
  expect(() => kubeTarget(kubeconfig({ server: 'http://h' }, {}, 'missing'))).toThrow('kubeconfig has no context named "missing"');
  expect(() => kubeTarget(kubeconfig({ server: 'http://h' }, { exec: { command: 'aws' } }))).toThrow(/exec or auth-provider/);
});

test('kubeRequest sends JSON with the credentials and resolves with any status', async () => {
  const seen: { method?: string; url?: string; auth?: string; type?: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body });
      res.writeHead(req.method === 'POST' ? 201 : 404, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const target = kubeTarget(kubeconfig({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, { token: 'abc' }));
    expect(await kubeRequest(target, 'POST', '/api/v1/namespaces', { metadata: { name: 'n' } })).toEqual({ status: 201, body: '{"ok":true}' });
    expect((await kubeRequest(target, 'DELETE', '/api/v1/namespaces/n')).status).toBe(404);
    expect(seen).toEqual([
      { method: 'POST', url: '/api/v1/namespaces', auth: 'Bearer abc', type: 'application/json', body: '{"metadata":{"name":"n"}}' },
      { method: 'DELETE', url: '/api/v1/namespaces/n', auth: 'Bearer abc', type: undefined, body: '' },
    ]);
  } finally {
    server.close();
  }
});
