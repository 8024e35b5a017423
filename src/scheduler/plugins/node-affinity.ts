// NodeAffinity: nodeSelector and required node affinity filter; preferred terms score; metadata.name terms prefilter.
import type { KubeObject } from '../../meta/types.js';
import { SUCCESS, defaultNormalizeScore, status, type Plugin } from '../framework.js';
import { matchesRequiredNodeAffinity, nodeSelectorTermMatches, preferredNodeSelectorTerms, requiredNodeSelectorTerms } from '../node-selector.js';

export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

/**
 * The node names the required terms pin with `metadata.name In (...)` (how DaemonSet pods target their node):
 * intersected within a term, united across terms; undefined as soon as one term leaves the name open.
 */
function pinnedNodeNames(pod: KubeObject): Set<string> | undefined {
  const terms = requiredNodeSelectorTerms(pod);
  if (!terms) return undefined;
  let names: Set<string> | undefined;
  for (const term of terms) {
    let termNames: Set<string> | undefined;
    for (const r of term.matchFields ?? []) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const values = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => values.has(n))) : values;
    }
    if (!termNames) return undefined;
    names = new Set([...(names ?? []), ...termNames]);
  }
  return names;
}

export const nodeAffinity: Plugin = {
  name: 'NodeAffinity',
  weight: 2,
  preFilter(_cycle, pod) {
    const hasSelector = (pod.spec as { nodeSelector?: unknown } | undefined)?.nodeSelector != null;
    if (!hasSelector && requiredNodeSelectorTerms(pod) === undefined) return { status: status('Skip') };
    const names = pinnedNodeNames(pod);
    if (names && names.size === 0) return { status: status('UnschedulableAndUnresolvable', ERR_REASON_CONFLICT) };
    return { status: SUCCESS, nodeNames: names };
  },
  filter(_cycle, pod, node) {
    return matchesRequiredNodeAffinity(pod, node.node) ? SUCCESS : status('UnschedulableAndUnresolvable', ERR_REASON_POD);
  },
  preScore(_cycle, pod) {
    return preferredNodeSelectorTerms(pod).length === 0 ? status('Skip') : SUCCESS;
  },
  score(_cycle, pod, node) {
    let total = 0;
    for (const { weight, preference } of preferredNodeSelectorTerms(pod)) {
      if (weight !== 0 && nodeSelectorTermMatches(preference ?? {}, node.node)) total += weight;
    }
    return total;
  },
  normalizeScore(_cycle, _pod, scores) {
    defaultNormalizeScore(scores, false);
  },
};
