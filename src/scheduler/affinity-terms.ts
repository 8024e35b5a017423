// Pod (anti-)affinity terms parsed once per pod, with upstream's namespace rules, as the framework's AffinityTerm.
import { labelSelectorFromObject, nothingSelector, type LabelSelector, type LabelSelectorObject } from '../meta/label-selector.js';
import type { KubeObject } from '../meta/types.js';

interface PodAffinityTermSpec {
  labelSelector?: LabelSelectorObject | null;
  namespaces?: string[];
  namespaceSelector?: LabelSelectorObject | null;
  topologyKey: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

interface WeightedTermSpec {
  weight: number;
  podAffinityTerm: PodAffinityTermSpec;
}

interface AffinitySpec {
  podAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTermSpec[]; preferredDuringSchedulingIgnoredDuringExecution?: WeightedTermSpec[] };
  podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTermSpec[]; preferredDuringSchedulingIgnoredDuringExecution?: WeightedTermSpec[] };
}

export class AffinityTerm {
  constructor(
    readonly namespaces: Set<string>,
    readonly selector: LabelSelector,
    readonly topologyKey: string,
    /** Replaced by the namespaces it selects for the incoming pod (mergeAffinityTermNamespacesIfNotEmpty). */
    public namespaceSelector: LabelSelector,
  ) {}

  /** The term selects `pod` when the namespace is listed or selected (by `nsLabels`), and the labels match. */
  matches(pod: KubeObject, nsLabels: Record<string, string> | undefined): boolean {
    if (this.namespaces.has(pod.metadata.namespace ?? '') || this.namespaceSelector.matches(nsLabels ?? {})) {
      return this.selector.matches(pod.metadata.labels ?? {});
    }
    return false;
  }
}

export interface WeightedAffinityTerm {
  term: AffinityTerm;
  weight: number;
}

function affinityOf(pod: KubeObject): AffinitySpec | undefined {
  return (pod.spec as { affinity?: AffinitySpec } | undefined)?.affinity;
}

/**
 * matchLabelKeys and mismatchLabelKeys add `key in (value)` / `key notin (value)` for the owning pod's own labels,
 * as the apiserver merges them into the selector on create; doing it here as well changes nothing when it already did.
 */
function selectorFor(pod: KubeObject, spec: PodAffinityTermSpec): LabelSelector {
  const labels = pod.metadata.labels ?? {};
  const base = spec.labelSelector;
  const extra: { key: string; operator: string; values: string[] }[] = [];
  for (const key of spec.matchLabelKeys ?? []) if (Object.hasOwn(labels, key)) extra.push({ key, operator: 'In', values: [labels[key]] });
  for (const key of spec.mismatchLabelKeys ?? []) if (Object.hasOwn(labels, key)) extra.push({ key, operator: 'NotIn', values: [labels[key]] });
  if (extra.length === 0 || base == null) return labelSelectorFromObject(base);
  return labelSelectorFromObject({ matchLabels: base.matchLabels, matchExpressions: [...(base.matchExpressions ?? []), ...extra] });
}

function newAffinityTerm(pod: KubeObject, spec: PodAffinityTermSpec): AffinityTerm {
  const selector = selectorFor(pod, spec);
  // No namespaces and no namespaceSelector means the pod's own namespace (getNamespacesFromPodAffinityTerm).
  const namespaces = new Set<string>(
    (spec.namespaces ?? []).length === 0 && spec.namespaceSelector == null ? [pod.metadata.namespace ?? ''] : spec.namespaces ?? [],
  );
  const namespaceSelector = spec.namespaceSelector == null ? nothingSelector() : labelSelectorFromObject(spec.namespaceSelector);
  return new AffinityTerm(namespaces, selector, spec.topologyKey ?? '', namespaceSelector);
}

export interface PodAffinityTerms {
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: WeightedAffinityTerm[];
  preferredAntiAffinity: WeightedAffinityTerm[];
  /** The first selector error met: upstream refuses to schedule such a pod and ignores it as an existing one. */
  parseError?: string;
}

/** NewPodInfo's term parsing; a term list with a bad selector is dropped as a whole, as GetAffinityTerms fails. */
export function podAffinityTerms(pod: KubeObject): PodAffinityTerms {
  const affinity = affinityOf(pod);
  const out: PodAffinityTerms = { requiredAffinity: [], requiredAntiAffinity: [], preferredAffinity: [], preferredAntiAffinity: [] };
  const parse = <T>(build: () => T[]): T[] => {
    try {
      return build();
    } catch (err) {
      out.parseError ??= err instanceof Error ? err.message : String(err);
      return [];
    }
  };
  out.requiredAffinity = parse(() => (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => newAffinityTerm(pod, t)));
  out.requiredAntiAffinity = parse(() => (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => newAffinityTerm(pod, t)));
  out.preferredAffinity = parse(() =>
    (affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ term: newAffinityTerm(pod, w.podAffinityTerm), weight: w.weight })),
  );
  out.preferredAntiAffinity = parse(() =>
    (affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ term: newAffinityTerm(pod, w.podAffinityTerm), weight: w.weight })),
  );
  return out;
}

/** For the incoming pod: a non-empty namespaceSelector becomes the namespaces it selects now. */
export function mergeNamespaceSelector(term: AffinityTerm, namespaceLabels: Map<string, Record<string, string>>): void {
  if (term.namespaceSelector.empty) return;
  for (const [name, labels] of namespaceLabels) if (term.namespaceSelector.matches(labels)) term.namespaces.add(name);
  term.namespaceSelector = nothingSelector();
}
