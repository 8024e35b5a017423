// /kubefake/v1: clock, settle, reset, snapshot and fault endpoints for users who drive kubefake over HTTP (CI sidecars, kubectl users).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, errors } from '../../meta/errors.js';
import type { ApiContext } from '../api-context.js';
import { sendBytes, sendJson } from '../respond.js';
import { ClientCertificatesNeedTlsError } from '../../kubeconfig.js';
import { parse as parseYaml } from 'yaml';
import { takeSnapshot } from '../../cluster-snapshot.js';
import { snapshotDocument, snapshotYaml } from '../../cluster-snapshot-file.js';
import { readRawBody } from '../body.js';
import { FaultRuleError, validateFaultRule, type FaultInjector } from '../faults.js';
import { mediaType, parseAccept } from '../negotiation.js';

export const controlPrefix = '/kubefake/v1/';

/** Answers a /kubefake/v1/... request; the caller has checked the prefix. */
export async function handleControlRequest(api: ApiContext, req: IncomingMessage, res: ServerResponse, path: string, search: string): Promise<void> {
  const endpoint = path.slice(controlPrefix.length).replace(/\/$/, '');
  const method = req.method ?? 'GET';
  let route = routes[endpoint];
  let param: string | undefined;
  // `faults/<id>` and the like: one route for every name under a collection.
  const slash = endpoint.indexOf('/');
  if (!route && slash > 0) {
    route = routes[`${endpoint.slice(0, slash)}/*`];
    param = decodeURIComponent(endpoint.slice(slash + 1));
  }
  if (!route) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`);
  const handler = route[method === 'HEAD' ? 'GET' : method];
  if (!handler) {
    res.setHeader('Allow', Object.keys(route).join(', '));
    throw new ApiError(405, 'MethodNotAllowed', `${method} is not supported on ${path}; use ${Object.keys(route).join(' or ')}`);
  }
  const answer = await handler(api, new URLSearchParams(search), { req, param });
  if (answer instanceof TextAnswer) return sendBytes(res, 200, Buffer.from(answer.body, 'utf8'), answer.contentType);
  if (answer instanceof Created) return sendJson(res, 201, answer.body);
  sendJson(res, 200, answer ?? clockView(api));
}

/** Does the work; answers a body of its own, or nothing for the clock's state. */
type Handler = (api: ApiContext, query: URLSearchParams, call: ControlCall) => Promise<Record<string, unknown> | TextAnswer | Created | void>;

/** The rest of the request, for the handlers that need it. */
interface ControlCall {
  req: IncomingMessage;
  /** The last path segment of a `name/*` route. */
  param?: string;
}

/** A JSON body answered 201: something was made. */
class Created {
  constructor(readonly body: Record<string, unknown>) {}
}

/** A body that is not JSON (a kubeconfig is YAML, to be saved as it comes). */
class TextAnswer {
  constructor(readonly contentType: string, readonly body: string) {}
}

