// Certificates from the DER builder, read back by node's own X.509 parser: names, validity, extensions, signatures.
import { X509Certificate, createHash, generateKeyPairSync } from 'node:crypto';
// Node 20: toLegacyObject() loads tls internals first, and a node:tls loaded after that has no createSecureContext,
// which breaks every later TLS suite in this jest worker; loading node:tls up front keeps the order right.
import 'node:tls';
import {
  authorityKeyIdentifier, basicConstraints, encodeName, extendedKeyUsage, extendedKeyUsages, ipAddressBytes, keyIdentifier, keyUsage,
  newKeyPair, pem, randomSerial, signCertificate, subjectAltName, subjectKeyIdentifier, type KeyPair,
} from './certificate-builder.js';
import { readTlv } from './der.js';

const hex = (b: Buffer): string => b.toString('hex');
const year2026 = Date.UTC(2026, 0, 2, 3, 4, 5);

async function selfSigned(keys: KeyPair, extensions: Buffer[], notAfter = year2026 + 3600_000): Promise<X509Certificate> {
  const name = encodeName([{ CN: ['test-ca'] }]);
  return new X509Certificate(signCertificate({
    serial: randomSerial(), issuer: name, subject: name, notBefore: year2026, notAfter, publicKey: keys.publicKey, signingKey: keys.privateKey, extensions,
  }));
}

/** The extnValue of the extension with this DER OID in a certificate's DER (tbsCertificate's [3] is its last element). */
function extensionValue(cert: X509Certificate, oidHex: string): string | undefined {
  const tbs = readTlv(readTlv(cert.raw).content);
  let offset = 0;
  let last = readTlv(tbs.content);
  while (last.end < tbs.content.length) last = readTlv(tbs.content, (offset = last.end));
  expect(offset).toBeGreaterThan(0);
  const extensions = readTlv(last.content).content;
  for (let at = 0; at < extensions.length; ) {
    const ext = readTlv(extensions, at);
    const oid = readTlv(ext.content);
    if (hex(oid.content) === oidHex) {
      const rest = ext.content.subarray(oid.end);
      const valueAt = rest[0] === 0x01 ? readTlv(rest).end : 0;
      return `${valueAt ? 'critical ' : ''}${hex(readTlv(rest, valueAt).content)}`;
    }
    at = ext.end;
  }
  return undefined;
}

