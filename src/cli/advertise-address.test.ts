// --advertise-address: which URL a kubeconfig gets from host, host:port or URL forms, and only its server changes.
import { parse } from 'yaml';
import { kubeconfigYaml } from '../kubeconfig.js';
import { advertisedUrl, withKubeconfigServer } from './advertise-address.js';

describe('advertisedUrl', () => {
  test.each([
    ['kubefake', 'http://127.0.0.1:6443', 'http://kubefake:6443'],
    ['kubefake:16443', 'http://127.0.0.1:6443', 'http://kubefake:16443'],
    ['[::1]:7000', 'http://127.0.0.1:6443', 'http://[::1]:7000'],
    ['localhost', 'https://127.0.0.1:6443', 'https://localhost:6443'],
    ['example.test:443', 'https://127.0.0.1:6443', 'https://example.test'],
    ['http://example.test:80', 'http://0.0.0.0:6443', 'http://example.test'],
    ['https://example.test:8443/', 'http://127.0.0.1:6443', 'https://example.test:8443'],
  ])('%s (serving on %s) → %s', (value, listening, expected) => {
    expect(advertisedUrl(value, listening)).toBe(expected);
  });

  test.each(['ftp://x', 'a b:c'])('refuses %s', (value) => {
    expect(() => advertisedUrl(value, 'http://127.0.0.1:6443')).toThrow(/--advertise-address/);
  });
});

test('withKubeconfigServer changes the server and nothing else', () => {
  const before = parse(kubeconfigYaml('http://127.0.0.1:6443'));
  const after = parse(withKubeconfigServer(kubeconfigYaml('http://127.0.0.1:6443'), 'http://kubefake:6443'));
  expect(after.clusters[0].cluster.server).toBe('http://kubefake:6443');
  after.clusters[0].cluster.server = before.clusters[0].cluster.server;
  expect(after).toEqual(before);
});
