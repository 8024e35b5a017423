// Calls admission and conversion webhooks: HTTPS POST of a review, trusting the configured caBundle, within a timeout.
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { WebhookClientConfig, ServiceReference } from '../registry/crd/crd-types.js';

/** Maps a Service reference to the URL that reaches it from this process (tests run webhook servers on localhost). */
export type ServiceResolver = (service: Required<Pick<ServiceReference, 'namespace' | 'name' | 'port'>> & { path: string }) => string | undefined;

export interface WebhookCallOptions {
  timeoutMs: number;
  resolveService?: ServiceResolver;
  /** Admission calls tell the webhook their deadline as client-go's Timeout() does: `?timeout=10s`. */
  timeoutQuery?: boolean;
}

export type WebhookFailureKind = 'resolve' | 'timeout' | 'connect' | 'status' | 'decode';

/** A call that produced no usable answer; `message` reads like upstream's (Post "<url>": <cause>). */
export class WebhookCallError extends Error {
  constructor(
    readonly kind: WebhookFailureKind,
    message: string,
    /** The HTTP status for 'status' failures. */
    readonly status?: number,
  ) {
    super(message);
  }
}

interface Target {
  url: URL;
  /** The name the server's certificate must carry: the URL's host, or `<service>.<namespace>.svc`. */
  serverName: string;
}

/** The URL a client config points at: `url` as given, or the resolved Service (default `https://name.namespace.svc:port/path`). */
export function webhookTarget(config: WebhookClientConfig, resolve?: ServiceResolver): Target {
  if (config.url) {
    const url = new URL(config.url);
    return { url, serverName: url.hostname };
  }
  const service = config.service;
  if (!service) throw new WebhookCallError('resolve', 'webhook clientConfig has neither url nor service');
  const port = service.port ?? 443;
  const path = service.path ?? '';
  const serverName = `${service.name}.${service.namespace}.svc`;
  const mapped = resolve?.({ namespace: service.namespace, name: service.name, port, path });
  const url = new URL(mapped ?? `https://${serverName}:${port}${path}`);
  if (mapped && path && (url.pathname === '/' || url.pathname === '')) url.pathname = path;
  return { url, serverName };
}

/** POSTs `review` as JSON and answers the decoded JSON response. Throws WebhookCallError on any failure. */
export function postWebhook(config: WebhookClientConfig, review: unknown, options: WebhookCallOptions): Promise<unknown> {
  let target: Target;
  try {
    target = webhookTarget(config, options.resolveService);
  } catch (err) {
    return Promise.reject(err instanceof WebhookCallError ? err : new WebhookCallError('resolve', String((err as Error).message)));
  }
  const { url, serverName } = target;
  if (options.timeoutQuery) url.searchParams.set('timeout', `${Math.ceil(options.timeoutMs / 1000)}s`);
  const body = Buffer.from(JSON.stringify(review));
  const shown = `Post "${url.toString()}"`;
  const ca = config.caBundle ? Buffer.from(config.caBundle, 'base64').toString('utf8') : undefined;
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const req = send(
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': body.length },
        timeout: options.timeoutMs,
        ...(url.protocol === 'https:' ? { ca, servername: isIp(serverName) ? undefined : serverName } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            reject(new WebhookCallError('status', `${shown}: the server responded with the status code ${status} but did not return a response`, status));
            return;
          }
          try {
            resolve(JSON.parse(text));
          } catch {
            reject(new WebhookCallError('decode', `${shown}: the server returned a response that could not be decoded`));
          }
        });
        res.on('error', (err) => reject(new WebhookCallError('connect', `${shown}: ${err.message}`)));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      reject(new WebhookCallError('timeout', `${shown}: context deadline exceeded`));
    });
    req.on('error', (err) => reject(new WebhookCallError('connect', `${shown}: ${goNetworkError(err, url)}`)));
    req.end(body);
  });
}

/** Go's net/http wording for the failures tests provoke most (a closed port, an untrusted certificate). */
function goNetworkError(err: Error & { code?: string }, url: URL): string {
  const port = url.port || (url.protocol === 'http:' ? '80' : '443');
  if (err.code === 'ECONNREFUSED') return `dial tcp ${url.hostname.replace(/^\[|\]$/g, '')}:${port}: connect: connection refused`;
  const untrusted = ['SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'];
  if (err.code && untrusted.includes(err.code)) return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  return err.message;
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
