// The DaemonSet controller (kube-controller-manager's `daemonset`): informer wiring, each sync, and its status write.
import { labelSelectorFromObject, type LabelSelector } from '../../meta/label-selector.js';
import type { KubeObject } from '../../meta/types.js';
import { controllerOf, ownerKeyFor, type Controller, type ControllerContext } from '../runtime/controller.js';
import { ControllerExpectations } from '../runtime/expectations.js';
import { keyOf, type SharedInformer } from '../runtime/informer.js';
import { inNamespace } from '../runtime/indexes.js';
import { cleanupHistory, constructHistory, dsSpec, hashLabel } from './daemonset-history.js';
import { countDaemonPods, FailedPodsBackoff, manage, type DaemonCounts, type DaemonEnv } from './daemonset-pods.js';
import { nodeShouldRunDaemonPod } from './daemonset-scheduling.js';
import { rollingUpdate } from './daemonset-update.js';
import { claimObjects, fieldManager, ownersSelecting, routePodUpdate, sameJson } from '../shared/statefulset-daemonset-common.js';

const dsKind = { apiVersion: 'apps/v1', kind: 'DaemonSet' };

function selectorOf(ds: KubeObject): LabelSelector | undefined {
  try {
    return labelSelectorFromObject(dsSpec(ds).selector as Parameters<typeof labelSelectorFromObject>[0]);
  } catch {
    return undefined;
  }
}

/** The status as Go serializes it: the four scheduling counts always, the rest only when non-zero. */
function statusWith(ds: KubeObject, counts: DaemonCounts, observedGeneration: boolean): Record<string, unknown> {
  const status: Record<string, unknown> = { ...((ds.status as Record<string, unknown> | undefined) ?? {}) };
  if (observedGeneration) status.observedGeneration = ds.metadata.generation;
  for (const [field, value] of Object.entries(counts)) status[field] = value;
  for (const field of ['observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable']) if (!status[field]) delete status[field];
  return status;
}

/** storeDaemonSetStatus: writes the counts unless they and observedGeneration are current; one retry on a fresh read. */
async function storeStatus(ctx: ControllerContext, ds: KubeObject, counts: DaemonCounts, updateObservedGen: boolean): Promise<void> {
  const current = (ds.status ?? {}) as Record<string, number | undefined>;
  const unchanged = Object.entries(counts).every(([field, value]) => (current[field] ?? 0) === value);
  if (unchanged && (current.observedGeneration ?? 0) >= (ds.metadata.generation ?? 0)) return;
  let target = ds;
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.client.update('apps/v1', 'daemonsets', ds.metadata.namespace, { ...target, status: statusWith(target, counts, updateObservedGen) }, { subresource: 'status', fieldManager });
      return;
    } catch (err) {
      if (attempt >= 1) throw new Error(`error storing status for daemon set ${ds.metadata.name}: ${(err as Error).message}`);
      target = await ctx.client.get('apps/v1', 'daemonsets', ds.metadata.namespace, ds.metadata.name!);
    }
  }
}

