// DefaultPreemption: find a node where evicting lower-priority pods (fewest, cheapest) lets the pod fit, and evict them.
import { labelSelectorFromObject, type LabelSelectorObject } from '../meta/label-selector.js';
import type { KubeObject } from '../meta/types.js';
import { fitErrorMessage } from './fit-error.js';
import { newNodeToStatus, podPriority, status, SUCCESS, type CycleContext, type NodeInfo, type NodeToStatus, type Plugin, type PodInfo, type PostFilterResult, type Status } from './framework.js';
import { withNode, type NominatedPods, type SchedulingFramework } from './schedule-one.js';

export const NO_VICTIMS = 'No preemption victims found for incoming pod';
export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';

export interface PreemptionDeps {
  framework: () => SchedulingFramework;
  nominated: NominatedPods;
  podDisruptionBudgets(): KubeObject[];
  /** The latest cached copy of a pod, by namespace/name. */
  currentPod(key: string): KubeObject | undefined;
  /** Marks the victim DisruptionTarget, deletes it and records Preempted; a victim already gone is fine. */
  evict(victim: KubeObject, preemptor: KubeObject, nodeName: string): Promise<void>;
  /** Clears status.nominatedNodeName of lower-priority pods nominated to the node, which may no longer fit. */
  clearNominations(pods: KubeObject[]): Promise<void>;
  random(): number;
}

interface Candidate {
  nodeName: string;
  victims: KubeObject[];
  pdbViolations: number;
}

function startTime(pod: KubeObject, now: number): number {
  const t = (pod.status as { startTime?: string } | undefined)?.startTime;
  const parsed = t ? Date.parse(t) : NaN;
  return Number.isNaN(parsed) ? now : parsed;
}

/** util.MoreImportantPod: higher priority, then the one running longer. */
function moreImportant(a: KubeObject, b: KubeObject, now: number): number {
  const pa = podPriority(a);
  const pb = podPriority(b);
  if (pa !== pb) return pb - pa;
  return startTime(a, now) - startTime(b, now);
}

function terminatingByPreemption(pod: KubeObject): boolean {
  if (!pod.metadata.deletionTimestamp) return false;
  const conditions = (pod.status as { conditions?: { type: string; status: string; reason?: string }[] } | undefined)?.conditions ?? [];
  const target = conditions.find((c) => c.type === 'DisruptionTarget');
  return target?.status === 'True' && target.reason === 'PreemptionByScheduler';
}

/** filterPodsWithPDBViolation: a victim violates a budget once the budget's allowed disruptions run out. */
function splitByPdbViolation(victims: PodInfo[], pdbs: KubeObject[]): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((p) => (p.status as { disruptionsAllowed?: number } | undefined)?.disruptionsAllowed ?? 0);
  const selectors = pdbs.map((p) => {
    try {
      const sel = (p.spec as { selector?: LabelSelectorObject | null } | undefined)?.selector;
      return sel == null ? undefined : labelSelectorFromObject(sel);
    } catch {
      return undefined;
    }
  });
  const out = { violating: [] as PodInfo[], nonViolating: [] as PodInfo[] };
  for (const info of victims) {
    const labels = info.pod.metadata.labels ?? {};
    let violated = false;
    if (Object.keys(labels).length > 0) {
      pdbs.forEach((pdb, i) => {
        const sel = selectors[i];
        if (pdb.metadata.namespace !== info.pod.metadata.namespace || !sel || sel.empty || !sel.matches(labels)) return;
        const disrupted = (pdb.status as { disruptedPods?: Record<string, unknown> } | undefined)?.disruptedPods ?? {};
        if (Object.hasOwn(disrupted, info.pod.metadata.name ?? '')) return;
        allowed[i]--;
        if (allowed[i] < 0) violated = true;
      });
    }
    (violated ? out.violating : out.nonViolating).push(info);
  }
  return out;
}

/** pickOneNodeForPreemption's criteria, each consulted only to break the previous one's tie. */
function pickCandidate(candidates: Candidate[], now: number): Candidate {
  const highest = (c: Candidate) => Math.max(...c.victims.map(podPriority));
  const earliestStartOfHighest = (c: Candidate) => {
    const top = highest(c);
    return Math.min(...c.victims.filter((v) => podPriority(v) === top).map((v) => startTime(v, now)));
  };
  const criteria: ((c: Candidate) => number)[] = [
    (c) => -c.pdbViolations,
    (c) => -highest(c),
    (c) => -c.victims.reduce((sum, v) => sum + podPriority(v) + 2 ** 31, 0),
    (c) => -c.victims.length,
    earliestStartOfHighest,
  ];
  let remaining = candidates;
  for (const score of criteria) {
    const best = Math.max(...remaining.map(score));
    remaining = remaining.filter((c) => score(c) === best);
    if (remaining.length === 1) break;
  }
  return remaining[0];
}

export class DefaultPreemption implements Plugin {
  readonly name = 'DefaultPreemption';

  constructor(private readonly deps: PreemptionDeps) {}

