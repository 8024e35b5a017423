// Renders the kubeconfigs clients use to reach a kubefake server: the admin's and one per identity (client cert or token).
import { stringify } from 'yaml';
import { issueClientCertificate } from './tls/client-cert.js';

/** The admin token every default kubeconfig carries. */
export const adminToken = 'kubefake';

export interface KubeconfigSpec {
  /** The server URL, http:// or https://. */
  url: string;
  /** The CA that verifies the server's certificate, embedded as certificate-authority-data. */
  caPem?: string;
  /** insecure-skip-tls-verify; defaults to true without a CA (client-node needs it even for plain http). */
  insecure?: boolean;
  token?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  /** The cluster's name, and the user's and context's unless `userName` is given (default `kubefake`). */
  name?: string;
  /** The user entry's name; the context is then `<userName>@<name>` so kubeconfigs merge without clashing. */
  userName?: string;
  /** The context's namespace (default `default`). */
  namespace?: string;
}

export function renderKubeconfig(spec: KubeconfigSpec): string {
  const name = spec.name ?? 'kubefake';
  const userName = spec.userName ?? name;
  const contextName = userName === name ? name : `${userName}@${name}`;
  const cluster: Record<string, unknown> = { server: spec.url };
  if (spec.caPem !== undefined) cluster['certificate-authority-data'] = base64(spec.caPem);
  if (spec.insecure ?? spec.caPem === undefined) cluster['insecure-skip-tls-verify'] = true;
  if ((spec.clientCertPem === undefined) !== (spec.clientKeyPem === undefined)) {
    throw new Error('renderKubeconfig(): a client certificate needs its key, and a key its certificate');
  }
  const user: Record<string, unknown> = {};
  if (spec.clientCertPem !== undefined) user['client-certificate-data'] = base64(spec.clientCertPem);
  if (spec.clientKeyPem !== undefined) user['client-key-data'] = base64(spec.clientKeyPem);
  if (spec.token !== undefined) user.token = spec.token;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster }],
    users: [{ name: userName, user }],
    contexts: [{ name: contextName, context: { cluster: name, user: userName, namespace: spec.namespace ?? 'default' } }],
    'current-context': contextName,
    preferences: {},
  });
}

/** The admin kubeconfig of a plain-http server (kept for callers of the first API). */
export function kubeconfigYaml(url: string, name = 'kubefake'): string {
  return renderKubeconfig({ url, name, token: adminToken });
}

/** Where a server is reached and how its certificate is checked: what every kubeconfig for it shares. */
export interface ServerEndpoint {
  url: string;
  /** Whether the server speaks HTTPS (and so can see client certificates). */
  tls: boolean;
  caPem?: string;
}

export interface KubeconfigIdentity {
  user: string;
  groups?: readonly string[];
  /** A bearer token to carry instead of a client certificate (works without TLS). */
  token?: string;
  namespace?: string;
}

/** Thrown when a client certificate is asked of a server that speaks plain HTTP (the control endpoint answers 400). */
export class ClientCertificatesNeedTlsError extends Error {
  constructor() {
    super('client certificates need TLS: start kubefake with tls: true (--tls); tokens work without TLS');
    this.name = 'ClientCertificatesNeedTlsError';
  }
}

/** A kubeconfig authenticating as `identity`: its token if given, else a client certificate from the cluster CA. */
export async function kubeconfigForIdentity(endpoint: ServerEndpoint, identity: KubeconfigIdentity): Promise<string> {
  if (typeof identity?.user !== 'string' || identity.user === '') throw new Error('kubeconfigFor(): user must be a non-empty string');
  const common = { url: endpoint.url, caPem: endpoint.caPem, name: 'kubefake', userName: identity.user, namespace: identity.namespace };
  if (identity.token !== undefined) {
    // Groups live in the token's mapping on the server, not in the kubeconfig: accepting them here would mislead.
    if (identity.groups?.length) throw new Error('kubeconfigFor(): groups come with client certificates; a token carries none');
    return renderKubeconfig({ ...common, token: identity.token });
  }
  if (!endpoint.tls) throw new ClientCertificatesNeedTlsError();
  const { certPem, keyPem } = await issueClientCertificate({ user: identity.user, groups: identity.groups });
  return renderKubeconfig({ ...common, clientCertPem: certPem, clientKeyPem: keyPem });
}

function base64(pem: string): string {
  return Buffer.from(pem, 'utf8').toString('base64');
}
