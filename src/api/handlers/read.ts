// GET handlers: one object, a list (JSON or Table), or a watch stream.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectView } from '../../registry/generic/context.js';
import type { ListQuery } from '../../registry/generic/list.js';
import type { Resource } from '../../registry/resource.js';
import type { ApiContext } from '../api-context.js';
import { chooseObjectRepresentation } from '../negotiation.js';
import type { Query } from '../query.js';
import { listBytes, sendBytes, sendJson, type ListMeta } from '../respond.js';
import { buildTable } from '../table.js';
import { serveWatch } from './watch-stream.js';

export function listQuery(query: Query): ListQuery {
  return {
    labelSelector: query.string('labelSelector'),
    fieldSelector: query.string('fieldSelector'),
    limit: query.int('limit'),
    continue: query.string('continue'),
    resourceVersion: query.string('resourceVersion'),
    resourceVersionMatch: query.string('resourceVersionMatch'),
  };
}

/** Sends one object, as JSON or as a one-row Table. */
export function sendObject(api: ApiContext, req: IncomingMessage, res: ServerResponse, resource: Resource, view: ObjectView, code: number, query: Query): void {
  const representation = chooseObjectRepresentation(req.headers.accept, query.string('includeObject'));
  if (representation.kind === 'table') {
    const meta = { resourceVersion: view.object.metadata.resourceVersion ?? '' };
    sendJson(res, code, buildTable(resource, [view], meta, representation.includeObject, representation.version, api.clock.now()));
    return;
  }
  sendBytes(res, code, view.bytes());
}

export async function handleList(
  api: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  resource: Resource,
  namespace: string | undefined,
  query: Query,
  nameFromPath?: string,
): Promise<void> {
  const representation = chooseObjectRepresentation(req.headers.accept, query.string('includeObject'));
  const lq = listQuery(query);
  if (nameFromPath) lq.fieldSelector = joinSelector(lq.fieldSelector, `metadata.name=${nameFromPath}`);
  if (query.bool('watch')) {
    await serveWatch(api, req, res, resource, namespace, {
      ...lq,
      allowWatchBookmarks: query.bool('allowWatchBookmarks'),
      sendInitialEvents: query.bool('sendInitialEvents'),
      timeoutSeconds: query.int('timeoutSeconds'),
    }, representation);
    return;
  }
  const list = await api.registry.list(resource, namespace, lq);
  const meta: ListMeta = { resourceVersion: String(list.revision) };
  if (list.continue) meta.continue = list.continue;
  if (list.remainingItemCount !== undefined) meta.remainingItemCount = list.remainingItemCount;
  if (representation.kind === 'table') {
    sendJson(res, 200, buildTable(resource, list.views, meta, representation.includeObject, representation.version, api.clock.now()));
    return;
  }
  sendBytes(res, 200, listBytes(resource.apiVersion, resource.type.listKind, meta, list.views));
}

function joinSelector(existing: string | undefined, extra: string): string {
  return existing ? `${existing},${extra}` : extra;
}
