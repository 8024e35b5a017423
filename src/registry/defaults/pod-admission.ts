// Pod mutations real clusters apply through default-on admission plugins (DefaultTolerationSeconds, Priority).
import type { KubeObject } from '../../meta/types.js';
import { isPlainObject } from '../../meta/types.js';
import { ensureObject, isUnset, specOf } from './util.js';

const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
/** kube-apiserver's --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds. */
const DEFAULT_TOLERATION_SECONDS = 300;

/** Whether a toleration already covers `taintKey`:NoExecute by the plugin's rule (empty key/effect are wildcards). */
function covers(toleration: unknown, taintKey: string): boolean {
  if (!isPlainObject(toleration)) return false;
  const key = toleration.key;
  const effect = toleration.effect;
  const keyMatches = key === taintKey || isUnset(key) || key === '';
  const effectMatches = effect === 'NoExecute' || isUnset(effect) || effect === '';
  return keyMatches && effectMatches;
}

/**
 * The DefaultTolerationSeconds admission plugin (create and update of pods): adds NoExecute tolerations for the
 * not-ready and unreachable taints, 300 s each, unless the pod already tolerates them. A malformed tolerations
 * field is left for validation.
 */
export function applyDefaultTolerations(pod: KubeObject): void {
  const spec = specOf(pod);
  if (!spec) return;
  if (!isUnset(spec.tolerations) && !Array.isArray(spec.tolerations)) return;
  const tolerations: unknown[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  const additions: unknown[] = [];
  for (const taintKey of [NOT_READY_TAINT, UNREACHABLE_TAINT]) {
    if (tolerations.some((toleration) => covers(toleration, taintKey))) continue;
    additions.push({
      key: taintKey,
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: DEFAULT_TOLERATION_SECONDS,
    });
  }
  if (additions.length > 0) spec.tolerations = [...tolerations, ...additions];
}

export interface PriorityClassInfo {
  value: number;
  preemptionPolicy?: string;
}

/** The classes every cluster has (the apiserver creates them at startup). */
export const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, PriorityClassInfo>> = {
  'system-node-critical': { value: 2000001000, preemptionPolicy: 'PreemptLowerPriority' },
  'system-cluster-critical': { value: 2000000000, preemptionPolicy: 'PreemptLowerPriority' },
};

export interface PriorityResolver {
  /** Looks a PriorityClass up by name; the system classes are found without it. */
  get?(name: string): PriorityClassInfo | undefined;
  /** The globalDefault class, if any (the lowest-valued one when several claim it). */
  globalDefault?(): (PriorityClassInfo & { name: string }) | undefined;
}

/** Why the Priority plugin refused a pod; the caller answers 403 Forbidden with this message. */
export interface PriorityAdmissionError {
  message: string;
}

/**
 * The Priority admission plugin on pod create: resolves spec.priority (and preemptionPolicy) from
 * spec.priorityClassName, or from the global default class, or 0/PreemptLowerPriority when there is none.
 * Returns an error instead of mutating when the class is unknown or the client-set values disagree.
 */
export function applyPodPriority(pod: KubeObject, resolver: PriorityResolver = {}): PriorityAdmissionError | undefined {
  const spec = ensureObject(pod, 'spec');
  if (!spec) return undefined;
  const className = spec.priorityClassName;
  let resolvedName = '';
  let priority: number;
  let preemptionPolicy: string | undefined;
  if (isUnset(className) || className === '') {
    const fallback = resolver.globalDefault?.();
    if (fallback) {
      resolvedName = fallback.name;
      priority = fallback.value;
      preemptionPolicy = fallback.preemptionPolicy;
    } else {
      priority = 0;
      preemptionPolicy = 'PreemptLowerPriority';
    }
  } else if (typeof className === 'string') {
    const found = resolver.get?.(className) ?? SYSTEM_PRIORITY_CLASSES[className];
    if (!found) return { message: `no PriorityClass with name ${className} was found` };
    resolvedName = className;
    priority = found.value;
    preemptionPolicy = found.preemptionPolicy;
  } else {
    return undefined; // a non-string class name is a decoding error the caller reports
  }
  if (!isUnset(spec.priority) && spec.priority !== priority) {
    return {
      message:
        `the integer value of priority (${String(spec.priority)}) must not be provided in pod spec; ` +
        `priority admission controller computed ${priority} from the given PriorityClass name`,
    };
  }
  if (preemptionPolicy !== undefined && !isUnset(spec.preemptionPolicy) && spec.preemptionPolicy !== preemptionPolicy) {
    return {
      message:
        `the string value of PreemptionPolicy (${String(spec.preemptionPolicy)}) must not be provided in pod spec; ` +
        `priority admission controller computed ${preemptionPolicy} from the given PriorityClass name`,
    };
  }
  if (resolvedName !== '') spec.priorityClassName = resolvedName;
  spec.priority = priority;
  if (preemptionPolicy !== undefined) spec.preemptionPolicy = preemptionPolicy;
  return undefined;
}
