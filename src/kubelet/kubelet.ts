// The fake kubelet: runs every pod bound to a simulated node through the stage lifecycle and reports it as upstream would.
import { fnv32a } from '../controllers/shared/pod-util.js';
import { errorCode } from '../controllers/shared/api-errors.js';
import { keyOf, podsOnNode, splitKey, type Controller, type ControllerContext, type SharedInformer } from '../controllers/runtime/index.js';
import { deepEqual } from '../meta/deep-equal.js';
import type { KubeObject } from '../meta/types.js';
import { isNodeSimulated } from './node-template.js';
import { BackOff } from './pod-back-off.js';
import { KubeletEventRecorder } from './pod-events.js';
import { PodIpAllocator } from './pod-ip.js';
import { buildRuntime, type NodeFacts, type PodRuntime } from './pod-runtime.js';
import { generatePodStatus } from './pod-status.js';
import { isTerminalPhase, podSpec, podStatus, type PodStatus } from './pod-types.js';
import { PodWorld, type KubeletState } from './pod-world.js';
import { copyStageMemory, newStageMemory, runStages, type Stage, type StageMemory } from './stage-engine.js';
import { defaultStages, defaultTimings, type KubeletTimings } from './stages.js';

export { isNodeSimulated, podAnnotations, simulateAnnotation } from './pod-annotations.js';
export { defaultStages, defaultTimings, type KubeletTimings } from './stages.js';
export type { Stage } from './stage-engine.js';
export { podLogs, type PodLogOptions } from './logs.js';
export { followPodLogs, type FollowOptions } from './logs-follow.js';
export { kubeletLogProvider, type KubeletLogProvider, type ValidatedLogOptions } from './logs-provider.js';

export interface KubeletOptions {
  /** Timings in milliseconds, over defaultTimings: `{ timeToRunning: 0, runDuration: 5000 }`. */
  defaults?: Partial<KubeletTimings>;
  /** The lifecycle; defaultStages unless you pass a list of your own (e.g. defaultStages plus a stage). */
  stages?: Stage[];
  /** Pods worked on at once (one pod is never worked on twice at once). */
  workers?: number;
}

interface NodeAddress {
  type?: string;
  address?: string;
}

/** The node as its kubelet knows it; a node without addresses or CIDRs gets stable ones derived from its name. */
export function nodeFacts(node: KubeObject): NodeFacts {
  const name = node.metadata.name ?? '';
  const spec = (node.spec ?? {}) as { podCIDR?: string; podCIDRs?: string[] };
  const addresses = ((node.status as { addresses?: NodeAddress[] } | undefined)?.addresses ?? []).filter((a) => a.type === 'InternalIP' && a.address);
  const hash = fnv32a(name);
  const hostIPs = addresses.length > 0 ? addresses.map((a) => a.address!) : [`172.18.0.${2 + (hash % 250)}`];
  const podCIDRs = spec.podCIDRs?.length ? spec.podCIDRs : spec.podCIDR ? [spec.podCIDR] : [`10.244.${hash % 256}.0/24`];
  return { name, hostIPs, podCIDRs };
}

/** Heartbeats rewrite nodes every few seconds; only what the kubelet reads about a node wakes its pods. */
function nodeChanged(old: KubeObject, current: KubeObject): boolean {
  return isNodeSimulated(old) !== isNodeSimulated(current) || !deepEqual(nodeFacts(old), nodeFacts(current));
}

/** resourceVersions are opaque, but both this server's and etcd's are increasing integers. */
function newer(a: KubeObject, b: KubeObject): KubeObject {
  return Number(a.metadata.resourceVersion) >= Number(b.metadata.resourceVersion) ? a : b;
}

/**
 * The kubelets of every simulated node, as one controller named `kubelet`: each pod bound to such a node goes through
 * the stages, its status written as the status manager writes it and its events recorded as from the kubelet on that
 * node. It runs in the controller manager, so settle() and advance() cover pods too. See docs/pod-behaviour.md.
 */
