// What each stage does to the simulated runtime, and the Events upstream's kubelet records while doing it.
import { rfc3339 } from '../clock/clock.js';
import { annotationFlag, annotationInteger, podAnnotations } from './pod-annotations.js';
import { containerID, goDuration, imageID, imageSize, runtimeImageName } from './pod-images.js';
import { containerFieldPath, type ContainerRuntime } from './pod-runtime.js';
import { podHasInitialized, podPhase } from './pod-status.js';
import { formatPod, isTerminalPhase, podSpec, type ContainerStateTerminated } from './pod-types.js';
import type { PodWorld } from './pod-world.js';
import { crashBackOffKey, exitTime, imageBackOffKey, runsToCompletion, timeToRunning } from './stage-facts.js';

type Action = (world: PodWorld, c: ContainerRuntime | undefined, since: number) => void;

function need(c: ContainerRuntime | undefined): ContainerRuntime {
  if (!c) throw new Error('a container action was used by a pod stage');
  return c;
}

function containerEvent(world: PodWorld, c: ContainerRuntime, type: 'Normal' | 'Warning', reason: string, message: string, at = world.now): void {
  world.record({ type, reason, message, fieldPath: containerFieldPath(c) }, at);
}

function pullPolicy(c: ContainerRuntime): string {
  if (c.spec.imagePullPolicy) return c.spec.imagePullPolicy;
  const image = c.spec.image ?? '';
  return image.endsWith(':latest') || !/:[^/]+$/.test(image.split('@')[0]!) ? 'Always' : 'IfNotPresent';
}

/** The pull error a registry without the image gives containerd. */
export function pullErrorMessage(image: string): string {
  const ref = runtimeImageName(image);
  return `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
}

/** When the pull that ends now began: a pull takes the container's time to running (and never began before its turn). */
function pullStart(world: PodWorld, c: ContainerRuntime, since: number): number {
  return Math.max(since, world.now - timeToRunning(world, c));
}

/** EnsureImageExists: the image is already on the node, or is pulled now. */
function ensureImage(world: PodWorld, c: ContainerRuntime, since: number): void {
  const image = c.spec.image ?? '';
  const node = world.rt.node.name;
  const onNode = world.state.images.get(node) ?? new Set<string>();
  world.state.images.set(node, onNode);
  const policy = pullPolicy(c);
  if (policy === 'Never' || (policy === 'IfNotPresent' && onNode.has(runtimeImageName(image)))) {
    containerEvent(world, c, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
    return;
  }
  const began = pullStart(world, c, since);
  const took = goDuration(world.now - began);
  containerEvent(world, c, 'Normal', 'Pulling', `Pulling image "${image}"`, began);
  containerEvent(
    world,
    c,
    'Normal',
    'Pulled',
    `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${imageSize(image)} bytes.`,
  );
  onNode.add(runtimeImageName(image));
}

/** The runtime's view of a container's resources, reported once it exists (InPlacePodVerticalScaling). */
function reportResources(c: ContainerRuntime): void {
  const resources = c.spec.resources ?? {};
  c.status.resources = structuredClone(resources);
  if (resources.requests && Object.keys(resources.requests).length > 0) c.status.allocatedResources = structuredClone(resources.requests);
}

/** Pull, create and start; a container that ran before comes back with its last run kept and its restart counted. */
const start: Action = (world, container, since) => {
  const c = need(container);
  const { pod } = world;
  const uid = pod.metadata.uid ?? '';
  const previous = c.status.state.terminated;
  const restarting = !!previous || c.status.state.waiting?.reason === 'CrashLoopBackOff';
  if (restarting) {
    const exited = exitTime(world, c) ?? world.now;
    world.state.crashBackOff.next(crashBackOffKey(world.rt, c), exited, world.now);
    if (previous) c.status.lastState = { terminated: previous };
    c.status.restartCount++;
  }
  ensureImage(world, c, since);
  const id = containerID(uid, c.spec.name, c.status.restartCount);
  containerEvent(world, c, 'Normal', 'Created', `Created container: ${c.spec.name}`);
  containerEvent(world, c, 'Normal', 'Started', `Started container ${c.spec.name}`);
  const image = c.spec.image ?? '';
  const neverReady = annotationFlag(pod, podAnnotations.neverReady, c);
  c.status.state = { running: { startedAt: rfc3339(world.now) } };
  c.status.image = runtimeImageName(image);
  c.status.imageID = imageID(image);
  c.status.containerID = id;
  c.status.started = !c.spec.startupProbe;
  c.status.ready = c.kind !== 'init' && c.status.started && !c.spec.readinessProbe && !neverReady;
  reportResources(c);
};

const pullFail: Action = (world, container, since) => {
  const c = need(container);
  const image = c.spec.image ?? '';
  const error = pullErrorMessage(image);
  containerEvent(world, c, 'Normal', 'Pulling', `Pulling image "${image}"`, pullStart(world, c, since));
  containerEvent(world, c, 'Warning', 'Failed', `Failed to pull image "${image}": ${error}`);
  containerEvent(world, c, 'Warning', 'Failed', 'Error: ErrImagePull');
  world.state.imageBackOff.next(imageBackOffKey(world.rt, c), world.now, world.now);
  c.status.state = { waiting: { reason: 'ErrImagePull', message: error } };
};

const pullBackOff: Action = (world, container) => {
  const c = need(container);
  const image = c.spec.image ?? '';
  containerEvent(world, c, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
  containerEvent(world, c, 'Warning', 'Failed', 'Error: ImagePullBackOff');
  c.status.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${pullErrorMessage(image)}` } };
};

