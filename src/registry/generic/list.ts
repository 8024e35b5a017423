// The list verb: resourceVersion semantics, selectors, and limit/continue pagination pinned to the first page's revision.
import { ApiError, errors } from '../../meta/errors.js';
import type { KubeObject } from '../../meta/types.js';
import { StoreError } from '../../store/types.js';
import type { Resource } from '../resource.js';
import { recordView, type ObjectView, type RegistryContext } from './context.js';
import { compileSelectors } from './selection.js';
import { translateStoreError } from './store-errors.js';

export interface ListQuery {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResponse {
  views: ObjectView[];
  revision: number;
  continue?: string;
  remainingItemCount?: number;
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

const tooOldContinue =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export async function listObjects(
  ctx: RegistryContext,
  resource: Resource,
  namespace: string | undefined,
  query: ListQuery,
): Promise<ListResponse> {
  validateListQuery(query);
  const matcher = compileSelectors(resource, query.labelSelector, query.fieldSelector);
  const prefix = resource.prefix(namespace);
  let revision: number | undefined;
  let after: string | undefined;
  if (query.continue) {
    const token = decodeContinue(query.continue);
    revision = token.rv;
    after = resource.prefix(undefined) + token.start;
  } else {
    revision = readRevision(ctx, query);
  }
  // A resourceVersion=0 list is served from "any" state: upstream's watch cache ignores limit there.
  const limit = query.resourceVersion === '0' && !query.resourceVersionMatch ? undefined : query.limit;
  try {
    const result = await ctx.store.list(prefix, {
      revision,
      after,
      limit,
      filter: matcher ? (record) => matcher(record.object as KubeObject) : undefined,
    });
    const response: ListResponse = { views: result.records.map(recordView), revision: result.revision };
    if (result.continueAfter !== undefined) {
      response.continue = encodeContinue({ v: 'meta.k8s.io/v1', rv: result.revision, start: result.continueAfter.slice(resource.prefix(undefined).length) });
      if (result.remaining !== undefined) response.remainingItemCount = result.remaining;
    }
    return response;
  } catch (err) {
    if (err instanceof StoreError && err.code === 'expired') {
      throw query.continue ? errors.expired(tooOldContinue) : errors.expired(err.message);
    }
    throw translateStoreError(err, resource, '');
  }
}

/** The revision to read at, or undefined for "now", per the list resourceVersion/resourceVersionMatch table. */
function readRevision(ctx: RegistryContext, query: ListQuery): number | undefined {
  const rv = query.resourceVersion;
  if (rv === undefined || rv === '' || rv === '0') return undefined;
  const requested = parseResourceVersion(rv);
  const current = ctx.store.currentRevision();
  if (query.resourceVersionMatch === 'Exact') {
    if (requested > current) throw tooLarge(requested, current);
    return requested;
  }
  // NotOlderThan (also the default for a non-zero resourceVersion): anything at least that new; now is.
  if (requested > current) throw tooLarge(requested, current);
  return undefined;
}

export function parseResourceVersion(rv: string): number {
  if (!/^\d+$/.test(rv)) throw errors.badRequest(`invalid resource version "${rv}"`);
  return Number(rv);
}

function tooLarge(requested: number, current: number): ApiError {
  return new ApiError(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

function validateListQuery(query: ListQuery): void {
  const match = query.resourceVersionMatch;
  const causes: { reason: string; message: string; field: string }[] = [];
  if (match && match !== 'Exact' && match !== 'NotOlderThan') {
    causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: "${match}": supported values: "Exact", "NotOlderThan", ""`, field: 'resourceVersionMatch' });
  } else if (match && !query.resourceVersion) {
    causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided', field: 'resourceVersionMatch' });
  } else if (match === 'Exact' && query.resourceVersion === '0') {
    causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"', field: 'resourceVersionMatch' });
  }
  if (query.continue && query.resourceVersion && query.resourceVersion !== '0') {
    causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: specifying resource version is not allowed when using continue', field: 'resourceVersion' });
  }
  if (causes.length > 0) throw errors.invalid('ListOptions', 'meta.k8s.io', '', causes);
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ ...token, start: token.start + '\u0000' })).toString('base64url');
}

function decodeContinue(value: string): ContinueToken {
  let token: unknown;
  try {
    token = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    throw errors.badRequest('continue key is not valid: illegal base64 data or JSON');
  }
  const t = token as Partial<ContinueToken> | null;
  if (!t || t.v !== 'meta.k8s.io/v1') throw errors.badRequest('continue key is not valid: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof t.rv !== 'number' || !Number.isInteger(t.rv) || t.rv < 1) throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof t.start !== 'string' || t.start.length === 0 || t.start.includes('..') || t.start.startsWith('/')) {
    throw errors.badRequest('continue key is not valid: encoded start key is not valid');
  }
  return { v: t.v, rv: t.rv, start: t.start.endsWith('\u0000') ? t.start.slice(0, -1) : t.start };
}
