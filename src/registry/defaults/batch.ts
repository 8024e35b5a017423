// batch/v1 defaulting: Jobs and CronJobs (a CronJob's jobTemplate gets only the nested defaults, not Job's own).
import type { KubeObject } from '../../meta/types.js';
import { isPlainObject } from '../../meta/types.js';
import { defaultPodTemplateSpec } from './pod.js';
import { type Json, eachObject, ensureObject, hasEntries, isUnset, objectAt, setIfEmptyString, setIfUnset, specOf } from './util.js';

const MAX_INT32 = 2147483647;

/** The defaults that apply wherever a JobSpec appears: the pod template and podFailurePolicy patterns. */
function defaultNestedJobSpec(spec: Json): void {
  const template = ensureObject(spec, 'template');
  if (template) defaultPodTemplateSpec(template);
  const podFailurePolicy = objectAt(spec, 'podFailurePolicy');
  if (podFailurePolicy) {
    eachObject(podFailurePolicy, 'rules', (rule) => {
      eachObject(rule, 'onPodConditions', (pattern) => setIfEmptyString(pattern, 'status', 'True'));
    });
  }
}

/**
 * Defaults a Job. When the Job has no labels it takes its template's labels — by reference, as upstream does
 * (the Go maps are shared), so the selector labels the job strategy later adds to the template show on the Job
 * too. Call the defaulter again on the stored object (the apiserver re-defaults when decoding from etcd) to
 * cover a template that had no labels before the strategy added them.
 */
export function defaultJob(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!spec) return;
  // completions and parallelism both default to 1 only when both are unset; otherwise parallelism alone does.
  if (isUnset(spec.completions) && isUnset(spec.parallelism)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setIfUnset(spec, 'parallelism', 1);
  setIfUnset(spec, 'backoffLimit', isUnset(spec.backoffLimitPerIndex) ? 6 : MAX_INT32);
  const template = objectAt(spec, 'template');
  const templateMeta = template ? objectAt(template, 'metadata') : undefined;
  const metadata: unknown = obj.metadata;
  if (templateMeta && hasEntries(templateMeta.labels) && isPlainObject(metadata) && !hasEntries(metadata.labels)) {
    // Only an absent or empty map is replaced: a malformed labels value is left for validation.
    if (isUnset(metadata.labels) || isPlainObject(metadata.labels)) metadata.labels = templateMeta.labels;
  }
  setIfUnset(spec, 'completionMode', 'NonIndexed');
  setIfUnset(spec, 'suspend', false);
  // JobPodReplacementPolicy is on by default from 1.29 (GA in 1.34).
  setIfUnset(spec, 'podReplacementPolicy', isUnset(spec.podFailurePolicy) ? 'TerminatingOrFailed' : 'Failed');
  setIfUnset(spec, 'manualSelector', false);
  defaultNestedJobSpec(spec);
}

export function defaultCronJob(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!spec) return;
  setIfEmptyString(spec, 'concurrencyPolicy', 'Allow');
  setIfUnset(spec, 'suspend', false);
  setIfUnset(spec, 'successfulJobsHistoryLimit', 3);
  setIfUnset(spec, 'failedJobsHistoryLimit', 1);
  const jobTemplate = ensureObject(spec, 'jobTemplate');
  const jobSpec = jobTemplate ? ensureObject(jobTemplate, 'spec') : undefined;
  if (jobSpec) defaultNestedJobSpec(jobSpec);
}
