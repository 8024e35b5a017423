// The pod garbage collector: force-deletes orphaned, excess terminated, and unschedulable terminating pods.
import { rfc3339 } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import { type Controller, type ControllerContext, type SharedInformer, keyOf } from '../runtime/index.js';
import { errorCode } from '../shared/api-errors.js';
import { isPodTerminating, podPhase, type PodCondition } from '../shared/pod-util.js';

export interface PodGCOptions {
  /** --terminated-pod-gc-threshold: terminated pods kept before the oldest are deleted (12500; 0 turns it off). */
  terminatedPodGCThreshold?: number;
  /** How long a missing node is given to show up before its pods count as orphans (upstream's quarantineTime, 40 s). */
  quarantineMs?: number;
}

const gcKey = 'gc';
const fieldManager = 'kube-controller-manager';
const outOfServiceTaint = 'node.kubernetes.io/out-of-service';

type PodStatus = { phase?: string; reason?: string; conditions?: PodCondition[] };

function nodeNameOf(pod: KubeObject): string {
  return String((pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '');
}

/** isPodTerminated: any phase but Pending, Running and Unknown. */
function isTerminated(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase !== 'Pending' && phase !== 'Running' && phase !== 'Unknown';
}

/** byEvictionAndCreationTimestamp: evicted pods first, then the oldest, then by name. */
function gcOrder(a: KubeObject, b: KubeObject): number {
  const evicted = (p: KubeObject) => podPhase(p) === 'Failed' && (p.status as PodStatus | undefined)?.reason === 'Evicted';
  if (evicted(a) !== evicted(b)) return evicted(a) ? -1 : 1;
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  if (ta !== tb) return ta - tb;
  return (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/**
 * kube-controller-manager's pod-garbage-collector-controller. Upstream sweeps every 20 s; this one sweeps when a pod
 * or node change gives it something to collect, and when a missing node's quarantine ends.
 */
export function podGCController(options: PodGCOptions = {}): Controller {
  const threshold = options.terminatedPodGCThreshold ?? 12500;
  const quarantineMs = options.quarantineMs ?? 40_000;
  let ctx: ControllerContext;
  let pods: SharedInformer;
  let nodes: SharedInformer;
  const terminated = new Set<string>();
  /** Missing node name → when a pod bound to it was first noticed. */
  const quarantine = new Map<string, number>();

  const nodeOutOfService = (nodeName: string): boolean => {
    const node = nodes.get(nodeName);
    if (!node) return false;
    const ready = (node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.find((c) => c.type === 'Ready');
    const taints = (node.spec as { taints?: { key: string }[] } | undefined)?.taints ?? [];
    return ready?.status !== 'True' && taints.some((t) => t.key === outOfServiceTaint);
  };

  /** Whether this pod gives the collector something to look at. */
  const worthASweep = (pod: KubeObject): boolean => {
    const nodeName = nodeNameOf(pod);
    if (nodeName && !nodes.get(nodeName)) return true;
    if (isPodTerminating(pod) && (!nodeName || nodeOutOfService(nodeName))) return true;
    return threshold > 0 && terminated.size > threshold;
  };

  const trackPod = (pod: KubeObject) => {
    if (isTerminated(pod)) terminated.add(keyOf(pod));
    else terminated.delete(keyOf(pod));
    if (worthASweep(pod)) ctx.queue.add(gcKey);
  };

  /** markFailedAndDeletePodWithCondition: Failed first (nothing else would ever finish an orphan), then gone now. */
  const markFailedAndDelete = async (pod: KubeObject, condition?: PodCondition): Promise<void> => {
    const { namespace, name } = pod.metadata;
    try {
      let current = pod;
      for (let attempt = 1; podPhase(current) !== 'Succeeded' && podPhase(current) !== 'Failed'; attempt++) {
        const status = structuredClone((current.status ?? {}) as PodStatus);
        status.phase = 'Failed';
        if (condition) {
          const conditions = (status.conditions ?? []).filter((c) => c.type !== condition.type);
          const old = status.conditions?.find((c) => c.type === condition.type);
          const transition = old && old.status === condition.status ? old.lastTransitionTime : rfc3339(ctx.clock.now());
          status.conditions = [...conditions, { ...condition, lastTransitionTime: transition }];
        }
        try {
          await ctx.client.update('v1', 'pods', namespace, { ...current, status }, { subresource: 'status', fieldManager });
          break;
        } catch (err) {
          if (errorCode(err) !== 409 || attempt >= 5) throw err;
          current = await ctx.client.get('v1', 'pods', namespace, name!);
          if (current.metadata.uid !== pod.metadata.uid) return;
        }
      }
      await ctx.client.delete('v1', 'pods', namespace, name!, { gracePeriodSeconds: 0 });
    } catch (err) {
      if (errorCode(err) !== 404) throw err;
    }
  };

  const gcTerminated = async (all: KubeObject[]) => {
    if (threshold <= 0) return;
    const done = all.filter(isTerminated);
    const excess = done.length - threshold;
    if (excess <= 0) return;
    for (const pod of done.sort(gcOrder).slice(0, excess)) await markFailedAndDelete(pod);
  };

  const gcTerminating = async (all: KubeObject[]) => {
    const stuck = all.filter((p) => isPodTerminating(p) && nodeNameOf(p) && nodeOutOfService(nodeNameOf(p)));
    for (const pod of stuck.sort(gcOrder)) await markFailedAndDelete(pod);
  };

  /** gcOrphaned: a node missing for the whole quarantine, and confirmed gone by a GET, takes its pods with it. */
  const gcOrphaned = async (all: KubeObject[], now: number) => {
    for (const pod of all) {
      const nodeName = nodeNameOf(pod);
      if (nodeName && !nodes.get(nodeName) && !quarantine.has(nodeName)) quarantine.set(nodeName, now);
    }
    const deleted = new Set<string>();
    for (const [nodeName, since] of [...quarantine]) {
      if (nodes.get(nodeName)) {
        quarantine.delete(nodeName);
        continue;
      }
      if (now < since + quarantineMs) continue;
      quarantine.delete(nodeName);
      try {
        await ctx.client.get('v1', 'nodes', undefined, nodeName);
      } catch (err) {
        if (errorCode(err) !== 404) throw err;
        deleted.add(nodeName);
      }
    }
    const condition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' };
    for (const pod of all.filter((p) => deleted.has(nodeNameOf(p)))) await markFailedAndDelete(pod, condition);
  };

  const gcUnscheduledTerminating = async (all: KubeObject[]) => {
    for (const pod of all.filter((p) => isPodTerminating(p) && !nodeNameOf(p))) await markFailedAndDelete(pod);
  };

  return {
    name: 'podgc',
    component: 'pod-garbage-collector-controller',
    start(context) {
      ctx = context;
      pods = ctx.informers.informerFor('v1', 'pods');
      nodes = ctx.informers.informerFor('v1', 'nodes');
      pods.addEventHandler({
        onAdd: trackPod,
        onUpdate: (_old, pod) => trackPod(pod),
        onDelete: (pod) => terminated.delete(keyOf(pod)),
      });
      const sweep = () => ctx.queue.add(gcKey);
      nodes.addEventHandler({
        onAdd: (node) => {
          if (quarantine.has(node.metadata.name!)) sweep();
        },
        onUpdate: (_old, node) => {
          if (nodeOutOfService(node.metadata.name!)) sweep();
        },
        onDelete: sweep,
      });
    },
    async reconcile() {
      const now = ctx.clock.now();
      const all = pods.list().sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
      await gcTerminated(all);
      await gcTerminating(all);
      await gcOrphaned(all, now);
      await gcUnscheduledTerminating(all);
      if (quarantine.size === 0) return;
      const due = Math.min(...quarantine.values()) + quarantineMs;
      return { requeueAfter: Math.max(0, due - ctx.clock.now()) };
    },
  };
}
