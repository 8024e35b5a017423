// The taint eviction controller: deletes pods from nodes with NoExecute taints they do not tolerate, or only for a while.
import { deepEqual } from '../../meta/deep-equal.js';
import type { KubeObject } from '../../meta/types.js';
import { type Controller, type ControllerContext, type SharedInformer, keyOf, splitKey } from '../runtime/index.js';
import { errorCode } from '../shared/api-errors.js';
import { noExecuteTaints, taintsOf, type Taint } from './node-taints.js';
import { writePodCondition } from './pod-conditions.js';
import { matchingTolerations, minTolerationMs, tolerationsOf } from './tolerations.js';

/** A pod's scheduled deletion; `fired` ones stay until the pod is gone, so the same pod is not deleted twice. */
interface ScheduledEviction {
  fireAt: number;
  fired: boolean;
  announced: boolean;
}

const nodePrefix = 'node:';
const podPrefix = 'pod:';
const evictPrefix = 'evict:';
const fieldManager = 'kube-controller-manager';

const disruptionTarget = {
  type: 'DisruptionTarget',
  status: 'True',
  reason: 'DeletionByTaintManager',
  message: 'Taint manager: deleting due to NoExecute taint',
};

function nodeNameOf(pod: KubeObject): string {
  return String((pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '');
}

/**
 * kube-controller-manager's taint-eviction-controller. Evictions are timed on the clock: a pod tolerating a taint for
 * tolerationSeconds is deleted that long after the controller first saw it on the tainted node.
 */
export function taintEvictionController(): Controller {
  let ctx: ControllerContext;
  let nodes: SharedInformer;
  let pods: SharedInformer;
  const taintedNodes = new Map<string, Taint[]>();
  const evictions = new Map<string, ScheduledEviction>();

  /** Events name the pod by namespace and name only, as upstream's ObjectReference does. */
  const podRef = (podKey: string): KubeObject => {
    const { namespace, name } = splitKey(podKey);
    return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace } };
  };

  const addWork = (podKey: string, fireAt: number) => {
    if (evictions.has(podKey)) return;
    evictions.set(podKey, { fireAt, fired: false, announced: false });
    ctx.queue.addAfter(evictPrefix + podKey, Math.max(0, fireAt - ctx.clock.now()));
  };

  const cancelWithEvent = (podKey: string) => {
    const scheduled = evictions.get(podKey);
    if (!scheduled) return;
    evictions.delete(podKey);
    if (!scheduled.fired) ctx.recorder.event(podRef(podKey), 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${podKey}`);
  };

  const processPodOnNode = (podKey: string, pod: KubeObject, taints: Taint[], now: number) => {
    if (taints.length === 0) cancelWithEvent(podKey);
    const { tolerated, used } = matchingTolerations(taints, tolerationsOf(pod));
    if (!tolerated) {
      // Deleted right away: any later deletion scheduled for a toleration no longer matters.
      cancelWithEvent(podKey);
      addWork(podKey, now);
      return;
    }
    const tolerationMs = minTolerationMs(used);
    if (tolerationMs < 0) {
      cancelWithEvent(podKey);
      return;
    }
    // Upstream keeps a pending eviction created before now (startTime+min before now+min), which on a running clock
    // is every one; a clock that stands still makes "before" the same instant too, so a pending one is always kept.
    const scheduled = evictions.get(podKey);
    if (scheduled && !scheduled.fired) return;
    addWork(podKey, now + tolerationMs);
  };

  const handleNodeUpdate = (nodeName: string) => {
    const node = nodes.get(nodeName);
    if (!node) {
      taintedNodes.delete(nodeName);
      return;
    }
    const taints = noExecuteTaints(taintsOf(node));
    if (taints.length === 0) taintedNodes.delete(nodeName);
    else taintedNodes.set(nodeName, taints);
    const assigned = pods
      .list()
      .filter((p) => nodeNameOf(p) === nodeName)
      .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    const now = ctx.clock.now();
    for (const pod of assigned) {
      if (taints.length === 0) cancelWithEvent(keyOf(pod));
      else processPodOnNode(keyOf(pod), pod, taints, now);
    }
  };

  const handlePodUpdate = (podKey: string) => {
    const pod = pods.get(podKey);
    if (!pod) {
      cancelWithEvent(podKey);
      return;
    }
    const taints = taintedNodes.get(nodeNameOf(pod));
    if (!nodeNameOf(pod) || !taints) return;
    processPodOnNode(podKey, pod, taints, ctx.clock.now());
  };

  /** addConditionAndDeletePod: DisruptionTarget first, so whoever sees the pod go knows why. */
  const evict = async (podKey: string) => {
    const scheduled = evictions.get(podKey);
    if (!scheduled || scheduled.fired) return;
    const now = ctx.clock.now();
    if (now < scheduled.fireAt) return { requeueAfter: scheduled.fireAt - now };
    if (!scheduled.announced) {
      scheduled.announced = true;
      ctx.recorder.event(podRef(podKey), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${podKey}`);
    }
    const { namespace, name } = splitKey(podKey);
    try {
      const pod = await ctx.client.get('v1', 'pods', namespace, name);
      await writePodCondition(ctx.client, pod, () => disruptionTarget, now, fieldManager);
      await ctx.client.delete('v1', 'pods', namespace, name);
    } catch (err) {
      if (errorCode(err) !== 404) throw err;
    }
    scheduled.fired = true;
  };

  return {
    name: 'taint-eviction-controller',
    component: 'taint-eviction-controller',
    workers: 4,
    start(context) {
      ctx = context;
      nodes = ctx.informers.informerFor('v1', 'nodes');
      pods = ctx.informers.informerFor('v1', 'pods');
      const podChanged = (pod: KubeObject) => ctx.queue.add(podPrefix + keyOf(pod));
      pods.addEventHandler({
        onAdd: podChanged,
        onUpdate: (old, pod) => {
          if (nodeNameOf(old) === nodeNameOf(pod) && deepEqual(tolerationsOf(old), tolerationsOf(pod))) return;
          podChanged(pod);
        },
        onDelete: podChanged,
      });
      const nodeChanged = (node: KubeObject) => ctx.queue.add(nodePrefix + node.metadata.name);
      nodes.addEventHandler({
        onAdd: nodeChanged,
        onUpdate: (old, node) => {
          if (deepEqual(noExecuteTaints(taintsOf(old)), noExecuteTaints(taintsOf(node)))) return;
          nodeChanged(node);
        },
        onDelete: nodeChanged,
      });
    },
    async reconcile(key) {
      if (key.startsWith(nodePrefix)) handleNodeUpdate(key.slice(nodePrefix.length));
      else if (key.startsWith(podPrefix)) handlePodUpdate(key.slice(podPrefix.length));
      else if (key.startsWith(evictPrefix)) return evict(key.slice(evictPrefix.length));
    },
  };
}
