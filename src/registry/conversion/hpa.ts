// HorizontalPodAutoscaler conversion between autoscaling/v1 and the autoscaling/v2 storage version, as upstream does it.
import type { KubeObject, ObjectMeta } from '../../meta/types.js';
import { isPlainObject } from '../../meta/types.js';
import { type GoType, decodeAnnotation, goMarshal } from './go-json.js';
import { V1_METRIC_SPECS, V1_METRIC_STATUSES, metricSpecToV1, metricSpecToV2, metricStatusToV1, metricStatusToV2 } from './hpa-metrics.js';

type Json = Record<string, unknown>;

export const METRIC_SPECS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const METRIC_STATUSES_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
const TOLERANCE_SCALE_DOWN_ANNOTATION = 'autoscaling.alpha.kubernetes.io/scale-down-tolerance';
const TOLERANCE_SCALE_UP_ANNOTATION = 'autoscaling.alpha.kubernetes.io/scale-up-tolerance';

/** DropRoundTripHorizontalPodAutoscalerAnnotations: every key some served version uses to carry fields it lacks. */
const ROUND_TRIP_ANNOTATIONS = [
  METRIC_SPECS_ANNOTATION,
  BEHAVIOR_ANNOTATION,
  TOLERANCE_SCALE_DOWN_ANNOTATION,
  TOLERANCE_SCALE_UP_ANNOTATION,
  METRIC_STATUSES_ANNOTATION,
  CONDITIONS_ANNOTATION,
];

/** autoscaling.DefaultCPUUtilization: what a v1 HPA with no metric at all targets. */
const DEFAULT_CPU_UTILIZATION = 80;

/** []autoscalingv1.HorizontalPodAutoscalerCondition, marshalled into the conditions annotation. */
const V1_CONDITIONS: GoType = {
  list: {
    fields: {
      type: 'string',
      status: 'string',
      lastTransitionTime: 'time',
      reason: 'string',
      message: 'string',
      observedGeneration: 'int64',
    },
  },
};

const SCALING_RULES: GoType = {
  fields: {
    StabilizationWindowSeconds: 'int32',
    SelectPolicy: 'string',
    Policies: { list: { fields: { Type: 'string', Value: 'int32', PeriodSeconds: 'int32' } } },
    Tolerance: 'quantity',
  },
};

/**
 * The internal autoscaling.HorizontalPodAutoscalerBehavior: upstream marshals the internal type (a TODO it keeps
 * for n-1 compatibility), which has no json tags, so the annotation uses Go field names.
 */
const INTERNAL_BEHAVIOR: GoType = { fields: { ScaleUp: SCALING_RULES, ScaleDown: SCALING_RULES } };

function objectAt(obj: Json, key: string): Json | undefined {
  const value = obj[key];
  return isPlainObject(value) ? value : undefined;
}

/** A list of structs: anything that is not an object stands for the zero struct, as in a typed Go slice. */
function objectsAt(obj: Json | undefined, key: string): Json[] {
  const value = obj?.[key];
  return Array.isArray(value) ? value.map((item) => (isPlainObject(item) ? item : {})) : [];
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Copies the fields both versions share, in order, leaving absent ones absent. */
function copyFields(from: Json, to: Json, keys: readonly string[]): void {
  for (const key of keys) {
    if (from[key] !== undefined) to[key] = structuredClone(from[key]);
  }
}

/** Removes the round-trip annotations from a metadata copy (and the map, should that empty it). */
function dropRoundTripAnnotations(metadata: ObjectMeta): void {
  const annotations = metadata.annotations;
  if (!isPlainObject(annotations) || !ROUND_TRIP_ANNOTATIONS.some((key) => Object.hasOwn(annotations, key))) return;
  for (const key of ROUND_TRIP_ANNOTATIONS) delete annotations[key];
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
}

/** The metric v1's targetCPUUtilizationPercentage stands for. */
function isCpuUtilization(metric: Json): boolean {
  if (metric.type !== 'Resource') return false;
  const resource = objectAt(metric, 'resource');
  return resource?.name === 'cpu' && isSet(objectAt(resource, 'target')?.averageUtilization);
}

function cpuUtilizationMetric(percentage: unknown): Json {
  return { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: percentage } } };
}

function rulesToInternal(rules: unknown): unknown {
  if (!isPlainObject(rules)) return null;
  const policies = Array.isArray(rules.policies)
    ? rules.policies.map((p: unknown) => {
        const policy = isPlainObject(p) ? p : {};
        return { Type: policy.type ?? '', Value: policy.value ?? 0, PeriodSeconds: policy.periodSeconds ?? 0 };
      })
    : null;
  return {
    StabilizationWindowSeconds: rules.stabilizationWindowSeconds ?? null,
    SelectPolicy: rules.selectPolicy ?? null,
    Policies: policies,
    Tolerance: rules.tolerance ?? null,
  };
}

