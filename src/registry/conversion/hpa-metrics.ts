// HPA metric specs and statuses between autoscaling/v2 and the v1 (v2beta1-like) shape kept in v1's annotations.
import { type GoType, LABEL_SELECTOR } from './go-json.js';

type Json = Record<string, unknown>;

const REFERENCE: GoType = { fields: { kind: 'string', name: 'string', apiVersion: 'string' } };

/**
 * []autoscalingv1.MetricSpec, the type upstream marshals into autoscaling.alpha.kubernetes.io/metrics: autoscaling/v1
 * kept the v2beta1 field names (metricName, targetAverageValue, …) for the metrics it cannot express itself.
 */
export const V1_METRIC_SPECS: GoType = {
  list: {
    fields: {
      type: 'string',
      object: {
        fields: { target: REFERENCE, metricName: 'string', targetValue: 'quantity', selector: LABEL_SELECTOR, averageValue: 'quantity' },
      },
      pods: { fields: { metricName: 'string', targetAverageValue: 'quantity', selector: LABEL_SELECTOR } },
      resource: { fields: { name: 'string', targetAverageUtilization: 'int32', targetAverageValue: 'quantity' } },
      containerResource: {
        fields: { name: 'string', targetAverageUtilization: 'int32', targetAverageValue: 'quantity', container: 'string' },
      },
      external: {
        fields: { metricName: 'string', metricSelector: LABEL_SELECTOR, targetValue: 'quantity', targetAverageValue: 'quantity' },
      },
    },
  },
};

/** []autoscalingv1.MetricStatus, marshalled into autoscaling.alpha.kubernetes.io/current-metrics. */
export const V1_METRIC_STATUSES: GoType = {
  list: {
    fields: {
      type: 'string',
      object: {
        fields: { target: REFERENCE, metricName: 'string', currentValue: 'quantity', selector: LABEL_SELECTOR, averageValue: 'quantity' },
      },
      pods: { fields: { metricName: 'string', currentAverageValue: 'quantity', selector: LABEL_SELECTOR } },
      resource: { fields: { name: 'string', currentAverageUtilization: 'int32', currentAverageValue: 'quantity' } },
      containerResource: {
        fields: { name: 'string', currentAverageUtilization: 'int32', currentAverageValue: 'quantity', container: 'string' },
      },
      external: {
        fields: { metricName: 'string', metricSelector: LABEL_SELECTOR, currentValue: 'quantity', currentAverageValue: 'quantity' },
      },
    },
  },
};

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(obj: Json, key: string): Json | undefined {
  const value = obj[key];
  return isObject(value) ? value : undefined;
}

/** Drops nil pointers (omitempty); key order is kept, so marshalled annotations list fields in Go struct order. */
function compact(obj: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(obj)) {
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}

function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

/** CrossVersionObjectReference: kind and name are always written, apiVersion only when non-empty. */
function reference(ref: unknown): Json {
  const r = isObject(ref) ? ref : {};
  const out: Json = { kind: r.kind ?? '', name: r.name ?? '' };
  if (r.apiVersion !== undefined && r.apiVersion !== null && r.apiVersion !== '') out.apiVersion = r.apiVersion;
  return out;
}

function identifier(name: unknown, selector: unknown): Json {
  return compact({ name: name ?? '', selector: clone(selector) });
}

function resourceTarget(utilization: unknown, averageValue: unknown): Json {
  // The target type is not stored in v1; upstream infers it from which value is set.
  const type = utilization === undefined ? 'AverageValue' : 'Utilization';
  return compact({ type, averageValue, averageUtilization: utilization });
}

/** A v2 MetricSpec as autoscalingv1.MetricSpec (Convert_autoscaling_MetricSpec_To_v1_MetricSpec). */
export function metricSpecToV1(metric: Json): Json {
  const out: Json = { type: metric.type ?? '' };
  const object = objectAt(metric, 'object');
  if (object) {
    const target = objectAt(object, 'target') ?? {};
    const id = objectAt(object, 'metric') ?? {};
    out.object = compact({
      target: reference(object.describedObject),
      metricName: id.name ?? '',
      targetValue: target.value ?? '0', // a non-pointer Quantity in v1: zero when the v2 target has no value
      selector: clone(id.selector),
      averageValue: target.averageValue,
    });
  }
  const pods = objectAt(metric, 'pods');
  if (pods) {
    const target = objectAt(pods, 'target') ?? {};
    const id = objectAt(pods, 'metric') ?? {};
    out.pods = compact({ metricName: id.name ?? '', targetAverageValue: target.averageValue ?? '0', selector: clone(id.selector) });
  }
  for (const key of ['resource', 'containerResource'] as const) {
    const source = objectAt(metric, key);
    if (!source) continue;
    const target = objectAt(source, 'target') ?? {};
    out[key] = compact({
      name: source.name ?? '',
      targetAverageUtilization: target.averageUtilization,
      targetAverageValue: target.averageValue,
      container: key === 'containerResource' ? (source.container ?? '') : undefined,
    });
  }
  const external = objectAt(metric, 'external');
  if (external) {
    const target = objectAt(external, 'target') ?? {};
    const id = objectAt(external, 'metric') ?? {};
    out.external = compact({
      metricName: id.name ?? '',
      metricSelector: clone(id.selector),
      targetValue: target.value,
      targetAverageValue: target.averageValue,
    });
  }
  return out;
}

