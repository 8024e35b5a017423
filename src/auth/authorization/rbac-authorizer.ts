// upstream's RBAC authorizer and DefaultRuleResolver, behind the system:masters privileged-group authorizer.
import { ApiError } from '../../meta/errors.js';
import { goQuote } from '../../meta/field-errors.js';
import type { Store } from '../../store/types.js';
import type { UserInfo } from '../user-info.js';
import type { AuthorizationAttributes } from './attributes.js';
import { aggregateErrors, firstDecision, isPrivileged, type AuthorizationResult, type Authorizer, type RoleRef, type RulesResult } from './authorizer.js';
import { RbacIndex, type Binding, type RbacSnapshot, type Subject } from './rbac-index.js';
import { ruleAllows, type NonResourceRule, type PolicyRule, type ResourceRule } from './rules.js';

/** Called with each rule that applies (and what granted it) or each error met; returning false stops the walk. */
type RuleVisitor = (source: string | undefined, rule: PolicyRule | undefined, error: string | undefined) => boolean;

export class RbacAuthorizer implements Authorizer {
  readonly mode = 'RBAC' as const;
  readonly index: RbacIndex;

  constructor(store: Store) {
    this.index = new RbacIndex(store);
  }

  authorize(attributes: AuthorizationAttributes): Promise<AuthorizationResult> {
    return firstDecision([privilegedGroup, (a) => this.rbac(a)], attributes);
  }

  /** RBACAuthorizer.RulesFor: the privileged-group authorizer lists no rules, so masters see only their bindings'. */
  async rulesFor(user: UserInfo, namespace: string): Promise<RulesResult> {
    const { rules, errors } = await this.collectRules(user, namespace, 'lister');
    const resourceRules: ResourceRule[] = [];
    const nonResourceRules: NonResourceRule[] = [];
    for (const rule of rules) {
      if (rule.resources?.length) {
        const r: ResourceRule = { verbs: [...rule.verbs], apiGroups: [...(rule.apiGroups ?? [])], resources: [...rule.resources] };
        if (rule.resourceNames?.length) r.resourceNames = [...rule.resourceNames];
        resourceRules.push(r);
      }
      if (rule.nonResourceURLs?.length) nonResourceRules.push({ verbs: [...rule.verbs], nonResourceURLs: [...rule.nonResourceURLs] });
    }
    const result: RulesResult = { resourceRules, nonResourceRules, incomplete: false };
    if (errors.length > 0) result.evaluationError = aggregateErrors(errors);
    return result;
  }

  /** The registry's rule resolver (escalation checks): it reads roles through their storage, so misses name `roles`. */
  policyRulesFor(user: UserInfo, namespace: string): Promise<{ rules: PolicyRule[]; errors: string[] }> {
    return this.collectRules(user, namespace, 'storage');
  }

  async roleReferenceRules(roleRef: RoleRef, namespace: string): Promise<PolicyRule[]> {
    const found = roleReferenceRules(await this.index.snapshot(), roleRef, namespace, 'storage');
    if (found.error !== undefined) throw found.notFound ?? new ApiError(500, 'InternalError', `Internal error occurred: ${found.error}`);
    return found.rules;
  }

  close(): void {
    this.index.close();
  }

  private async collectRules(user: UserInfo, namespace: string, source: RoleSource): Promise<{ rules: PolicyRule[]; errors: string[] }> {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    visitRulesFor(await this.index.snapshot(), user, namespace, (_source, rule, error) => {
      if (rule) rules.push(rule);
      if (error) errors.push(error);
      return true;
    }, source);
    return { rules, errors };
  }

  private async rbac(attributes: AuthorizationAttributes): Promise<AuthorizationResult> {
    let allowedBy: string | undefined;
    const errors: string[] = [];
    visitRulesFor(await this.index.snapshot(), attributes.user, attributes.resourceRequest ? (attributes.namespace ?? '') : '', (source, rule, error) => {
      if (rule && ruleAllows(attributes, rule)) {
        allowedBy = source;
        return false;
      }
      if (error) errors.push(error);
      return true;
    });
    if (allowedBy !== undefined) return { decision: 'allow', reason: `RBAC: allowed by ${allowedBy}` };
    return { decision: 'noOpinion', reason: errors.length > 0 ? `RBAC: ${aggregateErrors(errors)}` : '' };
  }
}

