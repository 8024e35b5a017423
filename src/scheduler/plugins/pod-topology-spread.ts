// PodTopologySpread: DoNotSchedule constraints filter by skew; ScheduleAnyway ones (and system defaults) score.
import type { KubeObject } from '../../meta/types.js';
import { MAX_NODE_SCORE, SUCCESS, status, type CycleContext, type Plugin } from '../framework.js';
import { matchingPodsByNode } from '../pod-groups.js';
import { HOSTNAME_LABEL, nodeHasAllTopologyKeys, nodeIncluded, podSpreadSpecs, spreadConstraints, type SpreadConstraint } from './spread-constraints.js';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

const FILTER_STATE = 'PodTopologySpread/preFilter';
const SCORE_STATE = 'PodTopologySpread/preScore';

interface FilterState {
  constraints: SpreadConstraint[];
  /** Per constraint: topology value → matching pods. */
  counts: Map<string, number>[];
  /** Per constraint: the global minimum, worked out once rather than per node. */
  minMatches: number[];
}

interface ScoreState {
  constraints: SpreadConstraint[];
  ignoredNodes: Set<string>;
  counts: Map<string, number>[];
  weights: number[];
  /** Per constraint: node name → matching pods there (what Score counts for hostname). */
  matching: Map<string, number>[];
}

function filterState(cycle: CycleContext, pod: KubeObject): FilterState {
  const constraints = spreadConstraints(pod, 'DoNotSchedule', cycle.listers);
  if (constraints.length === 0) return { constraints, counts: [], minMatches: [] };
  const counts = constraints.map(() => new Map<string, number>());
  const namespace = pod.metadata.namespace ?? '';
  const matching = constraints.map((c) => matchingPodsByNode(cycle, c.selector, namespace));
  for (const info of cycle.nodes) {
    if (!nodeHasAllTopologyKeys(info.node, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!nodeIncluded(c, pod, info.node)) return;
      const value = info.node.metadata.labels![c.topologyKey];
      counts[i].set(value, (counts[i].get(value) ?? 0) + (matching[i].get(info.name) ?? 0));
    });
  }
  return { constraints, counts, minMatches: constraints.map((c, i) => minMatch(counts[i], c.minDomains)) };
}

/** The global minimum, or 0 while fewer domains than minDomains exist. */
function minMatch(counts: Map<string, number>, minDomains: number): number {
  if (counts.size < minDomains) return 0;
  return Math.min(...counts.values());
}

/** log(size + 2): a topology with few domains weighs less than hostname with many nodes. */
function normalizingWeight(size: number): number {
  return Math.log(size + 2);
}

export const podTopologySpread: Plugin = {
  name: 'PodTopologySpread',
  weight: 2,
  preFilter(cycle, pod) {
    const state = filterState(cycle, pod);
    if (state.constraints.length === 0) return { status: status('Skip') };
    cycle.state.set(FILTER_STATE, state);
    return { status: SUCCESS };
  },
  filter(cycle, pod, node) {
    const state = cycle.state.get(FILTER_STATE) as FilterState | undefined;
    if (!state) return SUCCESS;
    const labels = node.node.metadata.labels ?? {};
    for (let i = 0; i < state.constraints.length; i++) {
      const c = state.constraints[i];
      if (!Object.hasOwn(labels, c.topologyKey)) return status('UnschedulableAndUnresolvable', ERR_REASON_NODE_LABEL_NOT_MATCH);
      const self = c.selector.matches(pod.metadata.labels ?? {}) ? 1 : 0;
      const skew = (state.counts[i].get(labels[c.topologyKey]) ?? 0) + self - state.minMatches[i];
      if (skew > c.maxSkew) return status('Unschedulable', ERR_REASON_CONSTRAINTS_NOT_MATCH);
    }
    return SUCCESS;
  },
  preScore(cycle, pod, feasible) {
    if (cycle.nodes.length === 0) return status('Skip');
    const constraints = spreadConstraints(pod, 'ScheduleAnyway', cycle.listers);
    if (constraints.length === 0) return status('Skip');
    // System defaults do not insist on every key, so nodes without a zone label still spread by hostname.
    const requireAll = podSpreadSpecs(pod).length > 0;
    const namespace = pod.metadata.namespace ?? '';
    const matching = constraints.map((c) => matchingPodsByNode(cycle, c.selector, namespace));
    const state: ScoreState = { constraints, ignoredNodes: new Set(), counts: constraints.map(() => new Map()), weights: [], matching };
    const domains = constraints.map(() => 0);
    for (const info of feasible) {
      if (requireAll && !nodeHasAllTopologyKeys(info.node, constraints)) {
        state.ignoredNodes.add(info.name);
        continue;
      }
      constraints.forEach((c, i) => {
        if (c.topologyKey === HOSTNAME_LABEL) return;
        const value = info.node.metadata.labels?.[c.topologyKey] ?? '';
        if (!state.counts[i].has(value)) {
          state.counts[i].set(value, 0);
          domains[i]++;
        }
      });
    }
    state.weights = constraints.map((c, i) => normalizingWeight(c.topologyKey === HOSTNAME_LABEL ? feasible.length - state.ignoredNodes.size : domains[i]));
    for (const info of cycle.nodes) {
      if (requireAll && !nodeHasAllTopologyKeys(info.node, constraints)) continue;
      constraints.forEach((c, i) => {
        const value = info.node.metadata.labels?.[c.topologyKey] ?? '';
        const current = state.counts[i].get(value);
        // Domains no feasible node is in (all of hostname's) need no count, so their inclusion check is skipped.
        if (current === undefined || !nodeIncluded(c, pod, info.node)) return;
        state.counts[i].set(value, current + (matching[i].get(info.name) ?? 0));
      });
    }
    cycle.state.set(SCORE_STATE, state);
    return SUCCESS;
  },
  score(cycle, pod, node) {
    const state = cycle.state.get(SCORE_STATE) as ScoreState;
    if (state.ignoredNodes.has(node.name)) return 0;
    const labels = node.node.metadata.labels ?? {};
    let score = 0;
    state.constraints.forEach((c, i) => {
      if (!Object.hasOwn(labels, c.topologyKey)) return;
      const count = c.topologyKey === HOSTNAME_LABEL ? state.matching[i].get(node.name) ?? 0 : state.counts[i].get(labels[c.topologyKey]) ?? 0;
      score += count * state.weights[i] + (c.maxSkew - 1);
    });
    return Math.round(score);
  },
  normalizeScore(cycle, _pod, scores) {
    const state = cycle.state.get(SCORE_STATE) as ScoreState;
    let min = Number.MAX_SAFE_INTEGER;
    let max = 0;
    for (const s of scores) {
      if (state.ignoredNodes.has(s.name)) continue;
      min = Math.min(min, s.score);
      max = Math.max(max, s.score);
    }
    for (const s of scores) {
      if (state.ignoredNodes.has(s.name)) s.score = 0;
      else if (max === 0) s.score = MAX_NODE_SCORE;
      else s.score = Math.trunc((MAX_NODE_SCORE * (max + min - s.score)) / max);
    }
  },
};
