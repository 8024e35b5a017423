// DynamicResources as it shows for pods without ResourceClaims: no claims to allocate, nothing to deallocate.
import { status, type Plugin } from '../framework.js';

const STATE = 'DynamicResources/preFilter';

/**
 * DRA is on by default since v1.34, and its PostFilter runs before preemption: that is where the
 * "no new claims to deallocate, " in every FailedScheduling message comes from. When an earlier PreFilter
 * rejected the pod outright, this PreFilter never ran and its PostFilter fails reading its state ("not found"),
 * which also keeps preemption from running, as upstream does.
 */
export const dynamicResources: Plugin = {
  name: 'DynamicResources',
  preFilter(cycle) {
    cycle.state.set(STATE, { claims: 0 });
    return { status: status('Skip') };
  },
  postFilter(cycle) {
    if (!cycle.state.has(STATE)) return { status: status('Error', 'not found') };
    return { status: status('Unschedulable', 'no new claims to deallocate') };
  },
};

