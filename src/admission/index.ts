// Dynamic admission: mutating webhooks, then ValidatingAdmissionPolicies and validating webhooks, read live from the store.
import { celLoaded, loadCel } from '../cel/cel-loader.js';
import type { Clock } from '../clock/clock.js';
import type { KubeObject } from '../meta/types.js';
import type { Admission, AdmissionRequest } from '../registry/admission.js';
import { storagePrefixOf, type Resource } from '../registry/resource.js';
import type { Store } from '../store/types.js';
import type { ServiceResolver } from '../webhook/webhook-client.js';
import type { ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding, WebhookConfiguration } from './admission-types.js';
import { attributesOf, isExemptConfigurationResource } from './attributes.js';
import { runMutatingWebhooks } from './mutating-webhooks.js';
import { runValidatingPolicies } from './validating-policies.js';
import { runValidatingWebhooks } from './validating-webhooks.js';
import { WatchedCollection } from './watched-collection.js';
import { webhookEntries, type MatchingContext } from './webhook-matching.js';

export interface AdmissionOptions {
  store: Store;
  clock: Clock;
  /** Where a webhook's Service reference is reached from this process (tests serve webhooks on localhost). */
  resolveService?: ServiceResolver;
  /** Every served resource: for matchPolicy Equivalent and for resolving a policy's paramKind. */
  resources?: () => readonly Resource[];
}

const group = 'admissionregistration.k8s.io';

export function createAdmission(options: AdmissionOptions): Admission & { close(): void } {
  const { store } = options;
  const watch = <T extends KubeObject>(resource: string) => new WatchedCollection<T>(store, storagePrefixOf({ group, resource }));
  const mutatingConfigurations = watch<WebhookConfiguration>('mutatingwebhookconfigurations');
  const validatingConfigurations = watch<WebhookConfiguration>('validatingwebhookconfigurations');
  const policies = watch<ValidatingAdmissionPolicy>('validatingadmissionpolicies');
  const bindings = watch<ValidatingAdmissionPolicyBinding>('validatingadmissionpolicybindings');
  const collections = [mutatingConfigurations, validatingConfigurations, policies, bindings];
  const ready = Promise.all(collections.map((c) => c.ready));
  const namespaces = storagePrefixOf({ group: '', resource: 'namespaces' });
  const resources = options.resources ?? (() => []);
  const context: MatchingContext & { resolveService?: ServiceResolver } = {
    readNamespace: async (name) => (await store.get(`${namespaces}${name}`))?.object as KubeObject | undefined,
    served: resources,
    resolveService: options.resolveService,
  };

  const admissible = async (request: AdmissionRequest) => {
    await ready;
    // Policies and match conditions are CEL; configured admission is rare enough to load the engine on first use.
    if (!celLoaded()) await loadCel();
    const attributes = attributesOf(request);
    return isExemptConfigurationResource(attributes) ? undefined : attributes;
  };

  return {
    // Most clusters configure no admission at all: their writes then skip the awaits (and the yields) entirely.
    active: () => collections.some((c) => !c.loaded || c.size > 0),
    async mutate(request) {
      const attributes = await admissible(request);
      if (!attributes) return;
      await runMutatingWebhooks(webhookEntries(mutatingConfigurations), attributes, context);
    },
    async validate(request) {
      const attributes = await admissible(request);
      if (!attributes) return;
      // Upstream's plugin order: ValidatingAdmissionPolicy before ValidatingAdmissionWebhook.
      await runValidatingPolicies(policies.items(), bindings.items(), attributes, { ...context, store, resources });
      await runValidatingWebhooks(webhookEntries(validatingConfigurations), attributes, context);
    },
    close() {
      for (const collection of collections) collection.close();
    },
  };
}
