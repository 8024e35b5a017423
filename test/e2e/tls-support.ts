// TLS helpers for the e2e suites: a CA of the test's own (not the cluster's) with a serving certificate, and HTTPS calls.
import { webcrypto } from 'node:crypto';
import { request, type RequestOptions } from 'node:https';
import type { TLSSocket } from 'node:tls';
import 'reflect-metadata';
import { RealClock } from '../../src/clock/clock.js';

export interface OwnCertificates {
  /** A self-signed CA unrelated to the cluster CA. */
  caPem: string;
  /** A serving certificate it signed, for 127.0.0.1 and localhost. */
  certPem: string;
  keyPem: string;
}

/** A CA and a serving certificate from it, as a user who brings their own certificates would have. */
export async function ownCertificates(commonName = 'users-own-ca'): Promise<OwnCertificates> {
  const x509 = await import('@peculiar/x509');
  const crypto = webcrypto as unknown as Crypto;
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const now = new RealClock().now();
  const notBefore = new Date(now - 3600_000);
  const notAfter = new Date(now + 24 * 3600_000);
  const caKeys = (await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${commonName}`, notBefore, notAfter, keys: caKeys, signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  }, crypto);
  const keys = (await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=users-own-server', issuer: ca.subject, notBefore, notAfter, publicKey: keys.publicKey,
    signingKey: caKeys.privateKey, signingAlgorithm: algorithm,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }, { type: 'dns', value: 'localhost' }]),
    ],
  }, crypto);
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { caPem: `${ca.toString('pem')}\n`, certPem: `${cert.toString('pem')}\n`, keyPem: `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n` };
}

export interface HttpsAnswer {
  status: number;
  contentType: string | undefined;
  body: string;
  /** The CN of the certificate the server presented. */
  serverCN: string | undefined;
}

/** One HTTPS request (node:https, so a CA and client certificate can be given, as fetch cannot). */
export function httpsCall(url: string, options: RequestOptions & { body?: string }): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      // Read now: once the body has ended the socket may go back to the agent's pool.
      const cn = (res.socket as TLSSocket).getPeerCertificate().subject?.CN;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({
        status: res.statusCode!,
        contentType: res.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
        serverCN: cn === undefined ? undefined : String(cn),
      }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