export function daemonSetController(): Controller {
  let ctx: ControllerContext;
  let sets: SharedInformer;
  let pods: SharedInformer;
  let nodes: SharedInformer;
  let revisions: SharedInformer;
  const backoff = new FailedPodsBackoff();
  let expectations: ControllerExpectations;

  const selecting = (obj: KubeObject) => ownersSelecting(sets.list(), obj.metadata.namespace, obj.metadata.labels, selectorOf);
  const enqueueOwnerOf = (obj: KubeObject) => ctx.enqueueOwner(obj, dsKind, sets);

  const onPodDelete = (pod: KubeObject) => {
    const key = ownerKeyFor(pod, dsKind, sets);
    if (key === undefined) return;
    expectations.deletionObserved(key);
    ctx.queue.add(key);
  };
  const onPodAdd = (pod: KubeObject) => {
    if (pod.metadata.deletionTimestamp) return onPodDelete(pod);
    if (!controllerOf(pod)) {
      // Orphans are nobody's creation to observe; whoever selects them may adopt them.
      for (const ds of selecting(pod)) ctx.enqueue(ds);
      return;
    }
    const key = ownerKeyFor(pod, dsKind, sets);
    if (key === undefined) return;
    expectations.creationObserved(key);
    ctx.queue.add(key);
  };
  const onPodUpdate = (oldPod: KubeObject, pod: KubeObject) => {
    if (oldPod.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    // A graceful delete: replace the pod now rather than when the kubelet finally removes it.
    if (pod.metadata.deletionTimestamp) return onPodDelete(pod);
    const enqueueSelecting = (orphan: KubeObject) => {
      for (const ds of selecting(orphan)) ctx.enqueue(ds);
    };
    routePodUpdate({ ctx, owners: sets, ownerKind: dsKind, minReadySecondsOf: (ds) => dsSpec(ds).minReadySeconds ?? 0, enqueueSelecting }, oldPod, pod);
  };

  const onHistoryDelete = (history: KubeObject) => {
    if (controllerOf(history)) enqueueOwnerOf(history);
  };
  const onHistoryAdd = (history: KubeObject) => {
    if (history.metadata.deletionTimestamp) return onHistoryDelete(history);
    // An owned revision needs nothing; an orphan may be adopted.
    if (!controllerOf(history)) for (const ds of selecting(history)) ctx.enqueue(ds);
  };
  const onHistoryUpdate = (oldHistory: KubeObject, history: KubeObject) => {
    if (oldHistory.metadata.resourceVersion === history.metadata.resourceVersion) return;
    const oldRef = controllerOf(oldHistory);
    const refChanged = !sameJson(oldRef, controllerOf(history));
    if (refChanged && oldRef) enqueueOwnerOf(oldHistory);
    if (controllerOf(history)) enqueueOwnerOf(history);
    else if (refChanged || !sameJson(oldHistory.metadata.labels, history.metadata.labels)) for (const ds of selecting(history)) ctx.enqueue(ds);
  };

  const onNodeAdd = (node: KubeObject) => {
    for (const ds of sets.list()) if (nodeShouldRunDaemonPod(node, ds).shouldRun) ctx.enqueue(ds);
  };
  const onNodeUpdate = (oldNode: KubeObject, node: KubeObject) => {
    const taints = (n: KubeObject) => (n.spec as { taints?: unknown } | undefined)?.taints;
    // Only labels and taints decide where daemons run.
    if (sameJson(oldNode.metadata.labels, node.metadata.labels) && sameJson(taints(oldNode), taints(node))) return;
    for (const ds of sets.list()) {
      const before = nodeShouldRunDaemonPod(oldNode, ds);
      const after = nodeShouldRunDaemonPod(node, ds);
      if (before.shouldRun !== after.shouldRun || before.shouldContinueRunning !== after.shouldContinueRunning) ctx.enqueue(ds);
    }
  };
  /**
   * Upstream has no node delete handler: pod GC removes scheduled pods of a deleted node, and the informers' periodic
   * resync (12 to 24 hours) brings each DaemonSet round to delete unscheduled ones. Without a resync here, a deleted
   * node wakes the DaemonSets directly.
   */
  const onNodeDelete = () => {
    for (const ds of sets.list()) ctx.enqueue(ds);
  };

  const sync = async (ds: KubeObject): Promise<number | undefined> => {
    const key = keyOf(ds);
    const nodeList = nodes.list();
    const selector = dsSpec(ds).selector as Record<string, unknown> | undefined;
    if (selector && Object.keys(selector).length === 0) {
      ctx.recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return undefined;
    }
    // History of a DaemonSet being deleted may already be gone, so its status cannot be trusted: leave it be.
    if (ds.metadata.deletionTimestamp) return undefined;
    const parsed = selectorOf(ds);
    if (!parsed) throw new Error(`invalid selector of DaemonSet ${key}`);
    let requeue: number | undefined;
    const env: DaemonEnv = {
      ctx,
      pods,
      nodes,
      revisions,
      backoff,
      expectations,
      key,
      requeueAfter: (ms) => (requeue = requeue === undefined ? ms : Math.min(requeue, ms)),
      daemonPods: (owner) =>
        claimObjects(
          inNamespace(pods, owner.metadata.namespace),
          { client: ctx.client, owner, ownerResource: 'daemonsets', selector: parsed, apiVersion: 'v1', resource: 'pods' },
        ),
    };
    let cur: KubeObject;
    let old: KubeObject[];
    try {
      ({ cur, old } = await constructHistory(env, ds, parsed));
    } catch (err) {
      throw new Error(`failed to construct revisions of DaemonSet: ${(err as Error).message}`);
    }
    const hash = cur.metadata.labels?.[hashLabel] ?? '';
    // Until its last creates and deletes are seen, only the status is refreshed (and observedGeneration is not raised).
    if (!expectations.satisfied(key)) {
      await storeStatus(ctx, ds, await countDaemonPods(env, ds, nodeList, hash), false);
      return requeue;
    }
    let error: unknown;
    try {
      await manage(env, ds, nodeList, hash);
      if (expectations.satisfied(key) && dsSpec(ds).updateStrategy?.type === 'RollingUpdate') await rollingUpdate(env, ds, nodeList, hash);
      try {
        await cleanupHistory(env, ds, old, await env.daemonPods(ds));
      } catch (err) {
        throw new Error(`failed to clean up revisions of DaemonSet: ${(err as Error).message}`);
      }
    } catch (err) {
      error = err;
    }
    // The status is written even when the work above failed; the first error wins.
    const counts = await countDaemonPods(env, ds, nodeList, hash);
    try {
      await storeStatus(ctx, ds, counts, true);
    } catch (err) {
      if (error === undefined) error = err;
      else ctx.logError(err);
    }
    if (error !== undefined) throw error;
    // A last line of defence against clock skew: look again once minReadySeconds have passed.
    const minReadySeconds = dsSpec(ds).minReadySeconds ?? 0;
    if (minReadySeconds > 0 && counts.numberReady !== counts.numberAvailable) env.requeueAfter(minReadySeconds * 1000);
    return requeue;
  };

  return {
    name: 'daemonset',
    component: 'daemonset-controller',
    start(c) {
      ctx = c;
      expectations = new ControllerExpectations(ctx.clock);
      sets = ctx.informers.informerFor('apps/v1', 'daemonsets');
      revisions = ctx.informers.informerFor('apps/v1', 'controllerrevisions');
      pods = ctx.informers.informerFor('v1', 'pods');
      nodes = ctx.informers.informerFor('v1', 'nodes');
      sets.addEventHandler({
        onAdd: (ds) => ctx.enqueue(ds),
        onUpdate: (_old, ds) => ctx.enqueue(ds),
        // A DaemonSet recreated under the same name starts with clean expectations.
        onDelete: (ds) => {
          expectations.delete(keyOf(ds));
          ctx.enqueue(ds);
        },
      });
      revisions.addEventHandler({ onAdd: onHistoryAdd, onUpdate: onHistoryUpdate, onDelete: onHistoryDelete });
      pods.addEventHandler({ onAdd: onPodAdd, onUpdate: onPodUpdate, onDelete: onPodDelete });
      nodes.addEventHandler({ onAdd: onNodeAdd, onUpdate: onNodeUpdate, onDelete: onNodeDelete });
    },
    async reconcile(key) {
      const ds = sets.get(key);
      if (!ds) {
        expectations.delete(key);
        return;
      }
      const requeueAfter = await sync(ds);
      if (requeueAfter !== undefined) return { requeueAfter };
    },
  };
}