test('a self-signed CA: subject, issuer, CA flag, P-256 key, validity to the second, and a signature that verifies', async () => {
  const keys = await newKeyPair();
  const cert = await selfSigned(keys, [basicConstraints(true), keyUsage('keyCertSign', 'digitalSignature', 'keyEncipherment')]);
  expect(cert.subject).toBe('CN=test-ca');
  expect(cert.issuer).toBe('CN=test-ca');
  expect(cert.ca).toBe(true);
  expect(cert.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
  expect(Date.parse(cert.validFrom)).toBe(year2026);
  expect(Date.parse(cert.validTo)).toBe(year2026 + 3600_000);
  expect(cert.verify(keys.publicKey)).toBe(true);
  expect(cert.verify(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey)).toBe(false);
  expect(cert.checkIssued(cert)).toBe(true);
  expect(cert.checkPrivateKey(keys.privateKey)).toBe(true);
  expect(extensionValue(cert, '551d13')).toBe('critical 30030101ff');
  expect(extensionValue(cert, '551d0f')).toBe('critical 030202a4');
});

test('validity after 2049 is GeneralizedTime, and node reads it back', async () => {
  const cert = await selfSigned(await newKeyPair(), [basicConstraints(true)], Date.UTC(2061, 5, 7, 8, 9, 10));
  expect(Date.parse(cert.validTo)).toBe(Date.UTC(2061, 5, 7, 8, 9, 10));
  expect(readTlv(cert.raw).content.includes(Buffer.from('20610607080910Z'))).toBe(true);
});

test('a leaf: names with several O in order, UTF-8 and punctuation as given, SANs, usages, and the issuer key identifier', async () => {
  const ca = await newKeyPair();
  const caName = encodeName([{ CN: ['test-ca'] }]);
  const caCert = await selfSigned(ca, [basicConstraints(true), keyUsage('keyCertSign'), subjectKeyIdentifier(keyIdentifier(ca.publicKey))]);
  const leaf = await newKeyPair();
  const cert = new X509Certificate(signCertificate({
    serial: Buffer.from([0x00, 0x00, 0xff]),
    issuer: caName,
    subject: encodeName([{ O: ['dev'] }, { O: ['ops_team'] }, { O: ['zürich'] }, { CN: ['system:serviceaccount:ns:a,b+c "#\\x'] }]),
    notBefore: year2026,
    notAfter: year2026 + 1000,
    publicKey: leaf.publicKey,
    signingKey: ca.privateKey,
    extensions: [
      basicConstraints(false), keyUsage('digitalSignature'), authorityKeyIdentifier(keyIdentifier(ca.publicKey)),
      extendedKeyUsage(extendedKeyUsages.serverAuth, extendedKeyUsages.clientAuth),
      subjectAltName(['localhost', '10.0.0.1', '::1', 'fd00::a:1', '*.apps.test']),
    ],
  }));
  expect(cert.toLegacyObject().subject).toEqual({ O: ['dev', 'ops_team', 'zürich'], CN: 'system:serviceaccount:ns:a,b+c "#\\x' });
  expect(cert.issuer).toBe('CN=test-ca');
  expect(cert.serialNumber).toBe('FF');
  expect(hex(cert.raw)).toContain('a003020102020200ff'); // v3, then the serial with its zero byte before the high bit
  expect(cert.ca).toBe(false);
  expect(cert.keyUsage).toEqual([extendedKeyUsages.serverAuth, extendedKeyUsages.clientAuth]);
  expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:FD00:0:0:0:0:0:A:1, DNS:*.apps.test');
  expect(cert.checkIP('fd00::a:1')).toBe('fd00::a:1');
  expect(cert.checkHost('x.apps.test')).toBe('*.apps.test'); // the SAN that matched
  expect(cert.checkIssued(caCert)).toBe(true);
  expect(cert.verify(caCert.publicKey)).toBe(true);
  expect(cert.verify(leaf.publicKey)).toBe(false);
  expect(extensionValue(cert, '551d13')).toBe('critical 3000');
  expect(extensionValue(cert, '551d0f')).toBe('critical 03020780');
  expect(extensionValue(cert, '551d23')).toBe(`30168014${hex(keyIdentifier(ca.publicKey))}`);
  expect(extensionValue(caCert, '551d0e')).toBe(`0414${hex(keyIdentifier(ca.publicKey))}`);
});

test('the key identifier is the SHA-1 of the EC point (the BIT STRING of the SubjectPublicKeyInfo)', async () => {
  const { publicKey } = await newKeyPair();
  const point = publicKey.export({ format: 'jwk' });
  const uncompressed = Buffer.concat([Buffer.from([4]), Buffer.from(point.x!, 'base64url'), Buffer.from(point.y!, 'base64url')]);
  expect(hex(keyIdentifier(publicKey))).toBe(createHash('sha1').update(uncompressed).digest('hex'));
});

test('key usage bits: a named bit list with the trailing zero bits dropped', () => {
  const value = (b: Buffer): string => hex(b.subarray(b.length - 4));
  expect(value(keyUsage('digitalSignature'))).toBe('03020780');
  expect(value(keyUsage('keyCertSign'))).toBe('03020204');
  expect(value(keyUsage('keyCertSign', 'digitalSignature', 'keyEncipherment'))).toBe('030202a4');
  expect(value(keyUsage('cRLSign', 'keyCertSign'))).toBe('03020106');
  expect(() => keyUsage()).toThrow('at least one usage');
});

test('IP addresses: four bytes for IPv4, sixteen for IPv6 with :: and a dotted tail expanded; zones refused', () => {
  expect(hex(ipAddressBytes('127.0.0.1'))).toBe('7f000001');
  expect(hex(ipAddressBytes('::1'))).toBe('00000000000000000000000000000001');
  expect(hex(ipAddressBytes('::'))).toBe('00000000000000000000000000000000');
  expect(hex(ipAddressBytes('fd00::1'))).toBe('fd000000000000000000000000000001');
  expect(hex(ipAddressBytes('2001:db8::8:800:200c:417a'))).toBe('20010db80000000000080800200c417a');
  expect(hex(ipAddressBytes('2001:db8:0:0:1:0:0:1'))).toBe('20010db8000000000001000000000001');
  expect(hex(ipAddressBytes('fe80::'))).toBe('fe800000000000000000000000000000');
  expect(hex(ipAddressBytes('::ffff:192.0.2.128'))).toBe('00000000000000000000ffffc0000280');
  expect(() => ipAddressBytes('fe80::1%eth0')).toThrow('is not an IP address without a zone');
  expect(() => ipAddressBytes('localhost')).toThrow('is not an IP address');
});

test('names: an unknown attribute or an empty RDN is refused; several values in one RDN are one sorted SET', () => {
  expect(() => encodeName([{ XX: ['a'] }])).toThrow('unknown name attribute XX');
  expect(() => encodeName([{}])).toThrow('an empty relative distinguished name');
  expect(hex(encodeName([{ O: ['b', 'a'] }]))).toBe('301631143008060355040a130161' + '3008060355040a130162');
});

test('only EC keys sign (the algorithm written is ecdsa-with-SHA256); PEM is 64-column base64 with a final newline', async () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const name = encodeName([{ CN: ['x'] }]);
  expect(() => signCertificate({
    serial: randomSerial(), issuer: name, subject: name, notBefore: year2026, notAfter: year2026, publicKey: rsa.publicKey, signingKey: rsa.privateKey, extensions: [],
  })).toThrow('the signing key must be an EC key');
  const text = pem('CERTIFICATE', Buffer.alloc(100, 1));
  const lines = text.split('\n');
  expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
  expect(lines[1]).toHaveLength(64);
  expect(lines.at(-2)).toBe('-----END CERTIFICATE-----');
  expect(lines.at(-1)).toBe('');
  expect(Buffer.from(lines.slice(1, -2).join(''), 'base64').equals(Buffer.alloc(100, 1))).toBe(true);
});

test('serials are random, 16 bytes, positive', () => {
  const serials = Array.from({ length: 64 }, () => randomSerial());
  expect(new Set(serials.map(hex)).size).toBe(64);
  for (const serial of serials) {
    expect(serial).toHaveLength(16);
    expect(serial[0]! & 0x80).toBe(0);
  }
});
