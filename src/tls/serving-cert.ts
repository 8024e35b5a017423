// The HTTPS server's certificate: one signed by the cluster CA for the API server's names, or the user's own files.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { extendedKeyUsage, extendedKeyUsages, subjectAltName } from './certificate-builder.js';
import { clusterCA } from './cluster-ca.js';
import { issueLeafCertificate, type IssuedCertificate } from './leaf-certificate.js';

/** `true` for a certificate from the cluster CA; or the user's own PEMs (inline or file paths), `ca` verifying `cert`. */
export type TlsOption = boolean | { cert: string; key: string; ca?: string };

/** What the HTTPS server serves and what kubeconfigs for it carry. */
export interface ServingTls {
  certPem: string;
  keyPem: string;
  /** The CA clients verify the serving certificate with; absent when the user gave none (clients skip verification). */
  caPem?: string;
  /** The CA that client certificates are verified with: always the cluster CA, whoever signed the serving certificate. */
  clientCaPem: string;
}

/**
 * The names kube-apiserver's own serving certificate carries (kubeadm's apiserver.crt), so in-cluster style URLs and
 * localhost over IPv4 or IPv6 all verify.
 */
export const defaultServingNames = [
  '127.0.0.1',
  '::1',
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
] as const;

/** The SANs for a server listening on `host`: the defaults, the host unless it is a wildcard address, and `extra`. */
export function servingNames(host: string | undefined, extra: readonly string[] = []): string[] {
  const names = new Set<string>(defaultServingNames);
  const bare = host?.replace(/^\[(.*)\]$/, '$1');
  // A wildcard address is no name a client can dial, so it has no place in the certificate.
  if (bare && bare !== '0.0.0.0' && bare !== '::') names.add(bare);
  for (const name of extra) {
    const trimmed = name.trim();
    if (trimmed === '') throw new Error('tlsSans: an empty name');
    names.add(trimmed);
  }
  return [...names];
}

// Per process and SAN set: many clusters in one test process would otherwise each pay key generation and signing.
const issued = new Map<string, Promise<IssuedCertificate>>();

/** A serving certificate from the cluster CA for exactly these names (cached; ExtKeyUsage serverAuth). */
export function issueServingCertificate(names: readonly string[]): Promise<IssuedCertificate> {
  const key = [...new Set(names)].sort().join(',');
  let pending = issued.get(key);
  if (!pending) {
    // Built inside the promise: a name that cannot be encoded rejects like any other failure to issue.
    pending = Promise.resolve()
      .then(() => issueLeafCertificate([{ CN: ['kube-apiserver'] }], [extendedKeyUsage(extendedKeyUsages.serverAuth), subjectAltName(names)]))
      .catch((err: unknown) => {
        issued.delete(key); // a failed attempt must not poison every later cluster
        throw err;
      });
    issued.set(key, pending);
  }
  return pending;
}

/** Resolves the `tls` option into PEMs for the server; undefined when the server speaks plain HTTP. */
export async function resolveServingTls(option: TlsOption | undefined, host: string | undefined, sans: readonly string[] = []): Promise<ServingTls | undefined> {
  if (option === undefined || option === false) {
    if (sans.length > 0) throw new Error('tlsSans (--tls-san) needs tls (--tls): the server speaks plain HTTP');
    return undefined;
  }
  const clientCaPem = (await clusterCA()).certificatePem;
  if (option === true) {
    const issuedCert = await issueServingCertificate(servingNames(host, sans));
    return { ...issuedCert, caPem: clientCaPem, clientCaPem };
  }
  if (typeof option.cert !== 'string' || typeof option.key !== 'string') throw new Error('tls: give both cert and key (PEM or file paths)');
  // The names are in the certificate the user made; silently dropping them would hide the mistake.
  if (sans.length > 0) throw new Error('tlsSans (--tls-san) only applies to tls: true (--tls); a certificate of your own already carries its names');
  const own = {
    certPem: pemOrFile(option.cert, 'tls.cert'),
    keyPem: pemOrFile(option.key, 'tls.key'),
    caPem: option.ca === undefined ? undefined : pemOrFile(option.ca, 'tls.ca'),
    clientCaPem,
  };
  try {
    // Checked now, before anything starts: a key that does not match its certificate would otherwise fail late.
    createSecureContext({ cert: own.certPem, key: own.keyPem, ca: own.caPem });
  } catch (err) {
    throw new Error(`tls: the certificate and key cannot serve: ${err instanceof Error ? err.message : String(err)}`);
  }
  return own;
}

/** A PEM given inline, or read from the file the string names. */
function pemOrFile(value: string, what: string): string {
  if (value.includes('-----BEGIN ')) return value;
  let text: string;
  try {
    text = readFileSync(value, 'utf8');
  } catch (err) {
    throw new Error(`${what}: cannot read ${value}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!text.includes('-----BEGIN ')) throw new Error(`${what}: ${value} holds no PEM block`);
  return text;
}