export function kubeletController(options: KubeletOptions = {}): Controller {
  const stages = options.stages ?? defaultStages;
  let ctx: ControllerContext;
  let pods: SharedInformer;
  let nodes: SharedInformer;
  let recorder: KubeletEventRecorder;
  const state: KubeletState = {
    timings: { ...defaultTimings, ...options.defaults },
    ips: new PodIpAllocator(),
    crashBackOff: new BackOff(),
    imageBackOff: new BackOff(),
    images: new Map(),
    finishedAt: new Map(),
  };
  const memories = new Map<string, StageMemory>();
  /** The pod as this kubelet last wrote it, newer than the informer's copy until the watch catches up. */
  const written = new Map<string, KubeObject>();
  const seededNodes = new Set<string>();

  const enqueueIfBound = (pod: KubeObject) => {
    if (podSpec(pod).nodeName) ctx.enqueue(pod);
  };
  const enqueueNodePods = (node: KubeObject) => {
    for (const pod of podsOnNode(pods, node.metadata.name ?? '')) ctx.enqueue(pod);
  };
  const forget = (pod: KubeObject) => {
    const uid = pod.metadata.uid ?? '';
    memories.delete(uid);
    state.ips.release(uid);
    state.crashBackOff.forgetPrefix(`${uid}/`);
    state.imageBackOff.forgetPrefix(`${uid}_`);
    for (const key of [...state.finishedAt.keys()]) if (key.startsWith(`${uid}/`)) state.finishedAt.delete(key);
    recorder.forgetPod(uid);
    if (written.get(keyOf(pod))?.metadata.uid === uid) written.delete(keyOf(pod));
  };

  /** Addresses pods on the node already report stay theirs, e.g. when this kubelet starts against a running cluster. */
  const seedNode = (node: NodeFacts) => {
    if (seededNodes.has(node.name)) return;
    seededNodes.add(node.name);
    for (const pod of podsOnNode(pods, node.name)) {
      const status = podStatus(pod);
      if (podSpec(pod).hostNetwork || isTerminalPhase(status.phase) || !status.podIPs?.length) continue;
      state.ips.reserve(node.name, node.podCIDRs, pod.metadata.uid ?? '', status.podIPs.map((p) => p.ip));
    }
  };

  const latest = (key: string): KubeObject | undefined => {
    const cached = pods.get(key);
    const mine = written.get(key);
    if (!cached) return undefined;
    if (!mine || mine.metadata.uid !== cached.metadata.uid) return cached;
    return newer(cached, mine);
  };

  /**
   * Writes the kubelet's status onto the freshest pod, as the status manager merges onto what it GETs: conditions
   * others own are kept. Returns the written pod, or undefined when the pod is gone or was replaced.
   */
  const writeStatus = async (rt: PodRuntime, from: KubeObject, now: number, generated: PodStatus): Promise<KubeObject | undefined> => {
    let base = from;
    for (let attempt = 0; ; attempt++) {
      rt.pod = base;
      // The world generated the status for `from` after its last transition; a re-read base needs it afresh.
      const status = attempt === 0 ? generated : generatePodStatus(rt, now);
      if (deepEqual(status, base.status)) return base;
      try {
        return await ctx.client.update('v1', 'pods', base.metadata.namespace, { ...base, status }, { subresource: 'status', fieldManager: 'kubelet' });
      } catch (err) {
        if (errorCode(err) === 404) return undefined;
        if (errorCode(err) !== 409 || attempt >= 8) throw err;
      }
      try {
        base = await ctx.client.get('v1', 'pods', base.metadata.namespace, base.metadata.name ?? '');
      } catch (err) {
        if (errorCode(err) === 404) return undefined;
        throw err;
      }
      if (base.metadata.uid !== from.metadata.uid) return undefined;
    }
  };

  return {
    name: 'kubelet',
    component: 'kubelet',
    workers: options.workers ?? 4,
    start(context: ControllerContext) {
      ctx = context;
      recorder = new KubeletEventRecorder(ctx.client, ctx.clock, (work) => ctx.track(work), (err) => ctx.logError(err));
      pods = ctx.informers.informerFor('v1', 'pods');
      nodes = ctx.informers.informerFor('v1', 'nodes');
      pods.addEventHandler({
        onAdd: enqueueIfBound,
        onUpdate: (_old, pod) => enqueueIfBound(pod),
        onDelete: forget,
      });
      nodes.addEventHandler({
        onAdd: enqueueNodePods,
        onUpdate: (old, node) => {
          if (nodeChanged(old, node)) enqueueNodePods(node);
        },
      });
    },
    async reconcile(key: string) {
      const pod = latest(key);
      const nodeName = pod ? podSpec(pod).nodeName : undefined;
      if (!pod || !nodeName) return;
      const node = nodes.get(nodeName);
      if (!node || !isNodeSimulated(node)) return;
      const facts = nodeFacts(node);
      seedNode(facts);
      const uid = pod.metadata.uid ?? '';
      const committed = memories.get(uid) ?? newStageMemory();
      const memory = copyStageMemory(committed);
      const now = ctx.clock.now();
      const world = new PodWorld(buildRuntime(pod, facts), now, state, memory);
      const run = runStages(stages, world, memory, now);
      const result = await writeStatus(world.rt, pod, now, world.current().status as PodStatus);
      if (!result) {
        if (!pods.get(key) || pods.get(key)?.metadata.uid !== uid) forget(pod);
        return;
      }
      if (result !== pod) written.set(key, result);
      memories.set(uid, memory);
      for (const { event, at } of world.events) recorder.record(result, facts.name, event, at);
      if (world.deleteRequested) {
        const { namespace, name } = splitKey(key);
        try {
          await ctx.client.delete('v1', 'pods', namespace, name, { gracePeriodSeconds: 0, preconditions: { uid } });
        } catch (err) {
          // Only a pod already gone is done with. A 409 may be a failed uid precondition (the name now holds another
          // pod, which the retry then meets) or a conflict to retry: either way the retry reads the pod afresh.
          if (errorCode(err) !== 404) {
            memories.set(uid, committed);
            throw err;
          }
        }
      }
      return run.nextDue !== undefined ? { requeueAfter: Math.max(1, run.nextDue - now) } : undefined;
    },
  };
}
