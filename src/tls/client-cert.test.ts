// Client certificates: CN is the user, one O per group, clientAuth, signed by the cluster CA; a fresh key each time.
import { X509Certificate, createPrivateKey } from 'node:crypto';
// Node 20: toLegacyObject() loads tls internals first, and a node:tls loaded after that has no createSecureContext,
// which breaks every later TLS suite in this jest worker; loading node:tls up front keeps the order right.
import 'node:tls';
import { clusterCA } from './cluster-ca.js';
import { issueClientCertificate } from './client-cert.js';

const clientAuth = '1.3.6.1.5.5.7.3.2';

test('CN=user, O=each group in order, ExtKeyUsage clientAuth, verified by the cluster CA', async () => {
  const { certPem, keyPem } = await issueClientCertificate({ user: 'alice', groups: ['dev', 'ops', 'system:masters'] });
  const cert = new X509Certificate(certPem);
  const caCert = new X509Certificate((await clusterCA()).certificatePem);
  expect(cert.subject).toBe('O=dev\nO=ops\nO=system:masters\nCN=alice');
  expect(cert.toLegacyObject().subject).toEqual(expect.objectContaining({ CN: 'alice', O: ['dev', 'ops', 'system:masters'] }));
  expect(cert.issuer).toBe('CN=kubefake-ca');
  expect(cert.keyUsage).toEqual([clientAuth]);
  expect(cert.ca).toBe(false);
  expect(cert.verify(caCert.publicKey)).toBe(true);
  expect(cert.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
});

test('names that need escaping in a DN string come out as given; no groups, no O', async () => {
  const { certPem } = await issueClientCertificate({ user: 'system:serviceaccount:ns:a,b+c' });
  const subject = new X509Certificate(certPem).toLegacyObject().subject as unknown as Record<string, unknown>;
  expect(subject.CN).toBe('system:serviceaccount:ns:a,b+c');
  expect(subject.O).toBeUndefined();
});

test('quotes, backslashes, a leading # and non-ASCII are written verbatim (UTF8String where PrintableString cannot hold them)', async () => {
  const { certPem } = await issueClientCertificate({ user: '#6162', groups: ['"quoted"', 'back\\slash', 'équipe'] });
  const subject = new X509Certificate(certPem).toLegacyObject().subject as unknown as Record<string, unknown>;
  expect(subject).toEqual({ CN: '#6162', O: ['"quoted"', 'back\\slash', 'équipe'] });
});

test('each call has its own key and serial', async () => {
  const [a, b] = await Promise.all([issueClientCertificate({ user: 'bob' }), issueClientCertificate({ user: 'bob' })]);
  expect(a.keyPem).not.toBe(b.keyPem);
  expect(new X509Certificate(a.certPem).serialNumber).not.toBe(new X509Certificate(b.certPem).serialNumber);
});

test('an empty user or group is refused', async () => {
  await expect(issueClientCertificate({ user: '' })).rejects.toThrow('user must be a non-empty string');
  await expect(issueClientCertificate({ user: 'a', groups: [''] })).rejects.toThrow('groups must be non-empty strings');
});
