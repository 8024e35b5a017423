// One scheduling attempt as schedulePod runs it: PreFilter, Filter (with nominated pods), PreScore/Score, select host.
import type { KubeObject } from '../meta/types.js';
import { NO_NODES_AVAILABLE, type Diagnosis } from './fit-error.js';
import { ReplacedNodeGroups } from './pod-groups.js';
import {
  isRejected,
  newCycle,
  newNodeToStatus,
  podPriority,
  status,
  statusMessage,
  SUCCESS,
  type CycleContext,
  type NodeInfo,
  type NodeScore,
  type NodeToStatus,
  type Nominating,
  type Plugin,
  type PostFilterResult,
  type PodInfo,
  type Status,
} from './framework.js';

export interface PreFilterOutcome {
  status: Status;
  /** Plugins whose Filter (PreFilter said Skip) does not run. */
  skipped: Set<string>;
  /** The nodes PreFilter results allow, undefined for all. */
  nodeNames?: Set<string>;
  pluginsWithNodes: string[];
}

export type ScheduleOutcome =
  | { kind: 'scheduled'; nodeName: string; cycle: CycleContext }
  | { kind: 'unschedulable'; diagnosis: Diagnosis; numAllNodes: number; cycle: CycleContext; preFilterRejected: boolean }
  | { kind: 'noNodes'; message: string }
  | { kind: 'error'; message: string };

/** Pods nominated to a node by an earlier preemption, which lower or equal priority pods must leave room for. */
export type NominatedPods = (nodeName: string) => PodInfo[];

/** Upstream's minFeasibleNodesToFind and minFeasibleNodesPercentageToFind. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * numFeasibleNodesToFind with percentageOfNodesToScore unset (the default profile): every node below 100 nodes, then
 * an adaptive share (50% less 1% per 125 nodes, at least 5%), never fewer than 100 nodes.
 */
export function numFeasibleNodesToFind(numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  const percentage = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.trunc(numAllNodes / 125));
  const numNodes = Math.trunc((numAllNodes * percentage) / 100);
  return Math.max(numNodes, MIN_FEASIBLE_NODES_TO_FIND);
}

export class SchedulingFramework {
  /** nextStartNodeIndex: each attempt's filtering starts where the last one stopped, so every node gets its turn. */
  private nextStartNodeIndex = 0;

  constructor(
    readonly plugins: Plugin[],
    /** A uniform draw in [0, 1): the scheduler's seeded PRNG. */
    private readonly random: () => number,
  ) {}

  runPreFilter(cycle: CycleContext, pod: KubeObject): PreFilterOutcome {
    const out: PreFilterOutcome = { status: SUCCESS, skipped: new Set(), pluginsWithNodes: [] };
    for (const plugin of this.plugins) {
      if (!plugin.preFilter) continue;
      const result = plugin.preFilter(cycle, pod);
      const s = result.status;
      if (s.code === 'Skip') {
        out.skipped.add(plugin.name);
        continue;
      }
      if (s.code !== 'Success') {
        const withPlugin = { ...s, plugin: plugin.name };
        if (s.code === 'UnschedulableAndUnresolvable') return { ...out, status: withPlugin };
        if (s.code === 'Unschedulable') {
          // Later PreFilters still run: preemption needs their state (kubernetes#119770).
          out.status = withPlugin;
          continue;
        }
        return { ...out, status: status('Error', `running PreFilter plugin "${plugin.name}": ${statusMessage(s)}`) };
      }
      if (result.nodeNames) {
        out.pluginsWithNodes.push(plugin.name);
        out.nodeNames = out.nodeNames ? new Set([...out.nodeNames].filter((n) => result.nodeNames!.has(n))) : new Set(result.nodeNames);
        if (out.nodeNames.size === 0) {
          const names = out.pluginsWithNodes;
          const msg = names.length === 1 ? `node(s) didn't satisfy plugin ${names[0]}` : `node(s) didn't satisfy plugin(s) [${names.join(' ')}] simultaneously`;
          return { ...out, status: { ...status('UnschedulableAndUnresolvable', msg), plugin: plugin.name } };
        }
      }
    }
    return out;
  }

