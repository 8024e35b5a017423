// Which webhooks a request reaches (upstream ShouldCallHook): rules, selectors, then matchConditions.
import { errors } from '../meta/errors.js';
import type { Webhook, WebhookConfiguration } from './admission-types.js';
import type { Attributes } from './attributes.js';
import { celRequestOf, evaluateMatchConditions } from './cel-conditions.js';
import { matchWebhookRules, type EquivalentResources, type MatchedResource } from './rules.js';
import { matchNamespaceSelector, matchObjectSelector, type NamespaceReader } from './selectors.js';
import type { WatchedCollection } from './watched-collection.js';

/** One webhook of one configuration, with the identity reinvocation tracks it by. */
export interface WebhookEntry {
  uid: string;
  configurationName: string;
  webhook: Webhook;
}

export interface Invocation {
  entry: WebhookEntry;
  matched: MatchedResource;
}

export interface MatchingContext {
  readNamespace: NamespaceReader;
  served: EquivalentResources;
}

/** Webhook matchConditions see object, oldObject and request (authorizer is not offered). */
const webhookCelVariables = ['object', 'oldObject', 'request'] as const;

/** Configurations in name order, each one's webhooks in their listed order. */
export function webhookEntries(configurations: WatchedCollection<WebhookConfiguration>): WebhookEntry[] {
  const entries: WebhookEntry[] = [];
  for (const configuration of configurations.items()) {
    const name = configuration.metadata.name ?? '';
    (configuration.webhooks ?? []).forEach((webhook, index) => {
      entries.push({ uid: `${name}/${webhook.name}/${index}`, configurationName: name, webhook });
    });
  }
  return entries;
}

/**
 * Undefined when the webhook does not apply. Throws the selector's error (a missing namespace is a 404) or, when a
 * matchCondition fails to evaluate under failurePolicy Fail, a 403 naming the object.
 */
export async function shouldCallHook(entry: WebhookEntry, attributes: Attributes, context: MatchingContext): Promise<Invocation | undefined> {
  const webhook = entry.webhook;
  // Rules first (cheap); upstream checks selectors first, but only reports their errors once the rules match.
  const matched = matchWebhookRules(webhook.rules, webhook.matchPolicy, attributes, context.served);
  if (!matched) return undefined;
  const objects = matchObjectSelector(webhook.objectSelector, attributes);
  if (!objects.matches && !objects.error) return undefined;
  const namespaces = await matchNamespaceSelector(webhook.namespaceSelector, attributes, context.readNamespace);
  if (!namespaces.matches && !namespaces.error) return undefined;
  if (namespaces.error) throw namespaces.error;
  if (objects.error) throw objects.error;
  if (webhook.matchConditions?.length) {
    const outcome = evaluateMatchConditions(webhook.matchConditions, webhook.failurePolicy, webhookCelVariables, {
      object: attributes.object ?? null,
      oldObject: attributes.oldObject ?? null,
      request: celRequestOf(attributes, matched),
    });
    if (outcome.error !== undefined) {
      throw errors.forbidden({ group: attributes.resource.group, resource: attributes.resource.resource }, attributes.name, outcome.error);
    }
    if (!outcome.matches) return undefined;
  }
  return { entry, matched };
}
