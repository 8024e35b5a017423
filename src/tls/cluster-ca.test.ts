// The cluster CA: a valid self-signed EC P-256 CA certificate, generated once per process.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { clusterCA, clusterCACertificatePem } from './cluster-ca.js';

test('is a self-signed kubefake-ca CA certificate on an EC P-256 key, valid for ten years', async () => {
  const ca = await clusterCA();
  expect(ca.certificatePem).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);
  const cert = new X509Certificate(ca.certificatePem);
  expect(cert.subject).toBe('CN=kubefake-ca');
  expect(cert.issuer).toBe('CN=kubefake-ca');
  expect(cert.ca).toBe(true);
  expect(cert.verify(cert.publicKey)).toBe(true);
  expect(cert.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' });
  const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365 * 24 * 3600 * 1000);
  expect(years).toBe(10);
  expect(cert.checkPrivateKey(createPrivateKey(ca.privateKeyPem))).toBe(true);
});

test('is generated once and shared', async () => {
  const [a, b] = await Promise.all([clusterCA(), clusterCA()]);
  expect(a).toBe(b);
  expect(await clusterCACertificatePem()).toBe(a.certificatePem);
});
