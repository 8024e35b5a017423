// Write handlers: POST (create), PUT (update), PATCH (json/merge), DELETE and deletecollection.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestUser } from '../../auth/request-user.js';
import { errors } from '../../meta/errors.js';
import { isPlainObject, type KubeObject } from '../../meta/types.js';
import { applyJsonPatch } from '../../patch/json-patch.js';
import { applyMergePatch } from '../../patch/merge-patch.js';
import { applyStrategicMergePatch } from '../../patch/strategic-merge.js';
import { goV } from '../../patch/strategic-merge-errors.js';
import type { DeleteOptions, WriteOptions } from '../../registry/generic/context.js';
import { deletedStatus } from '../../registry/generic/delete.js';
import type { Resource } from '../../registry/resource.js';
import type { ApiContext } from '../api-context.js';
import { decodeObjectBody, parseJson, parseYamlBody, readRawBody } from '../body.js';
import { scanFields } from '../duplicate-fields.js';
import { mediaType } from '../negotiation.js';
import { checkDryRun, type Query } from '../query.js';
import { listBytes, sendBytes, sendJson } from '../respond.js';
import { listQuery, sendObject } from './read.js';

const patchMediaTypes = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/** What upstream's CRD handler accepts: kinds without Go types have no strategic merge metadata. */
export const customResourcePatchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

function writeOptions(req: IncomingMessage, query: Query, optionsKind: string, subresource?: string): WriteOptions {
  return {
    dryRun: query.dryRun(optionsKind),
    fieldManager: query.string('fieldManager'),
    fieldValidation: query.fieldValidation(optionsKind),
    warnings: [],
    userAgent: req.headers['user-agent'],
    subresource,
    user: requestUser(req),
  };
}

/** Warnings gathered while handling the write (unknown fields under fieldValidation=Warn) as `Warning` headers. */
function sendWarnings(res: ServerResponse, options: { warnings?: string[] }): void {
  if (!options.warnings?.length) return;
  // After any the request already carries (a deprecated custom resource version's), as upstream adds them in order.
  const earlier = res.getHeader('Warning');
  const before = earlier === undefined ? [] : Array.isArray(earlier) ? earlier : [String(earlier)];
  // Go writes a header's UTF-8 bytes as they are; node only takes latin1 strings, so each byte becomes one character
  // (an unknown field named in Unicode must not turn an accepted write into a 500).
  const utf8Bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
  res.setHeader('Warning', [...before, ...options.warnings.map((w) => utf8Bytes(`299 - ${JSON.stringify(w)}`))]);
}

/** Duplicate keys can only be seen in the raw text; scanned unless the client asked to ignore field problems. */
function scanBody(raw: Buffer, contentType: string | undefined, options: WriteOptions): void {
  if (options.fieldValidation === 'Ignore' || mediaType(contentType ?? 'application/json') !== 'application/json') return;
  options.fieldScan = scanFields(raw.toString('utf8'));
}

export async function handleCreate(api: ApiContext, req: IncomingMessage, res: ServerResponse, resource: Resource, namespace: string | undefined, query: Query): Promise<void> {
  const raw = await readRawBody(req);
  const body = decodeObjectBody(raw, req.headers['content-type']);
  const options = writeOptions(req, query, 'CreateOptions');
  scanBody(raw, req.headers['content-type'], options);
  const view = await api.registry.create(resource, namespace, body, options);
  sendWarnings(res, options);
  // Review kinds (SelfSubjectAccessReview…) answer 201 as upstream does, though nothing is stored.
  sendObject(api, req, res, resource, view, 201, query);
}

export async function handleUpdate(api: ApiContext, req: IncomingMessage, res: ServerResponse, resource: Resource, namespace: string | undefined, name: string, query: Query, subresource?: string): Promise<void> {
  const raw = await readRawBody(req);
  const body = decodeObjectBody(raw, req.headers['content-type']);
  const options = writeOptions(req, query, 'UpdateOptions', subresource);
  scanBody(raw, req.headers['content-type'], options);
  const { view, created } = await api.registry.update(resource, namespace, name, body, options);
  sendWarnings(res, options);
  sendObject(api, req, res, resource, view, created ? 201 : 200, query);
}

