// Converts custom resources between a CRD's versions: strategy None (apiVersion only) or a conversion webhook.
import { randomUUID } from 'node:crypto';
import { errors } from '../../meta/errors.js';
import type { KubeObject } from '../../meta/types.js';
import { postWebhook, WebhookCallError, type ServiceResolver } from '../../webhook/webhook-client.js';
import type { CustomResourceDefinition } from './crd-types.js';

export type MaybePromise<T> = T | Promise<T>;

export interface CustomResourceConverter {
  /** Whether every conversion answers at once (no webhook), so callers can stay synchronous. */
  readonly synchronous: boolean;
  /** The object in `apiVersion`: the same object when it already is; throws (or rejects) an ApiError on failure. */
  convert(object: KubeObject, apiVersion: string): MaybePromise<KubeObject>;
}

export interface ConversionOptions {
  /** Where a webhook's Service reference is reachable from this process. */
  resolveService?: ServiceResolver;
  timeoutMs?: number;
}

/** Upstream's webhook REST client waits this long; conversion webhooks have no timeoutSeconds of their own. */
const defaultTimeoutMs = 30_000;

export function customResourceConverter(crd: CustomResourceDefinition, options: ConversionOptions = {}): CustomResourceConverter {
  const conversion = crd.spec.conversion;
  if (conversion?.strategy !== 'Webhook') return noneConverter;
  return {
    synchronous: false,
    convert: (object, apiVersion) => (object.apiVersion === apiVersion || isEmpty(object) ? withApiVersion(object, apiVersion) : callWebhook(crd, object, apiVersion, options)),
  };
}

/** Strategy None: the objects of every version are alike; only apiVersion changes. */
const noneConverter: CustomResourceConverter = {
  synchronous: true,
  convert: withApiVersion,
};

function withApiVersion(object: KubeObject, apiVersion: string): KubeObject {
  if (object.apiVersion === apiVersion) return object;
  // Spread keeps the key order, so the converted object serializes like the stored one.
  return { ...object, apiVersion };
}

/** An object with nothing but apiVersion and kind: upstream converts it without calling the webhook. */
function isEmpty(object: KubeObject): boolean {
  const keys = Object.keys(object);
  return keys.length === 2 && keys.includes('apiVersion') && keys.includes('kind');
}

/** GroupVersionKind.String(): `group/version, Kind=Kind`. */
function gvkString(apiVersion: unknown, kind: unknown): string {
  const text = typeof apiVersion === 'string' ? apiVersion : '';
  const groupVersion = text.includes('/') ? text : `/${text}`;
  return `${groupVersion}, Kind=${typeof kind === 'string' ? kind : ''}`;
}

async function callWebhook(crd: CustomResourceDefinition, object: KubeObject, apiVersion: string, options: ConversionOptions): Promise<KubeObject> {
  const webhook = crd.spec.conversion?.webhook;
  const inputKind = gvkString(object.apiVersion, object.kind);
  const reviewVersion = (webhook?.conversionReviewVersions ?? []).find((v) => v === 'v1' || v === 'v1beta1');
  if (!reviewVersion) throw errors.internal('no supported conversion review versions');
  const uid = randomUUID();
  // Storage holds no resourceVersion: the webhook sees objects as they are encoded for, or decoded from, etcd.
  const { resourceVersion: _rv, ...metadata } = object.metadata;
  const review = {
    kind: 'ConversionReview',
    apiVersion: `apiextensions.k8s.io/${reviewVersion}`,
    request: { uid, desiredAPIVersion: apiVersion, objects: [{ ...object, metadata }] },
    response: { uid: '', convertedObjects: null, result: { metadata: {} } },
  };
  let answer: unknown;
  try {
    answer = await postWebhook(webhook?.clientConfig ?? {}, review, { timeoutMs: options.timeoutMs ?? defaultTimeoutMs, resolveService: options.resolveService });
  } catch (err) {
    const message = err instanceof WebhookCallError || err instanceof Error ? err.message : String(err);
    throw errors.internal(`conversion webhook for ${inputKind} failed: ${message}`);
  }
  const converted = convertedObjects(answer, uid, reviewVersion);
  if (typeof converted === 'string') throw errors.internal(`conversion webhook for ${inputKind} failed: ${converted}`);
  if (converted.length !== 1) throw errors.internal(`conversion webhook for ${inputKind} returned ${converted.length} objects, expected 1`);
  const out = converted[0];
  if (typeof out !== 'object' || out === null || Array.isArray(out)) {
    throw errors.internal(`conversion webhook for ${inputKind} failed: the converted object is not an object`);
  }
  const result = structuredClone(out) as KubeObject;
  const invalid = checkConverted(object, result, apiVersion);
  if (invalid) throw errors.internal(`conversion webhook for ${inputKind} returned invalid object${invalid}`);
  const badMeta = restoreObjectMeta(object, result);
  if (badMeta) throw errors.internal(`conversion webhook for ${inputKind} returned invalid metadata: ${badMeta}`);
  return result;
}

