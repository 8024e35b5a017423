// FitError's message: "0/N nodes are available: <prefilter or sorted filter reasons>. <postfilter message>".
import type { NodeToStatus } from './framework.js';

export interface Diagnosis {
  nodeToStatus: NodeToStatus;
  /** Set when a PreFilter plugin rejected the pod: it replaces the per-node reasons. */
  preFilterMsg?: string;
  postFilterMsg?: string;
}

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/**
 * Counts each reason over the nodes (nodes absent from the map count with the absent status), prints
 * "<count> <reason>" sorted as Go's sort.Strings sorts (bytewise, so "10 …" before "2 …").
 */
export function fitErrorMessage(numAllNodes: number, diagnosis: Diagnosis): string {
  let message = `0/${numAllNodes} nodes are available:`;
  if (diagnosis.preFilterMsg) {
    message += ` ${diagnosis.preFilterMsg}.`;
  } else {
    const counts = new Map<string, number>();
    const { statuses, absent } = diagnosis.nodeToStatus;
    for (const s of statuses.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    if (statuses.size < numAllNodes) for (const r of absent.reasons) counts.set(r, (counts.get(r) ?? 0) + numAllNodes - statuses.size);
    const histogram = [...counts].map(([reason, n]) => `${n} ${reason}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (histogram.length > 0) message += ` ${histogram.join(', ')}.`;
  }
  if (diagnosis.postFilterMsg) message += ` ${diagnosis.postFilterMsg}`;
  return message;
}