  /** RunFilterPlugins: the first plugin that does not say Success decides. */
  runFilter(cycle: CycleContext, pod: KubeObject, node: NodeInfo, skipped: Set<string>): Status {
    for (const plugin of this.plugins) {
      if (!plugin.filter || skipped.has(plugin.name)) continue;
      const s = plugin.filter(cycle, pod, node);
      if (s.code === 'Success') continue;
      if (!isRejected(s)) return { ...status('Error', statusMessage(s)), plugin: plugin.name };
      return { ...s, plugin: plugin.name };
    }
    return SUCCESS;
  }

  /**
   * RunFilterPluginsWithNominatedPods: first as if the higher-or-equal priority pods nominated to the node were
   * already there, then, if they were and that passed, without them (they might not land after all).
   */
  runFilterWithNominated(cycle: CycleContext, pod: KubeObject, node: NodeInfo, pre: PreFilterOutcome, nominated: NominatedPods): Status {
    const uid = pod.metadata.uid;
    const extra = nominated(node.name).filter((p) => p.pod.metadata.uid !== uid && podPriority(p.pod) >= podPriority(pod));
    if (extra.length === 0) return this.runFilter(cycle, pod, node, pre.skipped);
    const crowded = node.clone();
    for (const p of extra) crowded.addPod(p);
    const simulated = withNode(cycle, crowded);
    const simulatedPre = this.runPreFilter(simulated, pod);
    const first = simulatedPre.status.code !== 'Success' ? simulatedPre.status : this.runFilter(simulated, pod, crowded, simulatedPre.skipped);
    if (first.code !== 'Success') return first;
    return this.runFilter(cycle, pod, node, pre.skipped);
  }