const routes: Record<string, Record<string, Handler>> = {
  clock: { GET: async () => {} },
  'clock:advance': {
    POST: async (api, query) => {
      const by = query.get('by');
      if (by === null || by === '') throw errors.badRequest('clock:advance needs ?by=<duration>, e.g. ?by=5m or ?by=1h30m');
      if (api.control.clockMode !== 'virtual') {
        throw errors.badRequest('the clock is real and cannot be advanced; start kubefake with --clock=virtual');
      }
      try {
        await api.control.advance(by);
      } catch (err) {
        // Bad durations are the caller's mistake; anything else is ours and stays a 500.
        if (err instanceof Error && /^(time: |advance\(\): the clock only moves forward)/.test(err.message)) {
          throw errors.badRequest(`invalid ?by=${by}: ${err.message}`);
        }
        throw err;
      }
    },
  },
  settle: { POST: (api) => api.control.settle() },
  snapshot: {
    GET: async (api, query, { req }) => {
      const format = query.get('format') ?? (parseAccept(req.headers.accept).some((r) => r.type === 'application/yaml') ? 'yaml' : 'json');
      if (format !== 'json' && format !== 'yaml') throw errors.badRequest(`snapshot: ?format= must be json or yaml, not ${JSON.stringify(format)}`);
      const document = snapshotDocument(await takeSnapshot(api.registry.store));
      return format === 'yaml' ? new TextAnswer('application/yaml', snapshotYaml(document)) : (document as unknown as Record<string, unknown>);
    },
  },
  faults: {
    GET: async (api) => faultList(faultsOf(api)),
    POST: async (api, _query, { req }) => {
      const faults = faultsOf(api);
      let rule;
      try {
        rule = validateFaultRule(await readRuleBody(req));
      } catch (err) {
        if (err instanceof FaultRuleError) throw errors.badRequest(err.message);
        throw err;
      }
      const { id } = faults.add(rule);
      return new Created({ apiVersion: 'kubefake/v1', kind: 'Fault', ...faults.list().find((r) => r.id === id) });
    },
    DELETE: async (api) => {
      faultsOf(api).clear();
      return faultList(faultsOf(api));
    },
  },
  'faults/*': {
    GET: async (api, _query, { param }) => ({ apiVersion: 'kubefake/v1', kind: 'Fault', ...activeFault(faultsOf(api), param!) }),
    DELETE: async (api, _query, { param }) => {
      const faults = faultsOf(api);
      const rule = activeFault(faults, param!);
      faults.remove(rule.id);
      return { apiVersion: 'kubefake/v1', kind: 'Fault', ...rule };
    },
  },
  kubeconfig: {
    POST: async (api, query) => {
      const user = query.get('user');
      if (user === null || user === '') throw errors.badRequest('kubeconfig needs ?user=<name>, and ?group=<group> for each group');
      if (!api.control.kubeconfigFor) throw errors.badRequest('this server cannot issue kubeconfigs');
      const groups = query.getAll('group');
      if (groups.some((g) => g === '')) throw errors.badRequest('kubeconfig: ?group= needs a name');
      try {
        return new TextAnswer('application/yaml', await api.control.kubeconfigFor({ user, groups }));
      } catch (err) {
        if (err instanceof ClientCertificatesNeedTlsError) throw errors.badRequest(err.message);
        throw err;
      }
    },
  },
  reset: {
    POST: async (api) => ({ apiVersion: 'kubefake/v1', kind: 'Reset', ...(await api.control.reset()) }),
  },
};

function clockView(api: ApiContext): Record<string, unknown> {
  return { apiVersion: 'kubefake/v1', kind: 'Clock', mode: api.control.clockMode, now: new Date(api.clock.now()).toISOString() };
}

function faultsOf(api: ApiContext): FaultInjector {
  if (!api.faults) throw errors.badRequest('this server has no fault injection');
  return api.faults;
}

function faultList(faults: FaultInjector): Record<string, unknown> {
  return { apiVersion: 'kubefake/v1', kind: 'FaultList', items: faults.list() };
}

function activeFault(faults: FaultInjector, id: string) {
  const rule = faults.list().find((r) => r.id === id);
  // A rule that used up its `times` is gone as well: it no longer acts.
  if (!rule) throw new ApiError(404, 'NotFound', `fault "${id}" not found`, { name: id, group: 'kubefake', kind: 'faults' });
  return rule;
}

/** A rule as JSON (or YAML, for curl users with a file at hand); a body that does not parse is the caller's mistake. */
async function readRuleBody(req: IncomingMessage): Promise<unknown> {
  const raw = (await readRawBody(req)).toString('utf8');
  const yaml = mediaType(req.headers['content-type']) === 'application/yaml';
  try {
    return yaml ? parseYaml(raw) : JSON.parse(raw);
  } catch (err) {
    throw new FaultRuleError(`invalid fault rule: the body is not ${yaml ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
  }
}
