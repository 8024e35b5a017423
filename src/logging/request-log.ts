// One log line per HTTP request when it finishes, with the fields of kube-apiserver's httplog ("HTTP" verb, URI, latency…).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestVerb } from '../api/handlers/resource-handler.js';
import { Query } from '../api/query.js';
import { parseResourcePath } from '../api/request-info.js';
import type { Logger } from './logger.js';

export interface RequestLogOptions {
  /** The authenticated user's name, once authentication has run (read when the request finishes). */
  userOf?: (req: IncomingMessage) => string | undefined;
}

export interface RequestLogFields {
  verb: string;
  resource?: string;
  group?: string;
  namespace?: string;
  name?: string;
  uri: string;
  code: number;
  latencyMs: number;
  userAgent?: string;
  srcIP?: string;
  user?: string;
}

/**
 * Returns the hook to call as each request arrives. Like the apiserver's httplog, a request is logged once, when its
 * response ends, so a watch is logged when it ends and its latency is how long it stayed open. While info is off the
 * hook only checks the level, so a logger at warn costs requests nothing.
 */
export function requestLogHook(logger: Logger, options: RequestLogOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (!logger.isLevelEnabled('info')) return;
    const started = process.hrtime.bigint();
    // Read now: once a client hangs up the socket no longer knows its peer.
    const srcIP = sourceAddress(req);
    res.once('close', () => {
      const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
      const fields = requestFields(req, res.statusCode, latencyMs, srcIP);
      const user = options.userOf?.(req);
      if (user !== undefined) fields.user = user;
      logger.info(fields, 'HTTP');
    });
  };
}

export function requestFields(req: IncomingMessage, code: number, latencyMs: number, srcIP: string | undefined): RequestLogFields {
  // express rewrites req.url inside mounted routers; originalUrl is what the client asked for.
  const uri = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const q = uri.indexOf('?');
  const method = req.method ?? 'GET';
  const latency = Math.round(latencyMs * 1000) / 1000;
  const info = parseResourcePath(q < 0 ? uri : uri.slice(0, q));
  // Built in reading order (verb, resource, namespace, name, then the rest): JSON keeps it, and so do text lines.
  const fields: RequestLogFields = info
    ? {
        verb: requestVerb(method, info, new Query(q < 0 ? '' : uri.slice(q + 1))),
        resource: info.subresource === undefined ? info.resource : `${info.resource}/${info.subresource}`,
        group: info.group,
        namespace: info.namespace,
        name: info.name,
        uri,
        code,
        latencyMs: latency,
      }
    : { verb: method.toLowerCase(), uri, code, latencyMs: latency };
  const userAgent = req.headers['user-agent'];
  if (userAgent !== undefined) fields.userAgent = userAgent;
  if (srcIP !== undefined) fields.srcIP = srcIP;
  return fields;
}

/** host:port of the peer, as the apiserver logs srcIP (IPv6 in brackets). */
function sourceAddress(req: IncomingMessage): string | undefined {
  const { remoteAddress, remotePort } = req.socket;
  if (remoteAddress === undefined) return undefined;
  const host = remoteAddress.includes(':') ? `[${remoteAddress}]` : remoteAddress;
  return remotePort === undefined ? host : `${host}:${remotePort}`;
}
