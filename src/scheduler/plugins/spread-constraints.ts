// Topology spread constraints as PodTopologySpread reads them: the pod's own, or the system defaults with a selector
// taken from the Services, ReplicationController, ReplicaSet or StatefulSet that select the pod.
import { labelSelectorFromObject, selectorFromSet, type LabelSelector, type LabelSelectorObject } from '../../meta/label-selector.js';
import type { KubeObject } from '../../meta/types.js';
import type { ClusterListers } from '../framework.js';
import { doNotScheduleTaint, findUntoleratedTaint, matchesRequiredNodeAffinity, nodeTaints, podTolerations } from '../node-selector.js';

/** Just what spreading needs of a selector, so a merged one (services + controller) can stand in. */
export interface PodMatcher {
  readonly empty: boolean;
  matches(labels: Record<string, string> | undefined): boolean;
}

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  selector: PodMatcher;
  minDomains: number;
  /** Honor: only nodes matching the pod's nodeSelector/required affinity count as domains. */
  nodeAffinityPolicy: 'Honor' | 'Ignore';
  /** Honor: nodes with taints the pod does not tolerate do not count. */
  nodeTaintsPolicy: 'Honor' | 'Ignore';
}

interface ConstraintSpec {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: string;
  labelSelector?: LabelSelectorObject | null;
  minDomains?: number;
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
  matchLabelKeys?: string[];
}

export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** The default profile's `defaultingType: System`: spread by hostname (skew 3) and zone (skew 5), softly. */
const SYSTEM_DEFAULT_CONSTRAINTS: ConstraintSpec[] = [
  { topologyKey: HOSTNAME_LABEL, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: ZONE_LABEL, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

export function podSpreadSpecs(pod: KubeObject): ConstraintSpec[] {
  return (pod.spec as { topologySpreadConstraints?: ConstraintSpec[] } | undefined)?.topologySpreadConstraints ?? [];
}

function both(a: PodMatcher, b: PodMatcher): PodMatcher {
  if (a.empty) return b;
  if (b.empty) return a;
  return { empty: false, matches: (labels) => a.matches(labels) && b.matches(labels) };
}

/** filterTopologySpreadConstraints: matchLabelKeys narrow the selector to the pod's own values for those keys. */
function fromSpecs(specs: ConstraintSpec[], pod: KubeObject, action: string): SpreadConstraint[] {
  const labels = pod.metadata.labels ?? {};
  return specs
    .filter((c) => c.whenUnsatisfiable === action)
    .map((c) => {
      let selector: PodMatcher = labelSelectorFromObject(c.labelSelector);
      const keyed: Record<string, string> = {};
      for (const key of c.matchLabelKeys ?? []) if (Object.hasOwn(labels, key)) keyed[key] = labels[key];
      if (Object.keys(keyed).length > 0) selector = both(selectorFromSet(keyed), selector);
      return {
        maxSkew: c.maxSkew,
        topologyKey: c.topologyKey,
        selector,
        minDomains: c.minDomains ?? 1,
        nodeAffinityPolicy: c.nodeAffinityPolicy ?? 'Honor',
        nodeTaintsPolicy: c.nodeTaintsPolicy ?? 'Ignore',
      };
    });
}

const CONTROLLER_KINDS = new Set(['v1/ReplicationController', 'apps/v1/ReplicaSet', 'apps/v1/StatefulSet']);

/** helper.DefaultSelector: the Services selecting the pod, narrowed by its controller's selector. */
export function defaultSelector(pod: KubeObject, listers: ClusterListers): PodMatcher {
  const namespace = pod.metadata.namespace ?? '';
  const podLabels = pod.metadata.labels ?? {};
  const merged: Record<string, string> = {};
  for (const svc of listers.services(namespace)) {
    const sel = (svc.spec as { selector?: Record<string, string> | null } | undefined)?.selector;
    if (sel == null) continue;
    if (selectorFromSet(sel).matches(podLabels)) Object.assign(merged, sel);
  }
  let selector: PodMatcher = selectorFromSet(merged);
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller === true);
  if (!owner || !CONTROLLER_KINDS.has(`${owner.apiVersion}/${owner.kind}`)) return selector;
  const controller = listers.controllerOf(namespace, owner.apiVersion, owner.kind, owner.name);
  if (!controller) return selector;
  const spec = controller.spec as { selector?: unknown } | undefined;
  if (owner.kind === 'ReplicationController') {
    selector = selectorFromSet({ ...merged, ...((spec?.selector as Record<string, string> | undefined) ?? {}) });
  } else if (spec?.selector != null) {
    let other: LabelSelector;
    try {
      other = labelSelectorFromObject(spec.selector as LabelSelectorObject);
    } catch {
      return selector;
    }
    if (!other.empty) selector = both(selector, other);
  }
  return selector;
}

/** getConstraints for one WhenUnsatisfiable action; system defaults only when the pod states none. */
export function spreadConstraints(pod: KubeObject, action: 'DoNotSchedule' | 'ScheduleAnyway', listers: ClusterListers): SpreadConstraint[] {
  const specs = podSpreadSpecs(pod);
  if (specs.length > 0) return fromSpecs(specs, pod, action);
  const defaults = fromSpecs(SYSTEM_DEFAULT_CONSTRAINTS, pod, action);
  if (defaults.length === 0) return [];
  const selector = defaultSelector(pod, listers);
  if (selector.empty) return [];
  return defaults.map((c) => ({ ...c, selector }));
}

export function nodeHasAllTopologyKeys(node: KubeObject, constraints: SpreadConstraint[]): boolean {
  const labels = node.metadata.labels ?? {};
  return constraints.every((c) => Object.hasOwn(labels, c.topologyKey));
}

/** matchNodeInclusionPolicies. */
export function nodeIncluded(c: SpreadConstraint, pod: KubeObject, node: KubeObject): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !matchesRequiredNodeAffinity(pod, node)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && findUntoleratedTaint(nodeTaints(node), podTolerations(pod), doNotScheduleTaint)) return false;
  return true;
}
