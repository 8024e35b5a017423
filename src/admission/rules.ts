// Rule matching as upstream's predicates/rules: operations, groups, versions, resources/subresources, scope, matchPolicy.
import type { Resource } from '../registry/resource.js';
import type { MatchPolicy, NamedRuleWithOperations, RuleWithOperations } from './admission-types.js';
import { kindOf, type Attributes, type GroupVersionKind, type GroupVersionResource } from './attributes.js';

/** The resource and kind a rule matched: the request's own, or an equivalent one under matchPolicy Equivalent. */
export interface MatchedResource {
  resource: GroupVersionResource;
  kind: GroupVersionKind;
}

interface RuleTarget {
  operation: string;
  namespace: string;
  subresource: string;
  resource: GroupVersionResource;
}

function exactOrWildcard(items: readonly string[] | undefined, requested: string): boolean {
  for (const item of items ?? []) if (item === '*' || item === requested) return true;
  return false;
}

function splitResource(resourceAndSubresource: string): [string, string] {
  const slash = resourceAndSubresource.indexOf('/');
  if (slash < 0) return [resourceAndSubresource, ''];
  return [resourceAndSubresource.slice(0, slash), resourceAndSubresource.slice(slash + 1)];
}

/** `*` is every resource without subresource, `*\/*` everything, `pods/status` one subresource, `pods/*` pods and all of them. */
function resourceMatches(rule: RuleWithOperations, target: RuleTarget): boolean {
  for (const entry of rule.resources ?? []) {
    const [resource, subresource] = splitResource(entry);
    const resourceOk = resource === '*' || resource === target.resource.resource;
    const subresourceOk = subresource === '*' || subresource === target.subresource;
    if (resourceOk && subresourceOk) return true;
  }
  return false;
}

function isNamespacesResource(gvr: GroupVersionResource): boolean {
  return gvr.group === '' && gvr.version === 'v1' && gvr.resource === 'namespaces';
}

function scopeMatches(rule: RuleWithOperations, target: RuleTarget): boolean {
  const scope = rule.scope ?? '*';
  if (scope === '*') return true;
  // A namespace is cluster-scoped although its writes carry its own name as the namespace.
  if (scope === 'Namespaced') return !isNamespacesResource(target.resource) && target.namespace !== '';
  if (scope === 'Cluster') return isNamespacesResource(target.resource) || target.namespace === '';
  return false;
}

function ruleMatchesTarget(rule: RuleWithOperations, target: RuleTarget): boolean {
  return (
    scopeMatches(rule, target) &&
    exactOrWildcard(rule.operations, target.operation) &&
    exactOrWildcard(rule.apiGroups, target.resource.group) &&
    exactOrWildcard(rule.apiVersions, target.resource.version) &&
    resourceMatches(rule, target)
  );
}

export function ruleMatches(rule: RuleWithOperations, attributes: Attributes): boolean {
  return ruleMatchesTarget(rule, attributes);
}

/** The other served versions of the same stored resource (apps/v1 and a beta of deployments, core and events.k8s.io events). */
export type EquivalentResources = () => readonly Resource[];

function equivalentsOf(attributes: Attributes, served: EquivalentResources): MatchedResource[] {
  const storage = attributes.served.prefix(undefined);
  const found: MatchedResource[] = [];
  for (const candidate of served()) {
    if (candidate.prefix(undefined) !== storage) continue;
    if (attributes.subresource && !candidate.type.subresources.has(attributes.subresource)) continue;
    const type = candidate.type;
    if (type.group === attributes.resource.group && type.version === attributes.resource.version && type.resource === attributes.resource.resource) continue;
    found.push({
      resource: { group: type.group, version: type.version, resource: type.resource },
      kind: kindOf(candidate, attributes.subresource),
    });
  }
  return found;
}

function ownResource(attributes: Attributes): MatchedResource {
  return { resource: attributes.resource, kind: attributes.kind };
}

/** Upstream's fuzzy pass: rules in order, each tried against every equivalent resource. */
function matchEquivalent(rules: readonly RuleWithOperations[], attributes: Attributes, served: EquivalentResources): MatchedResource | undefined {
  let equivalents: MatchedResource[] | undefined;
  for (const rule of rules) {
    equivalents ??= equivalentsOf(attributes, served);
    for (const equivalent of equivalents) {
      if (ruleMatchesTarget(rule, { ...attributes, resource: equivalent.resource })) return equivalent;
    }
  }
  return undefined;
}

/** A webhook's rules: the request's own resource first, then (Equivalent) other versions of it. */
export function matchWebhookRules(
  rules: readonly RuleWithOperations[] | undefined,
  matchPolicy: MatchPolicy | undefined,
  attributes: Attributes,
  served: EquivalentResources,
): MatchedResource | undefined {
  const list = rules ?? [];
  if (list.some((rule) => ruleMatches(rule, attributes))) return ownResource(attributes);
  // An absent matchPolicy is what v1 defaulting turns into Equivalent.
  if (matchPolicy === 'Exact') return undefined;
  return matchEquivalent(list, attributes, served);
}

/** A policy's resourceRules: resourceNames narrow a rule to named objects (only on the request's own resource, as upstream). */
export function matchNamedRules(
  rules: readonly NamedRuleWithOperations[] | undefined,
  matchPolicy: MatchPolicy | undefined,
  attributes: Attributes,
  served: EquivalentResources,
): MatchedResource | undefined {
  const list = rules ?? [];
  for (const rule of list) {
    if (!ruleMatches(rule, attributes)) continue;
    const names = rule.resourceNames ?? [];
    if (names.length === 0 || names.includes(attributes.name)) return ownResource(attributes);
  }
  if (matchPolicy === 'Exact') return undefined;
  return matchEquivalent(list, attributes, served);
}
