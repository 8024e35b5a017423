// kube-scheduler as a controller: queues pending pods, runs the default profile's plugins, binds, or explains why not.
import { isDeepStrictEqual } from 'node:util';
import type { Controller, ControllerContext, SharedInformer } from '../controllers/runtime/index.js';
import { messageOf } from '../controllers/shared/api-errors.js';
import type { KubeObject } from '../meta/types.js';
import { BindingCycle } from './binding-cycle.js';
import { informerListers, listerInformers } from './cluster-listers.js';
import { defaultPlugins } from './default-plugins.js';
import { fitErrorMessage } from './fit-error.js';
import { newCycle, podPriority, status, statusMessage, type ClusterListers, type Nominating, type PodInfo, type PostFilterResult } from './framework.js';
import { PodStatusWriter, truncateMessage } from './pod-status-writer.js';
import { DefaultPreemption } from './preemption.js';
import { seededRandom } from '../meta/seeded-random.js';
import { SchedulingFramework, type ScheduleOutcome } from './schedule-one.js';
import { SchedulingQueue, type ClusterEvent } from './scheduling-queue.js';
import { Nominator } from './nominator.js';
import { SchedulerCache } from './scheduler-cache.js';
import { assignedNode, isTerminal, podKey, Snapshot } from './snapshot.js';
import { volumeDecisionsFor } from './plugins/volume-binding.js';

export interface SchedulerOptions {
  /** Seeds the PRNG that breaks ties between equally scored nodes (and picks preemption's starting node). */
  seed?: number;
  /** The spec.schedulerName this scheduler serves; `default-scheduler` by default. */
  schedulerName?: string;
}

const ALL: ClusterEvent = { label: 'all', plugins: 'all' };
const ASSIGNED_POD_DELETE: ClusterEvent = { label: 'AssignedPodDelete', plugins: new Set(['NodeResourcesFit', 'NodePorts', 'InterPodAffinity', 'PodTopologySpread']) };
const ASSIGNED_POD_ADD_OR_UPDATE: ClusterEvent = { label: 'AssignedPodChange', plugins: new Set(['InterPodAffinity', 'PodTopologySpread']) };
const STORAGE_CHANGE: ClusterEvent = { label: 'StorageChange', plugins: new Set(['VolumeBinding']) };
const NAMESPACE_CHANGE: ClusterEvent = { label: 'NamespaceLabelChange', plugins: new Set(['InterPodAffinity']) };

function gated(pod: KubeObject): boolean {
  const gates = (pod.spec as { schedulingGates?: unknown[] } | undefined)?.schedulingGates;
  return Array.isArray(gates) && gates.length > 0;
}

/** The node changes that can make a pod fit (nodeSchedulingPropertiesChange); heartbeats and conditions do not. */
function schedulingPropertiesChanged(oldNode: KubeObject, newNode: KubeObject): boolean {
  const spec = (n: KubeObject) => n.spec as { unschedulable?: boolean; taints?: unknown } | undefined;
  const allocatable = (n: KubeObject) => (n.status as { allocatable?: unknown } | undefined)?.allocatable;
  return (
    !isDeepStrictEqual(oldNode.metadata.labels ?? {}, newNode.metadata.labels ?? {}) ||
    !isDeepStrictEqual(spec(oldNode)?.taints ?? [], spec(newNode)?.taints ?? []) ||
    (spec(oldNode)?.unschedulable ?? false) !== (spec(newNode)?.unschedulable ?? false) ||
    !isDeepStrictEqual(allocatable(oldNode), allocatable(newNode))
  );
}

export class Scheduler implements Controller {
  readonly name = 'scheduler';
  readonly component = 'default-scheduler';
  readonly workers = 1;
  private ctx!: ControllerContext;
  private queue!: SchedulingQueue;
  private pods!: SharedInformer;
  private listers!: ClusterListers;
  private podDisruptionBudgets!: SharedInformer;
  private cache!: SchedulerCache;
  private readonly snapshot = new Snapshot();
  private readonly nominator = new Nominator();
  private framework!: SchedulingFramework;
  private writer!: PodStatusWriter;
  private binding!: BindingCycle;
  private readonly schedulerName: string;
  private readonly random: () => number;
  /** The nominator's view ahead of the informer: the nomination just written, '' when just cleared. */
  private readonly nominations = new Map<string, string>();

