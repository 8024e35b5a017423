// Issues leaf certificates (serving and client) signed by the process-wide cluster CA.
import { RealClock } from '../clock/clock.js';
import {
  authorityKeyIdentifier, basicConstraints, encodeName, keyUsage, newKeyPair, pem, randomSerial, signCertificate, type SubjectName,
} from './certificate-builder.js';
import { clusterCA } from './cluster-ca.js';

export type { SubjectName } from './certificate-builder.js';

export interface IssuedCertificate {
  /** The leaf certificate, PEM. */
  certPem: string;
  /** Its private key, PKCS#8 PEM. */
  keyPem: string;
}

/** Like client-go's self-signed serving certificates and kubeadm's leaves: one 365-day year. */
const validityMs = 365 * 24 * 60 * 60 * 1000;
/** client-go backdates by an hour so a client whose clock runs a little behind still accepts the certificate. */
const backdateMs = 60 * 60 * 1000;

/**
 * A fresh EC P-256 key and a certificate for it signed by the cluster CA; `extensions` (DER, from
 * certificate-builder.ts: SANs, extended key usage) follow the ones every leaf has.
 */
export async function issueLeafCertificate(subject: SubjectName, extensions: readonly Buffer[]): Promise<IssuedCertificate> {
  const ca = await clusterCA();
  const subjectDer = encodeName(subject);
  // TLS peers check validity against the real time, whatever clock the cluster runs on.
  const now = Math.floor(new RealClock().now() / 1000) * 1000;
  const keys = await newKeyPair();
  const der = signCertificate({
    serial: randomSerial(),
    issuer: ca.subjectDer,
    subject: subjectDer,
    notBefore: now - backdateMs,
    notAfter: now - backdateMs + validityMs,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [basicConstraints(false), keyUsage('digitalSignature'), authorityKeyIdentifier(ca.keyIdentifier), ...extensions],
  });
  return { certPem: pem('CERTIFICATE', der), keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}
