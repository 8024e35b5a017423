// The simulated container runtime's view of one pod: its sandbox and each container's state, read from the status.
import type { KubeObject } from '../meta/types.js';
import {
  isSidecar,
  isTerminalPhase,
  podSpec,
  podStatus,
  type ContainerKind,
  type ContainerSpec,
  type ContainerStatus,
} from './pod-types.js';

/** What the kubelet knows of its own node: the addresses pods report as hostIPs and the ranges pod IPs come from. */
export interface NodeFacts {
  name: string;
  hostIPs: string[];
  podCIDRs: string[];
}

export interface ContainerRuntime {
  spec: ContainerSpec;
  kind: ContainerKind;
  /** Position in its list (initContainers or containers). */
  index: number;
  status: ContainerStatus;
}

export interface PodRuntime {
  pod: KubeObject;
  node: NodeFacts;
  /** `none` until the sandbox (and its network) is up; `stopped` once torn down for a finished pod. */
  sandbox: 'none' | 'ready' | 'stopped';
  podIPs: string[];
  startTime?: string;
  /** Init containers in spec order, then regular containers in spec order. */
  containers: ContainerRuntime[];
  /** The pod worker has finished the pod (deletion): the phase is decided as upstream's podIsTerminal does. */
  finished: boolean;
  /** A phase forced on a finished pod whose containers alone would not say it is over (TerminatePod: Failed). */
  phase?: string;
}

/** Upstream's default waiting state: PodInitializing when the pod has init containers, ContainerCreating otherwise. */
export function defaultWaitingReason(pod: KubeObject): string {
  return (podSpec(pod).initContainers ?? []).length > 0 ? 'PodInitializing' : 'ContainerCreating';
}

/** A container status before the runtime knows the container, as convertToAPIContainerStatuses defaults it. */
export function initialContainerStatus(pod: KubeObject, spec: ContainerSpec): ContainerStatus {
  const status: ContainerStatus = {
    name: spec.name,
    state: { waiting: { reason: defaultWaitingReason(pod) } },
    lastState: {},
    ready: false,
    restartCount: 0,
    image: spec.image ?? '',
    imageID: '',
    started: false,
  };
  const mounts = volumeMountStatuses(spec);
  if (mounts) status.volumeMounts = mounts;
  return status;
}

/** RecursiveReadOnlyMounts: every mount is reported, read-only ones with the recursive mode the runtime applied. */
function volumeMountStatuses(spec: ContainerSpec): ContainerStatus['volumeMounts'] {
  if (!spec.volumeMounts || spec.volumeMounts.length === 0) return undefined;
  return spec.volumeMounts.map((m) => {
    const out: NonNullable<ContainerStatus['volumeMounts']>[number] = { name: m.name, mountPath: m.mountPath };
    if (m.readOnly) {
      out.readOnly = true;
      // The simulated runtime has no recursive read-only support, so only an explicit request would change this.
      out.recursiveReadOnly = 'Disabled';
    }
    return out;
  });
}

/** The sandbox a status describes: PodReadyToStartContainers is True only while it is up. */
function sandboxOf(pod: KubeObject): PodRuntime['sandbox'] {
  const status = podStatus(pod);
  const condition = status.conditions?.find((c) => c.type === 'PodReadyToStartContainers');
  if (condition?.status === 'True') return 'ready';
  if (isTerminalPhase(status.phase)) return 'stopped';
  return 'none';
}

export function buildRuntime(pod: KubeObject, node: NodeFacts): PodRuntime {
  const spec = podSpec(pod);
  const status = podStatus(pod);
  const containers: ContainerRuntime[] = [];
  const add = (list: ContainerSpec[] | undefined, statuses: ContainerStatus[] | undefined, init: boolean) => {
    (list ?? []).forEach((c, index) => {
      const kind: ContainerKind = init ? (isSidecar(c) ? 'sidecar' : 'init') : 'regular';
      const existing = statuses?.find((s) => s.name === c.name);
      containers.push({ spec: c, kind, index, status: existing ? structuredClone(existing) : initialContainerStatus(pod, c) });
    });
  };
  add(spec.initContainers, status.initContainerStatuses, true);
  add(spec.containers, status.containerStatuses, false);
  return {
    pod,
    node,
    sandbox: sandboxOf(pod),
    podIPs: (status.podIPs ?? []).map((p) => p.ip),
    startTime: status.startTime,
    containers,
    finished: !!pod.metadata.deletionTimestamp && isTerminalPhase(status.phase),
  };
}

export function isRunning(c: ContainerRuntime): boolean {
  return !!c.status.state.running;
}

export function isTerminated(c: ContainerRuntime): boolean {
  return !!c.status.state.terminated;
}

export function waitingReason(c: ContainerRuntime): string | undefined {
  return c.status.state.waiting?.reason;
}

/** An init container lets the next one start once it succeeded, a sidecar once it has started. */
export function initContainerDone(c: ContainerRuntime): boolean {
  if (c.kind === 'sidecar') return isRunning(c) && c.status.started === true;
  return c.status.state.terminated?.exitCode === 0;
}

/** Whether any regular container has run: the pod is initialized for good, as upstream's HasAnyRegularContainerStarted. */
export function anyRegularContainerStarted(rt: PodRuntime): boolean {
  return rt.containers.some((c) => c.kind === 'regular' && (isRunning(c) || isTerminated(c) || !!c.status.lastState.terminated));
}

/** Init containers start one after another; regular containers all start once every init container is done. */
export function isContainersTurn(rt: PodRuntime, c: ContainerRuntime): boolean {
  const inits = rt.containers.filter((x) => x.kind !== 'regular');
  if (c.kind === 'regular') return anyRegularContainerStarted(rt) || inits.every(initContainerDone);
  return inits.slice(0, c.index).every(initContainerDone);
}

/** The `fieldPath` an event about this container names, as upstream's GenerateContainerRef builds it. */
export function containerFieldPath(c: ContainerRuntime): string {
  return c.kind === 'regular' ? `spec.containers{${c.spec.name}}` : `spec.initContainers{${c.spec.name}}`;
}
