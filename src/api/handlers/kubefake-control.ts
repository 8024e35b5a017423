// /kubefake/v1: the clock, settle and reset endpoints for users who drive kubefake over HTTP (CI sidecars, kubectl users).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, errors } from '../../meta/errors.js';
import type { ApiContext } from '../api-context.js';
import { sendJson } from '../respond.js';

export const controlPrefix = '/kubefake/v1/';

/** Answers a /kubefake/v1/... request; the caller has checked the prefix. */
export async function handleControlRequest(api: ApiContext, req: IncomingMessage, res: ServerResponse, path: string, search: string): Promise<void> {
  const endpoint = path.slice(controlPrefix.length).replace(/\/$/, '');
  const method = req.method ?? 'GET';
  const route = routes[endpoint];
  if (!route) throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`);
  const handler = route[method === 'HEAD' ? 'GET' : method];
  if (!handler) {
    res.setHeader('Allow', Object.keys(route).join(', '));
    throw new ApiError(405, 'MethodNotAllowed', `${method} is not supported on ${path}; use ${Object.keys(route).join(' or ')}`);
  }
  const answer = await handler(api, new URLSearchParams(search));
  sendJson(res, 200, answer ?? clockView(api));
}

/** Does the work; answers a body of its own, or nothing for the clock's state. */
type Handler = (api: ApiContext, query: URLSearchParams) => Promise<Record<string, unknown> | void>;

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
  reset: {
    POST: async (api) => ({ apiVersion: 'kubefake/v1', kind: 'Reset', ...(await api.control.reset()) }),
  },
};

function clockView(api: ApiContext): Record<string, unknown> {
  return { apiVersion: 'kubefake/v1', kind: 'Clock', mode: api.control.clockMode, now: new Date(api.clock.now()).toISOString() };
}
