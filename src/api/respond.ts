// Writes answers: JSON bytes, object lists assembled from cached per-object bytes, and metav1.Status errors.
import type { ServerResponse } from 'node:http';
import { ApiError, errors } from '../meta/errors.js';
import type { ObjectView } from '../registry/generic/context.js';

export function sendBytes(res: ServerResponse, code: number, bytes: Buffer, contentType = 'application/json'): void {
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', bytes.length);
  res.end(bytes);
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  sendBytes(res, code, Buffer.from(JSON.stringify(body)));
}

export function sendView(res: ServerResponse, code: number, view: ObjectView): void {
  sendBytes(res, code, view.bytes());
}

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** `{"kind":"PodList",...,"items":[<bytes>,<bytes>]}` from each object's cached bytes, without re-encoding them. */
export function listBytes(apiVersion: string, listKind: string, meta: ListMeta, views: readonly ObjectView[]): Buffer {
  const head = Buffer.from(`{"kind":${JSON.stringify(listKind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(meta)},"items":[`);
  const parts: Buffer[] = new Array(views.length * 2 + 1);
  parts[0] = head;
  let n = 1;
  for (let i = 0; i < views.length; i++) {
    if (i > 0) parts[n++] = comma;
    parts[n++] = views[i]!.bytes();
  }
  parts[n++] = tail;
  return Buffer.concat(parts.slice(0, n));
}

const comma = Buffer.from(',');
const tail = Buffer.from(']}');

/** Every failure leaves as a metav1.Status; anything that is not an ApiError is a bug, logged and answered 500. */
export function sendError(res: ServerResponse, err: unknown, log?: (err: unknown) => void): void {
  let apiError: ApiError;
  if (err instanceof ApiError) {
    apiError = err;
  } else {
    log?.(err);
    apiError = errors.internal(err instanceof Error ? err.message : String(err));
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const [name, value] of Object.entries(apiError.headers ?? {})) res.setHeader(name, value);
  sendJson(res, apiError.code, apiError.toStatus());
}
