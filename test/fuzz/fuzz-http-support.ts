// Sends generated requests over a keep-alive undici Pool and judges each answer: never a 5xx, 4xx as a proper Status.
import { Pool } from 'undici';
import { requestIdHeader } from './fuzz-cluster-support.js';

/** A body too large to print: `prefix + fill.repeat(count) + suffix`, built only when sent. */
export interface HugeBody {
  prefix: string;
  fill: string;
  count: number;
  suffix: string;
}

export type FuzzBody = string | Uint8Array | HugeBody;

export interface FuzzRequest {
  /** Which generator made it, for the tally and for reading a counterexample. */
  category: string;
  method: string;
  /** Path and query string, as sent. */
  path: string;
  headers: Record<string, string>;
  body?: FuzzBody;
}

export interface Answer {
  status: number;
  contentType: string;
  /** Undefined for answers read no further than their headers (successes, streams). */
  text?: string;
}

/** The metav1.StatusReasons upstream answers each client-error code with (k8s.io/apimachinery/pkg/api/errors). */
const reasonsByCode: Record<number, string[]> = {
  400: ['BadRequest'],
  401: ['Unauthorized'],
  403: ['Forbidden'],
  404: ['NotFound'],
  405: ['MethodNotAllowed'],
  406: ['NotAcceptable'],
  409: ['AlreadyExists', 'Conflict'],
  410: ['Gone', 'Expired'],
  413: ['RequestEntityTooLarge'],
  415: ['UnsupportedMediaType'],
  422: ['Invalid'],
  429: ['TooManyRequests'],
};

export function bodyBytes(body: FuzzBody | undefined): string | Buffer | undefined {
  if (body === undefined || typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body);
  return body.prefix + body.fill.repeat(body.count) + body.suffix;
}

export function openPool(url: string, connections: number): Pool {
  return new Pool(url, { connections, pipelining: 1, keepAliveTimeout: 30_000, bodyTimeout: 30_000, headersTimeout: 30_000 });
}

/** Sends one request; successes are not read (a watch that started would never end): their connection is dropped. */
export async function send(pool: Pool, request: FuzzRequest, id: string): Promise<Answer> {
  const res = await pool.request({
    method: request.method as 'GET',
    path: request.path,
    headers: { ...request.headers, [requestIdHeader]: id },
    body: bodyBytes(request.body),
  });
  const contentType = String(res.headers['content-type'] ?? '');
  if (res.statusCode < 400) {
    // Dropping the body aborts it, which undici reports as an error event: expected here, not a failure.
    res.body.on('error', () => {});
    res.body.destroy();
    return { status: res.statusCode, contentType };
  }
  return { status: res.statusCode, contentType, text: await res.body.text() };
}

/**
 * The one server error upstream answers to client input, and clients rely on (client-go's IsTooLargeResourceVersion):
 * a read at a resourceVersion the store has not reached waits a little, then gets 504 Timeout, cause
 * ResourceVersionTooLarge.
 */
function isTooLargeResourceVersion(answer: Answer): boolean {
  if (answer.status !== 504) return false;
  try {
    const status = JSON.parse(answer.text ?? '') as { reason?: string; details?: { causes?: { reason?: string }[] } };
    return status.reason === 'Timeout' && status.details?.causes?.[0]?.reason === 'ResourceVersionTooLarge';
  } catch {
    return false;
  }
}

/** What is wrong with an answer to a request the store recorded `writes` writes for; empty when it is right. */
export function judge(request: FuzzRequest, answer: Answer, writes: number): string[] {
  const problems: string[] = [];
  if (answer.status >= 500 && !isTooLargeResourceVersion(answer)) problems.push(`answered ${answer.status}: ${answer.text?.slice(0, 300)}`);
  if (answer.status >= 400 && writes > 0) problems.push(`rejected with ${answer.status} yet wrote the store ${writes} time(s)`);
  // A HEAD answer has headers only; anything else that fails must say why as a metav1.Status, except where upstream's
  // OpenAPI handler answers an unknown document with Go's plain-text "404 page not found".
  if (answer.status < 400 || request.method === 'HEAD') return problems;
  if (answer.status === 404 && request.path.startsWith('/openapi/') && answer.text?.trim() === '404 page not found') return problems;
  if (answer.contentType.split(';')[0] !== 'application/json') problems.push(`Content-Type ${answer.contentType}`);
  let status: Record<string, unknown> | undefined;
  try {
    status = JSON.parse(answer.text ?? '') as Record<string, unknown>;
  } catch {
    problems.push(`a body that is not JSON: ${answer.text?.slice(0, 200)}`);
    return problems;
  }
  if (status?.kind !== 'Status' || status.apiVersion !== 'v1' || status.status !== 'Failure' || status.code !== answer.status) {
    problems.push(`not a Failure Status with code ${answer.status}: ${answer.text?.slice(0, 300)}`);
  }
  const reasons = isTooLargeResourceVersion(answer) ? ['Timeout'] : reasonsByCode[answer.status];
  if (!reasons) problems.push(`unexpected code ${answer.status}`);
  else if (!reasons.includes(status?.reason as string)) problems.push(`reason ${String(status?.reason)} for ${answer.status} (expected ${reasons.join(' or ')})`);
  return problems;
}

/** A request as one line for a report: bodies cut short. */
export function describeRequest(request: FuzzRequest): string {
  const body = request.body;
  const shown =
    body === undefined ? '' :
    typeof body === 'string' ? ` body=${JSON.stringify(body.length > 300 ? `${body.slice(0, 300)}…(${body.length} chars)` : body)}` :
    body instanceof Uint8Array ? ` body=<${body.length} bytes: ${Buffer.from(body.subarray(0, 64)).toString('hex')}…>` :
    ` body=<${body.prefix.length + body.fill.length * body.count + body.suffix.length} chars of ${JSON.stringify(body.fill)}>`;
  return `[${request.category}] ${request.method} ${request.path.slice(0, 400)} headers=${JSON.stringify(request.headers)}${shown}`;
}
