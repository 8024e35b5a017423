// Which taints a pod's tolerations tolerate, and for how long: the rules the taint eviction controller decides by.
import { toleratesTaint as sharedToleratesTaint } from '../shared/tolerations.js';
import type { KubeObject } from '../../meta/types.js';
import type { Taint } from './node-taints.js';

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number | null;
}

export function tolerationsOf(pod: KubeObject): Toleration[] {
  const tolerations = (pod.spec as { tolerations?: Toleration[] } | undefined)?.tolerations;
  return Array.isArray(tolerations) ? tolerations : [];
}

export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  return sharedToleratesTaint(toleration, taint);
}

/** GetMatchingTolerations: whether every taint is tolerated, and the first toleration found for each. */
export function matchingTolerations(taints: Taint[], tolerations: Toleration[]): { tolerated: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const match = tolerations.find((t) => toleratesTaint(t, taint));
    if (!match) return { tolerated: false, used: [] };
    used.push(match);
  }
  return { tolerated: true, used };
}

/**
 * getMinTolerationTime in milliseconds: the shortest tolerationSeconds among the tolerations used, 0 when there are
 * none or one is not positive, and -1 when every one tolerates forever.
 */
export function minTolerationMs(used: Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}
