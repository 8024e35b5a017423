// The named facts and computed delays stage data refers to, each a small rule of upstream's kubelet.
import { annotationDuration, annotationFlag, annotationValue, podAnnotations } from './pod-annotations.js';
import { runtimeImageName } from './pod-images.js';
import { isContainersTurn, isRunning, type ContainerRuntime, type PodRuntime } from './pod-runtime.js';
import { isTerminalPhase, podSpec, podStatus, type Probe } from './pod-types.js';
import type { PodWorld } from './pod-world.js';

type Fact = (world: PodWorld, c: ContainerRuntime | undefined) => boolean;
type Delay = (world: PodWorld, c: ContainerRuntime | undefined, since: number) => number;

function need(c: ContainerRuntime | undefined): ContainerRuntime {
  if (!c) throw new Error('a container fact or delay was used by a pod stage');
  return c;
}

export function crashBackOffKey(rt: PodRuntime, c: ContainerRuntime): string {
  return `${rt.pod.metadata.uid}/${c.spec.name}`;
}

export function imageBackOffKey(rt: PodRuntime, c: ContainerRuntime): string {
  return `${rt.pod.metadata.uid}_${c.spec.image ?? ''}`;
}

function restartPolicy(rt: PodRuntime): string {
  return podSpec(rt.pod).restartPolicy ?? 'Always';
}

/** Whether the kubelet restarts this exited container: sidecars always, others as the pod's restartPolicy says. */
export function mayRestart(rt: PodRuntime, c: ContainerRuntime, exitCode: number): boolean {
  if (apiSaysFinished(rt)) return false;
  const policy = restartPolicy(rt);
  if (c.kind === 'sidecar') return !podWorkDone(rt);
  if (c.kind === 'init') return exitCode !== 0 && policy !== 'Never';
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

/**
 * Nothing but sidecars would run again: every regular container exited for good, or an init container failed in a
 * pod that never restarts. The kubelet then stops the sidecars so the pod can finish.
 */
export function podWorkDone(rt: PodRuntime): boolean {
  const policy = restartPolicy(rt);
  const initFailed = rt.containers.some((c) => c.kind === 'init' && (c.status.state.terminated?.exitCode ?? 0) !== 0 && policy === 'Never');
  if (initFailed) return true;
  const regular = rt.containers.filter((c) => c.kind === 'regular');
  return regular.every((c) => {
    const exitCode = c.status.state.terminated?.exitCode;
    return exitCode !== undefined && !(policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0));
  });
}

/** Init containers, and regular containers of pods that do not restart them, exit by themselves, as do annotated ones. */
export function runsToCompletion(rt: PodRuntime, c: ContainerRuntime): boolean {
  if (c.kind === 'init') return true;
  if (c.kind === 'regular' && restartPolicy(rt) !== 'Always') return true;
  return (
    annotationValue(rt.pod, podAnnotations.runDuration, c) !== undefined ||
    annotationFlag(rt.pod, podAnnotations.crashLoop, c) ||
    annotationFlag(rt.pod, podAnnotations.oomKill, c)
  );
}

/** Someone (an eviction, a test) marked the pod Succeeded or Failed: upstream's pod worker then stops it. */
function apiSaysFinished(rt: PodRuntime): boolean {
  return isTerminalPhase(podStatus(rt.pod).phase);
}

function isDeleting(rt: PodRuntime): boolean {
  return !!rt.pod.metadata.deletionTimestamp && rt.pod.metadata.deletionGracePeriodSeconds !== 0;
}

/** When the container that is terminated now (or, waiting to restart, last) exited, to the millisecond if known. */
export function exitTime(world: PodWorld, c: ContainerRuntime): number | undefined {
  const terminated = c.status.state.terminated ?? c.status.lastState.terminated;
  if (!terminated) return undefined;
  const exact = terminated.containerID ? world.state.finishedAt.get(`${world.pod.metadata.uid}/${terminated.containerID}`) : undefined;
  if (exact !== undefined) return exact;
  const parsed = terminated.finishedAt ? Date.parse(terminated.finishedAt) : NaN;
  return Number.isNaN(parsed) ? undefined : parsed;
}