/** The behavior annotation's value: nil pointers and slices become null, since the internal type has no omitempty. */
function behaviorToAnnotation(behavior: Json): string {
  return goMarshal({ ScaleUp: rulesToInternal(behavior.scaleUp), ScaleDown: rulesToInternal(behavior.scaleDown) });
}

function rulesToV2(rules: unknown): Json | undefined {
  if (!isPlainObject(rules)) return undefined;
  const out: Json = {};
  if (rules.StabilizationWindowSeconds !== undefined) out.stabilizationWindowSeconds = rules.StabilizationWindowSeconds;
  if (rules.SelectPolicy !== undefined) out.selectPolicy = rules.SelectPolicy;
  if (Array.isArray(rules.Policies)) {
    out.policies = rules.Policies.map((p: Json) => ({ type: p.Type ?? '', value: p.Value ?? 0, periodSeconds: p.PeriodSeconds ?? 0 }));
  }
  if (rules.Tolerance !== undefined) out.tolerance = rules.Tolerance;
  return out;
}

/** The behavior a v1 annotation restores; only well-formed, non-zero behaviors move into the spec. */
function behaviorFromAnnotation(text: unknown): Json | undefined {
  if (typeof text !== 'string') return undefined;
  const decoded = decodeAnnotation(INTERNAL_BEHAVIOR, text)?.value;
  if (!isPlainObject(decoded)) return undefined;
  const scaleUp = rulesToV2(decoded.ScaleUp);
  const scaleDown = rulesToV2(decoded.ScaleDown);
  if (!scaleUp && !scaleDown) return undefined;
  const behavior: Json = {};
  if (scaleUp) behavior.scaleUp = scaleUp;
  if (scaleDown) behavior.scaleDown = scaleDown;
  return behavior;
}

/** A v2 condition as autoscalingv1.HorizontalPodAutoscalerCondition marshals it (a zero time is written as null). */
function conditionToV1(condition: Json): Json {
  const out: Json = {
    type: condition.type ?? '',
    status: condition.status ?? '',
    lastTransitionTime: condition.lastTransitionTime ?? null,
  };
  if (isSet(condition.reason) && condition.reason !== '') out.reason = condition.reason;
  if (isSet(condition.message) && condition.message !== '') out.message = condition.message;
  if (isSet(condition.observedGeneration)) out.observedGeneration = condition.observedGeneration;
  return out;
}

function conditionToV2(condition: Json): Json {
  const out: Json = { type: condition.type ?? '', status: condition.status ?? '' };
  if (condition.lastTransitionTime !== undefined) out.lastTransitionTime = condition.lastTransitionTime;
  if (condition.reason !== undefined && condition.reason !== '') out.reason = condition.reason;
  if (condition.message !== undefined && condition.message !== '') out.message = condition.message;
  if (condition.observedGeneration !== undefined) out.observedGeneration = condition.observedGeneration;
  return out;
}

/**
 * A list annotation decoded as upstream's json.Unmarshal into a slice: undefined when absent or malformed (the
 * annotation is then ignored), [] for JSON null.
 */
function listAnnotation(annotations: Json, key: string, type: GoType): Json[] | undefined {
  const text = annotations[key];
  if (typeof text !== 'string') return undefined;
  const decoded = decodeAnnotation(type, text);
  if (!decoded) return undefined;
  return (decoded.value ?? []) as Json[];
}

/**
 * An autoscaling/v2 HPA as autoscaling/v1 serves it. The CPU utilization target becomes
 * targetCPUUtilizationPercentage; the other metrics, the current metrics (all of them, CPU included, for their raw
 * values), the behavior and the conditions travel in annotations so a v1 read-modify-write loses none of them.
 */
