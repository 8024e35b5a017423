// The pod status the kubelet reports, generated from the runtime as upstream's generateAPIPodStatus and status manager do.
import { rfc3339 } from '../clock/clock.js';
import { computePodQos } from './pod-qos.js';
import { isRunning, type ContainerRuntime, type PodRuntime } from './pod-runtime.js';
import { isTerminalPhase, podSpec, podStatus, type ContainerStatus, type PodCondition, type PodStatus } from './pod-types.js';

/** Conditions the kubelet owns and rewrites on every status; any other condition is kept as the API has it. */
const kubeletConditions = new Set(['PodScheduled', 'Ready', 'Initialized', 'ContainersReady', 'PodReadyToStartContainers']);

/** Go prints a []string with %s as `[a b]`. */
function goList(names: string[]): string {
  return `[${names.join(' ')}]`;
}

/** upstream's getPhase (without the alpha ContainerRestartRules gate). */
export function podPhase(rt: PodRuntime): string {
  const restartPolicy = podSpec(rt.pod).restartPolicy ?? 'Always';
  let pendingInit = 0;
  let failedInit = 0;
  let pendingSidecars = 0;
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of rt.containers) {
    const { state, lastState } = c.status;
    if (c.kind === 'init') {
      if (state.running) pendingInit++;
      else if (state.terminated) {
        if (state.terminated.exitCode !== 0) failedInit++;
      } else if (state.waiting && lastState.terminated) {
        if (lastState.terminated.exitCode !== 0) failedInit++;
      } else pendingInit++;
    } else if (c.kind === 'sidecar') {
      if (state.running) {
        if (c.status.started !== true) pendingSidecars++;
        running++;
      } else if (state.waiting && !lastState.terminated) {
        pendingSidecars++;
        waiting++;
      } else if (!state.terminated && !state.waiting) {
        pendingSidecars++;
        unknown++;
      }
    } else if (state.running) running++;
    else if (state.terminated) {
      stopped++;
      if (state.terminated.exitCode === 0) succeeded++;
    } else if (state.waiting) {
      if (lastState.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (failedInit > 0 && restartPolicy === 'Never') return 'Failed';
  const initialized = rt.containers.some((c) => c.kind === 'regular' && isRunning(c));
  if (pendingInit > 0 || (pendingSidecars > 0 && !initialized) || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (rt.finished) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function terminalReason(phase: string): string | undefined {
  if (phase === 'Failed') return 'PodFailed';
  if (phase === 'Succeeded') return 'PodCompleted';
  return undefined;
}

function containersReadyCondition(rt: PodRuntime, phase: string): PodCondition {
  if (isTerminalPhase(phase)) return { type: 'ContainersReady', status: 'False', reason: terminalReason(phase) };
  const unready = rt.containers.filter((c) => c.kind !== 'init' && !c.status.ready).map((c) => c.spec.name);
  if (unready.length > 0) {
    return { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: ${goList(unready)}` };
  }
  return { type: 'ContainersReady', status: 'True' };
}

function readyCondition(rt: PodRuntime, phase: string, otherConditions: PodCondition[]): PodCondition {
  const containersReady = containersReadyCondition(rt, phase);
  if (containersReady.status !== 'True') return { ...containersReady, type: 'Ready' };
  const unready: string[] = [];
  for (const gate of podSpec(rt.pod).readinessGates ?? []) {
    const c = otherConditions.find((x) => x.type === gate.conditionType);
    if (!c) unready.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') unready.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
  }
  if (unready.length > 0) return { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: unready.join(', ') };
  return { type: 'Ready', status: 'True' };
}

function initContainerInitialized(c: ContainerRuntime): boolean {
  return c.kind === 'sidecar' ? c.status.started === true : c.status.ready;
}

function initializedCondition(rt: PodRuntime, phase: string): PodCondition {
  if (phase === 'Succeeded') return { type: 'Initialized', status: 'True', reason: 'PodCompleted' };
  const regularStarted = rt.containers.some((c) => c.kind === 'regular' && (isRunning(c) || !!c.status.state.terminated));
  if (regularStarted) return { type: 'Initialized', status: 'True' };
  const incomplete = rt.containers.filter((c) => c.kind !== 'regular' && !initContainerInitialized(c)).map((c) => c.spec.name);
  if (incomplete.length > 0) {
    return { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: ${goList(incomplete)}` };
  }
  return { type: 'Initialized', status: 'True' };
}

/** A condition in Go's field order, carrying the pod generation it was computed for and upstream's null probe time. */
function finishCondition(c: PodCondition, generation: number | undefined, old: PodCondition[] | undefined, now: string): PodCondition {
  const previous = old?.find((x) => x.type === c.type);
  const out = { type: c.type } as PodCondition;
  if (generation !== undefined) out.observedGeneration = generation;
  out.status = c.status;
  out.lastProbeTime = null;
  // The transition time only moves when the status does, as the status manager's updateLastTransitionTime.
  out.lastTransitionTime = previous && previous.status === c.status && previous.lastTransitionTime ? previous.lastTransitionTime : now;
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  return out;
}

export function podConditions(rt: PodRuntime, phase: string, now: number): PodCondition[] {
  const old = podStatus(rt.pod).conditions ?? [];
  const others = old.filter((c) => !kubeletConditions.has(c.type));
  const generated: PodCondition[] = [
    { type: 'PodReadyToStartContainers', status: rt.sandbox === 'ready' ? 'True' : 'False' },
    initializedCondition(rt, phase),
    readyCondition(rt, phase, others),
    containersReadyCondition(rt, phase),
    { type: 'PodScheduled', status: 'True' },
  ];
  const generation = rt.pod.metadata.generation;
  const at = rfc3339(now);
  return [...others, ...generated.map((c) => finishCondition(c, generation, old, at))];
}

const containerStatusFields = [
  'name', 'state', 'lastState', 'ready', 'restartCount', 'image', 'imageID', 'containerID', 'started',
  'allocatedResources', 'resources', 'volumeMounts',
] as const;

/** A container status with its fields in Go's order, as the apiserver would serialize it. */
function inGoOrder(status: ContainerStatus): ContainerStatus {
  const out: Record<string, unknown> = {};
  for (const field of containerStatusFields) if (status[field] !== undefined) out[field] = structuredClone(status[field]);
  return out as unknown as ContainerStatus;
}

/** Regular container statuses are sorted by name, init container statuses keep spec order, as upstream sorts them. */
function containerStatusLists(rt: PodRuntime): { init: ContainerStatus[]; regular: ContainerStatus[] } {
  const init = rt.containers.filter((c) => c.kind !== 'regular').map((c) => inGoOrder(c.status));
  const regular = rt.containers.filter((c) => c.kind === 'regular').map((c) => inGoOrder(c.status));
  regular.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { init, regular };
}

/** The phase upstream reports, which never leaves a terminal phase once the API or the kubelet reached one. */
export function reportedPhase(rt: PodRuntime): string {
  const phase = rt.phase ?? podPhase(rt);
  const old = podStatus(rt.pod).phase;
  if (!isTerminalPhase(phase) && isTerminalPhase(old)) return old!;
  return phase;
}

/**
 * The whole status as the kubelet would write it: kubelet-owned fields regenerated in Go's field order, fields the
 * kubelet does not own (nominatedNodeName, resourceClaimStatuses, …) kept as they are.
 */
export function generatePodStatus(rt: PodRuntime, now: number): PodStatus {
  const old = podStatus(rt.pod);
  const phase = reportedPhase(rt);
  const status: PodStatus = {};
  const generation = rt.pod.metadata.generation;
  if (generation !== undefined) status.observedGeneration = generation;
  status.phase = phase;
  status.conditions = podConditions(rt, phase, now);
  if (phase === old.phase) {
    if (old.message) status.message = old.message;
    if (old.reason) status.reason = old.reason;
  }
  if (old.nominatedNodeName) status.nominatedNodeName = old.nominatedNodeName;
  if (rt.node.hostIPs.length > 0) {
    status.hostIP = rt.node.hostIPs[0];
    status.hostIPs = rt.node.hostIPs.map((ip) => ({ ip }));
  }
  if (rt.podIPs.length > 0) {
    status.podIP = rt.podIPs[0];
    status.podIPs = rt.podIPs.map((ip) => ({ ip }));
  }
  if (rt.startTime) status.startTime = rt.startTime;
  const { init, regular } = containerStatusLists(rt);
  if (init.length > 0) status.initContainerStatuses = init;
  status.containerStatuses = regular;
  // The apiserver fixes the QoS class at creation and refuses to change it; only a pod without one gets it computed.
  status.qosClass = old.qosClass ?? computePodQos(rt.pod);
  const owned = new Set(Object.keys(status));
  for (const [key, value] of Object.entries(old)) {
    if (!owned.has(key) && !['message', 'reason', 'hostIP', 'hostIPs', 'podIP', 'podIPs', 'ephemeralContainerStatuses'].includes(key)) {
      status[key] = value;
    }
  }
  return status;
}

/**
 * upstream's hasPodInitialized: a pod without init containers always is; otherwise a regular container left waiting at
 * some point, or the last init container finished (a sidecar: started).
 */
export function podHasInitialized(rt: PodRuntime): boolean {
  const inits = rt.containers.filter((c) => c.kind !== 'regular');
  if (inits.length === 0) return true;
  const regularLeftWaiting = rt.containers.some((c) => c.kind === 'regular' && (!!c.status.lastState.terminated || !c.status.state.waiting));
  if (regularLeftWaiting) return true;
  const last = inits[inits.length - 1]!;
  if (last.kind === 'sidecar') return isRunning(last) && last.status.started === true;
  return last.status.lastState.terminated?.exitCode === 0 || last.status.state.terminated?.exitCode === 0;
}
