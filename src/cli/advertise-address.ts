// --advertise-address: the server address written into the kubeconfig when clients reach it by another name (a container).
import { InvalidArgumentError } from 'commander';
import { parse, stringify } from 'yaml';

/**
 * The URL clients should use: `host`, `host:port`, `[v6]:port` or a full `http(s)://…` URL. Without a port the
 * listening one is kept, and without a scheme the server's own (https once TLS is on).
 */
export function advertisedUrl(value: string, listeningUrl: string): string {
  const listening = new URL(listeningUrl);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `${listening.protocol}//${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InvalidArgumentError(`--advertise-address ${JSON.stringify(value)} is not a host[:port] or URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('--advertise-address must be http:// or https://');
  if (url.port === '' && !/:\d+(\/|$)/.test(withScheme.slice(url.protocol.length + 2))) url.port = listening.port;
  return url.origin;
}

/** The kubeconfig with every cluster's server set to `server` (the CA, token and contexts are left as they are). */
export function withKubeconfigServer(kubeconfig: string, server: string): string {
  const config = parse(kubeconfig) as { clusters?: { cluster?: { server?: string } }[] };
  for (const entry of config.clusters ?? []) if (entry.cluster) entry.cluster.server = server;
  return stringify(config);
}
