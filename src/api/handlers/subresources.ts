// Subresource handlers: scale, pods/binding, pods/eviction and serviceaccounts/token.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rfc3339 } from '../../clock/clock.js';
import { errors } from '../../meta/errors.js';
import { isPlainObject, type KubeObject } from '../../meta/types.js';
import { applyJsonPatch } from '../../patch/json-patch.js';
import { applyMergePatch } from '../../patch/merge-patch.js';
import { schemaTree, type SchemaNode } from '../../patch/schema-tree.js';
import { applyStrategicMergePatch } from '../../patch/strategic-merge.js';
import { loadSwagger } from '../../openapi/openapi-v2.js';
import { applyScale, scaleOf, scaleView } from '../../registry/generic/scale.js';
import { evictPod } from '../../registry/pod-eviction.js';
import { bindPod } from '../../registry/pod-binding.js';
import type { Resource } from '../../registry/resource.js';
import type { ApiContext } from '../api-context.js';
import { decodeObjectBody, parseJson, readRawBody } from '../body.js';
import { mediaType } from '../negotiation.js';
import type { Query } from '../query.js';
import { sendJson, sendView } from '../respond.js';
import { notFoundRoute } from './resource-handler.js';
import { customResourcePatchTypes } from './write.js';

export async function handleScale(api: ApiContext, req: IncomingMessage, res: ServerResponse, resource: Resource, namespace: string | undefined, name: string, query: Query): Promise<void> {
  const dryRun = query.dryRun(req.method === 'PATCH' ? 'PatchOptions' : 'UpdateOptions');
  if (req.method === 'GET') {
    sendView(res, 200, scaleView(await api.registry.get(resource, namespace, name), resource));
    return;
  }
  const raw = await readRawBody(req);
  let toScale: (current: KubeObject) => unknown;
  if (req.method === 'PUT') {
    const body = decodeObjectBody(raw, req.headers['content-type']);
    toScale = () => body;
  } else {
    const type = mediaType(req.headers['content-type']);
    // Custom resources' scale takes what their main resource takes: no strategic merge.
    const custom = resource.strategy.unstructured;
    if (custom && !customResourcePatchTypes.includes(type)) throw errors.unsupportedMediaType(customResourcePatchTypes);
    const patch = parseJson(raw);
    if (type === 'application/json-patch+json') toScale = (current) => applyJsonPatch(scaleOf(current, resource), patch);
    else if (type === 'application/merge-patch+json') toScale = (current) => applyMergePatch(scaleOf(current, resource), patch);
    else if (type === 'application/strategic-merge-patch+json' && !custom) toScale = (current) => applyStrategicMergePatch(scaleOf(current, resource), patch, scaleSchema());
    else throw errors.unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
  }
  const view = await api.registry.patch(resource, namespace, name, (current) => applyScale(resource, current, toScale(current)), {
    dryRun,
    fieldManager: query.string('fieldManager'),
    userAgent: req.headers['user-agent'],
    subresource: 'scale',
  });
  sendView(res, 200, scaleView(view, resource));
}

let scaleNode: SchemaNode | undefined;
function scaleSchema(): SchemaNode {
  scaleNode ??= schemaTree(loadSwagger().definitions as Record<string, unknown>).root('io.k8s.api.autoscaling.v1.Scale')!;
  return scaleNode;
}

function successStatus(code: number) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
}

/** pods/binding (and the legacy `bindings` collection, which takes the pod name from the body): what a scheduler posts. */
export async function handleBinding(api: ApiContext, req: IncomingMessage, res: ServerResponse, pods: Resource, namespace: string | undefined, urlName: string | undefined, query: Query): Promise<void> {
  const body = decodeObjectBody(await readRawBody(req), req.headers['content-type']);
  const meta = isPlainObject(body) && isPlainObject(body.metadata) ? body.metadata : {};
  const bodyName = typeof meta.name === 'string' ? meta.name : undefined;
  if (urlName !== undefined && bodyName !== undefined && bodyName !== urlName) {
    throw errors.badRequest('name in URL does not match name in Binding object');
  }
  const name = urlName ?? bodyName ?? '';
  if (!name) {
    throw errors.invalid('Binding', '', '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
  }
  const target = isPlainObject(body) && isPlainObject(body.target) ? body.target : undefined;
  const node = typeof target?.name === 'string' ? target.name : '';
  if (!node) {
    throw errors.invalid('Binding', '', name, [{ reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' }]);
  }
  const uid = typeof meta.uid === 'string' && meta.uid !== '' ? meta.uid : undefined;
  const now = rfc3339(api.clock.now());
  await api.registry.patch(pods, namespace, name, (current) => bindPod(current, node, now, uid), {
    dryRun: query.dryRun('CreateOptions'),
    subresource: 'binding',
  });
  sendJson(res, 201, successStatus(201));
}

/** pods/eviction: a delete that the pod's PodDisruptionBudget may refuse (see registry/pod-eviction.ts). */
export async function handleEviction(api: ApiContext, req: IncomingMessage, res: ServerResponse, _pods: Resource, namespace: string | undefined, name: string, query: Query): Promise<void> {
  const body = decodeObjectBody(await readRawBody(req), req.headers['content-type']);
  sendJson(res, 201, await evictPod(api.registry, namespace!, name, body, query.dryRun('CreateOptions')));
}

/** serviceaccounts/token: a TokenRequest answered with a JWT signed by the cluster, which then authenticates as the account. */
export async function handleToken(api: ApiContext, req: IncomingMessage, res: ServerResponse, _serviceAccounts: Resource, namespace: string | undefined, name: string): Promise<void> {
  // Upstream serves the subresource only when an issuer is configured; a bare server has none.
  if (!api.auth) throw notFoundRoute();
  const body = decodeObjectBody(await readRawBody(req), req.headers['content-type']);
  sendJson(res, 201, await api.auth.requestToken(namespace ?? '', name, body));
}
