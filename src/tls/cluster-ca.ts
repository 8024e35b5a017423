// The cluster's self-signed CA ("kubefake-ca", EC P-256, 10 years), made once per process and shared by every cluster.
import { webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
// Evaluated before @peculiar/x509 is loaded (below, on first use): its dependency injection needs Reflect metadata.
// @peculiar/x509's dependency injection (tsyringe) needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import { RealClock } from '../clock/clock.js';

export interface ClusterCA {
  /** The CA certificate, PEM-encoded (what kube-root-ca.crt publishes as ca.crt). */
  certificatePem: string;
  /** The CA's private key, PKCS#8 PEM, for signing serving certificates. */
  privateKeyPem: string;
  certificate: X509.X509Certificate;
  keys: CryptoKeyPair;
}

const commonName = 'kubefake-ca';
/** client-go's NewSelfSignedCACert: ten 365-day years. */
const validityMs = 10 * 365 * 24 * 60 * 60 * 1000;
const keyAlgorithm: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const signingAlgorithm: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

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
  // Loaded lazily: a static import could run before the Reflect shim (jest links CommonJS imports ahead of time).
  const x509 = await import('@peculiar/x509');
  const crypto = webcrypto as unknown as Crypto;
  // TLS clients check validity against the real time, whatever clock the cluster runs on.
  const now = Math.floor(new RealClock().now() / 1000) * 1000;
  const keys = (await crypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(crypto),
      name: `CN=${commonName}`,
      notBefore: new Date(now),
      notAfter: new Date(now + validityMs),
      signingAlgorithm,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    certificatePem: `${certificate.toString('pem')}\n`,
    privateKeyPem: `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n`,
    certificate,
    keys,
  };
}

/** A positive 128-bit serial (the high bit cleared so DER does not read it as negative), in hex. */
function randomSerial(crypto: Crypto): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
