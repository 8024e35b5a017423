// The HTTP front door: builds the express app that routes discovery, OpenAPI, health and resource requests.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { OpenAPIV2 } from 'openapi-types';
import { CrdOpenApi } from '../openapi/crd-openapi.js';
import { buildOpenApiV3, removeOpenApiV3Document, type OpenApiV3Set } from '../openapi/openapi-v3.js';
import { serveOpenApiV2, serveOpenApiV3Document, serveOpenApiV3Index, type OpenApiHttpResponse } from '../openapi/openapi-http.js';
import type { ApiContext } from './api-context.js';
import { chooseDiscoveryVariant, Discovery } from './discovery.js';
import { controlPrefix, handleControlRequest } from './handlers/kubefake-control.js';
import { handleResourceRequest, notFoundRoute } from './handlers/resource-handler.js';
import { parseAccept } from './negotiation.js';
import { parseResourcePath } from './request-info.js';
import { sendBytes, sendError, sendJson } from './respond.js';
import { versionInfo } from './version.js';
import { requestUser } from '../auth/request-user.js';
import { httpRequestAttributes } from './authorization-attributes.js';
import { authorize } from '../auth/authorization/index.js';
import { anonymousUser } from '../auth/user-info.js';
import { requestLogHook } from '../logging/request-log.js';

export interface AppOptions {
  api: ApiContext;
  swagger: OpenAPIV2.Document;
  /** host:port clients reach this server at (for /api's serverAddressByClientCIDRs). */
  serverAddress: () => string;
}

const healthPaths = new Set(['/healthz', '/livez', '/readyz']);
const v2Protobuf = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
// Per swagger object: the merged document is a new object whenever the served CRDs change.
const protobufV2 = new WeakMap<OpenAPIV2.Document, Buffer>();

/**
 * The request listener for node:http(s): a plain function rather than a framework app, because every request takes
 * the same path (authenticate, route by path shape, answer) and a router's per-request work costs more than ours.
 */
