// Kubeconfig rendering: the admin's (http and TLS), client certificates, tokens, and names that merge without clashing.
import { X509Certificate } from 'node:crypto';
import { parse } from 'yaml';
import { ClientCertificatesNeedTlsError, kubeconfigForIdentity, kubeconfigYaml, renderKubeconfig } from './kubeconfig.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

test('kubeconfigYaml keeps its shape: insecure, token kubefake, everything named kubefake, namespace default', () => {
  expect(parse(kubeconfigYaml('http://127.0.0.1:1234'))).toEqual({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kubefake', cluster: { server: 'http://127.0.0.1:1234', 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'kubefake', user: { token: 'kubefake' } }],
    contexts: [{ name: 'kubefake', context: { cluster: 'kubefake', user: 'kubefake', namespace: 'default' } }],
    'current-context': 'kubefake',
    preferences: {},
  });
  expect(parse(kubeconfigYaml('http://h:1', 'other')).contexts[0]).toEqual({ name: 'other', context: { cluster: 'other', user: 'other', namespace: 'default' } });
});

test('with a CA: certificate-authority-data and no insecure flag, unless asked for', () => {
  const config = parse(renderKubeconfig({ url: 'https://127.0.0.1:6443', caPem: 'CA PEM\n', token: 't' }));
  expect(config.clusters[0].cluster).toEqual({ server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64('CA PEM\n') });
  expect(config.users[0].user).toEqual({ token: 't' });
  const insecure = parse(renderKubeconfig({ url: 'https://h:1', insecure: true }));
  expect(insecure.clusters[0].cluster).toEqual({ server: 'https://h:1', 'insecure-skip-tls-verify': true });
  expect(insecure.users[0].user).toEqual({});
});

test('a client certificate as -data fields; a user name of its own makes the context user@cluster', () => {
  const config = parse(renderKubeconfig({ url: 'https://h:1', caPem: 'CA', clientCertPem: 'CERT', clientKeyPem: 'KEY', userName: 'alice', namespace: 'dev' }));
  expect(config.users).toEqual([{ name: 'alice', user: { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') } }]);
  expect(config.contexts).toEqual([{ name: 'alice@kubefake', context: { cluster: 'kubefake', user: 'alice', namespace: 'dev' } }]);
  expect(config['current-context']).toBe('alice@kubefake');
  expect(() => renderKubeconfig({ url: 'https://h:1', clientCertPem: 'CERT' })).toThrow('needs its key');
});

describe('kubeconfigForIdentity', () => {
  const tlsEndpoint = { url: 'https://127.0.0.1:6443', tls: true, caPem: 'CA' };

  test('TLS: a client certificate for the user and groups, the server CA trusted', async () => {
    const config = parse(await kubeconfigForIdentity(tlsEndpoint, { user: 'alice', groups: ['dev'] }));
    expect(config.clusters[0].cluster).toEqual({ server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64('CA') });
    const user = config.users[0];
    expect(user.name).toBe('alice');
    expect(user.user.token).toBeUndefined();
    expect(new X509Certificate(unb64(user.user['client-certificate-data'])).subject).toBe('O=dev\nCN=alice');
    expect(unb64(user.user['client-key-data'])).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  test('a token works without TLS; a client certificate needs it; groups with a token are refused', async () => {
    const http = { url: 'http://127.0.0.1:1', tls: false };
    const config = parse(await kubeconfigForIdentity(http, { user: 'ci', token: 'secret' }));
    expect(config.users).toEqual([{ name: 'ci', user: { token: 'secret' } }]);
    expect(config.clusters[0].cluster['insecure-skip-tls-verify']).toBe(true);
    await expect(kubeconfigForIdentity(http, { user: 'alice' })).rejects.toThrow(ClientCertificatesNeedTlsError);
    await expect(kubeconfigForIdentity(http, { user: 'alice' })).rejects.toThrow('client certificates need TLS: start kubefake with tls: true (--tls); tokens work without TLS');
    await expect(kubeconfigForIdentity(tlsEndpoint, { user: 'a', groups: ['g'], token: 't' })).rejects.toThrow('a token carries none');
    await expect(kubeconfigForIdentity(tlsEndpoint, { user: '' })).rejects.toThrow('user must be a non-empty string');
  });
});
