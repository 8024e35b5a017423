// ValidatingAdmissionPolicy enforcement: policies × bindings × params, validationActions, upstream's denial status.
import { ApiError, qualifiedResource } from '../meta/errors.js';
import type { KubeObject } from '../meta/types.js';
import type { Resource } from '../registry/resource.js';
import type { Store } from '../store/types.js';
import type { MatchResources, ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding } from './admission-types.js';
import type { Attributes } from './attributes.js';
import { celRequestOf, namespaceObjectOf } from './cel-conditions.js';
import { collectParams, PolicyConfigurationError, resolveParamKind } from './policy-params.js';
import { validatePolicy, type PolicyDecision } from './policy-validator.js';
import { matchNamedRules, type MatchedResource } from './rules.js';
import { matchNamespaceSelector, matchObjectSelector } from './selectors.js';
import { addWarnings } from './webhook-call.js';
import type { MatchingContext } from './webhook-matching.js';

export interface PolicyOptions extends MatchingContext {
  store: Store;
  resources: () => readonly Resource[];
}

interface Denial {
  policy: string;
  binding?: string;
  decision: PolicyDecision;
}

type MatchOutcome = { matched: MatchedResource | undefined } | { error: string };

/** upstream matching.Matcher: selectors, excluded rules, then resourceRules (none means every resource). */
async function matchResources(criteria: MatchResources | undefined, attributes: Attributes, context: MatchingContext): Promise<MatchOutcome> {
  const namespaces = await matchNamespaceSelector(criteria?.namespaceSelector, attributes, context.readNamespace);
  if (!namespaces.matches && !namespaces.error) return { matched: undefined };
  const objects = matchObjectSelector(criteria?.objectSelector, attributes);
  if (!objects.matches && !objects.error) return { matched: undefined };
  const policy = criteria?.matchPolicy;
  if (matchNamedRules(criteria?.excludeResourceRules, policy, attributes, context.served)) return { matched: undefined };
  const rules = criteria?.resourceRules ?? [];
  const matched = rules.length === 0 ? { resource: attributes.resource, kind: attributes.kind } : matchNamedRules(rules, policy, attributes, context.served);
  if (!matched) return { matched: undefined };
  if (namespaces.error) return { error: namespaces.error.message };
  if (objects.error) return { error: objects.error.message };
  return { matched };
}

/** Config errors deny under failurePolicy Fail (the default), whatever the binding's validationActions. */
function configurationDenial(policy: ValidatingAdmissionPolicy, binding: ValidatingAdmissionPolicyBinding | undefined, message: string): Denial | undefined {
  if (policy.spec?.failurePolicy === 'Ignore') return undefined;
  const text = binding ? `failed to configure binding: ${message}` : `failed to configure policy: ${message}`;
  return { policy: policy.metadata.name ?? '', binding: binding?.metadata.name, decision: { action: 'deny', message: text } };
}

