// A DaemonSet's pods (daemon_controller.go): which nodes need one, which must go, the writes, and the status counts.
import type { KubeObject } from '../../meta/types.js';
import { isPodAvailable, isPodReady, podFromTemplate, podPhase } from '../shared/pod-util.js';
import type { ControllerContext } from '../runtime/controller.js';
import type { SharedInformer } from '../runtime/informer.js';
import type { ControllerExpectations } from '../runtime/expectations.js';
import { dsSpec, hashLabel, type HistoryEnv } from './daemonset-history.js';
import { addDaemonTolerations, nodeShouldRunDaemonPod, pinToNode, targetNodeName, type PodSpec } from './daemonset-scheduling.js';
import { errorCode, messageOf, namespaceTerminating } from '../shared/api-errors.js';
import { aggregateError, fieldManager, scaledValueFromIntOrPercent, slowStartBatch } from '../shared/statefulset-daemonset-common.js';

/** Pods created or deleted in one sync at most, so a huge cluster does not flood the API server. */
const burstReplicas = 250;
const templateGenerationAnnotation = 'deprecated.daemonset.template.generation';
const templateGenerationLabel = 'pod-template-generation';

export interface DaemonEnv extends HistoryEnv {
  ctx: ControllerContext;
  pods: SharedInformer;
  nodes: SharedInformer;
  backoff: FailedPodsBackoff;
  expectations: ControllerExpectations;
  /** The DaemonSet's queue key, under which expectations are kept. */
  key: string;
  /** Asks for another sync of this DaemonSet in `ms`. */
  requeueAfter(ms: number): void;
}

/** flowcontrol.Backoff as kube-controller-manager configures it for failed daemon pods: 1s doubling to 15m. */
export class FailedPodsBackoff {
  private readonly entries = new Map<string, { backoff: number; lastUpdate: number }>();
  private readonly initialMs = 1000;
  private readonly maxMs = 15 * 60 * 1000;

  isInBackOffSinceUpdate(key: string, now: number): boolean {
    const entry = this.entries.get(key);
    return entry !== undefined && now - entry.lastUpdate < entry.backoff;
  }

  delay(key: string): number {
    return this.entries.get(key)?.backoff ?? 0;
  }

  next(key: string, now: number): void {
    const entry = this.entries.get(key);
    // An entry idle for twice the cap starts over.
    const fresh = !entry || now - entry.lastUpdate > 2 * this.maxMs;
    this.entries.set(key, { backoff: fresh ? this.initialMs : Math.min(entry.backoff * 2, this.maxMs), lastUpdate: now });
  }
}

/** The deprecated template generation annotation the API server keeps for old clients; undefined if absent or bad. */
export function templateGeneration(ds: KubeObject): string | undefined {
  const value = ds.metadata.annotations?.[templateGenerationAnnotation];
  return value !== undefined && /^[+-]?[0-9]+$/.test(value) ? String(BigInt(value)) : undefined;
}

/** IsPodUpdated: the pod carries the current hash, or the current template generation. */
export function isPodUpdated(pod: KubeObject, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata.labels ?? {};
  return (generation !== undefined && labels[templateGenerationLabel] === generation) || (hash !== '' && labels[hashLabel] === hash);
}

function isTerminal(pod: KubeObject): boolean {
  const phase = podPhase(pod);
  return phase === 'Failed' || phase === 'Succeeded';
}

/** podByCreationTimestampAndPhase: scheduled pods first, then the oldest, then by name. */
export function byAgeScheduledFirst(a: KubeObject, b: KubeObject): number {
  const scheduled = (p: KubeObject) => Boolean((p.spec as PodSpec | undefined)?.nodeName);
  if (scheduled(a) !== scheduled(b)) return scheduled(a) ? -1 : 1;
  const at = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const bt = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  if (at !== bt) return at - bt;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
}