export function hpaV2ToV1(obj: KubeObject): KubeObject {
  const metadata = structuredClone(obj.metadata ?? {}) as ObjectMeta;
  // Only the annotations written below may carry round-trip data; stale or forged ones must not leak through.
  dropRoundTripAnnotations(metadata);
  const out: KubeObject = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata };
  const added: Record<string, string> = {};

  const spec = objectAt(obj, 'spec');
  if (spec) {
    const v1Spec: Json = {};
    copyFields(spec, v1Spec, ['scaleTargetRef', 'minReplicas', 'maxReplicas']);
    const metrics = objectsAt(spec, 'metrics');
    const cpu = metrics.find(isCpuUtilization);
    if (cpu) v1Spec.targetCPUUtilizationPercentage = (objectAt(objectAt(cpu, 'resource') ?? {}, 'target') ?? {}).averageUtilization;
    out.spec = v1Spec;
    // Every CPU utilization metric is dropped, though only the first is kept: upstream does the same.
    const others = metrics.filter((m) => !isCpuUtilization(m)).map(metricSpecToV1);
    if (others.length > 0) added[METRIC_SPECS_ANNOTATION] = goMarshal(others);
  }

  const status = objectAt(obj, 'status');
  const currentMetrics = objectsAt(status, 'currentMetrics');
  if (status) {
    const v1Status: Json = {};
    copyFields(status, v1Status, ['observedGeneration', 'lastScaleTime', 'currentReplicas', 'desiredReplicas']);
    // No early exit, as upstream: the last CPU utilization reading wins.
    for (const metric of currentMetrics) {
      const resource = objectAt(metric, 'resource');
      const utilization = objectAt(resource ?? {}, 'current')?.averageUtilization;
      if (metric.type === 'Resource' && resource?.name === 'cpu' && isSet(utilization)) {
        v1Status.currentCPUUtilizationPercentage = utilization;
      }
    }
    out.status = v1Status;
  }
  if (currentMetrics.length > 0) added[METRIC_STATUSES_ANNOTATION] = goMarshal(currentMetrics.map(metricStatusToV1));

  const behavior = spec && objectAt(spec, 'behavior');
  if (behavior) added[BEHAVIOR_ANNOTATION] = behaviorToAnnotation(behavior);

  const conditions = objectsAt(status, 'conditions');
  if (conditions.length > 0) added[CONDITIONS_ANNOTATION] = goMarshal(conditions.map(conditionToV1));

  if (Object.keys(added).length > 0) {
    metadata.annotations = { ...(isPlainObject(metadata.annotations) ? metadata.annotations : {}), ...added };
  }
  return out;
}

/**
 * An autoscaling/v1 HPA in the autoscaling/v2 storage shape: restores what the annotations carry (then drops
 * them), puts annotated metrics before the CPU target, and gives an HPA with no metric at all the 80% CPU default.
 */
export function hpaV1ToV2(obj: KubeObject): KubeObject {
  const metadata = structuredClone(obj.metadata ?? {}) as ObjectMeta;
  const annotations: Json = isPlainObject(metadata.annotations) ? metadata.annotations : {};
  const out: KubeObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata };

  const spec = objectAt(obj, 'spec') ?? {};
  const v2Spec: Json = {};
  copyFields(spec, v2Spec, ['scaleTargetRef', 'minReplicas', 'maxReplicas']);
  let metrics: Json[] = isSet(spec.targetCPUUtilizationPercentage) ? [cpuUtilizationMetric(spec.targetCPUUtilizationPercentage)] : [];
  const annotatedMetrics = listAnnotation(annotations, METRIC_SPECS_ANNOTATION, V1_METRIC_SPECS);
  if (annotatedMetrics) metrics = [...annotatedMetrics.map(metricSpecToV2), ...metrics];
  // v1 once left this default to the controller; with the full metric list at hand it is applied here.
  if (metrics.length === 0) metrics = [cpuUtilizationMetric(DEFAULT_CPU_UTILIZATION)];
  v2Spec.metrics = metrics;
  const behavior = behaviorFromAnnotation(annotations[BEHAVIOR_ANNOTATION]);
  if (behavior) v2Spec.behavior = behavior;
  out.spec = v2Spec;

  const status = objectAt(obj, 'status');
  let currentMetrics: Json[] = [];
  if (status && isSet(status.currentCPUUtilizationPercentage)) {
    currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }];
  }
  // The annotated statuses replace the CPU one: they carry its raw value too.
  const annotatedStatuses = listAnnotation(annotations, METRIC_STATUSES_ANNOTATION, V1_METRIC_STATUSES);
  if (annotatedStatuses) currentMetrics = annotatedStatuses.map(metricStatusToV2);
  const conditions = (listAnnotation(annotations, CONDITIONS_ANNOTATION, V1_CONDITIONS) ?? []).map(conditionToV2);
  if (status || currentMetrics.length > 0 || conditions.length > 0) {
    const v2Status: Json = {};
    if (status) copyFields(status, v2Status, ['observedGeneration', 'lastScaleTime', 'currentReplicas', 'desiredReplicas']);
    if (currentMetrics.length > 0) v2Status.currentMetrics = currentMetrics;
    if (conditions.length > 0) v2Status.conditions = conditions;
    out.status = v2Status;
  }

  dropRoundTripAnnotations(metadata);
  return out;
}
