// serviceaccounts/token (TokenRequest): upstream's TokenREST.Create — checks, bound objects, then a signed token.
import { rfc3339 } from '../clock/clock.js';
import { errors } from '../meta/errors.js';
import { invalidCause } from '../meta/field-errors.js';
import { isPlainObject, type KubeObject } from '../meta/types.js';
import type { BoundObjects, ObjectLookup, ServiceAccountTokens } from './service-account-tokens.js';

const kind = 'TokenRequest';
const group = 'authentication.k8s.io';
/** SetDefaults_TokenRequestSpec: an hour. */
const defaultExpirationSeconds = 3600;

export interface TokenRequestInput {
  namespace: string;
  /** The ServiceAccount's name, from the URL. */
  name: string;
  /** The decoded request body. */
  body: unknown;
  now: number;
}

/** Answers a TokenRequest as upstream: the request echoed with defaults, its creationTimestamp and the token. */
export async function createTokenRequest(tokens: ServiceAccountTokens, lookup: ObjectLookup, input: TokenRequestInput): Promise<KubeObject> {
  const { namespace, name } = input;
  const body = isPlainObject(input.body) ? input.body : {};
  const meta = isPlainObject(body.metadata) ? body.metadata : {};
  const spec = isPlainObject(body.spec) ? body.spec : {};
  if (typeof meta.name === 'string' && meta.name !== '' && meta.name !== name) {
    throw errors.invalid(kind, group, name, [invalidCause('metadata.name', meta.name, 'must match the service account name if specified')]);
  }
  if (typeof meta.namespace === 'string' && meta.namespace !== '' && meta.namespace !== namespace) {
    throw errors.invalid(kind, group, name, [invalidCause('metadata.namespace', meta.namespace, 'must match the service account namespace if specified')]);
  }
  const serviceAccount = await lookup('serviceaccounts', namespace, name);
  if (!serviceAccount) throw errors.notFound({ group: '', resource: 'serviceaccounts' }, name);
  const asked = stringList(spec.audiences);
  const audiences = asked.length > 0 ? asked : [...tokens.apiAudiences];
  const expirationSeconds = expiration(spec.expirationSeconds);
  if (expirationSeconds < 600) throw invalidExpiration(expirationSeconds, 'may not specify a duration less than 10 minutes');
  if (expirationSeconds > 2 ** 32) throw invalidExpiration(expirationSeconds, 'may not specify a duration larger than 2^32 seconds');
  const boundObjectRef = isPlainObject(spec.boundObjectRef) ? spec.boundObjectRef : null;
  const bound = boundObjectRef ? await boundObjects(lookup, namespace, name, boundObjectRef) : {};
  const token = tokens.issue(serviceAccount, bound, expirationSeconds, audiences);
  return {
    kind,
    apiVersion: `${group}/v1`,
    metadata: { name, namespace, creationTimestamp: rfc3339(input.now) },
    spec: { audiences, expirationSeconds, boundObjectRef },
    status: { token, expirationTimestamp: rfc3339(input.now + expirationSeconds * 1000) },
  };
}

async function boundObjects(lookup: ObjectLookup, namespace: string, serviceAccount: string, ref: Record<string, unknown>): Promise<BoundObjects> {
  const apiVersion = typeof ref.apiVersion === 'string' ? ref.apiVersion : '';
  const refKind = typeof ref.kind === 'string' ? ref.kind : '';
  const refName = typeof ref.name === 'string' ? ref.name : '';
  const refGroup = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  const bound: BoundObjects = {};
  let object: KubeObject;
  if (refGroup === '' && refKind === 'Pod') {
    object = await mustGet(lookup, 'pods', namespace, refName);
    const spec = (object.spec ?? {}) as { serviceAccountName?: string; nodeName?: string };
    if ((spec.serviceAccountName ?? '') !== serviceAccount) {
      throw errors.badRequest(`cannot bind token for serviceaccount "${serviceAccount}" to pod running with different serviceaccount name.`);
    }
    bound.pod = object;
    // A pod's token names its node too (ServiceAccountTokenPodNodeInfo); a node that is gone leaves just its name.
    if (spec.nodeName) bound.node = (await lookup('nodes', undefined, spec.nodeName)) ?? { metadata: { name: spec.nodeName } };
  } else if (refGroup === '' && refKind === 'Node') {
    object = await mustGet(lookup, 'nodes', undefined, refName);
    bound.node = object;
  } else if (refGroup === '' && refKind === 'Secret') {
    object = await mustGet(lookup, 'secrets', namespace, refName);
    bound.secret = object;
  } else {
    throw errors.badRequest(`cannot bind token to object of type ${refGroup}/${version}, Kind=${refKind}`);
  }
  const uid = typeof ref.uid === 'string' ? ref.uid : '';
  if (uid !== '' && uid !== object.metadata.uid) {
    throw errors.conflict(
      { group: refGroup, resource: refKind },
      refName,
      `the UID in the bound object reference (${uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  }
  return bound;
}

async function mustGet(lookup: ObjectLookup, resource: 'pods' | 'nodes' | 'secrets', namespace: string | undefined, name: string): Promise<KubeObject> {
  const object = await lookup(resource, namespace, name);
  if (!object) throw errors.notFound({ group: '', resource }, name);
  return object;
}

function expiration(value: unknown): number {
  if (value === undefined || value === null) return defaultExpirationSeconds;
  // int64 fields may arrive as strings from protobuf-decoded bodies.
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw errors.badRequest(`TokenRequest in version "v1" cannot be handled as a TokenRequest: json: cannot unmarshal ${typeof value} into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64`);
  }
  return n;
}

function invalidExpiration(value: number, message: string) {
  // Upstream validates the request after naming it, but reports the error against an empty name.
  return errors.invalid(kind, group, '', [invalidCause('spec.expirationSeconds', value, message)]);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