  constructor(options: SchedulerOptions = {}) {
    this.schedulerName = options.schedulerName ?? 'default-scheduler';
    this.random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.queue = new SchedulingQueue(ctx.clock, (key) => ctx.queue.add(key));
    this.pods = ctx.informers.informerFor('v1', 'pods');
    const nodes = ctx.informers.informerFor('v1', 'nodes');
    const inf = listerInformers(ctx.informers);
    this.listers = informerListers(inf);
    this.podDisruptionBudgets = inf.podDisruptionBudgets;
    this.cache = new SchedulerCache((key) => this.pods.get(key));
    this.writer = new PodStatusWriter(ctx, ctx.clock);
    const preemption = new DefaultPreemption({
      framework: () => this.framework,
      nominated: (nodeName) => this.nominatedPods(nodeName),
      podDisruptionBudgets: () => this.podDisruptionBudgets.list(),
      currentPod: (key) => this.pods.get(key),
      evict: (victim, preemptor, nodeName) => this.writer.evict(victim, preemptor, nodeName),
      clearNominations: async (pods) => {
        for (const pod of pods) {
          this.setNomination(podKey(pod), '');
          await this.writer.clearNomination(pod);
        }
      },
      random: this.random,
    });
    this.framework = new SchedulingFramework(defaultPlugins(preemption), this.random);
    this.binding = new BindingCycle(ctx, {
      forget: (key) => this.forget(key),
      failed: (pod, message) => this.bindingFailed(pod, message),
      claim: (namespace, name) => this.listers.persistentVolumeClaim(namespace, name),
      nominate: (pod, nodeName) => this.writer.recordNomination(pod, nodeName),
    });

    this.pods.addEventHandler({
      onAdd: (pod) => {
        this.cache.podAdded(pod);
        this.refreshNomination(podKey(pod));
        this.podAdded(pod);
      },
      onUpdate: (oldPod, newPod) => {
        this.cache.podUpdated(newPod);
        this.refreshNomination(podKey(newPod));
        this.podUpdated(oldPod, newPod);
      },
      onDelete: (pod) => {
        this.cache.podDeleted(pod);
        this.refreshNomination(podKey(pod));
        this.podDeleted(pod);
      },
    });
    nodes.addEventHandler({
      onAdd: (node) => {
        this.cache.setNode(node);
        this.queue.moveAll(ALL);
      },
      onUpdate: (oldNode, newNode) => {
        this.cache.setNode(newNode);
        if (schedulingPropertiesChanged(oldNode, newNode)) this.queue.moveAll(ALL);
      },
      onDelete: (node) => this.cache.removeNode(node),
    });
    const storageChanged = (obj: KubeObject) => {
      this.queue.moveAll(STORAGE_CHANGE);
      if (obj.metadata.namespace) {
        for (const key of this.binding.waitingOnClaim(obj.metadata.namespace ?? '', obj.metadata.name ?? '')) ctx.queue.add(key);
      }
    };
    for (const informer of [inf.persistentVolumeClaims, inf.persistentVolumes, inf.storageClasses]) {
      informer.addEventHandler({ onAdd: storageChanged, onUpdate: (_o, n) => storageChanged(n) });
    }
    inf.namespaces.addEventHandler({
      onUpdate: (o, n) => {
        if (!isDeepStrictEqual(o.metadata.labels ?? {}, n.metadata.labels ?? {})) this.queue.moveAll(NAMESPACE_CHANGE);
      },
    });
  }

  /** Queue keys are tokens: each reconcile finishes a volume wait named by the key, then runs one scheduling cycle. */
  async reconcile(key: string): Promise<void> {
    if (this.binding.isWaiting(key)) await this.binding.resume(key);
    const next = this.queue.pop();
    if (next !== undefined) await this.scheduleOne(next);
  }

