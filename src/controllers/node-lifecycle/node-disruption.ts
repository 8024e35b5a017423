// Zone disruption and NoExecute tainting: which zones may lose their pods, how fast, and the tainting pass itself.
import type { Clock } from '../../clock/clock.js';
import type { InProcessClient } from '../../client/client.js';
import type { KubeObject } from '../../meta/types.js';
import type { SharedInformer } from '../runtime/index.js';
import { readyConditionOf } from './node-health.js';
import { notReadyNoExecute, swapNodeTaints, taintExists, taintsOf, unreachableNoExecute } from './node-taints.js';
import { computeZoneState, ZoneTainter, zoneKeyOf, type ZoneState } from './zone-tainter.js';

export interface EvictionSettings {
  /** --node-eviction-rate: nodes tainted per second in a healthy zone (0.1). */
  evictionLimiterQPS: number;
  /** --secondary-node-eviction-rate: in a partially disrupted large zone (0.01). */
  secondaryEvictionLimiterQPS: number;
  /** --large-cluster-size-threshold (50): smaller zones stop tainting when partially disrupted. */
  largeClusterThreshold: number;
  /** --unhealthy-zone-threshold (0.55). */
  unhealthyZoneThreshold: number;
}

/** The label that keeps a node out of zone disruption counting. */
const excludeDisruptionLabel = 'node.kubernetes.io/exclude-disruption';

export function excludedFromDisruption(node: KubeObject): boolean {
  return node.metadata.labels?.[excludeDisruptionLabel] !== undefined;
}

/**
 * The per-zone state of the node lifecycle controller that decides NoExecute tainting: each zone's health and its
 * rate-limited tainting queue.
 */
export class ZoneEvictions {
  private readonly zoneStates = new Map<string, ZoneState>();
  private readonly tainters = new Map<string, ZoneTainter>();

  constructor(
    private readonly settings: EvictionSettings,
    private readonly client: InProcessClient,
    private readonly clock: Clock,
    private readonly nodes: SharedInformer,
    private readonly fieldManager: string,
  ) {}

  /** addPodEvictorForNewZone */
  addZoneOf(node: KubeObject): void {
    const zone = zoneKeyOf(node);
    if (this.zoneStates.has(zone)) return;
    this.zoneStates.set(zone, 'Initial');
    this.tainters.set(zone, new ZoneTainter(this.settings.evictionLimiterQPS, this.clock.now()));
  }

  private tainterOf(node: KubeObject): ZoneTainter {
    this.addZoneOf(node);
    return this.tainters.get(zoneKeyOf(node))!;
  }

  /** markNodeForTainting: queues the node for a NoExecute taint matching its Ready status. */
  markForTainting(node: KubeObject, status: 'False' | 'Unknown'): boolean {
    const tainter = this.tainterOf(node);
    const taint = status === 'False' ? notReadyNoExecute : unreachableNoExecute;
    // A node whose taint is not (or no longer) there gets a fresh turn.
    if (!taintExists(taintsOf(node), taint)) tainter.remove(node.metadata.name!);
    return tainter.add(node.metadata.name!, node.metadata.uid!, this.clock.now());
  }

  /** markNodeAsReachable: takes both NoExecute taints off and forgets the node's turn. */
  async markReachable(node: KubeObject): Promise<boolean> {
    const taints = taintsOf(node);
    if (taintExists(taints, unreachableNoExecute) || taintExists(taints, notReadyNoExecute)) {
      await swapNodeTaints(this.client, node, { add: [], remove: [unreachableNoExecute, notReadyNoExecute] }, this.clock.now(), this.fieldManager);
    }
    return this.tainterOf(node).remove(node.metadata.name!);
  }

  forget(node: KubeObject): void {
    this.tainters.get(zoneKeyOf(node))?.remove(node.metadata.name!);
  }