/** A decoded autoscalingv1.MetricSpec as a v2 MetricSpec (Convert_v1_MetricSpec_To_autoscaling_MetricSpec). */
export function metricSpecToV2(metric: Json): Json {
  const out: Json = { type: metric.type ?? '' };
  const object = objectAt(metric, 'object');
  if (object) {
    out.object = {
      describedObject: reference(object.target),
      target: compact({
        type: object.averageValue === undefined ? 'Value' : 'AverageValue',
        // Upstream always points value at the v1 targetValue, so an AverageValue target gains value "0".
        value: object.targetValue ?? '0',
        averageValue: object.averageValue,
      }),
      metric: identifier(object.metricName, object.selector),
    };
  }
  const pods = objectAt(metric, 'pods');
  if (pods) {
    out.pods = {
      metric: identifier(pods.metricName, pods.selector),
      target: { type: 'AverageValue', averageValue: pods.targetAverageValue ?? '0' },
    };
  }
  const resource = objectAt(metric, 'resource');
  if (resource) {
    out.resource = {
      name: resource.name ?? '',
      target: resourceTarget(resource.targetAverageUtilization, resource.targetAverageValue),
    };
  }
  const container = objectAt(metric, 'containerResource');
  if (container) {
    out.containerResource = {
      name: container.name ?? '',
      target: resourceTarget(container.targetAverageUtilization, container.targetAverageValue),
      container: container.container ?? '',
    };
  }
  const external = objectAt(metric, 'external');
  if (external) {
    out.external = {
      metric: identifier(external.metricName, external.metricSelector),
      target: compact({
        type: external.targetValue === undefined ? 'AverageValue' : 'Value',
        value: external.targetValue,
        averageValue: external.targetAverageValue,
      }),
    };
  }
  return out;
}

/** A v2 MetricStatus as autoscalingv1.MetricStatus (Convert_autoscaling_MetricStatus_To_v1_MetricStatus). */
export function metricStatusToV1(metric: Json): Json {
  const out: Json = { type: metric.type ?? '' };
  const object = objectAt(metric, 'object');
  if (object) {
    const current = objectAt(object, 'current') ?? {};
    const id = objectAt(object, 'metric') ?? {};
    out.object = compact({
      target: reference(object.describedObject),
      metricName: id.name ?? '',
      currentValue: current.value ?? '0',
      selector: clone(id.selector),
      averageValue: current.averageValue,
    });
  }
  const pods = objectAt(metric, 'pods');
  if (pods) {
    const current = objectAt(pods, 'current') ?? {};
    const id = objectAt(pods, 'metric') ?? {};
    out.pods = compact({ metricName: id.name ?? '', currentAverageValue: current.averageValue ?? '0', selector: clone(id.selector) });
  }
  for (const key of ['resource', 'containerResource'] as const) {
    const source = objectAt(metric, key);
    if (!source) continue;
    const current = objectAt(source, 'current') ?? {};
    out[key] = compact({
      name: source.name ?? '',
      currentAverageUtilization: current.averageUtilization,
      currentAverageValue: current.averageValue ?? '0',
      container: key === 'containerResource' ? (source.container ?? '') : undefined,
    });
  }
  const external = objectAt(metric, 'external');
  if (external) {
    const current = objectAt(external, 'current') ?? {};
    const id = objectAt(external, 'metric') ?? {};
    out.external = compact({
      metricName: id.name ?? '',
      metricSelector: clone(id.selector),
      currentValue: current.value ?? '0',
      currentAverageValue: current.averageValue,
    });
  }
  return out;
}

/** A decoded autoscalingv1.MetricStatus as a v2 MetricStatus (Convert_v1_MetricStatus_To_autoscaling_MetricStatus). */
export function metricStatusToV2(metric: Json): Json {
  const out: Json = { type: metric.type ?? '' };
  const object = objectAt(metric, 'object');
  if (object) {
    out.object = {
      metric: identifier(object.metricName, object.selector),
      current: compact({ value: object.currentValue ?? '0', averageValue: object.averageValue }),
      describedObject: reference(object.target),
    };
  }
  const pods = objectAt(metric, 'pods');
  if (pods) {
    out.pods = { metric: identifier(pods.metricName, pods.selector), current: { averageValue: pods.currentAverageValue ?? '0' } };
  }
  for (const key of ['resource', 'containerResource'] as const) {
    const source = objectAt(metric, key);
    if (!source) continue;
    const converted: Json = {
      name: source.name ?? '',
      current: compact({ averageValue: source.currentAverageValue ?? '0', averageUtilization: source.currentAverageUtilization }),
    };
    if (key === 'containerResource') converted.container = source.container ?? '';
    out[key] = converted;
  }
  const external = objectAt(metric, 'external');
  if (external) {
    out.external = {
      metric: identifier(external.metricName, external.metricSelector),
      current: compact({ value: external.currentValue ?? '0', averageValue: external.currentAverageValue }),
    };
  }
  return out;
}
