// A closed-loop HTTP load generator on undici: `concurrency` keep-alive connections, one request in flight on each.
import { Pool } from 'undici';

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  /** A fixed body, or one made per request (n counts requests across all connections). */
  body?: string | ((n: number) => string);
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  firstError?: string;
}

/** Sends `spec` for `durationMs` from `concurrency` connections and counts 2xx answers. */
export async function runLoad(url: string, spec: RequestSpec, concurrency: number, durationMs: number): Promise<LoadResult> {
  const pool = new Pool(url, { connections: concurrency, pipelining: 1, keepAliveTimeout: 60_000 });
  let n = 0;
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const body = typeof spec.body === 'function' ? spec.body(n++) : spec.body;
      try {
        const res = await pool.request({ method: spec.method, path: spec.path, headers: spec.headers, body });
        const text = res.statusCode >= 300 ? await res.body.text() : (await res.body.dump(), '');
        if (res.statusCode < 300) ok++;
        else {
          errors++;
          firstError ??= `${res.statusCode} ${text.slice(0, 200)}`;
        }
      } catch (err) {
        errors++;
        firstError ??= String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { requests: ok, errors, seconds, requestsPerSecond: ok / seconds, firstError };
}

/** One request, answered in full: status, headers' content type and body bytes. */
export async function once(url: string, spec: RequestSpec): Promise<{ status: number; contentType: string; body: Buffer }> {
  const pool = new Pool(url, { connections: 1 });
  try {
    const body = typeof spec.body === 'function' ? spec.body(0) : spec.body;
    const res = await pool.request({ method: spec.method, path: spec.path, headers: spec.headers, body });
    const bytes = Buffer.from(await res.body.arrayBuffer());
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? 'application/json'), body: bytes };
  } finally {
    await pool.close();
  }
}

/** Runs `count` requests with at most `concurrency` in flight; throws on the first non-2xx answer. */
export async function sendAll(url: string, count: number, concurrency: number, make: (i: number) => RequestSpec): Promise<void> {
  const pool = new Pool(url, { connections: concurrency, pipelining: 1 });
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const spec = make(next++);
      const body = typeof spec.body === 'function' ? spec.body(next) : spec.body;
      const res = await pool.request({ method: spec.method, path: spec.path, headers: spec.headers, body });
      const text = await res.body.text();
      if (res.statusCode >= 300) throw new Error(`${spec.method} ${spec.path}: ${res.statusCode} ${text.slice(0, 300)}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await pool.close();
  }
}
