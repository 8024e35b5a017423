// TLS helpers for the e2e suites: a CA of the test's own (not the cluster's) with a serving certificate, and HTTPS calls.
import { request, type RequestOptions } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { RealClock } from '../../src/clock/clock.js';
import {
  basicConstraints, encodeName, extendedKeyUsage, extendedKeyUsages, keyUsage, newKeyPair, pem, randomSerial, signCertificate, subjectAltName,
} from '../../src/tls/certificate-builder.js';

export interface OwnCertificates {
  /** A self-signed CA unrelated to the cluster CA. */
  caPem: string;
  /** A serving certificate it signed, for 127.0.0.1 and localhost. */
  certPem: string;
  keyPem: string;
}

/** A CA and a serving certificate from it, as a user who brings their own certificates would have. */
export async function ownCertificates(commonName = 'users-own-ca'): Promise<OwnCertificates> {
  const now = new RealClock().now();
  const notBefore = now - 3600_000;
  const notAfter = now + 24 * 3600_000;
  const caKeys = await newKeyPair();
  const caName = encodeName([{ CN: [commonName] }]);
  const ca = signCertificate({
    serial: randomSerial(), issuer: caName, subject: caName, notBefore, notAfter, publicKey: caKeys.publicKey, signingKey: caKeys.privateKey,
    extensions: [basicConstraints(true), keyUsage('keyCertSign')],
  });
  const keys = await newKeyPair();
  const cert = signCertificate({
    serial: randomSerial(), issuer: caName, subject: encodeName([{ CN: ['users-own-server'] }]), notBefore, notAfter,
    publicKey: keys.publicKey, signingKey: caKeys.privateKey,
    extensions: [keyUsage('digitalSignature'), extendedKeyUsage(extendedKeyUsages.serverAuth), subjectAltName(['127.0.0.1', 'localhost'])],
  });
  return { caPem: pem('CERTIFICATE', ca), certPem: pem('CERTIFICATE', cert), keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
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