  /** findNodesThatFitPod: the nominated node first, then every node PreFilter allows. */
  findFeasible(cycle: CycleContext, pod: KubeObject, pre: PreFilterOutcome, diagnosis: Diagnosis, nominated: NominatedPods): NodeInfo[] | Status {
    const nominatedName = (pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName;
    if (nominatedName) {
      const node = cycle.nodes.find((n) => n.name === nominatedName);
      if (node && (!pre.nodeNames || pre.nodeNames.has(node.name))) {
        const s = this.runFilterWithNominated(cycle, pod, node, pre, nominated);
        if (s.code === 'Error') return s;
        if (s.code === 'Success') return [node];
        diagnosis.nodeToStatus.statuses.set(node.name, s);
      }
    }
    let nodes = cycle.nodes;
    if (pre.nodeNames) {
      nodes = nodes.filter((n) => pre.nodeNames!.has(n.name));
      diagnosis.nodeToStatus.absent = status('UnschedulableAndUnresolvable', `node(s) didn't satisfy plugin(s) [${[...pre.pluginsWithNodes].sort().join(' ')}]`);
    }
    // findNodesThatPassFilters: stop once enough nodes fit (all of them in clusters under 100 nodes).
    const feasible: NodeInfo[] = [];
    const toFind = numFeasibleNodesToFind(nodes.length);
    let failure: Status | undefined;
    for (let i = 0; i < nodes.length && feasible.length < toFind; i++) {
      const node = nodes[(this.nextStartNodeIndex + i) % nodes.length];
      const s = this.runFilterWithNominated(cycle, pod, node, pre, nominated);
      if (s.code === 'Error') {
        failure = s;
        break;
      }
      if (s.code === 'Success') feasible.push(node);
      else diagnosis.nodeToStatus.statuses.set(node.name, s);
    }
    const processed = feasible.length + diagnosis.nodeToStatus.statuses.size;
    if (cycle.nodes.length > 0) this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % cycle.nodes.length;
    return failure ?? feasible;
  }

  /** prioritizeNodes: each scoring plugin's normalized score times its weight, summed per node. */
  prioritize(cycle: CycleContext, pod: KubeObject, feasible: NodeInfo[]): NodeScore[] {
    const totals = feasible.map((n) => ({ name: n.name, score: 0 }));
    for (const plugin of this.plugins) {
      if (!plugin.score || !plugin.weight) continue;
      if (plugin.preScore) {
        const s = plugin.preScore(cycle, pod, feasible);
        if (s.code === 'Skip') continue;
        if (s.code !== 'Success') throw new Error(`running PreScore plugin "${plugin.name}": ${statusMessage(s)}`);
      }
      const scores = feasible.map((n) => ({ name: n.name, score: plugin.score!(cycle, pod, n) }));
      plugin.normalizeScore?.(cycle, pod, scores);
      scores.forEach((s, i) => (totals[i].score += s.score * plugin.weight!));
    }
    return totals;
  }

  /** The highest total; ties go to a node drawn at random (the PRNG), as the score heap's randomizer does. */
  selectHost(scores: NodeScore[]): string {
    let best: NodeScore | undefined;
    let ties = 0;
    for (const s of scores) {
      if (!best || s.score > best.score) {
        best = s;
        ties = 1;
      } else if (s.score === best.score) {
        ties++;
        if (this.random() * ties < 1) best = s;
      }
    }
    return best!.name;
  }

  /**
   * RunPostFilterPlugins: the first plugin that succeeds (or gives up for good) decides; otherwise every
   * plugin's reasons are joined, which is how "no new claims to deallocate, preemption: …" comes about.
   */
  async runPostFilter(cycle: CycleContext, pod: KubeObject, statuses: NodeToStatus): Promise<PostFilterResult> {
    const reasons: string[] = [];
    let nominating: Nominating | undefined;
    for (const plugin of this.plugins) {
      if (!plugin.postFilter) continue;
      const result = await plugin.postFilter(cycle, pod, statuses);
      const s = result.status;
      if (s.code === 'Success' || s.code === 'UnschedulableAndUnresolvable') return { ...result, status: { ...s, plugin: plugin.name } };
      if (!isRejected(s)) return { status: { ...status('Error', statusMessage(s)), plugin: plugin.name } };
      if (result.nominating && result.nominating.mode !== 'Noop') nominating = result.nominating;
      reasons.push(...s.reasons);
    }
    return { status: status('Unschedulable', ...reasons), nominating };
  }

  schedulePod(nodes: NodeInfo[], cycle: CycleContext, pod: KubeObject, nominated: NominatedPods): ScheduleOutcome {
    if (nodes.length === 0) return { kind: 'noNodes', message: NO_NODES_AVAILABLE };
    const diagnosis: Diagnosis = { nodeToStatus: newNodeToStatus() };
    const pre = this.runPreFilter(cycle, pod);
    if (pre.status.code === 'Error') return { kind: 'error', message: statusMessage(pre.status) };
    if (pre.status.code !== 'Success') {
      diagnosis.nodeToStatus.absent = pre.status;
      diagnosis.preFilterMsg = statusMessage(pre.status);
      return { kind: 'unschedulable', diagnosis, numAllNodes: nodes.length, cycle, preFilterRejected: true };
    }
    const feasible = this.findFeasible(cycle, pod, pre, diagnosis, nominated);
    if (!Array.isArray(feasible)) return { kind: 'error', message: statusMessage(feasible) };
    if (feasible.length === 0) return { kind: 'unschedulable', diagnosis, numAllNodes: nodes.length, cycle, preFilterRejected: false };
    if (feasible.length === 1) return { kind: 'scheduled', nodeName: feasible[0].name, cycle };
    return { kind: 'scheduled', nodeName: this.selectHost(this.prioritize(cycle, pod, feasible)), cycle };
  }
}

/** A copy of the cycle's view with one node replaced (nominated pods added, preemption victims removed). */
export function withNode(cycle: CycleContext, replaced: NodeInfo): CycleContext {
  let found = false;
  const nodes = cycle.nodes.map((n) => (n.name === replaced.name ? ((found = true), replaced) : n));
  // The group index follows the swap; without one, the new cycle builds its own from its nodes if a plugin asks.
  const groups = found && cycle.groups ? new ReplacedNodeGroups(cycle.groups, replaced) : found ? undefined : cycle.groups;
  return newCycle(nodes, cycle.listers, cycle.now, groups);
}
