// The watch verb: initial state, resume from a resourceVersion, selector transitions, bookmarks and timeouts.
import { ApiError, errors } from '../../meta/errors.js';
import type { KubeObject } from '../../meta/types.js';
import { StoreError, type StoreEvent, type WatchHandle } from '../../store/types.js';
import type { Resource } from '../resource.js';
import { recordView, viewOf, type ObjectView, type RegistryContext } from './context.js';
import { parseResourceVersion } from './list.js';
import { compileSelectors } from './selection.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchQuery {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
}

export interface WatchSink {
  event(type: WatchEventType, view: ObjectView): void;
  /** An ERROR event (e.g. 410 Expired); the watch ends right after. */
  error(err: ApiError): void;
  /** The server ends the watch (timeout, shutdown). */
  end(): void;
}

const bookmarkIntervalMs = 60_000;
const initialEventsEnd = 'k8s.io/initial-events-end';

export async function watchObjects(
  ctx: RegistryContext,
  resource: Resource,
  namespace: string | undefined,
  query: WatchQuery,
  sink: WatchSink,
): Promise<WatchHandle> {
  const matcher = compileSelectors(resource, query.labelSelector, query.fieldSelector);
  const prefix = resource.prefix(namespace);
  const rv = query.resourceVersion;
  if (query.sendInitialEvents !== undefined) validateWatchList(query);
  const withInitialState = query.sendInitialEvents ?? (rv === undefined || rv === '' || rv === '0');
  let from: number;
  let stopped = false;
  let handle: WatchHandle | undefined;
  const timers: { cancel(): void }[] = [];
  const stop = () => {
    if (stopped) return;
    stopped = true;
    handle?.stop();
    for (const t of timers) t.cancel();
  };
  const bookmark = (annotations?: Record<string, string>, revision = ctx.store.currentRevision()) => {
    const metadata: Record<string, unknown> = { resourceVersion: String(revision) };
    if (annotations) metadata.annotations = annotations;
    sink.event('BOOKMARK', viewOf({ kind: resource.kind, apiVersion: resource.apiVersion, metadata } as KubeObject));
  };

  if (withInitialState) {
    const initial = await ctx.store.list(prefix, {
      filter: matcher ? (record) => matcher(record.object as KubeObject) : undefined,
    });
    for (const record of initial.records) sink.event('ADDED', recordView(record));
    from = initial.revision;
    // The list's revision, not the store's: a write landing while the list was awaited is not part of the initial state.
    if (query.sendInitialEvents) bookmark({ [initialEventsEnd]: 'true' }, initial.revision);
  } else if (rv === undefined || rv === '' || rv === '0') {
    from = ctx.store.currentRevision();
  } else {
    from = parseResourceVersion(rv);
  }

  try {
    handle = ctx.store.watch(prefix, from, (event) => deliver(event, matcher, sink), {
      filter: matcher
        ? (event) => matcher(event.record.object as KubeObject) || (!!event.prev && matcher(event.prev.object as KubeObject))
        : undefined,
    });
  } catch (err) {
    if (err instanceof StoreError && err.code === 'expired') {
      sink.error(errors.expired(err.message));
      return { stop };
    }
    throw err;
  }
  if (query.allowWatchBookmarks) timers.push(ctx.clock.every(bookmarkIntervalMs, () => bookmark()));
  // Upstream ends watches after timeoutSeconds, or a randomized 30–60 minutes when none is asked for.
  const timeoutMs = query.timeoutSeconds !== undefined && query.timeoutSeconds > 0
    ? query.timeoutSeconds * 1000
    : (1800 + Math.floor(Math.random() * 1800)) * 1000;
  timers.push(
    ctx.clock.after(timeoutMs, () => {
      if (query.allowWatchBookmarks) bookmark();
      stop();
      sink.end();
    }),
  );
  return { stop };
}

/** Translates a store event into what a watcher with selectors sees: objects entering or leaving the selection. */
function deliver(event: StoreEvent, matcher: ((o: KubeObject) => boolean) | undefined, sink: WatchSink): void {
  const view = recordView(event.record);
  if (!matcher || event.type === 'ADDED') {
    sink.event(event.type, view);
    return;
  }
  if (event.type === 'DELETED') {
    if (matcher(event.prev!.object as KubeObject)) sink.event('DELETED', view);
    return;
  }
  const now = matcher(event.record.object as KubeObject);
  const before = !!event.prev && matcher(event.prev.object as KubeObject);
  if (now && before) sink.event('MODIFIED', view);
  else if (now) sink.event('ADDED', view);
  else if (before) sink.event('DELETED', view);
}

function validateWatchList(query: WatchQuery): void {
  if (!query.sendInitialEvents) return;
  const causes = [];
  if (query.resourceVersionMatch !== 'NotOlderThan') {
    causes.push({
      reason: 'FieldValueForbidden',
      message: 'Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
      field: 'sendInitialEvents',
    });
  }
  if (!query.allowWatchBookmarks) {
    causes.push({
      reason: 'FieldValueForbidden',
      message: 'Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true',
      field: 'allowWatchBookmarks',
    });
  }
  if (causes.length > 0) throw errors.invalid('ListOptions', 'meta.k8s.io', '', causes);
}
