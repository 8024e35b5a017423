// One admission webhook call: dry-run check, review, POST, response checks; upstream's error texts for each failure.
import { randomUUID } from 'node:crypto';
import { ApiError, errors } from '../meta/errors.js';
import type { StatusDetails } from '../meta/types.js';
import { postWebhook, WebhookCallError, type ServiceResolver } from '../webhook/webhook-client.js';
import type { Webhook } from './admission-types.js';
import type { Attributes } from './attributes.js';
import type { MatchedResource } from './rules.js';
import { buildReview, chooseReviewVersion, ResponseError, verifyResponse, type ResultStatus, type VerifiedResponse } from './webhook-review.js';

/** ErrCallingWebhook: the webhook could not be asked or gave no usable answer; failurePolicy decides what follows. */
export class CallingWebhookError extends Error {
  constructor(
    readonly webhookName: string,
    reason: string,
  ) {
    super(`failed calling webhook ${JSON.stringify(webhookName)}: ${reason}`);
  }
}

/** The default v1 defaulting gives timeoutSeconds. */
const defaultTimeoutSeconds = 10;

/** upstream ToStatusErr: the webhook's own Status, its code forced to at least 400 and its message prefixed. */
export function denialError(webhookName: string, result: ResultStatus | undefined): ApiError {
  const deniedBy = `admission webhook ${JSON.stringify(webhookName)} denied the request`;
  const code = typeof result?.code === 'number' && result.code >= 400 ? result.code : 400;
  const reason = typeof result?.reason === 'string' ? result.reason : '';
  const message = typeof result?.message === 'string' && result.message ? result.message : '';
  const text = message ? `${deniedBy}: ${message}` : reason ? `${deniedBy}: ${reason}` : `${deniedBy} without explanation`;
  const details = result?.details && typeof result.details === 'object' ? (result.details as StatusDetails) : undefined;
  return new ApiError(code, reason, text, details);
}

export function dryRunUnsupported(webhookName: string): ApiError {
  return errors.badRequest(`admission webhook ${JSON.stringify(webhookName)} does not support dry run`);
}

/** Fail (the default) turns a call failure into a 500; Ignore lets the request through. */
export function failsOpen(webhook: Webhook): boolean {
  return webhook.failurePolicy === 'Ignore';
}

export function callFailureError(err: CallingWebhookError): ApiError {
  return errors.internal(err.message);
}

export interface CallOptions {
  resolveService?: ServiceResolver;
  mutating: boolean;
}

/**
 * Calls the webhook and answers its verified response when it allowed the request. Throws CallingWebhookError for
 * failures failurePolicy governs, and an ApiError for denials and dry-run refusals (which it does not).
 */
export async function callWebhook(webhook: Webhook, attributes: Attributes, matched: MatchedResource, options: CallOptions): Promise<VerifiedResponse> {
  const name = webhook.name;
  if (attributes.dryRun) {
    if (webhook.sideEffects === undefined || webhook.sideEffects === null) throw new CallingWebhookError(name, 'Webhook SideEffects is nil');
    if (webhook.sideEffects !== 'None' && webhook.sideEffects !== 'NoneOnDryRun') throw dryRunUnsupported(name);
  }
  const version = chooseReviewVersion(webhook.admissionReviewVersions);
  if (!version) {
    throw new CallingWebhookError(name, 'could not create admission objects: webhook does not accept known AdmissionReview versions (v1, v1beta1)');
  }
  const uid = randomUUID();
  const review = buildReview(version, uid, attributes, matched);
  const timeoutSeconds = webhook.timeoutSeconds ?? defaultTimeoutSeconds;
  let body: unknown;
  try {
    body = await postWebhook(webhook.clientConfig ?? {}, review, {
      timeoutMs: timeoutSeconds * 1000,
      resolveService: options.resolveService,
      timeoutQuery: true,
    });
  } catch (err) {
    if (err instanceof WebhookCallError) throw new CallingWebhookError(name, `failed to call webhook: ${err.message}`);
    throw err;
  }
  let response: VerifiedResponse;
  try {
    response = verifyResponse(version, uid, options.mutating, body);
  } catch (err) {
    if (!(err instanceof ResponseError)) throw err;
    // A body the client cannot decode fails inside the call itself upstream; a decoded but wrong one after it.
    const reason = err.stage === 'decode' ? `failed to call webhook: ${err.message}` : `received invalid webhook response: ${err.message}`;
    throw new CallingWebhookError(name, reason);
  }
  addWarnings(attributes, response.warnings);
  if (!response.allowed) throw denialError(name, response.result);
  return response;
}

/** Warnings reach the client once each, as upstream's warning recorder deduplicates them. */
export function addWarnings(attributes: Attributes, warnings: readonly string[]): void {
  const sink = attributes.warnings;
  if (!sink) return;
  for (const warning of warnings) if (warning && !sink.includes(warning)) sink.push(warning);
}
