// The annotations that steer the fake kubelet, per node and per pod (documented in docs/pod-behaviour.md).
import { parseDuration } from '../clock/duration.js';
import type { KubeObject } from '../meta/types.js';
import type { ContainerRuntime } from './pod-runtime.js';

/** On a Node, `kubefake.dev/simulate: "false"` leaves it and its pods alone (another kubelet, or none, runs them). */
export { isNodeSimulated, simulateAnnotation } from './node-template.js';

export const podAnnotations = {
  /** Exit code of containers that run to completion (default 0; 1 for crash loops; 137 for OOM kills). */
  exitCode: 'kubefake.dev/exit-code',
  /** How long run-to-completion containers run; naming a container of an `Always` pod makes it exit too. */
  runDuration: 'kubefake.dev/run-duration',
  /** The named (or every regular) container exits non-zero after its run duration, every time: CrashLoopBackOff. */
  crashLoop: 'kubefake.dev/crash-loop',
  /** Pulling the named (or every) container's image fails: ErrImagePull, then ImagePullBackOff. */
  imagePullError: 'kubefake.dev/image-pull-error',
  /** The named (or every regular) container never becomes ready. */
  neverReady: 'kubefake.dev/never-ready',
  /** The named (or every regular) container is OOM-killed (exit 137) after its run duration. */
  oomKill: 'kubefake.dev/oom-kill',
  /** Overrides the time from a container's turn to its running state (pull, create, start). */
  timeToRunning: 'kubefake.dev/time-to-running',
} as const;

/** Which containers an annotation without container names concerns. */
export type AnnotationScope = 'regular' | 'all';

function inScope(c: ContainerRuntime, scope: AnnotationScope): boolean {
  return scope === 'all' || c.kind === 'regular';
}

/**
 * The value an annotation gives one container. `v` applies to every container in scope; `name=v,other=w` names
 * containers (init containers and sidecars included). Undefined when the container gets nothing.
 */
export function annotationValue(pod: KubeObject, key: string, c: ContainerRuntime, scope: AnnotationScope = 'regular'): string | undefined {
  const raw = pod.metadata.annotations?.[key];
  if (raw === undefined) return undefined;
  if (!raw.includes('=')) return inScope(c, scope) ? raw.trim() : undefined;
  for (const part of raw.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === c.spec.name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * A yes/no annotation: `"true"` (or empty) means every container in scope, `"false"` none, anything else a
 * comma-separated list of container names.
 */
export function annotationFlag(pod: KubeObject, key: string, c: ContainerRuntime, scope: AnnotationScope = 'regular'): boolean {
  const raw = pod.metadata.annotations?.[key];
  if (raw === undefined) return false;
  const value = raw.trim();
  if (value === '' || value === 'true') return inScope(c, scope);
  if (value === 'false') return false;
  return value.split(',').some((name) => name.trim() === c.spec.name);
}

/** A duration annotation: a Go duration (`1.5s`, `2m`) or a bare number of milliseconds; invalid values are ignored. */
export function annotationDuration(pod: KubeObject, key: string, c: ContainerRuntime, scope: AnnotationScope = 'regular'): number | undefined {
  const value = annotationValue(pod, key, c, scope);
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  try {
    const ms = parseDuration(value);
    return ms >= 0 ? ms : undefined;
  } catch {
    return undefined;
  }
}

/** An integer annotation such as an exit code; invalid values are ignored. */
export function annotationInteger(pod: KubeObject, key: string, c: ContainerRuntime, scope: AnnotationScope = 'regular'): number | undefined {
  const value = annotationValue(pod, key, c, scope);
  if (value === undefined || !/^-?\d+$/.test(value)) return undefined;
  return Number(value);
}
