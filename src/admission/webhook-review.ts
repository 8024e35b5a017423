// AdmissionReview requests (v1 or v1beta1) and the checks upstream makes of a webhook's response.
import type { Attributes } from './attributes.js';
import { userInfoOf } from './cel-conditions.js';
import type { MatchedResource } from './rules.js';

export type ReviewVersion = 'v1' | 'v1beta1';

/** The first AdmissionReview version the webhook accepts that the apiserver can send, as upstream picks it. */
export function chooseReviewVersion(accepted: readonly string[] | undefined): ReviewVersion | undefined {
  for (const version of accepted ?? []) if (version === 'v1' || version === 'v1beta1') return version;
  return undefined;
}

export function buildReview(version: ReviewVersion, uid: string, attributes: Attributes, matched: MatchedResource): Record<string, unknown> {
  const request: Record<string, unknown> = {
    uid,
    kind: matched.kind,
    resource: matched.resource,
  };
  if (attributes.subresource) request.subResource = attributes.subresource;
  request.requestKind = attributes.kind;
  request.requestResource = attributes.resource;
  if (attributes.subresource) request.requestSubResource = attributes.subresource;
  if (attributes.name) request.name = attributes.name;
  if (attributes.namespace) request.namespace = attributes.namespace;
  request.operation = attributes.operation;
  request.userInfo = userInfoOf(attributes);
  request.object = attributes.object ?? null;
  request.oldObject = attributes.oldObject ?? null;
  request.dryRun = attributes.dryRun;
  request.options = attributes.options;
  return { kind: 'AdmissionReview', apiVersion: `admission.k8s.io/${version}`, request };
}

/** A webhook's Status for a denial, as sent. */
export interface ResultStatus {
  code?: number;
  reason?: string;
  message?: string;
  status?: string;
  details?: Record<string, unknown>;
}

export interface VerifiedResponse {
  allowed: boolean;
  /** Decoded from base64; absent when the webhook sent none. */
  patch?: Buffer;
  patchType?: string;
  result?: ResultStatus;
  warnings: string[];
}

/** Why a response is unusable; `decode` failures are the client's own (upstream reports them as call failures). */
export class ResponseError extends Error {
  constructor(
    readonly stage: 'decode' | 'verify',
    message: string,
  ) {
    super(message);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function gvkText(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const [group, version] = slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
  return `${group}/${version}, Kind=${kind}`;
}

/** Go's encoding/json decodes []byte from standard base64 and names the first offending byte. */
function decodeBase64(text: string): Buffer {
  const body = text.replace(/={1,2}$/, '');
  const bad = body.search(/[^A-Za-z0-9+/]/);
  if (bad >= 0) throw new ResponseError('decode', `illegal base64 data at input byte ${bad}`);
  if (text.length % 4 !== 0) throw new ResponseError('decode', `illegal base64 data at input byte ${text.length - (text.length % 4)}`);
  return Buffer.from(text, 'base64');
}

/**
 * Upstream's VerifyAdmissionResponse. v1 responses must echo the uid and the AdmissionReview kind, and a mutating
 * webhook must send patch and patchType together; v1beta1 ones are taken as they come.
 */
export function verifyResponse(version: ReviewVersion, uid: string, mutating: boolean, body: unknown): VerifiedResponse {
  if (!isRecord(body)) throw new ResponseError('decode', `json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type v1.AdmissionReview`);
  const apiVersion = typeof body.apiVersion === 'string' ? body.apiVersion : '';
  const kind = typeof body.kind === 'string' ? body.kind : '';
  if (!kind) throw new ResponseError('decode', `Object 'Kind' is missing in '${JSON.stringify(body)}'`);
  const response = body.response;
  if (!isRecord(response)) throw new ResponseError('verify', 'webhook response was absent');
  const patchText = typeof response.patch === 'string' ? response.patch : '';
  const patch = patchText ? decodeBase64(patchText) : undefined;
  const result = isRecord(response.status) ? (response.status as ResultStatus) : undefined;
  const warnings = Array.isArray(response.warnings) ? response.warnings.filter((w): w is string => typeof w === 'string') : [];
  const allowed = response.allowed === true;
  if (version === 'v1beta1') {
    // v1beta1 never checked uid, kind or patchType; a patch can only be a JSON patch.
    if (!mutating || !patch?.length) return { allowed, result, warnings };
    return { allowed, result, warnings, patch, patchType: 'JSONPatch' };
  }
  const responseUid = typeof response.uid === 'string' ? response.uid : '';
  if (responseUid !== uid) throw new ResponseError('verify', `expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(responseUid)}`);
  if (apiVersion !== 'admission.k8s.io/v1' || kind !== 'AdmissionReview') {
    throw new ResponseError('verify', `expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${gvkText(apiVersion, kind)}`);
  }
  const hasPatchType = response.patchType !== undefined && response.patchType !== null;
  const patchType = typeof response.patchType === 'string' ? response.patchType : '';
  if (!mutating) {
    if (patch?.length) throw new ResponseError('verify', 'validating webhook may not return response.patch');
    if (hasPatchType) throw new ResponseError('verify', 'validating webhook may not return response.patchType');
    return { allowed, result, warnings };
  }
  if (patch?.length && !hasPatchType) throw new ResponseError('verify', 'webhook returned response.patch but not response.patchType');
  if (!patch?.length && hasPatchType) throw new ResponseError('verify', 'webhook returned response.patchType but not response.patch');
  if (hasPatchType && patchType === '') throw new ResponseError('verify', `webhook returned invalid response.patchType of ""`);
  return { allowed, result, warnings, patch, patchType: hasPatchType ? patchType : undefined };
}
