// The node lifecycle controller: marks silent nodes Unknown, taints nodes by their conditions, marks their pods NotReady.
import type { KubeObject } from '../../meta/types.js';
import { type Controller, type ControllerContext, type ReconcileResult, type SharedInformer, keyOf } from '../runtime/index.js';
import { errorCode } from '../shared/api-errors.js';
import { assessNodeHealth, staleAt, type HealthAssessment, type HealthSettings, type NodeHealth, type ObservedLease } from './node-health.js';
import { excludedFromDisruption, ZoneEvictions, type EvictionSettings } from './node-disruption.js';
import { conditionTaintKeys, conditionTaints, matchTaint, notReadyNoExecute, swapNodeTaints, taintExists, taintsOf, taintUnschedulable, unreachableNoExecute, type Taint } from './node-taints.js';
import { notReadyCondition, writePodCondition } from './pod-conditions.js';
import { zoneKeyOf } from './zone-tainter.js';

export interface NodeLifecycleOptions extends Partial<EvictionSettings> {
  /** --node-monitor-grace-period: silence after which a node is marked Unknown (50 s since Kubernetes 1.32). */
  nodeMonitorGracePeriodMs?: number;
  /** --node-startup-grace-period: the same for a node whose kubelet never posted status (60 s). */
  nodeStartupGracePeriodMs?: number;
  /** --node-monitor-period: node health is judged on this grid (5 s). */
  nodeMonitorPeriodMs?: number;
}

const fieldManager = 'kube-controller-manager';
const monitorKey = 'monitor';
const nodePrefix = 'node:';
const podPrefix = 'pod:';
const leaseNamespace = 'kube-node-lease';
/** scheduler.NodeHealthUpdateRetry */
const healthUpdateRetries = 5;

/** Labels kept in step with their GA twins (labelReconcileInfo): the beta OS and arch labels. */
const labelReconcile: [primary: string, secondary: string][] = [
  ['kubernetes.io/os', 'beta.kubernetes.io/os'],
  ['kubernetes.io/arch', 'beta.kubernetes.io/arch'],
];

