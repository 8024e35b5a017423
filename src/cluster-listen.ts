// Creates the cluster's HTTP or HTTPS server and listens: the transport side of startCluster, including its drain on shutdown.
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { realDelay } from './clock/real-delay.js';
import { ApiError } from './meta/errors.js';
import { sendError } from './api/respond.js';
import type { ServingTls } from './tls/serving-cert.js';
import type { ServerEndpoint } from './kubeconfig.js';

/** How long a connection may take over each part of a request, in milliseconds of real time. */
export interface HttpTimeouts {
  /** The request line and headers must arrive within this (upstream's ReadHeaderTimeout: 32 s). */
  headersMs?: number;
  /**
   * The whole request, body included, must arrive within this (upstream's default --request-timeout: 60 s). It
   * does not limit the answer: a watch, whose request is complete once its headers are in, streams for as long as it likes.
   */
  requestMs?: number;
  /** An idle keep-alive connection is closed after this (upstream's IdleTimeout: 90 s, client-go's idle timeout). */
  idleMs?: number;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** resolveServingTls()'s answer: resolved before the cluster starts, so a bad certificate fails start-up early. */
  tls?: ServingTls;
  timeouts?: HttpTimeouts;
}

export interface Listening {
  /** An http.Server, or an https.Server (which has the same close and connection methods). */
  server: Server;
  port: number;
  /** host:port as clients dial it (a wildcard host becomes 127.0.0.1, IPv6 is bracketed). */
  address: string;
  endpoint: ServerEndpoint;
  /**
   * Stops accepting: the listener closes and requests arriving on open connections are refused with 429 (as
   * upstream refuses them while it shuts down). Requests already being served go on.
   */
  stopAccepting(): void;
  /**
   * Waits up to `graceMs` for the requests being served to finish, then cuts every connection still open, so that no
   * answer leaves after it resolves.
   */
  drain(graceMs: number): Promise<void>;
}

/** Upstream's MaxHeaderBytes: Node's own default (16 KiB) would refuse long label selectors upstream accepts. */
export const maxHeaderBytes = 1024 * 1024;

const upstreamTimeouts: Required<HttpTimeouts> = { headersMs: 32_000, requestMs: 60_000, idleMs: 90_000 };

export async function listenCluster(app: RequestListener, options: ListenOptions): Promise<Listening> {
  const tls = options.tls;
  const timeouts = { ...upstreamTimeouts, ...options.timeouts };
  const inFlight = new Set<ServerResponse>();
  let accepting = true;
  let drained: (() => void) | undefined;
  const tracked: RequestListener = (req, res) => {
    if (!accepting) return refuseWhileStopping(req, res);
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (inFlight.size === 0) drained?.();
    });
    app(req, res);
  };
  const serverOptions: ServerOptions = {
    maxHeaderSize: maxHeaderBytes,
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.idleMs,
    // Node checks the header and request deadlines on this period: its default (30 s) would let a client that never
    // finishes its headers hold the connection twice as long as headersTimeout says.
    connectionsCheckingInterval: Math.min(5_000, Math.max(50, Math.floor(Math.min(timeouts.headersMs, timeouts.requestMs) / 4))),
  };
  // Client certificates are asked for, not required: bearer tokens stay a way in, and the authenticator reads
  // socket.authorized to know whether the presented one verified against the cluster CA.
  const server: Server = tls
    ? createHttpsServer({ ...serverOptions, cert: tls.certPem, key: tls.keyPem, ca: tls.clientCaPem, requestCert: true, rejectUnauthorized: false }, tracked)
    : createServer(serverOptions, tracked);
  await listen(server, options.port, options.host);
  const port = (server.address() as AddressInfo).port;
  const host = options.host;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const address = `${urlHost}:${port}`;
  const url = `${tls ? 'https' : 'http'}://${address}`;
  const stopAccepting = () => {
    if (!accepting) return;
    accepting = false;
    server.close();
    server.closeIdleConnections();
  };
  const drain = async (graceMs: number) => {
    stopAccepting();
    if (inFlight.size > 0) {
      const allDone = new Promise<void>((resolve) => (drained = resolve));
      await Promise.race([allDone, realDelay(graceMs)]);
    }
    server.closeAllConnections();
  };
  return { server, port, address, endpoint: { url, tls: tls !== undefined, caPem: tls?.caPem }, stopAccepting, drain };
}

/** Upstream's answer to a request that arrives once shutdown has begun: come back later, on a new connection. */
function refuseWhileStopping(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  res.shouldKeepAlive = false;
  const retryAfterSeconds = 5;
  const err = new ApiError(429, 'TooManyRequests', 'The apiserver is shutting down, please try again later.', { retryAfterSeconds }, {
    'Retry-After': String(retryAfterSeconds),
  });
  sendError(res, err);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
