// Test helper: a real HTTPS admission webhook on localhost, its certificate signed by the cluster CA for the caBundle.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { subjectAltName } from '../tls/certificate-builder.js';
import { clusterCA } from '../tls/cluster-ca.js';
import { issueLeafCertificate } from '../tls/leaf-certificate.js';

export interface ReceivedReview {
  path: string;
  review: { apiVersion: string; kind: string; request: Record<string, unknown> & { uid: string; object?: Record<string, unknown> | null } };
}

/** What the handler answers: response fields (uid is filled in), or `raw` to send a whole body of its own. */
export type ReviewAnswer = { raw: unknown } | Record<string, unknown>;

export type ReviewHandler = (received: ReceivedReview) => ReviewAnswer | Promise<ReviewAnswer>;

export interface WebhookTestServer {
  /** `https://127.0.0.1:<port>` — append a path per webhook. */
  url: string;
  /** The CA certificate, base64 of PEM, for clientConfig.caBundle. */
  caBundle: string;
  received: ReceivedReview[];
  /** Handlers by request path; `/` answers allowed when nothing else is registered. */
  handle(path: string, handler: ReviewHandler): void;
  close(): Promise<void>;
}

async function servingCertificate(): Promise<{ key: string; cert: string; caPem: string }> {
  const { certPem, keyPem } = await issueLeafCertificate([{ CN: ['webhook.default.svc'] }], [subjectAltName(['127.0.0.1', 'localhost', 'webhook.default.svc'])]);
  return { key: keyPem, cert: certPem, caPem: (await clusterCA()).certificatePem };
}

export async function startWebhookServer(): Promise<WebhookTestServer> {
  const { key, cert, caPem } = await servingCertificate();
  const handlers = new Map<string, ReviewHandler>();
  const received: ReceivedReview[] = [];
  const server: Server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const entry: ReceivedReview = { path: `${url.pathname}${url.search}`, review: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
      received.push(entry);
      const handler = handlers.get(url.pathname) ?? (() => ({ allowed: true }));
      void Promise.resolve(handler(entry)).then(
        (answer) => {
          if (res.destroyed) return;
          const body =
            'raw' in answer
              ? answer.raw
              : { apiVersion: entry.review.apiVersion, kind: 'AdmissionReview', response: { uid: entry.review.request.uid, ...answer } };
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify(body));
        },
        () => res.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    caBundle: Buffer.from(caPem).toString('base64'),
    received,
    handle: (path, handler) => handlers.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A JSON patch as a mutating webhook's response carries it. */
export function patchResponse(operations: unknown[]): Record<string, unknown> {
  return { allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(operations)).toString('base64') };
}