export const podFacts: Record<string, Fact> = {
  'sandbox-missing': (w) => w.rt.sandbox === 'none',
  'sandbox-ready': (w) => w.rt.sandbox === 'ready',
  'its-turn': (w, c) => isContainersTurn(w.rt, need(c)),
  'image-pull-fails': (w, c) => annotationFlag(w.pod, podAnnotations.imagePullError, need(c), 'all'),
  'never-ready': (w, c) => annotationFlag(w.pod, podAnnotations.neverReady, need(c)),
  'runs-to-completion': (w, c) => runsToCompletion(w.rt, need(c)),
  'restart-allowed': (w, c) => {
    const container = need(c);
    const exitCode = container.status.state.terminated?.exitCode;
    return exitCode !== undefined && mayRestart(w.rt, container, exitCode);
  },
  'crash-back-off': (w, c) => {
    const container = need(c);
    const exited = exitTime(w, container);
    return exited !== undefined && w.state.crashBackOff.isInBackOffSince(crashBackOffKey(w.rt, container), exited, w.now);
  },
  'should-stop': (w, c) => isDeleting(w.rt) || apiSaysFinished(w.rt) || (need(c).kind === 'sidecar' && podWorkDone(w.rt)),
  'stop-turn': (w, c) => {
    // Sidecars stop after the regular containers, and in reverse order among themselves.
    const container = need(c);
    if (container.kind !== 'sidecar') return true;
    return w.rt.containers.every((x) => !isRunning(x) || x === container || (x.kind === 'sidecar' && x.index < container.index));
  },
  'no-running-containers': (w) => !w.rt.containers.some(isRunning),
  /** The spec's image is no longer the one the container runs (the one field of a container that may change). */
  'image-changed': (_w, c) => {
    const container = need(c);
    return isRunning(container) && container.status.image !== runtimeImageName(container.spec.image ?? '');
  },
  finished: (w) => w.rt.finished,
};

function probeDelay(probe: Probe | undefined): number {
  if (!probe) return 0;
  return (probe.initialDelaySeconds ?? 0) * 1000 + Math.max(0, (probe.successThreshold ?? 1) - 1) * (probe.periodSeconds ?? 10) * 1000;
}

/** How long pulling, creating and starting this container takes. */
export function timeToRunning(world: PodWorld, c: ContainerRuntime): number {
  return annotationDuration(world.pod, podAnnotations.timeToRunning, c, 'all') ?? world.state.timings.timeToRunning;
}

export const podDelays: Record<string, Delay> = {
  /** Pulling and starting; after a failed pull, not before the image back-off window closes. */
  pull: (w, c, since) => {
    const container = need(c);
    const pull = timeToRunning(w, container);
    if (container.status.state.waiting?.reason !== 'ImagePullBackOff') return pull;
    const windowEnd = w.state.imageBackOff.endOfWindow(imageBackOffKey(w.rt, container)) ?? since;
    return Math.max(0, windowEnd - since) + pull;
  },
  'run-duration': (w, c) => {
    const container = need(c);
    return annotationDuration(w.pod, podAnnotations.runDuration, container) ?? w.state.timings.runDuration;
  },
  'startup-probe': (_w, c) => probeDelay(need(c).spec.startupProbe),
  /** Readiness probes do not run before the startup probe passed, but their initial delay counts from the start. */
  'readiness-probe': (_w, c) => {
    const { spec } = need(c);
    return Math.max(0, probeDelay(spec.readinessProbe) - probeDelay(spec.startupProbe));
  },
  /** The back-off window counts from the exit; once it closes the container is pulled, created and started again. */
  'crash-back-off': (w, c, since) => {
    const container = need(c);
    const exited = exitTime(w, container) ?? since;
    return Math.max(0, exited + w.state.crashBackOff.get(crashBackOffKey(w.rt, container)) - since) + timeToRunning(w, container);
  },
  /**
   * A fake process stops as soon as it is signalled: the container stops when its preStop sleep is over, and never
   * later than the grace period allows.
   */
  termination: (w, c, since) => {
    const container = need(c);
    const meta = w.pod.metadata;
    const killedAt = w.memory.fired.get(`container-kill/${container.spec.name}`) ?? since;
    let deadline: number;
    if (isDeleting(w.rt)) {
      const parsed = Date.parse(meta.deletionTimestamp ?? '');
      deadline = Number.isNaN(parsed) ? killedAt + (meta.deletionGracePeriodSeconds ?? 0) * 1000 : parsed;
    } else {
      deadline = killedAt + (podSpec(w.pod).terminationGracePeriodSeconds ?? 30) * 1000;
    }
    const preStop = (container.spec.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
    return Math.max(0, Math.min(deadline, killedAt + preStop) - since);
  },
};