  private responsible(pod: KubeObject): boolean {
    return ((pod.spec as { schedulerName?: string } | undefined)?.schedulerName ?? 'default-scheduler') === this.schedulerName;
  }

  /** Pending pods this scheduler should place: unassigned, alive, ungated, its schedulerName. */
  private schedulable(pod: KubeObject): boolean {
    return this.responsible(pod) && !assignedNode(pod) && !pod.metadata.deletionTimestamp && !isTerminal(pod) && !gated(pod);
  }

  private podAdded(pod: KubeObject): void {
    if (assignedNode(pod)) {
      if (!isTerminal(pod)) this.queue.moveAll(ASSIGNED_POD_ADD_OR_UPDATE);
      return;
    }
    if (this.schedulable(pod)) this.queue.add(podKey(pod), podPriority(pod));
  }

  private podUpdated(oldPod: KubeObject, newPod: KubeObject): void {
    const key = podKey(newPod);
    if (assignedNode(newPod)) {
      if (!assignedNode(oldPod)) {
        this.queue.done(key);
        this.setNomination(key, undefined);
        const assumed = this.cache.assumedPod(key);
        if (assumed && assignedNode(assumed) === assignedNode(newPod)) this.forget(key);
      }
      if (isTerminal(newPod) && !isTerminal(oldPod)) this.queue.moveAll(ASSIGNED_POD_DELETE);
      else if (!isDeepStrictEqual(oldPod.metadata.labels ?? {}, newPod.metadata.labels ?? {}) || (!oldPod.metadata.deletionTimestamp && newPod.metadata.deletionTimestamp)) {
        this.queue.moveAll(ASSIGNED_POD_ADD_OR_UPDATE);
      }
      return;
    }
    if (!this.schedulable(newPod)) {
      this.queue.delete(key);
      return;
    }
    if (this.cache.isAssumed(key) || this.binding.isWaiting(key)) return;
    if (!this.queue.has(key)) {
      this.queue.add(key, podPriority(newPod));
      return;
    }
    const specChanged = oldPod.metadata.generation !== newPod.metadata.generation || !isDeepStrictEqual(oldPod.metadata.labels ?? {}, newPod.metadata.labels ?? {});
    if (specChanged) this.queue.podUpdated(key, podPriority(newPod));
  }

  private podDeleted(pod: KubeObject): void {
    const key = podKey(pod);
    this.queue.delete(key);
    this.setNomination(key, undefined);
    this.binding.cancel(key);
    if (assignedNode(pod) && !isTerminal(pod)) this.queue.moveAll(ASSIGNED_POD_DELETE);
  }

  private nominatedNodeName(pod: KubeObject): string {
    return this.nominations.get(podKey(pod)) ?? (pod.status as { nominatedNodeName?: string } | undefined)?.nominatedNodeName ?? '';
  }

  private setNomination(key: string, nodeName: string | undefined): void {
    if (nodeName === undefined) this.nominations.delete(key);
    else this.nominations.set(key, nodeName);
    this.refreshNomination(key);
  }

  private assume(key: string, pod: KubeObject): void {
    this.cache.assume(key, pod);
    this.refreshNomination(key);
  }

  /** The pod now carries nodeName in the informer (or never will): it is counted from its listed copy, if any. */
  private forget(key: string): void {
    this.cache.forget(key);
    this.refreshNomination(key);
  }

  /** The nominator counts pending pods of ours, not being deleted or bound, nominated to a node by an earlier preemption. */
  private refreshNomination(key: string): void {
    const p = this.pods.get(key);
    const nodeName = !p || assignedNode(p) || p.metadata.deletionTimestamp || this.cache.isAssumed(key) || !this.responsible(p) ? '' : this.nominatedNodeName(p);
    this.nominator.set(key, nodeName);
  }

  /** The pods nominated to the node, in the order the pod informer lists them. */
  private nominatedPods(nodeName: string): PodInfo[] {
    if (this.nominator.size === 0) return [];
    const keys = this.nominator.keysOn(nodeName);
    if (keys.length === 0) return [];
    keys.sort((a, b) => this.cache.listPosition(a) - this.cache.listPosition(b));
    return keys.map((key) => this.cache.podInfo(this.pods.get(key)!));
  }