function nodeNameOf(pod: KubeObject): string {
  return String((pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '');
}

/**
 * kube-controller-manager's node-lifecycle-controller. Node health is judged when it can change (a node or its
 * status changes, or a kubelet's silence reaches the grace period), on the node-monitor-period grid, instead of
 * polling every 5 s; a Lease renewal counts from the moment the controller sees it.
 */
export function nodeLifecycleController(options: NodeLifecycleOptions = {}): Controller {
  const healthSettings: HealthSettings = {
    nodeMonitorGracePeriodMs: options.nodeMonitorGracePeriodMs ?? 50_000,
    nodeStartupGracePeriodMs: options.nodeStartupGracePeriodMs ?? 60_000,
  };
  const monitorPeriod = options.nodeMonitorPeriodMs ?? 5_000;
  const evictionSettings: EvictionSettings = {
    evictionLimiterQPS: options.evictionLimiterQPS ?? 0.1,
    secondaryEvictionLimiterQPS: options.secondaryEvictionLimiterQPS ?? 0.01,
    largeClusterThreshold: options.largeClusterThreshold ?? 50,
    unhealthyZoneThreshold: options.unhealthyZoneThreshold ?? 0.55,
  };
  let ctx: ControllerContext;
  let nodes: SharedInformer;
  let pods: SharedInformer;
  let zones: ZoneEvictions;
  let startedAt = 0;
  const health = new Map<string, NodeHealth>();
  const gracePeriods = new Map<string, number>();
  const leases = new Map<string, ObservedLease>();
  const known = new Map<string, KubeObject>();
  const nodesToRetry = new Set<string>();

  const nodeRef = (node: KubeObject): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: node.metadata.name, uid: node.metadata.uid } });
  /** RecordNodeEvent's wording. */
  const recordNodeEvent = (node: KubeObject, reason: string, event: string) =>
    ctx.recorder.event(nodeRef(node), 'Normal', reason, `Node ${node.metadata.name} event: ${event}`);
  /** RecordNodeStatusChange's wording. */
  const recordStatusChange = (node: KubeObject, status: string) =>
    ctx.recorder.event(nodeRef(node), 'Normal', status, `Node ${node.metadata.name} status is now: ${status}`);

  const podsOn = (nodeName: string): KubeObject[] =>
    pods
      .list()
      .filter((p) => nodeNameOf(p) === nodeName)
      .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));

  /** MarkPodsNotReady: true when every pod's Ready condition is False now. */
  const markPodsNotReady = async (podList: KubeObject[], nodeName: string): Promise<boolean> => {
    let ok = true;
    for (const pod of podList) {
      if (nodeNameOf(pod) !== nodeName) continue;
      try {
        const written = await writePodCondition(ctx.client, pod, notReadyCondition, ctx.clock.now(), fieldManager);
        if (written) ctx.recorder.event(written, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (err) {
        ctx.logError(err);
        ok = false;
      }
    }
    return ok;
  };

  /** tryUpdateNodeHealth with its retries: re-reads the node when its status write conflicts. */
  const updateNodeHealth = async (cached: KubeObject, now: number): Promise<{ node: KubeObject; assessment: HealthAssessment } | undefined> => {
    let node = cached;
    const name = node.metadata.name!;
    for (let attempt = 1; ; attempt++) {
      const assessment = assessNodeHealth(node, health.get(name), leases.get(name), now, healthSettings);
      health.set(name, assessment.health);
      gracePeriods.set(name, assessment.gracePeriodMs);
      if (!assessment.conditionsToWrite) return { node, assessment };
      try {
        const status = { ...(node.status as object), conditions: assessment.conditionsToWrite };
        node = await ctx.client.update('v1', 'nodes', undefined, { ...node, status }, { subresource: 'status', fieldManager });
        health.set(name, { ...assessment.health, readyTransitionTimestamp: now, savedReady: assessment.currentReady });
        return { node, assessment };
      } catch (err) {
        if (errorCode(err) !== 409 && errorCode(err) !== 404) throw err;
        if (errorCode(err) === 404 || attempt >= healthUpdateRetries) return undefined;
      }
      try {
        node = await ctx.client.get('v1', 'nodes', undefined, name);
      } catch (err) {
        if (errorCode(err) === 404) return undefined;
        throw err;
      }
    }
  };

  /** processTaintBaseEviction: NoExecute taints follow the Ready status the pass started from. */
  const processTaintBasedEviction = async (node: KubeObject, observed: string): Promise<void> => {
    const taints = taintsOf(node);
    const now = ctx.clock.now();
    if (observed === 'False') {
      if (taintExists(taints, unreachableNoExecute)) await swapNodeTaints(ctx.client, node, { add: [notReadyNoExecute], remove: [unreachableNoExecute] }, now, fieldManager);
      else zones.markForTainting(node, 'False');
    } else if (observed === 'Unknown') {
      if (taintExists(taints, notReadyNoExecute)) await swapNodeTaints(ctx.client, node, { add: [unreachableNoExecute], remove: [notReadyNoExecute] }, now, fieldManager);
      else zones.markForTainting(node, 'Unknown');
    } else if (observed === 'True') {
      await zones.markReachable(node);
    }
  };

  /** monitorNodeHealth, then the NoExecute tainting pass; comes back when the next node could go stale. */
  const monitorNodeHealth = async (): Promise<ReconcileResult> => {
    const now = ctx.clock.now();
    const all = nodes.list().sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    const present = new Set(all.map((n) => n.metadata.name!));
    // A zone seen for the first time (a new node's, or a known node relabelled) gets its tainting queue.
    for (const node of all) zones.addZoneOf(node);
    for (const node of all.filter((n) => !known.has(n.metadata.name!))) {
      recordNodeEvent(node, 'RegisteredNode', `Registered Node ${node.metadata.name} in Controller`);
      known.set(node.metadata.name!, node);
      await zones.markReachable(node);
    }
    for (const [name, node] of [...known].filter(([n]) => !present.has(n))) {
      recordNodeEvent(node, 'RemovingNode', `Removing Node ${name} from Controller`);
      known.delete(name);
      health.delete(name);
      gracePeriods.delete(name);
      leases.delete(name);
      nodesToRetry.delete(name);
      zones.forget(node);
    }
    const zoneReady = new Map<string, (string | undefined)[]>();
    for (const cached of all) {
      const updated = await updateNodeHealth(cached, now);
      if (!updated) continue;
      const { node, assessment } = updated;
      const name = node.metadata.name!;
      if (!excludedFromDisruption(node)) {
        const zone = zoneKeyOf(node);
        zoneReady.set(zone, [...(zoneReady.get(zone) ?? []), assessment.currentReady?.status]);
      }
      if (!assessment.currentReady) {
        nodesToRetry.delete(name);
        continue;
      }
      await processTaintBasedEviction(node, assessment.observedReady.status);
      const current = assessment.currentReady.status;
      const observed = assessment.observedReady.status;
      const becameNotReady = current !== 'True' && observed === 'True';
      if (becameNotReady) recordStatusChange(node, 'NodeNotReady');
      if (becameNotReady || (nodesToRetry.has(name) && observed !== 'True')) {
        // A transition is acted on once; a failure is remembered so the next pass marks the pods again.
        if (!(await markPodsNotReady(podsOn(name), name))) {
          nodesToRetry.add(name);
          continue;
        }
      }
      nodesToRetry.delete(name);
    }
    const mode = await zones.handleDisruption(zoneReady, all);
    if (mode === 'left') {
      for (const [name, h] of health) health.set(name, { ...h, probeTimestamp: now, readyTransitionTimestamp: now });
    }
    const taintWait = await zones.taintQueuedNodes();
    return nextMonitorPass(now, taintWait, nodesToRetry.size > 0);
  };

  /** The next tick of the node-monitor-period grid after the earliest moment a node could go stale. */
  const nextMonitorPass = (now: number, taintWait: number | undefined, retry: boolean): ReconcileResult => {
    let next = taintWait === undefined ? Infinity : now + taintWait;
    if (retry) next = Math.min(next, now + monitorPeriod);
    for (const [name, h] of health) {
      const deadline = staleAt(h, gracePeriods.get(name) ?? healthSettings.nodeMonitorGracePeriodMs);
      if (deadline < now) continue;
      const tick = startedAt + monitorPeriod * (Math.floor((deadline - startedAt) / monitorPeriod) + 1);
      next = Math.min(next, tick);
    }
    return next === Infinity ? undefined : { requeueAfter: Math.max(0, next - now) };
  };

  /** doNoScheduleTaintingPass: NoSchedule taints for the node's conditions and for cordoning. */
  const noScheduleTaintingPass = async (node: KubeObject): Promise<void> => {
    const wanted: Taint[] = [];
    for (const condition of (node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []) {
      const key = conditionTaints[condition.type]?.[condition.status];
      if (key) wanted.push({ key, effect: 'NoSchedule' });
    }
    if ((node.spec as { unschedulable?: boolean } | undefined)?.unschedulable) wanted.push({ key: taintUnschedulable, effect: 'NoSchedule' });
    const owned = taintsOf(node).filter((t) => t.effect === 'NoSchedule' && (t.key === taintUnschedulable || conditionTaintKeys.has(t.key)));
    const add = wanted.filter((w) => !owned.some((o) => matchTaint(o, w)));
    const remove = owned.filter((o) => !wanted.some((w) => matchTaint(o, w)));
    if (add.length === 0 && remove.length === 0) return;
    await swapNodeTaints(ctx.client, node, { add, remove }, ctx.clock.now(), fieldManager);
  };

  /** reconcileNodeLabels: the beta OS/arch labels follow the GA ones. */
  const reconcileNodeLabels = async (node: KubeObject): Promise<void> => {
    const labels = node.metadata.labels;
    if (!labels) return;
    const update: Record<string, string> = {};
    for (const [primary, secondary] of labelReconcile) {
      if (labels[primary] !== undefined && labels[secondary] !== labels[primary]) update[secondary] = labels[primary];
    }
    if (Object.keys(update).length === 0) return;
    await ctx.client.patch('v1', 'nodes', undefined, node.metadata.name!, 'merge', { metadata: { labels: update } }, { fieldManager });
  };

  /** processPod: a pod bound to a node known to be unhealthy is marked NotReady at once. */
  const processPod = async (key: string): Promise<void> => {
    const pod = pods.get(key);
    if (!pod) return;
    const nodeName = nodeNameOf(pod);
    const savedReady = health.get(nodeName)?.savedReady;
    if (!savedReady || !nodes.get(nodeName)) return;
    if (savedReady.status !== 'True' && !(await markPodsNotReady([pod], nodeName))) throw new Error(`unable to mark pod ${key} NotReady on node ${nodeName}`);
  };

  return {
    name: 'nodelifecycle',
    component: 'node-controller',
    workers: 4,
    start(context) {
      ctx = context;
      startedAt = ctx.clock.now();
      nodes = ctx.informers.informerFor('v1', 'nodes');
      pods = ctx.informers.informerFor('v1', 'pods');
      const leaseInformer = ctx.informers.informerFor('coordination.k8s.io/v1', 'leases');
      zones = new ZoneEvictions(evictionSettings, ctx.client, ctx.clock, nodes, fieldManager);
      const nodeChanged = (node: KubeObject) => {
        ctx.queue.add(nodePrefix + node.metadata.name);
        ctx.queue.add(monitorKey);
      };
      nodes.addEventHandler({ onAdd: nodeChanged, onUpdate: (_old, node) => nodeChanged(node), onDelete: () => ctx.queue.add(monitorKey) });
      const leaseRenewed = (lease: KubeObject) => {
        if (lease.metadata.namespace !== leaseNamespace) return;
        const renewTime = Date.parse(String((lease.spec as { renewTime?: string } | undefined)?.renewTime ?? ''));
        if (Number.isNaN(renewTime)) return;
        const name = lease.metadata.name!;
        const seen = leases.get(name);
        if (!seen || seen.renewTime < renewTime) leases.set(name, { renewTime, seenAt: ctx.clock.now() });
        if (!seen) ctx.queue.add(monitorKey);
      };
      leaseInformer.addEventHandler({ onAdd: leaseRenewed, onUpdate: (_old, lease) => leaseRenewed(lease) });
      pods.addEventHandler({
        onAdd: (pod) => {
          if (nodeNameOf(pod)) ctx.queue.add(podPrefix + keyOf(pod));
        },
        onUpdate: (old, pod) => {
          if (nodeNameOf(pod) && nodeNameOf(pod) !== nodeNameOf(old)) ctx.queue.add(podPrefix + keyOf(pod));
        },
      });
    },
    async reconcile(key) {
      if (key === monitorKey) return monitorNodeHealth();
      if (key.startsWith(podPrefix)) return processPod(key.slice(podPrefix.length));
      if (key.startsWith(nodePrefix)) {
        const node = nodes.get(key.slice(nodePrefix.length));
        if (!node) return;
        await noScheduleTaintingPass(node);
        await reconcileNodeLabels(node);
      }
    },
  };
}
