// successPolicy of Indexed Jobs: which succeeded indexes let the Job declare success early (upstream success_policy.go).
import { type OrderedIntervals, parseIntervals, totalIndexes } from './job-index-intervals.js';
import type { JobSpec } from './job-util.js';

/** The message of the SuccessCriteriaMet condition when a rule is met, else undefined. Rules are tried in order. */
export function matchSuccessPolicy(policy: JobSpec['successPolicy'], completions: number, succeeded: OrderedIntervals): string | undefined {
  if (!policy || succeeded.length === 0) return undefined;
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    if (rule.succeededIndexes !== undefined && rule.succeededIndexes !== null) {
      const required = parseIntervals(rule.succeededIndexes, completions);
      // A rule whose indexes cannot be parsed (or all lie beyond completions) never matches.
      if (required.length === 0) continue;
      if (matchSucceededIndexesRule(required, succeeded, rule.succeededCount)) return `Matched rules at index ${index}`;
    } else if (rule.succeededCount !== undefined && rule.succeededCount !== null && totalIndexes(succeeded) >= rule.succeededCount) {
      return `Matched rules at index ${index}`;
    }
  }
  return undefined;
}

/** Met when every required index succeeded, or at least `succeededCount` of them did. */
function matchSucceededIndexesRule(required: OrderedIntervals, succeeded: OrderedIntervals, succeededCount: number | undefined): boolean {
  let contains = 0;
  let s = 0;
  let r = 0;
  while (r < required.length && s < succeeded.length) {
    const overlap = Math.min(required[r].last, succeeded[s].last) - Math.max(required[r].first, succeeded[s].first) + 1;
    if (overlap > 0) contains += overlap;
    if (succeeded[s].last < required[r].last) s++;
    else if (succeeded[s].last > required[r].last) r++;
    else {
      s++;
      r++;
    }
  }
  return contains === totalIndexes(required) || (succeededCount !== undefined && succeededCount !== null && contains >= succeededCount);
}
