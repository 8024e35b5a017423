// How CLI subcommands reach a running server: the kubeconfig's current context (server, CA, token, client certificate) and one HTTP(S) request.
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

/** How to reach and authenticate to the server a kubeconfig's current context names. */
export interface ServerAccess {
  server: string;
  ca?: string;
  insecure: boolean;
  token?: string;
  cert?: string;
  key?: string;
}

/** --kubeconfig, else the first existing file of $KUBECONFIG, else ~/.kube/kubefake.yaml (where `serve` writes it). */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  return listed.find((p) => existsSync(p)) ?? listed[0] ?? resolve(homedir(), '.kube', 'kubefake.yaml');
}

type Entry = Record<string, unknown>;

export function readServerAccess(path: string): ServerAccess {
  let config: { 'current-context'?: string; contexts?: Entry[]; clusters?: Entry[]; users?: Entry[] };
  try {
    config = parse(readFileSync(path, 'utf8')) ?? {};
  } catch (err) {
    throw new Error(`cannot read the kubeconfig ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const named = (list: Entry[] | undefined, name: unknown, field: string): Entry => {
    const found = list?.find((e) => e.name === name)?.[field];
    if (found === undefined || found === null || typeof found !== 'object') throw new Error(`${path}: no ${field} named "${String(name)}"`);
    return found as Entry;
  };
  const context = named(config.contexts, config['current-context'], 'context');
  const cluster = named(config.clusters, context.cluster, 'cluster');
  const user = context.user === undefined ? {} : named(config.users, context.user, 'user');
  if (typeof cluster.server !== 'string') throw new Error(`${path}: the cluster has no server`);
  // File references are relative to the kubeconfig's directory, as client-go resolves them.
  const data = (entry: Entry, inline: string, file: string): string | undefined => {
    if (typeof entry[inline] === 'string') return Buffer.from(entry[inline], 'base64').toString('utf8');
    if (typeof entry[file] === 'string') return readFileSync(isAbsolute(entry[file]) ? entry[file] : resolve(dirname(path), entry[file]), 'utf8');
    return undefined;
  };
  return {
    server: cluster.server,
    ca: data(cluster, 'certificate-authority-data', 'certificate-authority'),
    insecure: cluster['insecure-skip-tls-verify'] === true,
    token: typeof user.token === 'string' ? user.token : undefined,
    cert: data(user, 'client-certificate-data', 'client-certificate'),
    key: data(user, 'client-key-data', 'client-key'),
  };
}

/** One request to `path` on the server; resolves with the body of a 200, rejects with the Status message otherwise. */
export function requestServer(access: ServerAccess, path: string, options: { method?: string; accept?: string } = {}): Promise<Buffer> {
  const url = new URL(path.replace(/^\//, ''), access.server.replace(/\/*$/, '/'));
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
  if (access.token !== undefined) headers.Authorization = `Bearer ${access.token}`;
  const plain = { method: options.method ?? 'GET', headers };
  const tls = { ...plain, ca: access.ca, cert: access.cert, key: access.key, rejectUnauthorized: !access.insecure };
  return new Promise((resolveBody, reject) => {
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if (res.statusCode === 200) return resolveBody(body);
        reject(new Error(`${url.origin} answered ${res.statusCode}: ${statusMessage(body.toString('utf8'))}`));
      });
    };
    const req = url.protocol === 'https:' ? httpsRequest(url, tls, onResponse) : httpRequest(url, plain, onResponse);
    req.on('error', (err) => reject(new Error(`cannot reach ${url.origin}: ${err.message}`)));
    req.end();
  });
}

/** A metav1.Status's message, or the body as it came. */
function statusMessage(body: string): string {
  try {
    const status = JSON.parse(body) as { message?: unknown };
    if (typeof status.message === 'string') return status.message;
  } catch {
    // not JSON: show it as it came
  }
  return body.trim();
}
