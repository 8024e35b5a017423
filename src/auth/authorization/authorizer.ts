// The Authorizer contract (upstream authorizer.Authorizer + RuleResolver) and the AlwaysAllow and system:masters ones.
import { mastersGroup, type UserInfo } from '../user-info.js';
import type { AuthorizationAttributes } from './attributes.js';
import type { NonResourceRule, PolicyRule, ResourceRule } from './rules.js';

/** allow and deny end the chain; noOpinion passes to the next authorizer and, at the end, is a refusal. */
export type Decision = 'allow' | 'deny' | 'noOpinion';

export interface AuthorizationResult {
  decision: Decision;
  /** Why, for the 403 message and a review's status.reason ('' when there is nothing to say). */
  reason: string;
  /** An error that kept the authorizer from deciding (a review's status.evaluationError). */
  evaluationError?: string;
}

/** What a subject may do in a namespace (SelfSubjectRulesReview); incomplete when an authorizer cannot list its rules. */
export interface RulesResult {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  incomplete: boolean;
  evaluationError?: string;
}

/** A Role or ClusterRole as a (Cluster)RoleBinding names it. */
export interface RoleRef {
  kind: string;
  name: string;
  apiGroup?: string;
}

export interface Authorizer {
  readonly mode: 'AlwaysAllow' | 'RBAC';
  authorize(attributes: AuthorizationAttributes): Promise<AuthorizationResult>;
  rulesFor(user: UserInfo, namespace: string): Promise<RulesResult>;
  /**
   * RBAC's rule resolver, which escalation checks compare against: every rule the user holds in the namespace (''
   * = cluster-wide only) with the resolution errors met, and the rules a role reference grants (a NotFound ApiError
   * when the role is missing). Absent for AlwaysAllow, which lets every escalate and bind through anyway.
   */
  policyRulesFor?(user: UserInfo, namespace: string): Promise<{ rules: PolicyRule[]; errors: string[] }>;
  roleReferenceRules?(roleRef: RoleRef, namespace: string): Promise<PolicyRule[]>;
}

/** upstream alwaysAllowAuthorizer: allows with no reason, and lists `*` rules. */
export class AlwaysAllowAuthorizer implements Authorizer {
  readonly mode = 'AlwaysAllow' as const;

  authorize(): Promise<AuthorizationResult> {
    return Promise.resolve({ decision: 'allow', reason: '' });
  }

  rulesFor(): Promise<RulesResult> {
    return Promise.resolve({
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    });
  }
}

/** upstream privilegedGroupAuthorizer for system:masters: allows its members everything, says nothing of others. */
export function isPrivileged(user: UserInfo): boolean {
  return user.groups.includes(mastersGroup);
}

/**
 * upstream unionAuthzHandler over the given deciders: the first allow or deny wins; otherwise no opinion with every
 * reason given, one per line, and the evaluation errors joined as an aggregate.
 */
export async function firstDecision(
  deciders: readonly ((a: AuthorizationAttributes) => Promise<AuthorizationResult>)[],
  attributes: AuthorizationAttributes,
): Promise<AuthorizationResult> {
  const reasons: string[] = [];
  const evaluationErrors: string[] = [];
  for (const decide of deciders) {
    const result = await decide(attributes);
    if (result.decision !== 'noOpinion') return result;
    if (result.reason) reasons.push(result.reason);
    if (result.evaluationError) evaluationErrors.push(result.evaluationError);
  }
  const out: AuthorizationResult = { decision: 'noOpinion', reason: reasons.join('\n') };
  if (evaluationErrors.length > 0) out.evaluationError = aggregateErrors(evaluationErrors);
  return out;
}

/** utilerrors.NewAggregate(...).Error(): one message as is, several deduplicated in brackets. */
export function aggregateErrors(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  if (unique.length === 0) return '';
  if (messages.length === 1 || unique.length === 1) return unique[0]!;
  return `[${unique.join(', ')}]`;
}
