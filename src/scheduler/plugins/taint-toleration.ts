// TaintToleration: NoSchedule/NoExecute taints must be tolerated; untolerated PreferNoSchedule taints score lower.
import { SUCCESS, defaultNormalizeScore, status, type Plugin } from '../framework.js';
import { doNotScheduleTaint, findUntoleratedTaint, nodeTaints, podTolerations, tolerationsTolerateTaint, type Toleration } from '../node-selector.js';

/** Since v1.33 the reason no longer names the taint, so a FailedScheduling event does not leak taint values. */
export const ERR_REASON_UNTOLERATED = 'node(s) had untolerated taint(s)';

const PRE_SCORE = 'TaintToleration/preScore';

export const taintToleration: Plugin = {
  name: 'TaintToleration',
  weight: 3,
  filter(_cycle, pod, node) {
    const taint = findUntoleratedTaint(nodeTaints(node.node), podTolerations(pod), doNotScheduleTaint);
    return taint ? status('UnschedulableAndUnresolvable', ERR_REASON_UNTOLERATED) : SUCCESS;
  },
  preScore(cycle, pod) {
    // Tolerations with an empty effect match every effect, PreferNoSchedule included.
    const tolerations = podTolerations(pod).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    cycle.state.set(PRE_SCORE, tolerations);
    return SUCCESS;
  },
  score(cycle, _pod, node) {
    const tolerations = (cycle.state.get(PRE_SCORE) as Toleration[] | undefined) ?? [];
    return nodeTaints(node.node).filter((t) => t.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, t)).length;
  },
  normalizeScore(_cycle, _pod, scores) {
    defaultNormalizeScore(scores, true);
  },
};
