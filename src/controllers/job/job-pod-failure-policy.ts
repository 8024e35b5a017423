// podFailurePolicy: matches a failed pod against the Job's rules (upstream pod_failure_policy.go).
import type { KubeObject } from '../../meta/types.js';
import { type ContainerStatus, type JobSpec, podStatus } from './job-util.js';

export interface PodFailurePolicyMatch {
  /** Set when a FailJob rule matched: the message of the Job's FailureTarget and Failed conditions. */
  failJobMessage?: string;
  /** False when an Ignore rule matched: the failure counts against neither backoffLimit nor backoffLimitPerIndex. */
  countFailed: boolean;
  action?: string;
}

/** Rules are tried in order; the first whose requirement matches decides. No policy or no match counts the failure. */
export function matchPodFailurePolicy(policy: JobSpec['podFailurePolicy'], pod: KubeObject): PodFailurePolicyMatch {
  if (!policy) return { countFailed: true };
  const status = podStatus(pod);
  const namespace = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    let failJobMessage: string | undefined;
    if (rule.onExitCodes) {
      const container = matchOnExitCodes(status.containerStatuses, rule.onExitCodes) ?? matchOnExitCodes(status.initContainerStatuses, rule.onExitCodes);
      if (!container) continue;
      const exitCode = container.state?.terminated?.exitCode;
      failJobMessage = `Container ${container.name} for pod ${namespace}/${name} failed with exit code ${exitCode} matching ${rule.action} rule at index ${index}`;
    } else if (rule.onPodConditions) {
      const condition = (status.conditions ?? []).find((c) => rule.onPodConditions!.some((p) => p.type === c.type && (p.status ?? 'True') === c.status));
      if (!condition) continue;
      failJobMessage = `Pod ${namespace}/${name} has condition ${condition.type} matching ${rule.action} rule at index ${index}`;
    } else {
      continue;
    }
    switch (rule.action) {
      case 'Ignore':
        return { countFailed: false, action: 'Ignore' };
      case 'FailIndex':
        return { countFailed: true, action: 'FailIndex' };
      case 'Count':
        return { countFailed: true, action: 'Count' };
      case 'FailJob':
        return { failJobMessage, countFailed: true, action: 'FailJob' };
    }
    // An unknown action falls through to the next rule, as upstream's switch without a default does.
  }
  return { countFailed: true };
}

/** The first terminated container with a non-zero exit code the requirement matches (exit code 0 never matches). */
function matchOnExitCodes(
  statuses: ContainerStatus[] | undefined,
  requirement: NonNullable<NonNullable<JobSpec['podFailurePolicy']>['rules'][number]['onExitCodes']>,
): ContainerStatus | undefined {
  for (const status of statuses ?? []) {
    const terminated = status.state?.terminated;
    if (!terminated) continue;
    if (requirement.containerName && requirement.containerName !== status.name) continue;
    const exitCode = terminated.exitCode ?? 0;
    if (exitCode === 0) continue;
    const listed = (requirement.values ?? []).includes(exitCode);
    if ((requirement.operator === 'In' && listed) || (requirement.operator === 'NotIn' && !listed)) return status;
  }
  return undefined;
}
