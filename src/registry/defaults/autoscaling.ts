// autoscaling defaulting for HorizontalPodAutoscalers, in both served versions (v2 and the legacy v1 shape).
import type { KubeObject } from '../../meta/types.js';
import { isPlainObject } from '../../meta/types.js';
import { type Json, isEmptyList, isUnset, objectAt, setIfUnset, specOf } from './util.js';

/** The CPU target an HPA gets when it names no metric (autoscaling.DefaultCPUUtilization). */
const DEFAULT_CPU_UTILIZATION = 80;
/** Where autoscaling/v1 keeps the metrics it cannot express (round-tripped from v2). */
const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';

function scaleUpDefaults(): Json {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

/** Scale-down leaves stabilizationWindowSeconds unset: the controller's --horizontal-pod-autoscaler flag decides. */
function scaleDownDefaults(): Json {
  return { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

/** Overlays the rule fields the client set on the defaults, as copyHPAScalingRules does. */
function mergeRules(given: unknown, defaults: Json): unknown {
  if (isUnset(given)) return defaults;
  if (!isPlainObject(given)) return given; // malformed: leave it for validation
  for (const key of ['selectPolicy', 'stabilizationWindowSeconds', 'policies', 'tolerance']) {
    if (!isUnset(given[key])) defaults[key] = given[key];
  }
  // Keep anything else the client sent (unknown fields are validation's business, not ours to drop).
  return { ...given, ...defaults };
}

/**
 * Defaults an autoscaling/v2 HPA: minReplicas 1, a CPU 80% utilization metric when none is given, and — only
 * when a behavior is given — every unset scaling rule field.
 */
export function defaultHorizontalPodAutoscalerV2(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!spec) return;
  setIfUnset(spec, 'minReplicas', 1);
  if (isEmptyList(spec.metrics)) {
    spec.metrics = [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } },
      },
    ];
  }
  const behavior = objectAt(spec, 'behavior');
  if (behavior) {
    behavior.scaleUp = mergeRules(behavior.scaleUp, scaleUpDefaults());
    behavior.scaleDown = mergeRules(behavior.scaleDown, scaleDownDefaults());
  }
}

/** Whether the v1 metrics annotation carries metrics (it then supplies the spec instead of the CPU default). */
function annotatedMetrics(obj: KubeObject): boolean {
  const annotations: unknown = obj.metadata?.annotations;
  if (!isPlainObject(annotations) || typeof annotations[METRICS_ANNOTATION] !== 'string') return false;
  try {
    const parsed: unknown = JSON.parse(annotations[METRICS_ANNOTATION]);
    return Array.isArray(parsed) && parsed.length > 0;
  } catch {
    return false; // upstream fails the conversion; validation of the annotation is not this layer's job
  }
}

/**
 * Defaults an autoscaling/v1 HPA: minReplicas 1, and — through the conversion to the internal version, which
 * gives a metric-less HPA the CPU default — targetCPUUtilizationPercentage 80 when no other metric is annotated.
 */
export function defaultHorizontalPodAutoscalerV1(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!spec) return;
  setIfUnset(spec, 'minReplicas', 1);
  if (isUnset(spec.targetCPUUtilizationPercentage) && !annotatedMetrics(obj)) {
    spec.targetCPUUtilizationPercentage = DEFAULT_CPU_UTILIZATION;
  }
}

/** Dispatches on apiVersion: autoscaling/v1 objects keep the v1 shape, anything else is treated as v2. */
export function defaultHorizontalPodAutoscaler(obj: KubeObject): void {
  if (isPlainObject(obj) && obj.apiVersion === 'autoscaling/v1') defaultHorizontalPodAutoscalerV1(obj);
  else defaultHorizontalPodAutoscalerV2(obj);
}
