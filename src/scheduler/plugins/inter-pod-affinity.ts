// InterPodAffinity: required pod (anti-)affinity of the incoming and existing pods filter; preferred terms score.
import type { KubeObject } from '../../meta/types.js';
import { mergeNamespaceSelector, podAffinityTerms, type AffinityTerm, type WeightedAffinityTerm } from '../affinity-terms.js';
import { MAX_NODE_SCORE, SUCCESS, type PodInfo, status, type CycleContext, type NodeInfo, type Plugin } from '../framework.js';

export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";

/** InterPodAffinityArgs.hardPodAffinityWeight's default. */
const HARD_POD_AFFINITY_WEIGHT = 1;
const FILTER_STATE = 'InterPodAffinity/preFilter';
const SCORE_STATE = 'InterPodAffinity/preScore';

/** Counts keyed by `topologyKey=value`. */
type TopologyCounts = Map<string, number>;

interface FilterState {
  info: IncomingPod;
  existingAntiAffinity: TopologyCounts;
  affinity: TopologyCounts;
  antiAffinity: TopologyCounts;
}

const pairKey = (key: string, value: string) => `${key}\u0000${value}`;

function bump(counts: TopologyCounts, node: KubeObject, topologyKey: string, by: number): void {
  const labels = node.metadata.labels ?? {};
  if (!Object.hasOwn(labels, topologyKey)) return;
  const k = pairKey(topologyKey, labels[topologyKey]);
  counts.set(k, (counts.get(k) ?? 0) + by);
}

function matchesAll(terms: AffinityTerm[], pod: KubeObject): boolean {
  return terms.length > 0 && terms.every((t) => t.matches(pod, undefined));
}

/** What the plugin reads of the incoming pod: its terms, parsed afresh since they are rewritten for this cycle. */
type IncomingPod = Pick<PodInfo, 'pod' | 'terms'>;

/** The incoming pod's terms, with each non-empty namespaceSelector turned into the namespaces it selects now. */
function incomingInfo(cycle: CycleContext, pod: KubeObject): IncomingPod {
  const info = { pod, terms: podAffinityTerms(pod) };
  const t = info.terms;
  const terms = [...t.requiredAffinity, ...t.requiredAntiAffinity, ...[...t.preferredAffinity, ...t.preferredAntiAffinity].map((w) => w.term)];
  // Listing every namespace is only needed for a term that selects namespaces by label.
  const selecting = terms.filter((term) => !term.namespaceSelector.empty);
  if (selecting.length === 0) return info;
  const all = cycle.listers.allNamespaceLabels();
  for (const term of selecting) mergeNamespaceSelector(term, all);
  return info;
}

export function interPodAffinityFilterState(cycle: CycleContext, pod: KubeObject): FilterState | string {
  const info = incomingInfo(cycle, pod);
  if (info.terms.parseError) return `parsing pod: ${info.terms.parseError}`;
  const nsLabels = cycle.listers.namespaceLabels(pod.metadata.namespace ?? '') ?? {};
  const state: FilterState = { info, existingAntiAffinity: new Map(), affinity: new Map(), antiAffinity: new Map() };
  const { requiredAffinity, requiredAntiAffinity } = info.terms;
  // Without required terms of its own, only existing pods with required anti-affinity can count (as upstream lists
  // HavePodsWithRequiredAntiAffinity), which spares walking every pod of the cluster.
  const ownTerms = requiredAffinity.length > 0 || requiredAntiAffinity.length > 0;
  for (const node of cycle.nodes) {
    for (const existing of ownTerms ? node.pods : node.podsWithRequiredAntiAffinity) {
      for (const term of existing.terms.requiredAntiAffinity) {
        if (term.matches(pod, nsLabels)) bump(state.existingAntiAffinity, node.node, term.topologyKey, 1);
      }
      if (matchesAll(requiredAffinity, existing.pod)) for (const term of requiredAffinity) bump(state.affinity, node.node, term.topologyKey, 1);
      for (const term of requiredAntiAffinity) if (term.matches(existing.pod, undefined)) bump(state.antiAffinity, node.node, term.topologyKey, 1);
    }
  }
  return state;
}

function positive(counts: TopologyCounts, key: string, value: string): boolean {
  return (counts.get(pairKey(key, value)) ?? 0) > 0;
}

function satisfiesExistingAntiAffinity(state: FilterState, node: NodeInfo): boolean {
  if (state.existingAntiAffinity.size === 0) return true;
  return !Object.entries(node.node.metadata.labels ?? {}).some(([k, v]) => positive(state.existingAntiAffinity, k, v));
}

