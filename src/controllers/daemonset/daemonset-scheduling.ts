// Where a DaemonSet's pods belong: NodeShouldRunDaemonPod (node name, node affinity, taints) and each pod's node.
import { toleratesTaint as sharedToleratesTaint } from '../shared/tolerations.js';
import type { KubeObject } from '../../meta/types.js';

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

interface Affinity {
  nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] }; [key: string]: unknown };
  [key: string]: unknown;
}

export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  hostNetwork?: boolean;
  [key: string]: unknown;
}

/** The field a daemon pod's node affinity pins: the node's name. */
const nodeNameField = 'metadata.name';

/** Node problems must not evict or block daemons, which often are what fixes the node (upstream's AddOrUpdateDaemonPodTolerations). */
function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const exists = (key: string, effect: string): Toleration => ({ key, operator: 'Exists', effect });
  const tolerations = [
    exists('node.kubernetes.io/not-ready', 'NoExecute'),
    exists('node.kubernetes.io/unreachable', 'NoExecute'),
    exists('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/unschedulable', 'NoSchedule'),
  ];
  if (hostNetwork) tolerations.push(exists('node.kubernetes.io/network-unavailable', 'NoSchedule'));
  return tolerations;
}

function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.effect ?? '') === (b.effect ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '');
}

/** AddOrUpdateTolerationInPodSpec for each daemon default: a matching toleration is replaced, none is appended. */
export function addDaemonTolerations(spec: PodSpec): void {
  for (const wanted of daemonTolerations(spec.hostNetwork === true)) {
    const current = spec.tolerations ?? [];
    if (current.some((t) => sameToleration(t, wanted) && t.tolerationSeconds === undefined)) continue;
    let replaced = false;
    const next = current.map((t) => {
      if (!sameToleration(t, wanted)) return t;
      replaced = true;
      return { ...wanted };
    });
    if (!replaced) next.push({ ...wanted });
    spec.tolerations = next;
  }
}

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  return sharedToleratesTaint(toleration, taint);
}

function hasUntoleratedTaint(taints: Taint[], tolerations: Toleration[], effects: string[]): boolean {
  return taints.some((taint) => effects.includes(taint.effect) && !tolerations.some((t) => tolerates(t, taint)));
}

function parseInteger(text: string | undefined): bigint | undefined {
  return text !== undefined && /^[+-]?[0-9]+$/.test(text) ? BigInt(text) : undefined;
}

function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const have = parseInteger(value);
      const bound = values.length === 1 ? parseInteger(values[0]) : undefined;
      if (have === undefined || bound === undefined) return false;
      return req.operator === 'Gt' ? have > bound : have < bound;
    }
    default:
      return false;
  }
}

/** A term with no requirements selects nothing; fields may only be metadata.name with In or NotIn. */
function termMatches(term: NodeSelectorTerm, node: KubeObject): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  const labelsMatch = expressions.every((req) => requirementMatches(req, Object.hasOwn(labels, req.key) ? labels[req.key] : undefined));
  const fieldsMatch = fields.every((req) => req.key === nodeNameField && (req.operator === 'In' || req.operator === 'NotIn') && requirementMatches(req, node.metadata.name));
  return labelsMatch && fieldsMatch;
}

/** nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): the nodeSelector, then any one required term. */
export function requiredNodeAffinityMatches(spec: PodSpec, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) if (labels[key] !== value) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((term) => termMatches(term, node));
}

export interface NodeVerdict {
  /** A daemon pod should be created here if there is none. */
  shouldRun: boolean;
  /** A daemon pod already here may stay (it tolerates every NoExecute taint). */
  shouldContinueRunning: boolean;
}

/** NodeShouldRunDaemonPod: the template's pod, with the daemon tolerations, against the node. */
export function nodeShouldRunDaemonPod(node: KubeObject, ds: KubeObject): NodeVerdict {
  const template = (ds.spec as { template?: { spec?: PodSpec } } | undefined)?.template;
  const spec: PodSpec = structuredClone(template?.spec ?? {});
  addDaemonTolerations(spec);
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!requiredNodeAffinityMatches(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []) as Taint[];
  const tolerations = spec.tolerations ?? [];
  if (hasUntoleratedTaint(taints, tolerations, ['NoExecute', 'NoSchedule'])) {
    return { shouldRun: false, shouldContinueRunning: !hasUntoleratedTaint(taints, tolerations, ['NoExecute']) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/** GetTargetNodeName: spec.nodeName once scheduled, else the node the required affinity pins by metadata.name. */
export function targetNodeName(pod: KubeObject): string | undefined {
  const spec = (pod.spec ?? {}) as PodSpec;
  if (spec.nodeName) return spec.nodeName;
  for (const term of spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const req of term.matchFields ?? []) {
      if (req.key === nodeNameField && req.operator === 'In') return req.values?.length === 1 ? req.values[0] : undefined;
    }
  }
  return undefined;
}

/**
 * ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes one term matching the node's name, so the
 * scheduler binds the pod there; the controller no longer sets nodeName itself.
 */
export function pinToNode(spec: PodSpec, nodeName: string): void {
  const selector = { nodeSelectorTerms: [{ matchFields: [{ key: nodeNameField, operator: 'In', values: [nodeName] }] }] };
  const affinity = (spec.affinity ??= {});
  const nodeAffinity = (affinity.nodeAffinity ??= {});
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { ...(nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ?? {}), ...selector };
}
