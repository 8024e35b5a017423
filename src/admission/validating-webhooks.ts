// Validating webhooks: every matching one called in parallel; the first refusal (in webhook order) fails the write.
import type { ServiceResolver } from '../webhook/webhook-client.js';
import type { Attributes } from './attributes.js';
import { callFailureError, CallingWebhookError, callWebhook, failsOpen } from './webhook-call.js';
import { shouldCallHook, type Invocation, type MatchingContext, type WebhookEntry } from './webhook-matching.js';

export interface ValidatingOptions extends MatchingContext {
  resolveService?: ServiceResolver;
}

export async function runValidatingWebhooks(entries: readonly WebhookEntry[], attributes: Attributes, options: ValidatingOptions): Promise<void> {
  const invocations: Invocation[] = [];
  for (const entry of entries) {
    const invocation = await shouldCallHook(entry, attributes, options);
    if (invocation) invocations.push(invocation);
  }
  if (invocations.length === 0) return;
  const outcomes = await Promise.all(invocations.map((invocation) => callOne(invocation, attributes, options)));
  const refusal = outcomes.find((outcome) => outcome !== undefined);
  if (refusal) throw refusal;
}

/** The error this webhook contributes, if any. */
async function callOne(invocation: Invocation, attributes: Attributes, options: ValidatingOptions): Promise<unknown> {
  const webhook = invocation.entry.webhook;
  try {
    await callWebhook(webhook, attributes, invocation.matched, { resolveService: options.resolveService, mutating: false });
    return undefined;
  } catch (err) {
    if (err instanceof CallingWebhookError) return failsOpen(webhook) ? undefined : callFailureError(err);
    return err;
  }
}