/** The container's process ended: by itself (exit code from annotations) or by the OOM killer. */
function terminate(world: PodWorld, c: ContainerRuntime, exitCode: number, reason: string): void {
  const terminated: ContainerStateTerminated = { exitCode, reason };
  if (c.status.state.running?.startedAt) terminated.startedAt = c.status.state.running.startedAt;
  terminated.finishedAt = rfc3339(world.now);
  if (c.status.containerID) {
    terminated.containerID = c.status.containerID;
    world.state.finishedAt.set(`${world.pod.metadata.uid}/${c.status.containerID}`, world.now);
  }
  c.status.state = { terminated };
  c.status.started = false;
  // A finished init container reports ready when it succeeded, as the prober manager marks it.
  c.status.ready = c.kind === 'init' && exitCode === 0;
}

const exit: Action = (world, container) => {
  const c = need(container);
  const { pod } = world;
  if (annotationFlag(pod, podAnnotations.oomKill, c)) {
    terminate(world, c, 137, 'OOMKilled');
    return;
  }
  const crashLoop = annotationFlag(pod, podAnnotations.crashLoop, c);
  const exitCode = annotationInteger(pod, podAnnotations.exitCode, c) ?? (crashLoop ? 1 : 0);
  terminate(world, c, exitCode, exitCode === 0 ? 'Completed' : 'Error');
};

