// Node selectors, required node affinity and taints/tolerations, as component-helpers' nodeaffinity and v1 helpers.
import { toleratesTaint as sharedToleratesTaint } from '../controllers/shared/tolerations.js';
import type { KubeObject } from '../meta/types.js';

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

interface NodeAffinitySpec {
  requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } | null;
  preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; preference: NodeSelectorTerm }[];
}

export function nodeLabels(node: KubeObject): Record<string, string> {
  return node.metadata.labels ?? {};
}

export function nodeTaints(node: KubeObject): Taint[] {
  return ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []).filter((t) => t && typeof t.key === 'string');
}

function parseGoInt(value: string): number | undefined {
  return /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}

/** One requirement against a label set; malformed requirements (Gt with two values…) never match, as upstream errs. */
function requirementMatches(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const values = r.values ?? [];
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case 'In':
      return values.length > 0 && has && values.includes(value);
    case 'NotIn':
      return values.length > 0 && (!has || !values.includes(value));
    case 'Exists':
      return values.length === 0 && has;
    case 'DoesNotExist':
      return values.length === 0 && !has;
    case 'Gt':
    case 'Lt': {
      if (values.length !== 1 || !has) return false;
      const bound = parseGoInt(values[0]);
      const actual = parseGoInt(value);
      if (bound === undefined || actual === undefined) return false;
      return r.operator === 'Gt' ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
}

/** A term matches when all its expressions and fields do; a term with neither matches nothing. */
export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: KubeObject): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = nodeLabels(node);
  if (!expressions.every((r) => requirementMatches(r, labels))) return false;
  // Only metadata.name is a valid field; anything else fails validation upstream and so never matches.
  const nodeFields = { 'metadata.name': node.metadata.name ?? '' };
  return fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, nodeFields));
}

/** Terms are ORed. */
export function nodeSelectorTermsMatch(terms: NodeSelectorTerm[], node: KubeObject): boolean {
  return terms.some((t) => nodeSelectorTermMatches(t, node));
}

function nodeAffinityOf(pod: KubeObject): NodeAffinitySpec | undefined {
  return (pod.spec as { affinity?: { nodeAffinity?: NodeAffinitySpec } } | undefined)?.affinity?.nodeAffinity;
}

export function requiredNodeSelectorTerms(pod: KubeObject): NodeSelectorTerm[] | undefined {
  const required = nodeAffinityOf(pod)?.requiredDuringSchedulingIgnoredDuringExecution;
  return required ? required.nodeSelectorTerms ?? [] : undefined;
}

export function preferredNodeSelectorTerms(pod: KubeObject): { weight: number; preference: NodeSelectorTerm }[] {
  return nodeAffinityOf(pod)?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
}

/** GetRequiredNodeAffinity(pod).Match(node): spec.nodeSelector and the required node affinity terms. */
export function matchesRequiredNodeAffinity(pod: KubeObject, node: KubeObject): boolean {
  const selector = (pod.spec as { nodeSelector?: Record<string, string> } | undefined)?.nodeSelector;
  if (selector) {
    const labels = nodeLabels(node);
    for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  }
  const terms = requiredNodeSelectorTerms(pod);
  return terms === undefined || nodeSelectorTermsMatch(terms, node);
}

export function podTolerations(pod: KubeObject): Toleration[] {
  return (pod.spec as { tolerations?: Toleration[] } | undefined)?.tolerations ?? [];
}

export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  return sharedToleratesTaint(toleration, taint);
}

export function tolerationsTolerateTaint(tolerations: Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => toleratesTaint(t, taint));
}

/** FindMatchingUntoleratedTaint over the taints `applies` keeps, in the node's order. */
export function findUntoleratedTaint(taints: Taint[], tolerations: Toleration[], applies: (t: Taint) => boolean): Taint | undefined {
  return taints.find((t) => applies(t) && !tolerationsTolerateTaint(tolerations, t));
}

/** DoNotScheduleTaintsFilterFunc: the effects that keep new pods off a node. */
export const doNotScheduleTaint = (t: Taint) => t.effect === 'NoSchedule' || t.effect === 'NoExecute';
