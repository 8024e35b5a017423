// Real-HTTP access for the reliability suites: keep-alive JSON requests and line-delimited watch streams.
import http from 'node:http';

export type Json = Record<string, any>;

export interface Reply {
  status: number;
  body: Json;
  text: string;
}

export interface HttpClientOptions {
  /** Connections kept open at once; requests beyond it queue in the client, not in the server. */
  maxSockets?: number;
}

/** A keep-alive client for one server; every reply is parsed as JSON (a body that is not JSON fails the request). */
export class HttpClient {
  private readonly agent: http.Agent;
  private readonly url: URL;

  constructor(baseUrl: string, options: HttpClientOptions = {}) {
    this.url = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  }

  request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Reply> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    if (payload) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = payload.length;
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: this.url.hostname, port: this.url.port, path, method, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Json, text });
            } catch {
              reject(new Error(`${method} ${path}: ${res.statusCode} with a body that is not JSON: ${text.slice(0, 300)}`));
            }
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Json;
}

/** How a watch stream ended: the server ended it cleanly, the connection broke, or the test stopped it. */
export type WatchEnd = 'clean' | 'broken' | 'stopped';

export interface WatchStream {
  /** Resolves when the stream is over; a status other than 200 rejects. */
  done: Promise<WatchEnd>;
  stop(): void;
}

/** Opens `path` (which must carry watch=1) on a connection of its own and calls `onEvent` per line, in order. */
export function openWatch(baseUrl: string, path: string, onEvent: (event: WatchEvent) => void): WatchStream {
  const url = new URL(baseUrl);
  let stopped = false;
  let req: http.ClientRequest;
  const done = new Promise<WatchEnd>((resolve, reject) => {
    req = http.get({ host: url.hostname, port: url.port, path, headers: { Accept: 'application/json' }, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => reject(new Error(`watch ${path}: ${res.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`)));
        return;
      }
      let buffered = '';
      let broken = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim() !== '' && !stopped) onEvent(JSON.parse(line) as WatchEvent);
        }
      });
      res.on('aborted', () => (broken = true));
      res.on('error', () => (broken = true));
      res.on('close', () => {
        // A cut connection may leave half a line behind; a clean end never does.
        if (stopped) resolve('stopped');
        else resolve(broken || !res.complete || buffered !== '' ? 'broken' : 'clean');
      });
    });
    // A connection reset before the headers is a broken stream too: a reflector retries it like any other.
    req.on('error', () => resolve(stopped ? 'stopped' : 'broken'));
  });
  return {
    done,
    stop: () => {
      stopped = true;
      req.destroy();
    },
  };
}