export async function handlePatch(api: ApiContext, req: IncomingMessage, res: ServerResponse, resource: Resource, namespace: string | undefined, name: string, query: Query, subresource?: string): Promise<void> {
  const type = mediaType(req.headers['content-type']);
  const accepted = resource.strategy.unstructured ? customResourcePatchTypes : patchMediaTypes;
  if (!accepted.includes(type)) throw errors.unsupportedMediaType(accepted);
  const raw = await readRawBody(req);
  const options = writeOptions(req, query, 'PatchOptions', subresource);
  let transform: (current: KubeObject) => unknown;
  switch (type) {
    case 'application/json-patch+json': {
      const patch = parseJson(raw);
      transform = (current) => applyJsonPatch(current, patch);
      break;
    }
    case 'application/merge-patch+json': {
      const patch = parseJson(raw);
      if (!isPlainObject(patch)) throw errors.badRequest('merge patch body must be a JSON object');
      transform = (current) => applyMergePatch(current, patch);
      break;
    }
    case 'application/strategic-merge-patch+json': {
      const schema = resource.schema;
      // Kinds without Go types (custom resources) have no patch metadata: upstream refuses strategic merge for them.
      if (!schema) throw errors.unsupportedMediaType(customResourcePatchTypes);
      const patch = parseJson(raw);
      if (!isPlainObject(patch)) throw errors.badRequest(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch} into Go value of type map[string]interface {}`);
      options.patchValue = () => goV(patch);
      transform = (current) => applyStrategicMergePatch(current, patch, schema.node());
      break;
    }
    case 'application/apply-patch+yaml': {
      // The configuration may be YAML or JSON (a subset of YAML); apply creates the object when it is absent.
      const applied = parseYamlBody(raw);
      const { view, created } = await api.registry.apply(resource, namespace, name, applied, { ...options, force: query.bool('force') });
      sendWarnings(res, options);
      sendObject(api, req, res, resource, view, created ? 201 : 200, query);
      return;
    }
    default:
      throw errors.unsupportedMediaType(patchMediaTypes);
  }
  const view = await api.registry.patch(resource, namespace, name, transform, options);
  sendWarnings(res, options);
  sendObject(api, req, res, resource, view, 200, query);
}

/** DeleteOptions come from the body (kubectl, client-go) or the query string (curl, some clients); the body wins. */
async function deleteOptions(req: IncomingMessage, query: Query): Promise<DeleteOptions> {
  const raw = await readRawBody(req);
  let body: Record<string, unknown> = {};
  if (raw.length > 0) {
    const type = mediaType(req.headers['content-type']);
    const decoded = type === 'application/vnd.kubernetes.protobuf' ? decodeObjectBody(raw, type) : parseJson(raw);
    if (!isPlainObject(decoded)) throw errors.badRequest('the body of a DELETE request must be a DeleteOptions object');
    body = decoded;
  }
  const dryRunValues = Array.isArray(body.dryRun) ? (body.dryRun as string[]) : [];
  const fromQuery = query.dryRun('DeleteOptions');
  const grace = body.gracePeriodSeconds ?? query.int('gracePeriodSeconds');
  if (grace !== undefined && grace !== null && (typeof grace !== 'number' || !Number.isInteger(grace))) {
    throw errors.badRequest('gracePeriodSeconds must be an integer');
  }
  const policy = (body.propagationPolicy ?? query.string('propagationPolicy')) as string | undefined;
  if (policy !== undefined && policy !== null && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    throw errors.invalid('DeleteOptions', 'meta.k8s.io', '', [
      { reason: 'FieldValueNotSupported', field: 'propagationPolicy', message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"` },
    ]);
  }
  const orphan = body.orphanDependents ?? query.bool('orphanDependents');
  const preconditions = isPlainObject(body.preconditions) ? (body.preconditions as DeleteOptions['preconditions']) : undefined;
  return {
    dryRun: checkDryRun(dryRunValues, 'DeleteOptions') || fromQuery,
    gracePeriodSeconds: typeof grace === 'number' ? grace : undefined,
    propagationPolicy: (policy ?? (orphan === true ? 'Orphan' : undefined)) as DeleteOptions['propagationPolicy'],
    preconditions,
    warnings: [],
  };
}

export async function handleDelete(api: ApiContext, req: IncomingMessage, res: ServerResponse, resource: Resource, namespace: string | undefined, name: string, query: Query): Promise<void> {
  const options = await deleteOptions(req, query);
  const { view, deleted } = await api.registry.delete(resource, namespace, name, options);
  sendWarnings(res, options);
  // Objects that stay (finalizers, grace) are answered with the object; gone ones with the object or a Status.
  if (!deleted) {
    sendObject(api, req, res, resource, view, 200, query);
  } else if (resource.strategy.returnDeletedObject) {
    sendObject(api, req, res, resource, view, 200, query);
  } else {
    sendJson(res, 200, deletedStatus(resource, view));
  }
}

export async function handleDeleteCollection(api: ApiContext, req: IncomingMessage, res: ServerResponse, resource: Resource, namespace: string | undefined, query: Query): Promise<void> {
  const options = await deleteOptions(req, query);
  const list = await api.registry.deleteCollection(resource, namespace, listQuery(query), options);
  sendBytes(res, 200, listBytes(resource.apiVersion, resource.type.listKind, { resourceVersion: String(list.revision) }, list.views));
}