function privilegedGroup(attributes: AuthorizationAttributes): Promise<AuthorizationResult> {
  return Promise.resolve({ decision: isPrivileged(attributes.user) ? 'allow' : 'noOpinion', reason: '' });
}

/** DefaultRuleResolver.VisitRulesFor: ClusterRoleBindings first, then the namespace's RoleBindings. */
export function visitRulesFor(snapshot: RbacSnapshot, user: UserInfo, namespace: string, visit: RuleVisitor, roleSource: RoleSource = 'lister'): void {
  const { cluster, local } = snapshot.candidates(user.username, user.groups, namespace);
  for (const bindings of [cluster, local]) {
    for (const binding of bindings) {
      const subject = appliesTo(user, binding);
      if (!subject) continue;
      const found = roleReferenceRules(snapshot, binding.roleRef, binding.namespace, roleSource);
      if (found.error !== undefined) {
        if (!visit(undefined, undefined, found.error)) return;
        continue;
      }
      const source = describeBinding(binding, subject);
      for (const rule of found.rules) if (!visit(source, rule, undefined)) return;
    }
  }
}

interface RoleRules {
  rules: PolicyRule[];
  error?: string;
  /** The NotFound a lookup answers, as a binding's create does when the role is missing. */
  notFound?: ApiError;
}

/**
 * Where upstream's DefaultRuleResolver reads roles from: the authorizer's informer listers, whose misses name the kind in
 * lower case (`role.rbac.authorization.k8s.io "x" not found`), or the RBAC registry's storage (escalation checks), whose
 * misses name the resource (`roles.rbac.authorization.k8s.io "x" not found`).
 */
export type RoleSource = 'lister' | 'storage';

/** GetRoleReferenceRules: a Role is looked up in the binding's namespace; a missing one is an error. */
export function roleReferenceRules(snapshot: RbacSnapshot, ref: RoleRef, namespace: string, source: RoleSource = 'lister'): RoleRules {
  if (ref.kind !== 'Role' && ref.kind !== 'ClusterRole') return { rules: [], error: `unsupported role reference kind: ${goQuote(ref.kind)}` };
  const rules = ref.kind === 'Role' ? snapshot.roles.get(`${namespace}/${ref.name}`) : snapshot.clusterRoles.get(ref.name);
  if (rules) return { rules };
  const kind = source === 'lister' ? ref.kind.toLowerCase() : ref.kind === 'Role' ? 'roles' : 'clusterroles';
  const message = `${kind}.rbac.authorization.k8s.io ${goQuote(ref.name)} not found`;
  return { rules: [], error: message, notFound: new ApiError(404, 'NotFound', message, { name: ref.name, group: 'rbac.authorization.k8s.io', kind }) };
}

/** The first subject of the binding that names the user (appliesTo), if any. */
function appliesTo(user: UserInfo, binding: Binding): Subject | undefined {
  return binding.subjects.find((s) => appliesToUser(user, s, binding.namespace));
}

function appliesToUser(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.username === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const saNamespace = subject.namespace || namespace;
      return saNamespace !== '' && user.username === `system:serviceaccount:${saNamespace}:${subject.name}`;
    }
    default:
      return false;
  }
}

/** The binding as RBAC's allow reason names it: `RoleBinding "b/ns" of Role "r" to User "alice"`. */
function describeBinding(binding: Binding, subject: Subject): string {
  const name = binding.kind === 'RoleBinding' ? `${binding.name}/${binding.namespace}` : binding.name;
  const who =
    subject.kind === 'ServiceAccount'
      ? `${subject.kind} ${goQuote(`${subject.name}/${subject.namespace || binding.namespace}`)}`
      : `${subject.kind} ${goQuote(subject.name)}`;
  return `${binding.kind} ${goQuote(name)} of ${binding.roleRef.kind} ${goQuote(binding.roleRef.name)} to ${who}`;
}