/** getNodesToDaemonPods: claimed pods by the node they are bound or pinned to; finished pods on their way out skipped. */
export async function nodesToDaemonPods(env: DaemonEnv, ds: KubeObject, includeDeletedTerminal: boolean): Promise<Map<string, KubeObject[]>> {
  const byNode = new Map<string, KubeObject[]>();
  for (const pod of await env.daemonPods(ds)) {
    if (!includeDeletedTerminal && isTerminal(pod) && pod.metadata.deletionTimestamp) continue;
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  return byNode;
}

export function surgeCount(ds: KubeObject, numberToSchedule: number): number {
  const strategy = dsSpec(ds).updateStrategy;
  if (strategy?.type !== 'RollingUpdate' || !strategy.rollingUpdate || strategy.rollingUpdate.maxSurge === undefined) return 0;
  return scaledValueFromIntOrPercent(strategy.rollingUpdate.maxSurge, numberToSchedule, true);
}

export function unavailableCount(ds: KubeObject, numberToSchedule: number): number {
  const strategy = dsSpec(ds).updateStrategy;
  if (strategy?.type !== 'RollingUpdate' || !strategy.rollingUpdate) return 0;
  return scaledValueFromIntOrPercent(strategy.rollingUpdate.maxUnavailable, numberToSchedule, true);
}

function allowsSurge(ds: KubeObject): boolean {
  try {
    return surgeCount(ds, 1) > 0;
  } catch {
    return false;
  }
}

/** podsShouldBeOnNode: whether the node needs a pod, and which of its pods must go (failed, finished, extra, unwanted). */
function podsShouldBeOnNode(env: DaemonEnv, node: KubeObject, byNode: Map<string, KubeObject[]>, ds: KubeObject, hash: string): { create: string[]; remove: string[] } {
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
  const nodeName = node.metadata.name!;
  const daemonPods = byNode.get(nodeName);
  const create: string[] = [];
  const remove: string[] = [];
  if (shouldRun && !daemonPods) {
    create.push(nodeName);
  } else if (shouldContinueRunning) {
    const running: KubeObject[] = [];
    for (const pod of daemonPods ?? []) {
      if (pod.metadata.deletionTimestamp) continue;
      const phase = podPhase(pod);
      const where = `${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}`;
      if (phase === 'Failed') {
        // The DaemonSet often fights a kubelet that rejects its pods: back off instead of hot-looping.
        const key = `${ds.metadata.uid}/${(ds.status as { observedGeneration?: number } | undefined)?.observedGeneration ?? 0}/${nodeName}`;
        const now = env.ctx.clock.now();
        if (env.backoff.isInBackOffSinceUpdate(key, now)) {
          env.requeueAfter(env.backoff.delay(key));
          continue;
        }
        env.backoff.next(key, now);
        env.ctx.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${where}, will try to kill it`);
        remove.push(pod.metadata.name!);
      } else if (phase === 'Succeeded') {
        env.ctx.recorder.event(ds, 'Normal', 'SucceededDaemonPod', `Found succeeded daemon pod ${where}, will try to delete it`);
        remove.push(pod.metadata.name!);
      } else {
        running.push(pod);
      }
    }
    running.sort(byAgeScheduledFirst);
    if (!allowsSurge(ds)) {
      // Without surge only the oldest pod stays.
      for (const extra of running.slice(1)) remove.push(extra.metadata.name!);
    } else if (running.length <= 1) {
      if (running.length === 0 && shouldRun) create.push(nodeName);
    } else {
      // With surge, an old pod and a new one may overlap until the new one is available.
      let oldestNew: KubeObject | undefined;
      let oldestOld: KubeObject | undefined;
      for (const pod of running) {
        const isNew = pod.metadata.labels?.[hashLabel] === hash;
        if (isNew && !oldestNew) oldestNew = pod;
        else if (!isNew && !oldestOld) oldestOld = pod;
        else remove.push(pod.metadata.name!);
      }
      const minReadySeconds = dsSpec(ds).minReadySeconds ?? 0;
      if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReadySeconds, env.ctx.clock.now()))) {
        remove.push(oldestOld.metadata.name!);
      }
    }
  } else if (daemonPods) {
    for (const pod of daemonPods) if (!pod.metadata.deletionTimestamp) remove.push(pod.metadata.name!);
  }
  return { create, remove };
}

/** manage: a pod for each node that needs one, none where none belongs, none pinned to a node that is gone. */
export async function manage(env: DaemonEnv, ds: KubeObject, nodes: KubeObject[], hash: string): Promise<void> {
  const byNode = await nodesToDaemonPods(env, ds, false);
  const create: string[] = [];
  const remove: string[] = [];
  for (const node of nodes) {
    const verdict = podsShouldBeOnNode(env, node, byNode, ds, hash);
    create.push(...verdict.create);
    remove.push(...verdict.remove);
  }
  // Unscheduled pods bound for a missing node would never be scheduled, and pod GC only collects scheduled ones.
  const existing = new Set(nodes.map((n) => n.metadata.name));
  for (const [nodeName, pods] of byNode) {
    if (existing.has(nodeName)) continue;
    for (const pod of pods) if (!(pod.spec as PodSpec | undefined)?.nodeName) remove.push(pod.metadata.name!);
  }
  await syncNodes(env, ds, remove, create, hash);
}

/** CreatePodTemplate: the template with the daemon tolerations, the template generation and the revision hash. */
function podTemplateFor(ds: KubeObject, hash: string): { metadata: { labels: Record<string, string> }; spec: PodSpec } {
  const template = structuredClone(dsSpec(ds).template ?? {}) as { metadata?: { labels?: Record<string, string> }; spec?: PodSpec };
  const spec = (template.spec ??= {});
  addDaemonTolerations(spec);
  const labels = { ...(template.metadata?.labels ?? {}) };
  const generation = templateGeneration(ds);
  if (generation !== undefined) labels[templateGenerationLabel] = generation;
  if (hash) labels[hashLabel] = hash;
  return { ...template, metadata: { ...(template.metadata ?? {}), labels }, spec };
}

/** syncNodes: creates pods pinned to the nodes (in slow-start batches) and deletes the named pods, with events. */
export async function syncNodes(env: DaemonEnv, ds: KubeObject, podsToDelete: string[], nodesNeedingPods: string[], hash: string): Promise<void> {
  const { client, recorder } = env.ctx;
  const namespace = ds.metadata.namespace;
  const template = podTemplateFor(ds, hash);
  const createCount = Math.min(nodesNeedingPods.length, burstReplicas);
  const deleteCount = Math.min(podsToDelete.length, burstReplicas);
  // Expectations go up before the writes: their watch events may arrive before the writes return.
  env.expectations.set(env.key, createCount, deleteCount);
  let attempted = 0;
  const createOne = async (i: number) => {
    attempted++;
    const podTemplate = structuredClone(template);
    pinToNode(podTemplate.spec, nodesNeedingPods[i]);
    try {
      const created = await client.create('v1', 'pods', namespace, podFromTemplate(podTemplate, ds, ds.metadata.name!), { fieldManager });
      recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (err) {
      // Every later create would fail the same way in a namespace being torn down.
      if (namespaceTerminating(err)) return;
      recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${messageOf(err)}`);
      env.expectations.creationObserved(env.key);
      throw err;
    }
  };
  const deleteOne = async (name: string) => {
    try {
      await client.delete('v1', 'pods', namespace, name);
      recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (err) {
      env.expectations.deletionObserved(env.key);
      if (errorCode(err) === 404) return;
      recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${messageOf(err)}`);
      throw new Error(`unable to delete pods: ${messageOf(err)}`);
    }
  };
  const errs: unknown[] = [];
  try {
    await slowStartBatch(createCount, 1, createOne);
  } catch (err) {
    errs.push(err);
    // Creates never attempted after a failing batch will not be observed; the next sync retries them.
    env.expectations.lower(env.key, createCount - attempted, 0);
  }
  const deletions = await Promise.allSettled(podsToDelete.slice(0, deleteCount).map(deleteOne));
  for (const result of deletions) if (result.status === 'rejected') errs.push(result.reason);
  if (errs.length > 0) throw aggregateError(errs);
}

export interface DaemonCounts {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
}

/** The status counts: each node that should run a pod, judged by its oldest daemon pod. */
export async function countDaemonPods(env: DaemonEnv, ds: KubeObject, nodes: KubeObject[], hash: string): Promise<DaemonCounts> {
  const byNode = await nodesToDaemonPods(env, ds, false);
  const counts: DaemonCounts = { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 0 };
  const now = env.ctx.clock.now();
  const generation = templateGeneration(ds);
  for (const node of nodes) {
    const pods = byNode.get(node.metadata.name!) ?? [];
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (pods.length > 0) counts.numberMisscheduled++;
      continue;
    }
    counts.desiredNumberScheduled++;
    if (pods.length === 0) continue;
    counts.currentNumberScheduled++;
    const pod = [...pods].sort(byAgeScheduledFirst)[0];
    if (isPodReady(pod)) {
      counts.numberReady++;
      if (isPodAvailable(pod, dsSpec(ds).minReadySeconds ?? 0, now)) counts.numberAvailable++;
    }
    if (isPodUpdated(pod, hash, generation)) counts.updatedNumberScheduled++;
  }
  counts.numberUnavailable = counts.desiredNumberScheduled - counts.numberAvailable;
  return counts;
}