/** The converted objects of a review answer, or why the answer is unusable (upstream's wording). */
function convertedObjects(answer: unknown, uid: string, reviewVersion: string): unknown[] | string {
  const review = (typeof answer === 'object' && answer !== null ? answer : {}) as Record<string, unknown>;
  if (reviewVersion === 'v1') {
    if (review.apiVersion !== 'apiextensions.k8s.io/v1' || review.kind !== 'ConversionReview') {
      return `expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got ${gvkString(review.apiVersion, review.kind)}`;
    }
  }
  const response = review.response as Record<string, unknown> | undefined | null;
  if (!response || typeof response !== 'object') return 'no response provided';
  // v1beta1 reviews never had their uid checked; upstream keeps it so for compatibility.
  if (reviewVersion === 'v1' && response.uid !== uid) return `expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(response.uid ?? '')}`;
  const result = (response.result ?? {}) as Record<string, unknown>;
  if (result.status !== 'Success') {
    if (typeof result.message === 'string' && result.message) return result.message;
    return `response.result.status was '${String(result.status ?? '')}', not 'Success'`;
  }
  return Array.isArray(response.convertedObjects) ? response.convertedObjects : [];
}

/** The webhook may change labels and annotations only; anything else of identity changing is refused. */
function checkConverted(original: KubeObject, converted: KubeObject, apiVersion: string): string | undefined {
  if (converted.apiVersion !== apiVersion) {
    return ` at index 0: invalid groupVersion (expected ${apiVersion}, received ${String(converted.apiVersion ?? '')})`;
  }
  if (converted.kind !== original.kind) return ` at index 0: invalid kind (expected ${original.kind}, received ${String(converted.kind ?? '')})`;
  const meta = (converted.metadata ?? {}) as Record<string, unknown>;
  const pairs: [string, unknown, unknown][] = [
    ['name', original.metadata.name, meta.name],
    ['namespace', original.metadata.namespace, meta.namespace],
    ['UID', original.metadata.uid, meta.uid],
  ];
  for (const [what, expected, got] of pairs) {
    if ((expected ?? '') !== (got ?? '')) return `: must have the same ${what}: ${String(expected ?? '')} != ${String(got ?? '')}`;
  }
  return undefined;
}

/** Upstream's restoreObjectMeta: the original metadata, with the webhook's labels and annotations. */
function restoreObjectMeta(original: KubeObject, converted: KubeObject): string | undefined {
  const answered: unknown = converted.metadata;
  if (answered === undefined) return 'missing metadata in converted object';
  if (typeof answered !== 'object' || answered === null || Array.isArray(answered)) return `invalid metadata of type ${goTypeName(answered)} in converted object`;
  const metadata = structuredClone(original.metadata) as Record<string, unknown>;
  for (const field of ['labels', 'annotations']) {
    const value = (answered as Record<string, unknown>)[field];
    if (value === undefined || value === null) {
      delete metadata[field];
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) return `invalid metadata.${field} of type ${goTypeName(value)} in converted object`;
    for (const [key, entry] of Object.entries(value)) {
      if (typeof entry !== 'string') return `metadata.${field}[${key}] must be a string, but is ${goTypeName(entry)} in converted object`;
    }
    metadata[field] = value;
  }
  converted.metadata = metadata;
  return undefined;
}

function goTypeName(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return 'float64';
  if (Array.isArray(value)) return '[]interface {}';
  if (value === null) return '<nil>';
  return 'map[string]interface {}';
}
