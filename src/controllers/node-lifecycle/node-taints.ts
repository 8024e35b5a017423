// Node taints as the node controllers handle them: the well-known keys, matching by key and effect, and swapping them.
import type { InProcessClient } from '../../client/client.js';
import { rfc3339 } from '../../clock/clock.js';
import { deepEqual } from '../../meta/deep-equal.js';
import type { KubeObject } from '../../meta/types.js';
import { errorCode } from '../shared/api-errors.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

export const taintNotReady = 'node.kubernetes.io/not-ready';
export const taintUnreachable = 'node.kubernetes.io/unreachable';
export const taintUnschedulable = 'node.kubernetes.io/unschedulable';
export const taintOutOfService = 'node.kubernetes.io/out-of-service';

export const unreachableNoExecute: Taint = { key: taintUnreachable, effect: 'NoExecute' };
export const notReadyNoExecute: Taint = { key: taintNotReady, effect: 'NoExecute' };

/** Which condition status puts which NoSchedule taint on a node (upstream's nodeConditionToTaintKeyStatusMap). */
export const conditionTaints: Record<string, Record<string, string>> = {
  Ready: { False: taintNotReady, Unknown: taintUnreachable },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};

/** Taint keys the node lifecycle controller owns because a condition stands behind them. */
export const conditionTaintKeys = new Set(Object.values(conditionTaints).flatMap((byStatus) => Object.values(byStatus)));

export function taintsOf(node: KubeObject): Taint[] {
  const taints = (node.spec as { taints?: Taint[] } | undefined)?.taints;
  return Array.isArray(taints) ? taints : [];
}

/** Taint.MatchTaint: the same key and effect (value and time do not matter). */
export function matchTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

export function taintExists(taints: Taint[], taint: Taint): boolean {
  return taints.some((t) => matchTaint(t, taint));
}

export function noExecuteTaints(taints: Taint[]): Taint[] {
  return taints.filter((t) => t.effect === 'NoExecute');
}

export interface TaintSwap {
  add: Taint[];
  remove: Taint[];
}

function swapped(current: Taint[], swap: TaintSwap, timeAdded: string): Taint[] {
  const next = current.filter((t) => !swap.remove.some((r) => matchTaint(r, t)));
  for (const taint of swap.add) {
    // A taint already there is left alone, keeping the time it was first added.
    if (next.some((t) => matchTaint(t, taint) && (t.value ?? '') === (taint.value ?? ''))) continue;
    const stamped: Taint = { ...taint, timeAdded };
    const at = next.findIndex((t) => matchTaint(t, taint));
    if (at >= 0) next[at] = stamped;
    else next.push(stamped);
  }
  return next;
}

/**
 * SwapNodeControllerTaint: adds taints (stamped with `timeAdded` = now) and removes others in one write guarded by
 * the resourceVersion, as PatchNodeTaints is; a conflict re-reads the node and tries again. Returns false if the
 * node is gone.
 */
export async function swapNodeTaints(client: InProcessClient, cached: KubeObject, swap: TaintSwap, now: number, fieldManager: string): Promise<boolean> {
  let node = cached;
  for (let attempt = 1; ; attempt++) {
    const current = taintsOf(node);
    const next = swapped(current, swap, rfc3339(now));
    if (deepEqual(next, current)) return true;
    const patch = { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints: next.length > 0 ? next : null } };
    try {
      await client.patch('v1', 'nodes', undefined, node.metadata.name!, 'merge', patch, { fieldManager });
      return true;
    } catch (err) {
      if (errorCode(err) === 404) return false;
      if (errorCode(err) !== 409 || attempt >= 5) throw err;
    }
    try {
      node = await client.get('v1', 'nodes', undefined, node.metadata.name!);
    } catch (err) {
      if (errorCode(err) === 404) return false;
      throw err;
    }
  }
}
