// The cluster's self-signed CA ("kubefake-ca", EC P-256, 10 years), made once per process and shared by every cluster.
import { X509Certificate } from 'node:crypto';
import { RealClock } from '../clock/clock.js';
import {
  basicConstraints, encodeName, keyIdentifier, keyUsage, newKeyPair, pem, randomSerial, signCertificate, subjectKeyIdentifier, type KeyPair,
} from './certificate-builder.js';

export interface ClusterCA {
  /** The CA certificate, PEM-encoded (what kube-root-ca.crt publishes as ca.crt). */
  certificatePem: string;
  /** The CA's private key, PKCS#8 PEM, for signing serving certificates. */
  privateKeyPem: string;
  /** The CA certificate, parsed. */
  certificate: X509Certificate;
  /** The CA's keys: `privateKey` signs the certificates it issues. */
  keys: KeyPair;
  /** The CA's subject Name, DER: the issuer of every certificate it signs. */
  subjectDer: Buffer;
  /** Its subjectKeyIdentifier: the authorityKeyIdentifier of every certificate it signs. */
  keyIdentifier: Buffer;
}

const commonName = 'kubefake-ca';
/** client-go's NewSelfSignedCACert: ten 365-day years. */
const validityMs = 10 * 365 * 24 * 60 * 60 * 1000;

let cached: Promise<ClusterCA> | undefined;

/**
 * The process-wide cluster CA. Key generation and signing take milliseconds, not nothing, and every cluster a test
 * suite starts would pay them again; clients only need the certificate to be stable for the life of the process.
 */
export function clusterCA(): Promise<ClusterCA> {
  cached ??= generate().catch((err: unknown) => {
    cached = undefined; // a failed attempt must not poison every later cluster
    throw err;
  });
  return cached;
}

/** The PEM of the cluster CA certificate; the root-ca-cert-publisher takes this getter. */
export async function clusterCACertificatePem(): Promise<string> {
  return (await clusterCA()).certificatePem;
}

async function generate(): Promise<ClusterCA> {
  // TLS clients check validity against the real time, whatever clock the cluster runs on.
  const now = Math.floor(new RealClock().now() / 1000) * 1000;
  const keys = await newKeyPair();
  const subjectDer = encodeName([{ CN: [commonName] }]);
  const keyId = keyIdentifier(keys.publicKey);
  const der = signCertificate({
    serial: randomSerial(),
    issuer: subjectDer,
    subject: subjectDer,
    notBefore: now,
    notAfter: now + validityMs,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    extensions: [basicConstraints(true), keyUsage('keyCertSign', 'digitalSignature', 'keyEncipherment'), subjectKeyIdentifier(keyId)],
  });
  return {
    certificatePem: pem('CERTIFICATE', der),
    privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    certificate: new X509Certificate(der),
    keys,
    subjectDer,
    keyIdentifier: keyId,
  };
}
