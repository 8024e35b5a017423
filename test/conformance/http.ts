// HTTP helpers for the conformance suite: requests that never tolerate a 5xx, Status checks, watch streams, store snapshots.
import type { Cluster } from '../../src/cluster.js';
import type { ResourceType } from '../../src/registry/resource-table.js';

export type Json = Record<string, any>;

export interface Reply {
  status: number;
  contentType: string;
  text: string;
  /** The parsed JSON body (undefined when the body is not JSON). */
  body: Json;
}

export interface RequestOptions {
  /** Sent as-is when a string or Buffer; JSON-encoded otherwise. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export class Api {
  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    let body: string | Uint8Array | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
      headers['Content-Type'] = options.contentType ?? 'application/json';
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body: body as BodyInit | undefined });
    const text = await res.text();
    let parsed: Json = undefined as unknown as Json;
    try {
      parsed = JSON.parse(text) as Json;
    } catch {
      // not JSON: left undefined, callers that care assert on it
    }
    const reply = { status: res.status, contentType: res.headers.get('content-type') ?? '', text, body: parsed };
    // No request of the suite may ever see a server error: a 5xx is a bug whatever was sent.
    if (reply.status >= 500) throw new Error(`${method} ${path} answered ${reply.status}: ${text.slice(0, 500)}`);
    return reply;
  }

  get(path: string, headers?: Record<string, string>): Promise<Reply> {
    return this.request('GET', path, { headers });
  }
  post(path: string, body: unknown, contentType?: string): Promise<Reply> {
    return this.request('POST', path, { body, contentType });
  }
  put(path: string, body: unknown): Promise<Reply> {
    return this.request('PUT', path, { body });
  }
  patch(path: string, body: unknown, contentType = 'application/merge-patch+json'): Promise<Reply> {
    return this.request('PATCH', path, { body, contentType });
  }
  delete(path: string, body?: unknown): Promise<Reply> {
    return this.request('DELETE', path, { body });
  }
}

/** `/api/v1/namespaces/ns/pods` or `/apis/apps/v1/deployments` (namespace ignored for cluster-scoped kinds). */
export function collectionPath(type: ResourceType, namespace?: string): string {
  const root = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  return type.namespaced && namespace ? `${root}/namespaces/${namespace}/${type.resource}` : `${root}/${type.resource}`;
}

export function itemPath(type: ResourceType, namespace: string | undefined, name: string): string {
  return `${collectionPath(type, namespace)}/${encodeURIComponent(name)}`;
}

/** `configmaps` or `deployments.apps`, as upstream messages name a resource. */
export function qualified(type: ResourceType): string {
  return type.group ? `${type.resource}.${type.group}` : type.resource;
}

/** Asserts a reply is a metav1.Status failure with this code (and reason, when given), sent as application/json. */
export function expectStatus(reply: Reply, code: number, reason?: string): Json {
  const context = `${reply.status} ${reply.text.slice(0, 400)}`;
  expect({ code: reply.status, context }).toEqual({ code, context });
  expect(reply.contentType.split(';')[0]).toBe('application/json');
  expect(reply.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code });
  expect(typeof reply.body.reason).toBe('string');
  if (reason !== undefined) expect(reply.body.reason).toBe(reason);
  return reply.body;
}

/** Asserts a reply's status code, showing the body when it differs. */
export function expectCode(reply: Reply, code: number): Json {
  const context = `${reply.status} ${reply.text.slice(0, 400)}`;
  expect({ code: reply.status, context }).toEqual({ code, context });
  expect(reply.contentType.split(';')[0]).toBe('application/json');
  return reply.body;
}

export interface WatchEvent {
  type: string;
  object: Json;
}

/** A watch over HTTP: events as they arrive, one JSON object per line. */
export class WatchStream {
  readonly events: WatchEvent[] = [];
  private readonly abort = new AbortController();
  private waiters: (() => void)[] = [];
  private ended = false;
  status = 0;

  static async open(api: Api, path: string): Promise<WatchStream> {
    const stream = new WatchStream();
    const res = await fetch(api.baseUrl + path, { signal: stream.abort.signal, headers: { Accept: 'application/json' } });
    stream.status = res.status;
    if (res.status >= 500) throw new Error(`watch ${path} answered ${res.status}`);
    void stream.pump(res.body!);
    return stream;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (line.trim()) this.events.push(JSON.parse(line) as WatchEvent);
        }
        this.wake();
      }
    } catch {
      // aborted by close()
    }
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The first event (already received or still to come) matching `predicate`. */
  async next(predicate: (e: WatchEvent) => boolean, timeoutMs = 5000): Promise<WatchEvent> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (this.ended) throw new Error(`watch ended without the event; saw ${JSON.stringify(this.events.map((e) => e.type))}`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no matching watch event within ${timeoutMs} ms; saw ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.abort.abort();
  }
}

export interface StoreSnapshot {
  revision: number;
  bytes: string;
}

/** The store's revision and the bytes of every stored object, to prove a request changed nothing. */
export async function snapshot(cluster: Cluster): Promise<StoreSnapshot> {
  const { records } = await cluster.store.list('/');
  return { revision: cluster.store.currentRevision(), bytes: records.map((r) => `${r.key}=${r.bytes().toString()}`).join('\n') };
}

export async function expectUnchanged(cluster: Cluster, before: StoreSnapshot): Promise<void> {
  const after = await snapshot(cluster);
  expect(after.revision).toBe(before.revision);
  expect(after.bytes).toBe(before.bytes);
}
