// RBAC escalation prevention (upstream registry/rbac policybased storage, ConfirmNoEscalation and Covers).
import { deepEqual } from '../../meta/deep-equal.js';
import { errors, type GroupResource } from '../../meta/errors.js';
import { goQuote } from '../../meta/field-errors.js';
import type { KubeObject } from '../../meta/types.js';
import type { UserInfo } from '../user-info.js';
import { isPrivileged, type Authorizer, type RoleRef } from './authorizer.js';
import { compactString, goQuotedList, policyRulesOf, type PolicyRule } from './rules.js';

/** What a create or update of a Role, ClusterRole or (Cluster)RoleBinding is checked with. */
export interface RbacWrite {
  resource: GroupResource;
  object: KubeObject;
  /** The stored object, on updates. */
  old?: KubeObject;
  user: UserInfo;
  /** The request's namespace ('' or undefined for cluster-scoped kinds). */
  namespace?: string;
  /** The name in the URL (undefined on a POST, as upstream's RequestInfo has none). */
  name?: string;
  authorizer: Authorizer;
}

/**
 * Creating or changing a Role/ClusterRole needs every rule it grants held already (in the namespace, or cluster-wide),
 * unless the writer may `escalate` it; system:masters may always.
 */
export async function checkRoleWrite(w: RbacWrite): Promise<void> {
  if (isPrivileged(w.user) || (w.old && onlyGarbageCollectionFieldsChanged(w.object, w.old))) return;
  if (await allowed(w.authorizer, w.user, 'escalate', w.resource, w.namespace, w.name)) return;
  const refusal = await escalationRefusal(w.authorizer, w.user, w.namespace ?? '', policyRulesOf(w.object));
  if (refusal) throw errors.forbidden(w.resource, w.object.metadata.name ?? '', refusal);
  // An aggregationRule can gather any rules (and keep a role from being tightened): setting, changing or dropping one
  // needs everything, as upstream's ClusterRole storage checks.
  const aggregates = hasAggregationRule(w.object) || (w.old !== undefined && hasAggregationRule(w.old));
  if (w.resource.resource === 'clusterroles' && aggregates && (await escalationRefusal(w.authorizer, w.user, w.namespace ?? '', fullAuthority))) {
    throw errors.forbidden(w.resource, w.object.metadata.name ?? '', 'must have cluster-admin privileges to use the aggregationRule');
  }
}

const fullAuthority: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

function hasAggregationRule(role: KubeObject): boolean {
  const rule = (role as { aggregationRule?: unknown }).aggregationRule;
  if (typeof rule !== 'object' || rule === null) return false;
  const selectors = (rule as { clusterRoleSelectors?: unknown }).clusterRoleSelectors;
  return Array.isArray(selectors) && selectors.length > 0;
}

/**
 * Creating or changing a binding needs `bind` on the role it references (checked in the binding's namespace), or
 * every rule of that role held already; a missing role is upstream's NotFound.
 */
export async function checkBindingWrite(w: RbacWrite): Promise<void> {
  if (isPrivileged(w.user) || (w.old && onlyGarbageCollectionFieldsChanged(w.object, w.old))) return;
  const ref = roleRefOf(w.object);
  // Anything else is refused by validation; nothing could be granted through it.
  if (!ref || (ref.kind !== 'Role' && ref.kind !== 'ClusterRole')) return;
  const namespace = w.namespace ?? '';
  // Defaulting runs after this check here, where upstream's decoder has already defaulted roleRef.apiGroup.
  const bindable = { group: ref.apiGroup || 'rbac.authorization.k8s.io', resource: ref.kind === 'Role' ? 'roles' : 'clusterroles' };
  if (await allowed(w.authorizer, w.user, 'bind', bindable, namespace, ref.name)) return;
  if (!w.authorizer.roleReferenceRules) return;
  const rules = await w.authorizer.roleReferenceRules(ref, namespace);
  const refusal = await escalationRefusal(w.authorizer, w.user, namespace, rules);
  if (refusal) throw errors.forbidden(w.resource, w.object.metadata.name ?? '', refusal);
}

