// The clusterrole-aggregation controller: a ClusterRole with an aggregationRule gets the rules of the roles it selects.
import type { InProcessClient } from '../../client/client.js';
import { deepEqual } from '../../meta/deep-equal.js';
import { labelSelectorFromObject, type LabelSelectorObject } from '../../meta/label-selector.js';
import type { KubeObject } from '../../meta/types.js';
import { errorCode } from '../shared/api-errors.js';
import type { Controller, ControllerContext, SharedInformer } from '../runtime/index.js';

const api = 'rbac.authorization.k8s.io/v1';
const fieldManager = 'clusterrole-aggregation-controller';

type Rule = Record<string, unknown>;
type AggregationRule = { clusterRoleSelectors?: LabelSelectorObject[] } | undefined;

const aggregationRuleOf = (role: KubeObject) => role.aggregationRule as AggregationRule | null;
const rulesOf = (role: KubeObject): Rule[] => (Array.isArray(role.rules) ? (role.rules as Rule[]) : []);

const ruleFields = ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const;

/** equality.Semantic.DeepEqual of two PolicyRules: a missing list and an empty one are the same. */
function sameRule(a: Rule, b: Rule): boolean {
  return ruleFields.every((field) => deepEqual(a[field] ?? [], b[field] ?? []));
}

function sameRules(a: Rule[], b: Rule[]): boolean {
  return a.length === b.length && a.every((rule, i) => sameRule(rule, b[i]!));
}

/**
 * The rules an aggregated role should hold, as upstream's syncClusterRole builds them: for each selector in turn,
 * the matching roles (itself excepted) sorted by name, each rule appended unless an equal one is already there.
 */
export function aggregatedRules(role: KubeObject, all: readonly KubeObject[]): Rule[] {
  const rules: Rule[] = [];
  for (const selectorObject of aggregationRuleOf(role)?.clusterRoleSelectors ?? []) {
    const selector = labelSelectorFromObject(selectorObject);
    const matching = all
      .filter((other) => other.metadata.name !== role.metadata.name && selector.matches(other.metadata.labels ?? {}))
      .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0));
    for (const other of matching) {
      for (const rule of rulesOf(other)) if (!rules.some((have) => sameRule(have, rule))) rules.push(rule);
    }
  }
  return rules;
}

/**
 * Writes an aggregated role's rules as upstream's controller does: server-side apply under its own field manager,
 * forcing, so a user's edit of the rules is undone. Upstream's apply configuration leaves an empty rule list out;
 * apply then drops the rules this manager wrote before.
 */
export async function applyAggregatedRules(client: InProcessClient, name: string, rules: readonly Rule[]): Promise<void> {
  await client.patch(api, 'clusterroles', undefined, name, 'apply', {
    apiVersion: api,
    kind: 'ClusterRole',
    metadata: { name },
    ...(rules.length > 0 ? { rules } : {}),
  }, { fieldManager, force: true });
}

/** What the controller would make of `roles` once quiet: each aggregated role's rules, chains followed to the end. */
export function settledAggregation(roles: readonly KubeObject[]): Map<string, Rule[]> {
  const current = new Map(roles.map((role) => [role.metadata.name!, role]));
  const result = new Map<string, Rule[]>();
  // Each pass settles at least one more link of the longest chain; a cycle of aggregated roles settles too.
  for (let pass = 0; pass <= roles.length; pass++) {
    let changed = false;
    for (const role of current.values()) {
      if (!aggregationRuleOf(role)) continue;
      const rules = aggregatedRules(role, [...current.values()]);
      if (sameRules(rules, rulesOf(role))) continue;
      current.set(role.metadata.name!, { ...role, rules });
      result.set(role.metadata.name!, rules);
      changed = true;
    }
    if (!changed) break;
  }
  return result;
}

/**
 * kube-controller-manager's clusterrole-aggregation controller. As upstream, any ClusterRole change re-queues every
 * aggregated role (the set is small and the selection graph unknown).
 */
export function clusterRoleAggregationController(): Controller {
  let ctx: ControllerContext;
  let roles: SharedInformer;

  const enqueueAggregated = () => {
    for (const role of roles.list()) if (aggregationRuleOf(role)) ctx.enqueue(role);
  };

  return {
    name: 'clusterrole-aggregation',
    component: 'clusterrole-aggregation-controller',
    start(context: ControllerContext): void {
      ctx = context;
      roles = ctx.informers.informerFor(api, 'clusterroles');
      roles.addEventHandler({ onAdd: enqueueAggregated, onUpdate: enqueueAggregated, onDelete: enqueueAggregated });
    },
    async reconcile(key: string): Promise<void> {
      const role = roles.get(key);
      if (!role || !aggregationRuleOf(role)) return;
      const rules = aggregatedRules(role, roles.list());
      if (sameRules(rules, rulesOf(role))) return;
      try {
        await applyAggregatedRules(ctx.client, role.metadata.name!, rules);
      } catch (err) {
        // Deleted since the informer saw it: nothing left to aggregate into.
        if (errorCode(err) !== 404) throw err;
      }
    },
  };
}