export function buildApp({ api, swagger, serverAddress }: AppOptions): RequestListener {
  const registry = api.registry;
  let discovery = new Discovery(registry.resources);
  let discoveryGeneration = registry.generation;
  // Rebuilt on first use after the served set changed (a CRD established or removed), then cached again.
  const currentDiscovery = (): Discovery => {
    if (discoveryGeneration !== registry.generation) {
      discoveryGeneration = registry.generation;
      discovery = new Discovery(registry.resources);
    }
    return discovery;
  };
  const openapi = new CrdOpenApi(swagger, registry, () => servedOpenApiV3(swagger, currentDiscovery()));
  const logRequest = api.logger ? requestLogHook(api.logger, { userOf: (req) => requestUser(req)?.username }) : undefined;

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const search = q < 0 ? '' : url.slice(q + 1);
    try {
      // Before routing, as upstream's filter chain: a request that does not authenticate learns nothing of the API.
      const user = api.auth ? await api.auth.authenticateRequest(req, path) : undefined;
      // Then authorization, still before routing: a refused request learns nothing either, not even a 404.
      if (api.authorizer) await authorize(api.authorizer, httpRequestAttributes(user ?? anonymousUser, req, path, search));
      const info = parseResourcePath(path);
      if (info) {
        await handleResourceRequest(api, req, res, info, search);
        return;
      }
      if (path.startsWith(controlPrefix)) {
        await handleControlRequest(api, req, res, path, search);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') throw notFoundRoute();
      await serveNonResource(req, res, path, search);
    } catch (err) {
      sendError(res, err, api.logError);
    }
  };
  return (req, res) => {
    logRequest?.(req, res);
    void serve(req, res);
  };

  async function serveNonResource(req: IncomingMessage, res: ServerResponse, path: string, search: string): Promise<void> {
    const accept = req.headers.accept;
    const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    if (healthPaths.has(trimmed) || trimmed.startsWith('/healthz/') || trimmed.startsWith('/livez/') || trimmed.startsWith('/readyz/')) {
      const verbose = new URLSearchParams(search).has('verbose');
      const body = verbose ? `[+]ping ok\n[+]etcd ok\n${trimmed.slice(1)} check passed\n` : 'ok';
      sendBytes(res, 200, Buffer.from(body), 'text/plain; charset=utf-8');
      return;
    }
    if (trimmed === '/version') return sendJson(res, 200, versionInfo);
    const discovery = currentDiscovery();
    if (trimmed === '/api' || trimmed === '/apis') {
      const aggregated = chooseDiscoveryVariant(accept);
      if (aggregated) {
        res.setHeader('Vary', 'Accept');
        sendBytes(res, 200, discovery.aggregated(trimmed === '/api' ? 'api' : 'apis', aggregated.variant), aggregated.contentType);
        return;
      }
      sendBytes(res, 200, trimmed === '/api' ? discovery.apiVersions(serverAddress()) : discovery.groupList());
      return;
    }
    const segments = trimmed.split('/');
    if (segments[1] === 'api' && segments.length === 3) return sendDiscovery(res, discovery.resourceList('', segments[2]!));
    if (segments[1] === 'apis' && segments.length === 3) return sendDiscovery(res, discovery.group(segments[2]!));
    if (segments[1] === 'apis' && segments.length === 4) return sendDiscovery(res, discovery.resourceList(segments[2]!, segments[3]!));
    if (trimmed === '/openapi/v2') return sendOpenApi(res, await openApiV2(accept, req.headers['if-none-match']));
    if (trimmed === '/openapi/v3') return sendOpenApi(res, serveOpenApiV3Index(openapi.openApiV3(), { ifNoneMatch: req.headers['if-none-match'] }));
    if (trimmed.startsWith('/openapi/v3/')) {
      const hash = new URLSearchParams(search).get('hash') ?? undefined;
      return sendOpenApi(res, serveOpenApiV3Document(openapi.openApiV3(), trimmed.slice('/openapi/v3/'.length), {
        accept, hash, ifNoneMatch: req.headers['if-none-match'], now: new Date(api.clock.now()),
      }));
    }
    throw notFoundRoute();
  }

  async function openApiV2(accept: string | undefined, ifNoneMatch: string | undefined): Promise<OpenApiHttpResponse> {
    // kubectl 1.27/1.28 ask for the gnostic protobuf form only; it must come back as application/octet-stream.
    const wantsProtobuf = parseAccept(accept).some((r) => r.type === v2Protobuf || r.type.startsWith('application/com.github.proto-openapi.spec.v2'));
    const wantsJson = parseAccept(accept).some((r) => r.type === 'application/json' || r.type === '*/*');
    const current = openapi.swaggerV2();
    if (wantsProtobuf && !wantsJson) {
      let bytes = protobufV2.get(current);
      if (bytes === undefined) {
        // Loaded on first use: only old kubectl versions ask, and the encoder pulls in protobufjs.
        const { encodeOpenApiV2Protobuf } = await import('../protobuf/openapi-v2-protobuf.js');
        bytes = encodeOpenApiV2Protobuf(current);
        protobufV2.set(current, bytes);
      }
      return { status: 200, headers: { 'Content-Type': 'application/octet-stream', Vary: 'Accept' }, body: bytes };
    }
    return serveOpenApiV2(current, { accept, ifNoneMatch });
  }
}

function sendDiscovery(res: ServerResponse, bytes: Buffer | undefined): void {
  if (!bytes) throw notFoundRoute();
  sendBytes(res, 200, bytes);
}

function sendOpenApi(res: ServerResponse, answer: OpenApiHttpResponse): void {
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.end(answer.body);
}

/** The OpenAPI v3 documents of exactly the group-versions discovery serves (alpha and beta ones are not served). */
function servedOpenApiV3(swagger: OpenAPIV2.Document, discovery: Discovery): OpenApiV3Set {
  const set = buildOpenApiV3(swagger);
  for (const path of set.paths()) {
    const parts = path.split('/');
    const isGroupVersion = (parts[0] === 'api' && parts.length === 2) || (parts[0] === 'apis' && parts.length === 3);
    if (!isGroupVersion) continue;
    const served = parts[0] === 'api' ? discovery.resourceList('', parts[1]!) : discovery.resourceList(parts[1]!, parts[2]!);
    if (!served) removeOpenApiV3Document(set, path);
  }
  return set;
}