async function allowed(authorizer: Authorizer, user: UserInfo, verb: string, gr: GroupResource, namespace?: string, name?: string): Promise<boolean> {
  const result = await authorizer.authorize({
    user,
    verb,
    resourceRequest: true,
    group: gr.group,
    version: '*',
    resource: gr.resource,
    ...(namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
  });
  return result.decision === 'allow';
}

/** ConfirmNoEscalation's message when the user's rules do not cover `rules`, else undefined. */
export async function escalationRefusal(authorizer: Authorizer, user: UserInfo, namespace: string, rules: PolicyRule[]): Promise<string | undefined> {
  if (!authorizer.policyRulesFor) return undefined;
  const owner = await authorizer.policyRulesFor(user, namespace);
  const missing = uncovered(owner.rules, rules);
  if (missing.length === 0) return undefined;
  const descriptions = [...new Set(compactRules(missing).map(compactString))].sort();
  let message = `user ${goQuote(user.username)} (groups=${goQuotedList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${descriptions.join('\n')}`;
  // RulesFor's errors are one aggregate, which Go's %v of a one-element slice shows in brackets.
  if (owner.errors.length > 0) message += `; resolution errors: [${aggregate(owner.errors)}]`;
  return message;
}

function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

/** Covers: each servant rule broken down to one verb, group, resource and name, and those no owner rule covers. */
export function uncovered(ownerRules: readonly PolicyRule[], servantRules: readonly PolicyRule[]): PolicyRule[] {
  return servantRules.flatMap(breakdownRule).filter((sub) => !ownerRules.some((owner) => ruleCovers(owner, sub)));
}

export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const subrules: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        if (rule.resourceNames?.length) {
          for (const name of rule.resourceNames) subrules.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
        } else {
          subrules.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        }
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) subrules.push({ nonResourceURLs: [url], verbs: [verb] });
  return subrules;
}

const hasAll = (set: readonly string[], wanted: readonly string[]) => wanted.every((w) => set.includes(w));

function resourceCoversAll(owned: readonly string[], wanted: readonly string[]): boolean {
  if (owned.includes('*') || hasAll(owned, wanted)) return true;
  return wanted.every((path) => {
    if (owned.includes(path)) return true;
    const slash = path.indexOf('/');
    return slash >= 0 && owned.includes(`*/${path.slice(slash + 1)}`);
  });
}

function nonResourceURLCovers(owner: string, path: string): boolean {
  return owner === path || (owner.endsWith('*') && path.startsWith(owner.replace(/\*+$/, '')));
}

function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = owner.verbs.includes('*') || hasAll(owner.verbs, sub.verbs);
  const groups = (owner.apiGroups ?? []).includes('*') || hasAll(owner.apiGroups ?? [], sub.apiGroups ?? []);
  const resources = resourceCoversAll(owner.resources ?? [], sub.resources ?? []);
  const urls = (sub.nonResourceURLs ?? []).every((path) => (owner.nonResourceURLs ?? []).some((o) => nonResourceURLCovers(o, path)));
  const ownerNames = owner.resourceNames ?? [];
  const names = ownerNames.length === 0 || (sub.resourceNames?.length ? hasAll(ownerNames, sub.resourceNames) : false);
  return verbs && groups && resources && names && urls;
}

/** CompactRules: rules of one group, one resource and at most one name, differing only in verbs, merged into one. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const compacted: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const names = rule.resourceNames ?? [];
    const isSimple = names.length <= 1 && !rule.nonResourceURLs?.length && rule.apiGroups?.length === 1 && rule.resources?.length === 1;
    if (!isSimple) {
      compacted.push(rule);
      continue;
    }
    const key = JSON.stringify([rule.apiGroups![0], rule.resources![0], ...names]);
    const existing = simple.get(key);
    if (existing) existing.verbs.push(...rule.verbs);
    else simple.set(key, { apiGroups: [...rule.apiGroups!], resources: [...rule.resources!], ...(names.length ? { resourceNames: [...names] } : {}), verbs: [...rule.verbs] });
  }
  return [...compacted, ...simple.values()];
}

function roleRefOf(o: KubeObject): RoleRef | undefined {
  const ref = (o as { roleRef?: unknown }).roleRef;
  if (typeof ref !== 'object' || ref === null) return undefined;
  const r = ref as Record<string, unknown>;
  return { kind: String(r.kind ?? ''), name: String(r.name ?? ''), apiGroup: typeof r.apiGroup === 'string' ? r.apiGroup : undefined };
}

/**
 * IsOnlyMutatingGCFields: an update touching only owner references and finalizers (what the garbage collector
 * writes) is never an escalation. Fields the server sets itself are ignored too, since a PUT body may carry them.
 */
function onlyGarbageCollectionFieldsChanged(object: KubeObject, old: KubeObject): boolean {
  const strip = (o: KubeObject) => {
    const { ownerReferences: _o, finalizers: _f, selfLink: _s, managedFields: _m, resourceVersion: _r, uid: _u, creationTimestamp: _c, generation: _g, ...meta } =
      o.metadata as Record<string, unknown>;
    return { ...o, metadata: meta };
  };
  return deepEqual(strip(object), strip(old));
}
