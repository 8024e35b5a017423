// A real node:https handshake both ways: the serving certificate, client certificates, and certificates the CA never signed.
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  basicConstraints, encodeName, extendedKeyUsage, extendedKeyUsages, keyUsage, newKeyPair, pem, randomSerial, signCertificate,
} from './certificate-builder.js';
import { issueClientCertificate } from './client-cert.js';
import { resolveServingTls, type ServingTls } from './serving-cert.js';
import { RealClock } from '../clock/clock.js';

let server: Server;
let port: number;
let tls: ServingTls;

beforeAll(async () => {
  tls = (await resolveServingTls(true, '127.0.0.1'))!;
  // As kube-apiserver's x509 authenticator is set up: only certificates the cluster CA signed are accepted.
  server = createServer({ cert: tls.certPem, key: tls.keyPem, ca: tls.clientCaPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    res.end(JSON.stringify({ CN: peer.subject.CN, O: peer.subject.O }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Answer {
  body: string;
  serverCN: string | undefined;
}

function call(host: string, options: { ca?: string; cert?: string; key?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', servername: host === '127.0.0.1' ? undefined : host, port, path: '/', agent: false, ...options }, (res) => {
      const serverCN = (res.socket as TLSSocket).getPeerCertificate().subject?.CN;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ body: Buffer.concat(chunks).toString('utf8'), serverCN: serverCN === undefined ? undefined : String(serverCN) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A clientAuth certificate for `user` signed by a key of its own, not the cluster CA's. */
async function foreignClientCertificate(user: string): Promise<{ cert: string; key: string }> {
  const now = new RealClock().now();
  const caKeys = await newKeyPair();
  const caName = encodeName([{ CN: ['kubefake-ca'] }]); // the same name, a different key: the signature must decide
  const keys = await newKeyPair();
  const cert = signCertificate({
    serial: randomSerial(), issuer: caName, subject: encodeName([{ CN: [user] }]), notBefore: now - 60_000, notAfter: now + 3600_000,
    publicKey: keys.publicKey, signingKey: caKeys.privateKey,
    extensions: [basicConstraints(false), keyUsage('digitalSignature'), extendedKeyUsage(extendedKeyUsages.clientAuth)],
  });
  return { cert: pem('CERTIFICATE', cert), key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

test('a client that trusts the cluster CA and presents a client certificate: both ends verify, the server reads CN and O', async () => {
  const client = await issueClientCertificate({ user: 'alice', groups: ['dev', 'system:masters'] });
  for (const host of ['127.0.0.1', 'localhost', 'kubernetes.default.svc']) {
    const answer = await call(host, { ca: tls.caPem, cert: client.certPem, key: client.keyPem });
    expect(answer.serverCN).toBe('kube-apiserver');
    expect(JSON.parse(answer.body)).toEqual({ CN: 'alice', O: ['dev', 'system:masters'] });
  }
});

test('a client certificate from another CA, even one of the same name, is refused in the handshake', async () => {
  const foreign = await foreignClientCertificate('mallory');
  await expect(call('127.0.0.1', { ca: tls.caPem, ...foreign })).rejects.toThrow();
});

test('the serving certificate is no client certificate: serverAuth only', async () => {
  await expect(call('127.0.0.1', { ca: tls.caPem, cert: tls.certPem, key: tls.keyPem })).rejects.toThrow();
});

test('a client that does not trust the cluster CA refuses the server; a name not in the certificate is refused too', async () => {
  const client = await issueClientCertificate({ user: 'alice' });
  // The server sends the CA along with its certificate (node builds the chain from `ca`), hence "self-signed in chain".
  await expect(call('127.0.0.1', { cert: client.certPem, key: client.keyPem })).rejects.toMatchObject({ code: 'SELF_SIGNED_CERT_IN_CHAIN' });
  await expect(call('elsewhere.test', { ca: tls.caPem, cert: client.certPem, key: client.keyPem })).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
});