const crashBackOff: Action = (world, container) => {
  const c = need(container);
  const backOff = goDuration(world.state.crashBackOff.get(crashBackOffKey(world.rt, c)));
  const pod = formatPod(world.pod);
  containerEvent(world, c, 'Warning', 'BackOff', `Back-off restarting failed container ${c.spec.name} in pod ${pod}`);
  const terminated = c.status.state.terminated;
  if (terminated) c.status.lastState = { terminated };
  c.status.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${backOff} restarting failed container=${c.spec.name} pod=${pod}` } };
  c.status.ready = false;
  c.status.started = false;
};

const kill: Action = (world, container) => {
  const c = need(container);
  containerEvent(world, c, 'Normal', 'Killing', `Stopping container ${c.spec.name}`);
};

/**
 * Signalled and gone. A long-running process shuts down cleanly on SIGTERM (exit 0); one that runs to completion was
 * cut short, as SIGTERM's 143 says, so an interrupted Job pod fails rather than counts as a success. SIGKILL (137)
 * ends whatever outlives the grace period.
 */
const stop: Action = (world, container) => {
  const c = need(container);
  const meta = world.pod.metadata;
  const grace = meta.deletionTimestamp ? (meta.deletionGracePeriodSeconds ?? 0) : (podSpec(world.pod).terminationGracePeriodSeconds ?? 30);
  const preStop = c.spec.lifecycle?.preStop?.sleep?.seconds ?? 0;
  if (preStop > 0 && preStop >= grace) terminate(world, c, 137, 'Error');
  else if (runsToCompletion(world.rt, c)) terminate(world, c, 143, 'Error');
  else terminate(world, c, 0, 'Completed');
};

/** A running container whose image changed is stopped; the restart stages then start it from the new image. */
const replace: Action = (world, container, since) => {
  const c = need(container);
  containerEvent(world, c, 'Normal', 'Killing', `Container ${c.spec.name} definition changed, will be restarted`);
  stop(world, c, since);
};

const sandboxReady: Action = (world) => {
  const { rt } = world;
  if (podSpec(rt.pod).hostNetwork) {
    rt.sandbox = 'ready';
    return;
  }
  try {
    rt.podIPs = world.state.ips.allocate(rt.node.name, rt.node.podCIDRs, rt.pod.metadata.uid ?? '');
    rt.sandbox = 'ready';
  } catch (err) {
    world.record({ type: 'Warning', reason: 'FailedCreatePodSandBox', message: `Failed to create pod sandbox: ${(err as Error).message}` });
  }
};

const sandboxStop: Action = (world) => {
  world.rt.sandbox = 'stopped';
  world.state.ips.release(world.rt.pod.metadata.uid ?? '');
};

/** The pod is admitted: its first status, with host IPs, start time and every container waiting. */
const accept: Action = (world) => {
  const { rt } = world;
  rt.startTime = rfc3339(world.now);
  // Host-network pods report the node's addresses as theirs from the first status on.
  if (podSpec(rt.pod).hostNetwork) rt.podIPs = [...rt.node.hostIPs];
};

/** The status manager's TerminatePod: nothing is left running, missing exits count as failures, the phase is final. */
const terminatePod: Action = (world) => {
  const { rt } = world;
  const unknown = (): ContainerStateTerminated => ({
    exitCode: 137,
    reason: 'ContainerStatusUnknown',
    message: 'The container could not be located when the pod was terminated',
  });
  const initialized = podHasInitialized(rt);
  const inits = rt.containers.filter((c) => c.kind !== 'regular');
  // All but the trailing init containers that never started count as failed; at least the first one does.
  let lastStarted = 0;
  inits.forEach((c, i) => {
    if (!c.status.state.waiting || c.status.lastState.terminated) lastStarted = i;
  });
  for (const c of rt.containers) {
    if (c.status.state.terminated) continue;
    const attempted = c.kind === 'regular' ? initialized : inits.indexOf(c) <= lastStarted;
    if (attempted) c.status.state = { terminated: unknown() };
  }
  rt.finished = true;
  rt.startTime ??= rfc3339(world.now);
  if (!isTerminalPhase(podPhase(rt))) rt.phase = 'Failed';
  sandboxStop(world, undefined, world.now);
};

const deletePod: Action = (world) => {
  world.deleteRequested = true;
};

export const podActions: Record<string, Action> = {
  accept,
  'sandbox-ready': sandboxReady,
  'sandbox-stop': sandboxStop,
  start,
  'pull-fail': pullFail,
  'pull-back-off': pullBackOff,
  'become-started': (world, container) => {
    const c = need(container);
    c.status.started = true;
    c.status.ready = !c.spec.readinessProbe && !annotationFlag(world.pod, podAnnotations.neverReady, c);
  },
  'become-ready': (_world, container) => {
    need(container).status.ready = true;
  },
  exit,
  'crash-back-off': crashBackOff,
  kill,
  stop,
  replace,
  terminate: terminatePod,
  delete: deletePod,
};

