// Creates the cluster's HTTP or HTTPS server and listens: the transport side of startCluster.
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServingTls } from './tls/serving-cert.js';
import type { ServerEndpoint } from './kubeconfig.js';

export interface ListenOptions {
  host: string;
  port: number;
  /** resolveServingTls()'s answer: resolved before the cluster starts, so a bad certificate fails start-up early. */
  tls?: ServingTls;
}

export interface Listening {
  /** An http.Server, or an https.Server (which has the same close and connection methods). */
  server: Server;
  port: number;
  /** host:port as clients dial it (a wildcard host becomes 127.0.0.1, IPv6 is bracketed). */
  address: string;
  endpoint: ServerEndpoint;
}

export async function listenCluster(app: RequestListener, options: ListenOptions): Promise<Listening> {
  const tls = options.tls;
  // Client certificates are asked for, not required: bearer tokens stay a way in, and the authenticator reads
  // socket.authorized to know whether the presented one verified against the cluster CA.
  const server: Server = tls
    ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem, ca: tls.clientCaPem, requestCert: true, rejectUnauthorized: false }, app)
    : createServer(app);
  server.keepAliveTimeout = 65_000;
  await listen(server, options.port, options.host);
  const port = (server.address() as AddressInfo).port;
  const host = options.host;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const address = `${urlHost}:${port}`;
  const url = `${tls ? 'https' : 'http'}://${address}`;
  return { server, port, address, endpoint: { url, tls: tls !== undefined, caPem: tls?.caPem } };
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
