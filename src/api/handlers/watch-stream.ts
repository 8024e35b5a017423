// Streams watch events over HTTP: one JSON object plus newline per event, frames shared by every watcher.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../meta/errors.js';
import type { ObjectView } from '../../registry/generic/context.js';
import type { WatchEventType, WatchQuery } from '../../registry/generic/watch.js';
import type { Resource } from '../../registry/resource.js';
import type { ApiContext, OpenWatch } from '../api-context.js';
import type { ObjectRepresentation } from '../negotiation.js';
import { afterIoPhase } from '../../clock/after-io.js';
import { buildTable } from '../table.js';

/** Encoded event frames per object version: built by the first watcher that needs one, reused by the rest. */
const frames = new WeakMap<ObjectView, Partial<Record<WatchEventType, Buffer>>>();

function frame(type: WatchEventType, view: ObjectView): Buffer {
  let byType = frames.get(view);
  if (!byType) frames.set(view, (byType = {}));
  let bytes = byType[type];
  if (!bytes) {
    bytes = Buffer.concat([Buffer.from(`{"type":"${type}","object":`), view.bytes(), closing]);
    byType[type] = bytes;
  }
  return bytes;
}

const closing = Buffer.from('}\n');

/** Watches a fault rule cuts (dropWatch): the request → how many events it gets before its connection is destroyed. */
const cuts = new WeakMap<IncomingMessage, number>();

/** Arms a cut for this watch request: after `events` events the connection is destroyed, as a broken network does. */
export function cutWatchAfter(req: IncomingMessage, events: number): void {
  cuts.set(req, events);
}

/** ClusterOptions.maxWatches' default: far above what a test suite opens, low enough that a runaway client is stopped. */
export const defaultMaxWatches = 10_000;

/** HTTP watches open per cluster, against its maxWatches. */
const openWatchCounts = new WeakMap<ApiContext, number>();

/** As upstream's API Priority and Fairness answers a request over its concurrency: 429 with Retry-After. */
function tooManyWatches(): ApiError {
  const retryAfterSeconds = 1;
  return new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds }, {
    'Retry-After': String(retryAfterSeconds),
  });
}

/** A watch answered only with an ERROR event (as upstream answers one from an expired resourceVersion), then ended. */
export function sendWatchError(res: ServerResponse, err: ApiError): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-cache, private');
  res.end(`${JSON.stringify({ type: 'ERROR', object: err.toStatus() })}\n`);
}

export async function serveWatch(
  api: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  resource: Resource,
  namespace: string | undefined,
  query: WatchQuery,
  representation: ObjectRepresentation,
): Promise<void> {
  const openCount = openWatchCounts.get(api) ?? 0;
  if (openCount >= (api.maxWatches ?? defaultMaxWatches)) throw tooManyWatches();
  openWatchCounts.set(api, openCount + 1);
  let ended = false;
  let stopWatch: () => void = () => {};
  const open: OpenWatch = { close: () => finish(true) };
  /** Releases everything the watch holds, once; false when it had already ended. */
  const end = (): boolean => {
    if (ended) return false;
    ended = true;
    openWatchCounts.set(api, (openWatchCounts.get(api) ?? 1) - 1);
    stopWatch();
    api.watches.delete(open);
    return true;
  };
  const finish = (graceful: boolean) => {
    if (!end()) return;
    if (graceful) res.end();
    else res.destroy();
  };
  // Before the registry is asked: a client that goes away while the watch starts must not leave it registered.
  res.on('close', () => finish(false));
  const cutAfter = cuts.get(req);
  let sent = 0;
  // Ends like a dropped connection, not a clean end: the client's read fails. Events already written go out first.
  const cut = () => {
    if (!end()) return;
    startStream();
    res.write('', () => res.destroy());
  };
  const write = (bytes: Buffer) => {
    if (ended) return;
    if (cutAfter !== undefined && sent >= cutAfter) return cut();
    // Events of the writes handled in one turn of the event loop (a burst of requests, one write's fan-out, a replay)
    // leave in one syscall per watcher rather than one per event: the watcher's client reads them in one go too.
    if (!res.writableCorked) {
      res.cork();
      afterIoPhase(() => res.uncork());
    }
    res.write(bytes);
    sent++;
    if (cutAfter !== undefined && sent >= cutAfter) return cut();
    // A watcher that does not read falls behind; drop it rather than buffer without bound or slow the others.
    if (res.writableLength > api.maxWatchBufferBytes) finish(false);
  };
  const encode = (type: WatchEventType, view: ObjectView): Buffer => {
    if (representation.kind !== 'table' || type === 'BOOKMARK') return frame(type, view);
    const table = buildTable(resource, [view], undefined, representation.includeObject, representation.version, api.clock.now());
    return Buffer.from(`${JSON.stringify({ type, object: table })}\n`);
  };
  const startStream = () => {
    if (res.headersSent) return;
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-cache, private');
    res.flushHeaders(); // clients such as `kubectl wait` block until they see the headers
  };
  let handle: Awaited<ReturnType<typeof api.registry.watch>>;
  try {
    handle = await api.registry.watch(resource, namespace, query, {
      event: (type, view) => {
        startStream();
        write(encode(type, view));
      },
      error: (err: ApiError) => {
        startStream();
        write(Buffer.from(`${JSON.stringify({ type: 'ERROR', object: err.toStatus() })}\n`));
        finish(true);
      },
      end: () => finish(true),
    });
  } catch (err) {
    // The error is answered on this response: the connection stays open for the client's next request.
    end();
    throw err;
  }
  stopWatch = () => handle.stop();
  if (ended) {
    handle.stop();
    return;
  }
  startStream();
  api.watches.add(open);
  if (cutAfter !== undefined && sent >= cutAfter) cut();
}