  private setLimiterInZone(zone: string, zoneSize: number, state: ZoneState): void {
    const tainter = this.tainters.get(zone);
    if (!tainter) return;
    const { evictionLimiterQPS, secondaryEvictionLimiterQPS, largeClusterThreshold } = this.settings;
    const now = this.clock.now();
    if (state === 'Normal' || state === 'FullDisruption') tainter.swapLimiter(evictionLimiterQPS, now);
    // ReducedQPSFunc: large zones slow down, small ones stop evicting altogether.
    else if (state === 'PartialDisruption') tainter.swapLimiter(zoneSize > largeClusterThreshold ? secondaryEvictionLimiterQPS : 0, now);
  }

  /**
   * handleDisruption: when every zone is fully disrupted the controller suspects itself (or the network) rather than
   * the nodes, lifts the NoExecute taints and stops tainting; otherwise each zone's rate follows its state.
   * Says whether that mode was just entered or left (the caller then restarts every node's probe time).
   */
  async handleDisruption(zoneReady: Map<string, (string | undefined)[]>, nodes: KubeObject[]): Promise<'entered' | 'left' | undefined> {
    const newStates = new Map<string, ZoneState>();
    let allAreFullyDisrupted = true;
    for (const [zone, statuses] of zoneReady) {
      const { state } = computeZoneState(statuses, this.settings);
      if (state !== 'FullDisruption') allAreFullyDisrupted = false;
      newStates.set(zone, state);
      if (!this.zoneStates.has(zone)) this.zoneStates.set(zone, 'Initial');
    }
    let allWasFullyDisrupted = true;
    for (const [zone, state] of [...this.zoneStates]) {
      if (!zoneReady.has(zone)) {
        this.zoneStates.delete(zone);
        continue;
      }
      if (state !== 'FullDisruption') {
        allWasFullyDisrupted = false;
        break;
      }
    }
    if (allAreFullyDisrupted && allWasFullyDisrupted) return undefined;
    if (allAreFullyDisrupted) {
      for (const node of nodes) await this.markReachable(node);
      for (const zone of this.zoneStates.keys()) this.tainters.get(zone)?.swapLimiter(0, this.clock.now());
      for (const zone of this.zoneStates.keys()) this.zoneStates.set(zone, 'FullDisruption');
      return 'entered';
    }
    if (allWasFullyDisrupted) {
      for (const zone of this.zoneStates.keys()) {
        this.setLimiterInZone(zone, zoneReady.get(zone)?.length ?? 0, newStates.get(zone)!);
        this.zoneStates.set(zone, newStates.get(zone)!);
      }
      return 'left';
    }
    for (const [zone, state] of this.zoneStates) {
      const next = newStates.get(zone)!;
      if (state === next) continue;
      this.setLimiterInZone(zone, zoneReady.get(zone)?.length ?? 0, next);
      this.zoneStates.set(zone, next);
    }
    return undefined;
  }

  /**
   * doNoExecuteTaintingPass: taints queued nodes as the zones' limiters allow, unreachable and not-ready being mutually
   * exclusive as the Ready condition's values are. Returns when to come back for nodes still waiting, if any.
   */
  async taintQueuedNodes(): Promise<number | undefined> {
    let wait: number | undefined;
    for (const tainter of this.tainters.values()) {
      const due = await tainter.process(this.clock.now(), async (name) => {
        const node = this.nodes.get(name);
        if (!node) return { done: true };
        const ready = readyConditionOf(node);
        if (!ready) return { done: false, retryAfterMs: 50 };
        let swap;
        if (ready.status === 'False') swap = { add: [notReadyNoExecute], remove: [unreachableNoExecute] };
        else if (ready.status === 'Unknown') swap = { add: [unreachableNoExecute], remove: [notReadyNoExecute] };
        else return { done: true };
        await swapNodeTaints(this.client, node, swap, this.clock.now(), this.fieldManager);
        return { done: true };
      });
      if (due !== undefined) wait = wait === undefined ? due : Math.min(wait, due);
    }
    return wait;
  }
}
