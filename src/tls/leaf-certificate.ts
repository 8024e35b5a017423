// Issues leaf certificates (serving and client) signed by the process-wide cluster CA.
import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
// @peculiar/x509's dependency injection (tsyringe) needs the Reflect metadata API loaded before it.
import 'reflect-metadata';
import { RealClock } from '../clock/clock.js';
import { clusterCA } from './cluster-ca.js';

export interface IssuedCertificate {
  /** The leaf certificate, PEM. */
  certPem: string;
  /** Its private key, PKCS#8 PEM. */
  keyPem: string;
}

/** One RDN per entry, in order, e.g. `[{ O: ['dev'] }, { CN: ['alice'] }]` (no DN-string escaping to get wrong). */
export type SubjectName = Record<string, string[]>[];

/** Like client-go's self-signed serving certificates and kubeadm's leaves: one 365-day year. */
const validityMs = 365 * 24 * 60 * 60 * 1000;
/** client-go backdates by an hour so a client whose clock runs a little behind still accepts the certificate. */
const backdateMs = 60 * 60 * 1000;
const keyAlgorithm: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const signingAlgorithm: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/**
 * A fresh EC P-256 key and a certificate for it signed by the cluster CA; `extensions` adds the leaf's own (SANs,
 * extended key usage) to the ones every leaf has.
 */
export async function issueLeafCertificate(
  subject: SubjectName,
  extensions: (x509: typeof X509) => X509.Extension[],
): Promise<IssuedCertificate> {
  const ca = await clusterCA();
  // Loaded lazily, as cluster-ca.ts does: a static import could run before the Reflect shim under jest.
  const x509 = await import('@peculiar/x509');
  const crypto = webcrypto as unknown as Crypto;
  // TLS peers check validity against the real time, whatever clock the cluster runs on.
  const now = Math.floor(new RealClock().now() / 1000) * 1000;
  const keys = (await crypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(crypto),
      subject: new x509.Name(subject),
      issuer: ca.certificate.subjectName,
      notBefore: new Date(now - backdateMs),
      notAfter: new Date(now - backdateMs + validityMs),
      publicKey: keys.publicKey,
      signingKey: ca.keys.privateKey,
      signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        await x509.AuthorityKeyIdentifierExtension.create(ca.certificate, false, crypto),
        ...extensions(x509),
      ],
    },
    crypto,
  );
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: `${certificate.toString('pem')}\n`, keyPem: `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n` };
}

/** A positive 128-bit serial (the high bit cleared so DER does not read it as negative), in hex. */
function randomSerial(crypto: Crypto): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