  /** Whether `pod` fits `node` as given (victims removed), re-running PreFilter on that view of the cluster. */
  private fits(cycle: CycleContext, pod: KubeObject, node: NodeInfo): Status {
    const framework = this.deps.framework();
    const simulated = withNode(cycle, node);
    const pre = framework.runPreFilter(simulated, pod);
    if (pre.status.code !== 'Success') return pre.status;
    if (pre.nodeNames && !pre.nodeNames.has(node.name)) return status('UnschedulableAndUnresolvable', NOT_HELPFUL);
    return framework.runFilterWithNominated(simulated, pod, node, pre, this.deps.nominated);
  }

  /** SelectVictimsOnNode: remove every lower-priority pod, then reprieve the most important ones that still fit. */
  private selectVictims(cycle: CycleContext, pod: KubeObject, original: NodeInfo, pdbs: KubeObject[]): Candidate | Status {
    const node = original.clone();
    const potential = node.pods.filter((p) => podPriority(p.pod) < podPriority(pod));
    for (const p of potential) node.removePod(p.key);
    if (potential.length === 0) return status('UnschedulableAndUnresolvable', NO_VICTIMS);
    const fit = this.fits(cycle, pod, node);
    if (fit.code !== 'Success') return fit;
    potential.sort((a, b) => moreImportant(a.pod, b.pod, cycle.now));
    const { violating, nonViolating } = splitByPdbViolation(potential, pdbs);
    const victims: PodInfo[] = [];
    let pdbViolations = 0;
    const reprieve = (p: PodInfo): boolean => {
      node.addPod(p);
      if (this.fits(cycle, pod, node).code === 'Success') return true;
      node.removePod(p.key);
      victims.push(p);
      return false;
    };
    for (const p of violating) if (!reprieve(p)) pdbViolations++;
    for (const p of nonViolating) reprieve(p);
    if (violating.length > 0 && nonViolating.length > 0) victims.sort((a, b) => moreImportant(a.pod, b.pod, cycle.now));
    if (victims.length === 0) return status('Error', `expected at least one victim pod on node "${node.name}"`);
    return { nodeName: node.name, victims: victims.map((v) => v.pod), pdbViolations };
  }

  /** PodEligibleToPreemptOthers. */
  private ineligibility(cycle: CycleContext, pod: KubeObject, m: NodeToStatus): string | undefined {
    if ((pod.spec as { preemptionPolicy?: string } | undefined)?.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
    const nominatedName = (pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName;
    if (!nominatedName) return undefined;
    if ((m.statuses.get(nominatedName) ?? m.absent).code === 'UnschedulableAndUnresolvable') return undefined;
    const node = cycle.nodes.find((n) => n.name === nominatedName);
    if (node?.pods.some((p) => podPriority(p.pod) < podPriority(pod) && terminatingByPreemption(p.pod))) {
      return 'not eligible due to a terminating pod on the nominated node.';
    }
    return undefined;
  }

  async postFilter(cycle: CycleContext, incoming: KubeObject, m: NodeToStatus): Promise<PostFilterResult> {
    const key = `${incoming.metadata.namespace}/${incoming.metadata.name}`;
    const pod = this.deps.currentPod(key);
    if (!pod) return { status: status('Error', `pods "${incoming.metadata.name}" not found`) };
    const reason = this.ineligibility(cycle, pod, m);
    if (reason) return { status: status('Unschedulable', `preemption: ${reason}`) };

    const potential = cycle.nodes.filter((n) => (m.statuses.get(n.name) ?? m.absent).code === 'Unschedulable');
    const nodeStatuses = newNodeToStatus();
    const candidates: Candidate[] = [];
    if (potential.length > 0) {
      const pdbs = this.deps.podDisruptionBudgets();
      const offset = Math.floor(this.deps.random() * potential.length);
      const violating: Candidate[] = [];
      for (let i = 0; i < potential.length; i++) {
        const node = potential[(offset + i) % potential.length];
        const result = this.selectVictims(cycle, pod, node, pdbs);
        if ('code' in result) {
          if (result.code === 'Error') return { status: result };
          nodeStatuses.statuses.set(node.name, result);
        } else (result.pdbViolations === 0 ? candidates : violating).push(result);
      }
      candidates.push(...violating);
    }
    if (candidates.length === 0) {
      nodeStatuses.absent = status('UnschedulableAndUnresolvable', NOT_HELPFUL);
      const message = fitErrorMessage(cycle.nodes.length, { nodeToStatus: nodeStatuses });
      return { status: status('Unschedulable', `preemption: ${message}`), nominating: { mode: 'Override', nodeName: '' } };
    }
    const best = pickCandidate(candidates, cycle.now);
    for (const victim of best.victims) {
      if (!victim.metadata.deletionTimestamp) await this.deps.evict(victim, pod, best.nodeName);
    }
    const lower = this.deps.nominated(best.nodeName).filter((p) => podPriority(p.pod) < podPriority(pod)).map((p) => p.pod);
    if (lower.length > 0) await this.deps.clearNominations(lower);
    return { status: SUCCESS, nominating: { mode: 'Override', nodeName: best.nodeName } };
  }
}
