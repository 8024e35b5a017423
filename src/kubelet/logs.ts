// Simulated container logs: deterministic lines per container run, served with the pods/log options and errors upstream has.
import { errors } from '../meta/errors.js';
import type { KubeObject } from '../meta/types.js';
import { podSpec, podStatus, type ContainerSpec, type ContainerStatus } from './pod-types.js';

export interface PodLogOptions {
  /** Only the last N lines (before the since filter, as the kubelet reads the tail of the file first). */
  tailLines?: number;
  /** Only lines from the last N seconds. */
  sinceSeconds?: number;
  /** Only lines at or after this RFC 3339 time (the later of this and sinceSeconds wins). */
  sinceTime?: string;
  /** Prefix each line with its RFC 3339 time in nanoseconds. */
  timestamps?: boolean;
  /** The previous run of the container, which must have exited. */
  previous?: boolean;
  /** Stop after this many bytes, even mid-line. */
  limitBytes?: number;
}

/** A simulated container writes a line when it starts, then one every this many milliseconds, and one when it exits. */
export const logLineIntervalMs = 10_000;

export interface LogLine {
  at: number;
  text: string;
}

/** One run of a container: from its start until it exited (or until now, while it runs). */
export interface ContainerRun {
  container: ContainerSpec;
  containerID: string;
  restartCount: number;
  startedAt: number;
  finishedAt?: number;
  exitCode?: number;
  reason?: string;
}

function allContainers(pod: KubeObject): ContainerSpec[] {
  const spec = podSpec(pod) as { initContainers?: ContainerSpec[]; containers?: ContainerSpec[]; ephemeralContainers?: ContainerSpec[] };
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}