export async function runValidatingPolicies(
  policies: readonly ValidatingAdmissionPolicy[],
  bindings: readonly ValidatingAdmissionPolicyBinding[],
  attributes: Attributes,
  options: PolicyOptions,
): Promise<void> {
  if (policies.length === 0 || bindings.length === 0) return;
  const denials: Denial[] = [];
  const deny = (denial: Denial | undefined) => {
    if (denial) denials.push(denial);
  };
  for (const policy of policies) {
    const policyName = policy.metadata.name ?? '';
    const policyBindings = bindings.filter((b) => b.spec?.policyName === policyName);
    if (policyBindings.length === 0) continue;
    const definition = await matchResources(policy.spec?.matchConstraints, attributes, options);
    if ('error' in definition) {
      deny(configurationDenial(policy, undefined, definition.error));
      continue;
    }
    if (!definition.matched) continue;
    const paramKind = policy.spec?.paramKind;
    const paramResource = paramKind ? resolveParamKind(paramKind, options.resources()) : undefined;
    if (paramResource instanceof PolicyConfigurationError) {
      deny(configurationDenial(policy, undefined, paramResource.message));
      continue;
    }
    for (const binding of policyBindings) {
      const bindingMatch = binding.spec?.matchResources ? await matchResources(binding.spec.matchResources, attributes, options) : { matched: definition.matched };
      if ('error' in bindingMatch) {
        deny(configurationDenial(policy, binding, bindingMatch.error));
        continue;
      }
      if (!bindingMatch.matched) continue;
      let params: (KubeObject | null)[];
      try {
        params = await collectParams(paramKind, paramResource, binding.spec?.paramRef, attributes.namespace, options.store);
      } catch (err) {
        if (!(err instanceof PolicyConfigurationError)) throw err;
        deny(configurationDenial(policy, binding, err.message));
        continue;
      }
      if (params.length === 0) continue;
      const namespaceObject = await namespaceObjectFor(attributes, options);
      for (const param of params) {
        const decisions = validatePolicy(policy, {
          object: attributes.object ?? null,
          oldObject: attributes.oldObject ?? null,
          request: celRequestOf(attributes, definition.matched),
          params: param,
          namespaceObject,
        });
        applyActions(decisions, policyName, binding, attributes, denials);
      }
    }
  }
  if (denials.length > 0) throw denialError(denials[0]!, attributes);
}

/** The request's namespace for `namespaceObject`; none for cluster-scoped objects and for a namespace itself. */
async function namespaceObjectFor(attributes: Attributes, options: PolicyOptions): Promise<Record<string, unknown> | null> {
  const isNamespace = attributes.kind.group === '' && attributes.kind.version === 'v1' && attributes.kind.kind === 'Namespace';
  if (!attributes.namespace || isNamespace) return null;
  return namespaceObjectOf(await options.readNamespace(attributes.namespace));
}

function applyActions(decisions: PolicyDecision[], policy: string, binding: ValidatingAdmissionPolicyBinding, attributes: Attributes, denials: Denial[]): void {
  const bindingName = binding.metadata.name ?? '';
  for (const decision of decisions) {
    if (decision.action !== 'deny') continue;
    for (const action of binding.spec?.validationActions ?? []) {
      if (action === 'Deny') denials.push({ policy, binding: bindingName, decision });
      else if (action === 'Warn') {
        addWarnings(attributes, [`Validation failed for ValidatingAdmissionPolicy '${policy}' with binding '${bindingName}': ${decision.message}`]);
      }
      // Audit only annotates the audit event, which kubefake does not record.
    }
  }
}

/** HTTP codes for the reasons a validation may name; anything else is 422 like Invalid. */
const reasonCodes: Record<string, number> = { Unauthorized: 401, Forbidden: 403, RequestEntityTooLarge: 413, Invalid: 422 };

/** admission.NewForbidden's text and details, with the validation's reason and code and the message as a cause. */
function denialError(denial: Denial, attributes: Attributes): ApiError {
  const message = denial.binding !== undefined
    ? `ValidatingAdmissionPolicy '${denial.policy}' with binding '${denial.binding}' denied request: ${denial.decision.message}`
    : `ValidatingAdmissionPolicy '${denial.policy}' denied request: ${denial.decision.message}`;
  const groupResource = { group: attributes.resource.group, resource: attributes.resource.resource };
  const name = forbiddenName(attributes);
  const reason = denial.decision.reason || 'Invalid';
  const details: Record<string, unknown> = { name };
  if (groupResource.group) details.group = groupResource.group;
  details.kind = groupResource.resource;
  details.causes = [{ message }];
  return new ApiError(reasonCodes[reason] ?? 422, reason, `${qualifiedResource(groupResource)} ${JSON.stringify(name)} is forbidden: ${message}`, details);
}

/** The name upstream reports: the request's, else the object's name or generateName, else "Unknown". */
function forbiddenName(attributes: Attributes): string {
  if (attributes.name) return attributes.name;
  const meta = attributes.object?.metadata;
  return meta?.name || meta?.generateName || 'Unknown';
}
