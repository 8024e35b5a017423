// A minimal HTTP client driven by a kubeconfig: the test helpers and the CLI subcommands reach a server without client-node.
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';

/** Where a kubeconfig's current context points and how to authenticate there. */
export interface KubeTarget {
  server: URL;
  options: RequestOptions & { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean; servername?: string };
}

export interface KubeResponse {
  status: number;
  body: string;
}

interface NamedEntry<T> {
  name?: string;
  cluster?: T;
  user?: T;
  context?: T;
}
type Fields = Record<string, unknown>;

/**
 * Reads the current context of a kubeconfig: server, CA (data or file), insecure-skip-tls-verify, tls-server-name,
 * and a bearer token, client certificate or basic auth. `baseDir` resolves relative file paths, as kubectl does.
 */
export function kubeTarget(kubeconfig: string, baseDir = process.cwd()): KubeTarget {
  const config = (parse(kubeconfig) ?? {}) as Record<string, unknown>;
  const contextName = config['current-context'];
  if (typeof contextName !== 'string' || contextName === '') throw new Error('kubeconfig has no current-context');
  const context = entry(config, 'contexts', 'context', contextName);
  const cluster = entry(config, 'clusters', 'cluster', String(context.cluster ?? ''));
  const user = typeof context.user === 'string' && context.user !== '' ? entry(config, 'users', 'user', context.user) : {};
  if (typeof cluster.server !== 'string') throw new Error(`kubeconfig cluster of context "${contextName}" has no server`);
  const server = new URL(cluster.server);
  const file = (value: unknown) => readFileSync(isAbsolute(String(value)) ? String(value) : join(baseDir, String(value)), 'utf8');
  const decode = (value: unknown) => Buffer.from(String(value), 'base64').toString('utf8');
  const pick = (fields: Fields, data: string, path: string) =>
    fields[data] != null ? decode(fields[data]) : fields[path] != null ? file(fields[path]) : undefined;
  const headers: Record<string, string> = {};
  const token = typeof user.token === 'string' ? user.token : user.tokenFile != null ? file(user.tokenFile).trim() : undefined;
  if (token) headers.authorization = `Bearer ${token}`;
  else if (typeof user.username === 'string') {
    headers.authorization = `Basic ${Buffer.from(`${user.username}:${String(user.password ?? '')}`).toString('base64')}`;
  }
  if (user.exec != null || user['auth-provider'] != null) {
    throw new Error('kubeconfig user uses exec or auth-provider credentials, which the kubefake test helpers do not run; use a token or client certificate');
  }
  const options: KubeTarget['options'] = { headers };
  if (server.protocol === 'https:') {
    options.rejectUnauthorized = cluster['insecure-skip-tls-verify'] !== true;
    options.ca = pick(cluster, 'certificate-authority-data', 'certificate-authority');
    options.cert = pick(user, 'client-certificate-data', 'client-certificate');
    options.key = pick(user, 'client-key-data', 'client-key');
    if (typeof cluster['tls-server-name'] === 'string') options.servername = cluster['tls-server-name'];
  }
  return { server, options };
}

/** The target of the kubeconfig file at `path` (relative paths inside it resolve against its directory). */
export function kubeTargetFromFile(path: string): KubeTarget {
  return kubeTarget(readFileSync(path, 'utf8'), dirname(path));
}

function entry(config: Record<string, unknown>, list: string, key: 'cluster' | 'user' | 'context', name: string): Fields {
  const entries = (Array.isArray(config[list]) ? config[list] : []) as NamedEntry<Fields>[];
  const found = entries.find((e) => e.name === name);
  if (!found) throw new Error(`kubeconfig has no ${key} named "${name}"`);
  return found[key] ?? {};
}

/** One request with a JSON body (if any); resolves with the status and body whatever the status. */
export function kubeRequest(target: KubeTarget, method: string, path: string, body?: unknown, accept = 'application/json'): Promise<KubeResponse> {
  const url = new URL(path, target.server);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { ...(target.options.headers as Record<string, string>), accept };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { ...target.options, method, headers, agent: false }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