/** The apiserver's validateContainer: an empty name means the only container; an unknown one is refused. */
export function resolveLogContainer(pod: KubeObject, container: string | undefined): string {
  const name = pod.metadata.name ?? '';
  if (!container) {
    const regular = podSpec(pod).containers ?? [];
    if (regular.length === 1) return regular[0]!.name;
    if (regular.length === 0) throw errors.badRequest(`a container name must be specified for pod ${name}`);
    throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${allContainers(pod).map((c) => c.name).join(' ')}]`);
  }
  if (!allContainers(pod).some((c) => c.name === container)) throw errors.badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

function statusOf(pod: KubeObject, container: string): ContainerStatus | undefined {
  const status = podStatus(pod) as { ephemeralContainerStatuses?: ContainerStatus[] } & ReturnType<typeof podStatus>;
  return (
    status.containerStatuses?.find((s) => s.name === container) ??
    status.initContainerStatuses?.find((s) => s.name === container) ??
    status.ephemeralContainerStatuses?.find((s) => s.name === container)
  );
}

function time(text: string | undefined): number | undefined {
  const ms = text ? Date.parse(text) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The run the kubelet serves logs of, chosen as its validateContainerLogStatus does: the previous run when asked,
 * else the running one, else the one that exited. Throws the kubelet's 400s when there is none.
 */
export function logRun(pod: KubeObject, container: string, previous: boolean): ContainerRun {
  const podName = pod.metadata.name ?? '';
  const spec = allContainers(pod).find((c) => c.name === container)!;
  const status = statusOf(pod, container);
  if (!status) throw errors.badRequest(`container "${container}" in pod "${podName}" is not available`);
  // Statuses written by hand (tests, other kubelets) may leave out state or lastState.
  const state = status.state ?? {};
  const last = status.lastState?.terminated;
  const fromTerminated = (t: NonNullable<typeof last>, restartCount: number): ContainerRun => ({
    container: spec,
    containerID: t.containerID ?? '',
    restartCount,
    startedAt: time(t.startedAt) ?? time(t.finishedAt) ?? 0,
    finishedAt: time(t.finishedAt),
    exitCode: t.exitCode,
    reason: t.reason,
  });
  if (previous) {
    if (!last?.containerID) throw errors.badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
    return fromTerminated(last, Math.max(0, status.restartCount - 1));
  }
  if (state.running) {
    return { container: spec, containerID: status.containerID ?? '', restartCount: status.restartCount, startedAt: time(state.running.startedAt) ?? 0 };
  }
  if (state.terminated) {
    if (state.terminated.containerID) return fromTerminated(state.terminated, status.restartCount);
    if (last?.containerID) return fromTerminated(last, Math.max(0, status.restartCount - 1));
    throw errors.badRequest(`container "${container}" in pod "${podName}" is terminated`);
  }
  if (last) {
    if (!last.containerID) throw errors.badRequest(`container "${container}" in pod "${podName}" is terminated`);
    return fromTerminated(last, Math.max(0, status.restartCount - 1));
  }
  const reason = state.waiting?.reason;
  if (reason === 'ErrImagePull') throw errors.badRequest(`container "${container}" in pod "${podName}" is waiting to start: image can't be pulled`);
  if (reason === 'ImagePullBackOff') {
    throw errors.badRequest(`container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image`);
  }
  if (state.waiting) throw errors.badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${reason ?? ''}`);
  throw errors.badRequest(`container "${container}" in pod "${podName}" is waiting to start - no logs yet`);
}

/** The argv a container runs, as a shell would echo it; the image's own entrypoint when the pod sets none. */
function commandLine(c: ContainerSpec): string {
  const argv = [...(c.command ?? []), ...(c.args ?? [])];
  if (argv.length === 0) return '<image entrypoint>';
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** Seconds and minutes of a run, as the heartbeat lines print them. */
function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
}

/**
 * Every line a run has written by `now`: a start line naming image, command and restart, a heartbeat every
 * logLineIntervalMs, and an exit line with code and reason once it has exited.
 */
export function runLines(run: ContainerRun, now: number, intervalMs = logLineIntervalMs): LogLine[] {
  const name = run.container.name;
  const end = run.finishedAt ?? now;
  const lines: LogLine[] = [];
  if (run.startedAt > now) return lines;
  lines.push({
    at: run.startedAt,
    text: `[kubefake] ${name} started (image ${run.container.image ?? ''}, command: ${commandLine(run.container)}, restart ${run.restartCount})`,
  });
  for (let at = run.startedAt + intervalMs; at < end || (run.finishedAt === undefined && at <= end); at += intervalMs) {
    lines.push({ at, text: `[kubefake] ${name} running for ${elapsed(at - run.startedAt)}` });
  }
  if (run.finishedAt !== undefined && run.finishedAt <= now) {
    lines.push({ at: run.finishedAt, text: `[kubefake] ${name} exited with code ${run.exitCode ?? 0} (${run.reason ?? 'Completed'})` });
  }
  return lines;
}

/** RFC3339NanoFixed, the kubelet's timestamp format for log lines. */
export function logTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** The earliest line time the options let through, if any. */
export function logSince(options: PodLogOptions, now: number): number | undefined {
  let since = options.sinceSeconds !== undefined ? now - options.sinceSeconds * 1000 : undefined;
  const sinceTime = options.sinceTime !== undefined ? Date.parse(options.sinceTime) : NaN;
  if (!Number.isNaN(sinceTime) && (since === undefined || sinceTime > since)) since = sinceTime;
  return since;
}

export function formatLogLine(line: LogLine, timestamps: boolean | undefined): string {
  return `${timestamps ? `${logTimestamp(line.at)} ` : ''}${line.text}\n`;
}

/** Tail first, then the since filter, as the kubelet reads a log file. */
export function selectLines(lines: LogLine[], options: PodLogOptions, now: number): LogLine[] {
  const tail = options.tailLines !== undefined && options.tailLines >= 0 ? lines.slice(Math.max(0, lines.length - options.tailLines)) : lines;
  const since = logSince(options, now);
  return since === undefined ? tail : tail.filter((l) => l.at >= since);
}

/**
 * The text `GET pods/{name}/log` answers at `now`. A pod not yet on a node has no logs (an empty body, as the
 * apiserver answers); errors are ApiErrors with upstream's 400 texts.
 */
export function podLogs(pod: KubeObject, container: string | undefined, options: PodLogOptions, now: number): string {
  const name = resolveLogContainer(pod, container);
  if (!podSpec(pod).nodeName) return '';
  const run = logRun(pod, name, options.previous === true);
  const text = selectLines(runLines(run, now), options, now)
    .map((l) => formatLogLine(l, options.timestamps))
    .join('');
  return options.limitBytes !== undefined && options.limitBytes >= 0 ? Buffer.from(text).subarray(0, options.limitBytes).toString() : text;
}
