// Node health as the node lifecycle controller tracks it: when it last heard from a kubelet, and when to give up on it.
import { rfc3339 } from '../../clock/clock.js';
import { deepEqual } from '../../meta/deep-equal.js';
import type { KubeObject } from '../../meta/types.js';

export interface NodeCondition {
  type: string;
  status: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** A node Lease as the controller last saw it: its renewTime, and when (on the clock) that renewal was noticed. */
export interface ObservedLease {
  renewTime: number;
  seenAt: number;
}

/** nodeHealthData: the probe time is when the controller last heard from the kubelet, by status or by Lease. */
export interface NodeHealth {
  probeTimestamp: number;
  readyTransitionTimestamp: number;
  /** The Ready condition of the status last taken in. */
  savedReady?: NodeCondition;
  lease?: ObservedLease;
}

export interface HealthSettings {
  nodeMonitorGracePeriodMs: number;
  nodeStartupGracePeriodMs: number;
}

export interface HealthAssessment {
  health: NodeHealth;
  gracePeriodMs: number;
  /** The Ready condition before this assessment (a stand-in Unknown one when the kubelet never posted any). */
  observedReady: NodeCondition;
  /** The Ready condition after it. */
  currentReady?: NodeCondition;
  /** Set when the kubelet went quiet for longer than the grace period: the conditions to write, now Unknown. */
  conditionsToWrite?: NodeCondition[];
}

/** The conditions the controller turns Unknown; NetworkUnavailable is left alone, being the network's to manage. */
const staleConditionTypes = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export function conditionsOf(node: KubeObject): NodeCondition[] {
  const conditions = (node.status as { conditions?: NodeCondition[] } | undefined)?.conditions;
  return Array.isArray(conditions) ? conditions : [];
}

export function readyConditionOf(node: KubeObject): NodeCondition | undefined {
  return conditionsOf(node).find((c) => c.type === 'Ready');
}

function creationTime(node: KubeObject): number {
  const at = node.metadata.creationTimestamp ? Date.parse(node.metadata.creationTimestamp) : NaN;
  return Number.isNaN(at) ? 0 : at;
}

/**
 * tryUpdateNodeHealth without the write: takes in what the node and its Lease say, and when the kubelet has been
 * silent for longer than its grace period, returns the conditions to post as Unknown.
 */
export function assessNodeHealth(
  node: KubeObject,
  saved: NodeHealth | undefined,
  lease: ObservedLease | undefined,
  now: number,
  settings: HealthSettings,
): HealthAssessment {
  const conditions = conditionsOf(node).map((c) => ({ ...c }));
  const currentReady = conditions.find((c) => c.type === 'Ready');
  let health: NodeHealth;
  let gracePeriodMs: number;
  let observedReady: NodeCondition;
  if (!currentReady) {
    // Never posted: pretend a Ready=Unknown from creation, and allow the longer startup grace period.
    const created = rfc3339(creationTime(node));
    observedReady = { type: 'Ready', status: 'Unknown', lastHeartbeatTime: created, lastTransitionTime: created };
    gracePeriodMs = settings.nodeStartupGracePeriodMs;
    health = saved ? { ...saved, savedReady: undefined } : { probeTimestamp: creationTime(node), readyTransitionTimestamp: creationTime(node) };
  } else {
    observedReady = { ...currentReady };
    gracePeriodMs = settings.nodeMonitorGracePeriodMs;
    const savedReady = saved?.savedReady;
    if (!saved || !savedReady) {
      health = { probeTimestamp: now, readyTransitionTimestamp: now, savedReady: { ...currentReady }, lease: saved?.lease };
    } else if (savedReady.lastHeartbeatTime !== currentReady.lastHeartbeatTime) {
      const transitioned = savedReady.lastTransitionTime !== currentReady.lastTransitionTime;
      health = { probeTimestamp: now, readyTransitionTimestamp: transitioned ? now : saved.readyTransitionTimestamp, savedReady: { ...currentReady }, lease: saved.lease };
    } else {
      health = { ...saved };
    }
  }
  // A renewed Lease always counts as hearing from the kubelet, even if it never posted status.
  if (lease && (!health.lease || health.lease.renewTime < lease.renewTime)) {
    health = { ...health, lease, probeTimestamp: lease.seenAt };
  }
  const result: HealthAssessment = { health, gracePeriodMs, observedReady, currentReady };
  if (!(now > health.probeTimestamp + gracePeriodMs)) return result;

  const time = rfc3339(now);
  for (const type of staleConditionTypes) {
    const condition = conditions.find((c) => c.type === type);
    if (!condition) {
      conditions.push({
        type,
        status: 'Unknown',
        lastHeartbeatTime: rfc3339(creationTime(node)),
        lastTransitionTime: time,
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
      });
    } else if (condition.status !== 'Unknown') {
      Object.assign(condition, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: time });
    }
  }
  const newReady = conditions.find((c) => c.type === 'Ready');
  if (deepEqual(newReady, observedReady)) return result;
  return { ...result, currentReady: newReady, conditionsToWrite: conditions };
}

/** When this node's silence would outlast its grace period (ms since the epoch). */
export function staleAt(health: NodeHealth, gracePeriodMs: number): number {
  return health.probeTimestamp + gracePeriodMs;
}
