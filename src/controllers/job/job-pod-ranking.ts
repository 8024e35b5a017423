// The order in which upstream's controller.ActivePods picks pods to delete: the least advanced first.
import type { KubeObject } from '../../meta/types.js';
import { isPodReady, podCondition, podPhase } from '../shared/pod-util.js';
import { podStatus } from './job-util.js';

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Go's afterOrZero: a missing time sorts first, otherwise the later time does. */
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

function maxContainerRestarts(pod: KubeObject): number {
  let max = 0;
  for (const c of podStatus(pod).containerStatuses ?? []) max = Math.max(max, c.restartCount ?? 0);
  return max;
}

/**
 * Negative when `a` should be deleted before `b`: unscheduled before scheduled, Pending < Unknown < Running, not
 * ready before ready, ready more recently before ready longer, more restarts first, then newer before older.
 */
export function compareActivePods(a: KubeObject, b: KubeObject): number {
  const less = (x: KubeObject, y: KubeObject): boolean => {
    const nodeX = String((x.spec as { nodeName?: string } | undefined)?.nodeName ?? '');
    const nodeY = String((y.spec as { nodeName?: string } | undefined)?.nodeName ?? '');
    if (nodeX !== nodeY && (nodeX === '' || nodeY === '')) return nodeX === '';
    const phaseX = phaseOrdinal[podPhase(x)] ?? 0;
    const phaseY = phaseOrdinal[podPhase(y)] ?? 0;
    if (phaseX !== phaseY) return phaseX < phaseY;
    const readyX = isPodReady(x);
    const readyY = isPodReady(y);
    if (readyX !== readyY) return !readyX;
    if (readyX && readyY) {
      const timeX = parseTime(podCondition(x, 'Ready')?.lastTransitionTime);
      const timeY = parseTime(podCondition(y, 'Ready')?.lastTransitionTime);
      if (timeX !== timeY) return afterOrZero(timeX, timeY);
    }
    const restartsX = maxContainerRestarts(x);
    const restartsY = maxContainerRestarts(y);
    if (restartsX !== restartsY) return restartsX > restartsY;
    const createdX = parseTime(x.metadata.creationTimestamp);
    const createdY = parseTime(y.metadata.creationTimestamp);
    if (createdX !== createdY) return afterOrZero(createdX, createdY);
    return false;
  };
  if (less(a, b)) return -1;
  return less(b, a) ? 1 : 0;
}
