// The serving certificate: kube-apiserver's names, serverAuth, signed by the cluster CA, cached; and the user's own.
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealClock } from '../clock/clock.js';
import { clusterCA } from './cluster-ca.js';
import { issueServingCertificate, resolveServingTls, servingNames } from './serving-cert.js';

const serverAuth = '1.3.6.1.5.5.7.3.1';
const day = 24 * 3600 * 1000;

test('names: localhost over IPv4 and IPv6, the kubernetes service names, the host unless a wildcard, and extras', () => {
  const defaults = ['127.0.0.1', '::1', 'localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
  expect(servingNames('127.0.0.1')).toEqual(defaults);
  expect(servingNames('0.0.0.0')).toEqual(defaults);
  expect(servingNames('::')).toEqual(defaults);
  expect(servingNames('10.1.2.3', ['api.example.test', '192.168.0.7'])).toEqual([...defaults, '10.1.2.3', 'api.example.test', '192.168.0.7']);
  expect(servingNames('[fd00::1]')).toEqual([...defaults, 'fd00::1']);
  expect(() => servingNames('127.0.0.1', [' '])).toThrow('tlsSans: an empty name');
});

test('tls: true gives a serverAuth certificate for those names, signed by the cluster CA, valid a year from an hour ago', async () => {
  const before = new RealClock().now();
  const tls = await resolveServingTls(true, 'kubefake.internal', ['10.9.8.7']);
  const ca = await clusterCA();
  expect(tls!.caPem).toBe(ca.certificatePem);
  expect(tls!.clientCaPem).toBe(ca.certificatePem);
  const cert = new X509Certificate(tls!.certPem);
  const caCert = new X509Certificate(ca.certificatePem);
  expect(cert.subjectAltName!.split(', ').sort()).toEqual([
    'DNS:kubefake.internal', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc',
    'DNS:kubernetes.default.svc.cluster.local', 'DNS:localhost',
    'IP Address:0:0:0:0:0:0:0:1', 'IP Address:10.9.8.7', 'IP Address:127.0.0.1',
  ]);
  expect(cert.keyUsage).toEqual([serverAuth]);
  expect(cert.ca).toBe(false);
  expect(cert.checkIssued(caCert)).toBe(true);
  expect(cert.verify(caCert.publicKey)).toBe(true);
  expect(cert.checkHost('kubernetes.default.svc')).toBe('kubernetes.default.svc');
  expect(cert.checkIP('::1')).toBe('::1');
  expect(cert.checkHost('elsewhere.test')).toBeUndefined();
  expect(cert.checkPrivateKey(createPrivateKey(tls!.keyPem))).toBe(true);
  const from = Date.parse(cert.validFrom);
  expect(from).toBeLessThanOrEqual(before - 3600_000 + 1000);
  expect(from).toBeGreaterThan(before - 3600_000 - 5000);
  expect(Date.parse(cert.validTo) - from).toBe(365 * day);
});

test('one certificate per set of names per process, whatever their order', async () => {
  const a = await issueServingCertificate(['localhost', '127.0.0.1']);
  const b = await issueServingCertificate(['127.0.0.1', 'localhost']);
  const c = await issueServingCertificate(['127.0.0.1']);
  expect(b).toBe(a);
  expect(c.certPem).not.toBe(a.certPem);
});

test('a name a certificate cannot carry (non-ASCII DNS) rejects, and the failure is not cached', async () => {
  await expect(issueServingCertificate(['bücher.test'])).rejects.toThrow('is not IA5 (ASCII) text');
  const first = issueServingCertificate(['bücher.test']);
  await expect(first).rejects.toThrow('is not IA5 (ASCII) text');
  expect(issueServingCertificate(['bücher.test'])).not.toBe(first);
  await expect(issueServingCertificate(['bücher.test'])).rejects.toThrow();
});

test('no tls is plain HTTP, and tlsSans without tls is a mistake', async () => {
  await expect(resolveServingTls(undefined, '127.0.0.1')).resolves.toBeUndefined();
  await expect(resolveServingTls(false, '127.0.0.1')).resolves.toBeUndefined();
  await expect(resolveServingTls(undefined, '127.0.0.1', ['x.test'])).rejects.toThrow('tlsSans (--tls-san) needs tls (--tls)');
});

describe('a certificate of the user\'s own', () => {
  const own = issueServingCertificate(['own.test']);

  test('as PEM text or file paths; the kubeconfig CA is theirs, client certificates still verify against the cluster CA', async () => {
    const { certPem, keyPem } = await own;
    const dir = mkdtempSync(join(tmpdir(), 'kubefake-tls-'));
    writeFileSync(join(dir, 'tls.crt'), certPem);
    writeFileSync(join(dir, 'tls.key'), keyPem);
    writeFileSync(join(dir, 'ca.crt'), 'ca-from-file -----BEGIN CERTIFICATE-----');
    const inline = await resolveServingTls({ cert: certPem, key: keyPem }, '127.0.0.1');
    expect(inline).toEqual({ certPem, keyPem, caPem: undefined, clientCaPem: (await clusterCA()).certificatePem });
    const files = await resolveServingTls({ cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key'), ca: certPem }, '127.0.0.1');
    expect(files).toMatchObject({ certPem, keyPem, caPem: certPem });
  });

  test('a missing file, a file without PEM, a key of another certificate and tlsSans fail with what is wrong', async () => {
    const { certPem, keyPem } = await own;
    const dir = mkdtempSync(join(tmpdir(), 'kubefake-tls-'));
    writeFileSync(join(dir, 'empty.crt'), 'nothing here');
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    await expect(resolveServingTls({ cert: join(dir, 'absent.crt'), key: keyPem }, '127.0.0.1')).rejects.toThrow(/^tls\.cert: cannot read .*absent\.crt/);
    await expect(resolveServingTls({ cert: join(dir, 'empty.crt'), key: keyPem }, '127.0.0.1')).rejects.toThrow(/tls\.cert: .*empty\.crt holds no PEM block/);
    await expect(resolveServingTls({ cert: certPem, key: otherKey }, '127.0.0.1')).rejects.toThrow(/^tls: the certificate and key cannot serve/);
    await expect(resolveServingTls({ cert: certPem, key: keyPem }, '127.0.0.1', ['x.test'])).rejects.toThrow('tlsSans (--tls-san) only applies to tls: true (--tls)');
  });
});