function satisfiesAntiAffinity(state: FilterState, node: NodeInfo): boolean {
  if (state.antiAffinity.size === 0) return true;
  const labels = node.node.metadata.labels ?? {};
  return !state.info.terms.requiredAntiAffinity.some((t) => Object.hasOwn(labels, t.topologyKey) && positive(state.antiAffinity, t.topologyKey, labels[t.topologyKey]));
}

function satisfiesAffinity(state: FilterState, node: NodeInfo): boolean {
  const labels = node.node.metadata.labels ?? {};
  let podsExist = true;
  for (const term of state.info.terms.requiredAffinity) {
    // Every topology key must be on the node.
    if (!Object.hasOwn(labels, term.topologyKey)) return false;
    if (!positive(state.affinity, term.topologyKey, labels[term.topologyKey])) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself may go anywhere its keys exist, or it would wait forever.
  return state.affinity.size === 0 && matchesAll(state.info.terms.requiredAffinity, state.info.pod);
}

type ScoreMap = Map<string, number>;

function processTerm(scores: ScoreMap, term: AffinityTerm, weight: number, pod: KubeObject, nsLabels: Record<string, string> | undefined, node: KubeObject, sign: number): void {
  if (!term.matches(pod, nsLabels)) return;
  bump(scores, node, term.topologyKey, weight * sign);
}

function processTerms(scores: ScoreMap, terms: WeightedAffinityTerm[], pod: KubeObject, nsLabels: Record<string, string> | undefined, node: KubeObject, sign: number): void {
  for (const { term, weight } of terms) processTerm(scores, term, weight, pod, nsLabels, node, sign);
}

export const interPodAffinity: Plugin = {
  name: 'InterPodAffinity',
  weight: 2,
  preFilter(cycle, pod) {
    const state = interPodAffinityFilterState(cycle, pod);
    if (typeof state === 'string') return { status: status('UnschedulableAndUnresolvable', state) };
    const t = state.info.terms;
    if (state.existingAntiAffinity.size === 0 && t.requiredAffinity.length === 0 && t.requiredAntiAffinity.length === 0) return { status: status('Skip') };
    cycle.state.set(FILTER_STATE, state);
    return { status: SUCCESS };
  },
  filter(cycle, _pod, node) {
    const state = cycle.state.get(FILTER_STATE) as FilterState | undefined;
    if (!state) return SUCCESS;
    if (!satisfiesAffinity(state, node)) return status('UnschedulableAndUnresolvable', ERR_REASON_AFFINITY);
    if (!satisfiesAntiAffinity(state, node)) return status('Unschedulable', ERR_REASON_ANTI_AFFINITY);
    if (!satisfiesExistingAntiAffinity(state, node)) return status('Unschedulable', ERR_REASON_EXISTING_ANTI_AFFINITY);
    return SUCCESS;
  },
  preScore(cycle, pod, feasible) {
    if (feasible.length === 0) return SUCCESS;
    const info = incomingInfo(cycle, pod);
    const t = info.terms;
    const hasConstraints = t.preferredAffinity.length > 0 || t.preferredAntiAffinity.length > 0;
    const nsLabels = cycle.listers.namespaceLabels(pod.metadata.namespace ?? '') ?? {};
    const scores: ScoreMap = new Map();
    for (const node of cycle.nodes) {
      if (Object.keys(node.node.metadata.labels ?? {}).length === 0) continue;
      // Without preferred terms of its own, only existing pods with affinity can pull or push the pod.
      for (const existing of hasConstraints ? node.pods : node.podsWithAffinity) {
        processTerms(scores, t.preferredAffinity, existing.pod, undefined, node.node, 1);
        processTerms(scores, t.preferredAntiAffinity, existing.pod, undefined, node.node, -1);
        for (const term of existing.terms.requiredAffinity) processTerm(scores, term, HARD_POD_AFFINITY_WEIGHT, pod, nsLabels, node.node, 1);
        processTerms(scores, existing.terms.preferredAffinity, pod, nsLabels, node.node, 1);
        processTerms(scores, existing.terms.preferredAntiAffinity, pod, nsLabels, node.node, -1);
      }
    }
    if (scores.size === 0) return status('Skip');
    cycle.state.set(SCORE_STATE, scores);
    return SUCCESS;
  },
  score(cycle, _pod, node) {
    const scores = cycle.state.get(SCORE_STATE) as ScoreMap;
    let total = 0;
    for (const [k, v] of Object.entries(node.node.metadata.labels ?? {})) total += scores.get(pairKey(k, v)) ?? 0;
    return total;
  },
  normalizeScore(_cycle, _pod, scores) {
    const values = scores.map((s) => s.score);
    const min = Math.min(...values);
    const diff = Math.max(...values) - min;
    // Float arithmetic in Go's order, so a score lands on the same integer.
    for (const s of scores) s.score = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((s.score - min) / diff)) : 0;
  },
};