  private async scheduleOne(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || !this.schedulable(pod)) {
      this.queue.delete(key);
      return;
    }
    const nodes = this.snapshot.update(this.cache);
    const cycle = newCycle(nodes, this.listers, this.ctx.clock.now(), this.snapshot.groups);
    let outcome: ScheduleOutcome;
    try {
      // schedulePod does not yield, so the nominator cannot change under it.
      outcome = this.framework.schedulePod(nodes, cycle, pod, (nodeName) => this.nominatedPods(nodeName));
    } catch (err) {
      outcome = { kind: 'error', message: messageOf(err) };
    }
    if (outcome.kind === 'scheduled') {
      this.queue.done(key);
      this.setNomination(key, undefined);
      const placed = { ...pod, spec: { ...(pod.spec as object), nodeName: outcome.nodeName } };
      this.assume(key, placed);
      await this.binding.start(pod, outcome.nodeName, volumeDecisionsFor(outcome.cycle, outcome.nodeName));
      return;
    }
    if (outcome.kind === 'error') {
      this.queue.error(key);
      await this.recordFailure(pod, 'SchedulerError', outcome.message, { mode: 'Override', nodeName: '' });
      return;
    }
    if (outcome.kind === 'noNodes') {
      this.queue.unschedulable(key, new Set());
      await this.recordFailure(pod, 'Unschedulable', outcome.message, { mode: 'Override', nodeName: '' });
      return;
    }
    const { diagnosis } = outcome;
    let post: PostFilterResult;
    try {
      post = await this.framework.runPostFilter(outcome.cycle, pod, diagnosis.nodeToStatus);
    } catch (err) {
      // A failed eviction is a PostFilter Error: it ends up in the message, and the pod tries again later.
      post = { status: status('Error', messageOf(err)) };
    }
    // An Error here (DynamicResources' "not found" after a PreFilter rejection) only reaches the message, as upstream.
    diagnosis.postFilterMsg = statusMessage(post.status);
    const rejectors = new Set<string>();
    for (const s of [...diagnosis.nodeToStatus.statuses.values(), diagnosis.nodeToStatus.absent]) if (s.plugin) rejectors.add(s.plugin);
    this.queue.unschedulable(key, rejectors);
    await this.recordFailure(pod, 'Unschedulable', fitErrorMessage(outcome.numAllNodes, diagnosis), post.nominating);
  }

  /** handleSchedulingFailure: the nominator, a FailedScheduling Event, then PodScheduled=False on the pod. */
  private async recordFailure(pod: KubeObject, reason: string, message: string, nominating: Nominating | undefined): Promise<void> {
    if (nominating?.mode === 'Override') this.setNomination(podKey(pod), nominating.nodeName);
    this.ctx.recorder.event(pod, 'Warning', 'FailedScheduling', truncateMessage(message));
    const current = this.pods.get(podKey(pod));
    if (!current || assignedNode(current)) return;
    try {
      await this.writer.recordFailure(current, reason, message, nominating);
    } catch (err) {
      this.ctx.logError(new Error(`scheduler: updating pod ${podKey(pod)}: ${messageOf(err)}`));
    }
  }

  /** handleBindingCycleError: back to the queue after a backoff, unless the pod is gone or bound meanwhile. */
  private async bindingFailed(pod: KubeObject, message: string): Promise<void> {
    const key = podKey(pod);
    const current = this.pods.get(key);
    if (current && this.schedulable(current)) {
      this.queue.add(key, podPriority(current));
      this.queue.error(key);
    }
    await this.recordFailure(pod, 'SchedulerError', message, { mode: 'Override', nodeName: '' });
  }
}

/** The default scheduler as a controller of the manager, named `scheduler`, recording Events as `default-scheduler`. */
export function schedulerController(options: SchedulerOptions = {}): Scheduler {
  return new Scheduler(options);
}
