// Tests for the autoscaling/v1 <-> autoscaling/v2 HorizontalPodAutoscaler conversion and its round-trip annotations.
import type { KubeObject } from '../../meta/types.js';
import { BEHAVIOR_ANNOTATION, CONDITIONS_ANNOTATION, METRIC_SPECS_ANNOTATION, METRIC_STATUSES_ANNOTATION, hpaV1ToV2, hpaV2ToV1 } from './hpa.js';

const frontend = { matchLabels: { tier: 'frontend' } };
const orders = { matchLabels: { queue: 'orders' } };
const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'web' };

/** A busy HPA as the controller leaves it: every metric source, a behavior, and a full status. */
function richV2(): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: '6f1c2b7e-5a0d-4c55-9d8e-1f2a3b4c5d6e',
      resourceVersion: '812',
      generation: 3,
      creationTimestamp: '2025-03-01T10:00:00Z',
      labels: { app: 'web' },
      annotations: { 'team.example.com/owner': 'checkout' },
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 20,
      metrics: [
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '512Mi' } } },
        { type: 'Pods', pods: { metric: { name: 'http_requests_per_second', selector: frontend }, target: { type: 'AverageValue', averageValue: '100' } } },
        { type: 'Object', object: { describedObject: ingress, metric: { name: 'requests_per_second' }, target: { type: 'Value', value: '2k' } } },
        { type: 'External', external: { metric: { name: 'queue_messages_ready', selector: orders }, target: { type: 'Value', value: '30' } } },
        { type: 'ContainerResource', containerResource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 75 }, container: 'app' } },
        // Last, because that is where a v1 round trip puts it.
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      ],
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: 'Max',
          policies: [
            { type: 'Pods', value: 4, periodSeconds: 15 },
            { type: 'Percent', value: 100, periodSeconds: 15 },
          ],
          tolerance: '50m',
        },
        scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] },
      },
    },
    status: {
      observedGeneration: 3,
      lastScaleTime: '2025-03-01T10:20:00Z',
      currentReplicas: 4,
      desiredReplicas: 5,
      currentMetrics: [
        { type: 'Resource', resource: { name: 'memory', current: { averageValue: '420Mi' } } },
        { type: 'Pods', pods: { metric: { name: 'http_requests_per_second', selector: frontend }, current: { averageValue: '87' } } },
        { type: 'Object', object: { metric: { name: 'requests_per_second' }, current: { value: '1500' }, describedObject: ingress } },
        { type: 'External', external: { metric: { name: 'queue_messages_ready', selector: orders }, current: { value: '42' } } },
        { type: 'ContainerResource', containerResource: { name: 'cpu', current: { averageValue: '180m', averageUtilization: 72 }, container: 'app' } },
        { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '150m', averageUtilization: 58 } } },
      ],
      conditions: [
        { type: 'AbleToScale', status: 'True', lastTransitionTime: '2025-03-01T10:05:00Z', reason: 'ReadyForNewScale', message: 'recommended size matches current size' },
        { type: 'ScalingActive', status: 'True', lastTransitionTime: '2025-03-01T10:05:00Z', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' },
        { type: 'ScalingLimited', status: 'False', lastTransitionTime: '2025-03-01T10:06:00Z', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range', observedGeneration: 3 },
      ],
    },
  };
}

// What upstream's json.Marshal writes: autoscalingv1 types in Go field order, and the internal behavior type.
const METRICS_JSON =
  '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"512Mi"}},' +
  '{"type":"Pods","pods":{"metricName":"http_requests_per_second","targetAverageValue":"100","selector":{"matchLabels":{"tier":"frontend"}}}},' +
  '{"type":"Object","object":{"target":{"kind":"Ingress","name":"web","apiVersion":"networking.k8s.io/v1"},"metricName":"requests_per_second","targetValue":"2k"}},' +
  '{"type":"External","external":{"metricName":"queue_messages_ready","metricSelector":{"matchLabels":{"queue":"orders"}},"targetValue":"30"}},' +
  '{"type":"ContainerResource","containerResource":{"name":"cpu","targetAverageUtilization":75,"container":"app"}}]';
const CURRENT_METRICS_JSON =
  '[{"type":"Resource","resource":{"name":"memory","currentAverageValue":"420Mi"}},' +
  '{"type":"Pods","pods":{"metricName":"http_requests_per_second","currentAverageValue":"87","selector":{"matchLabels":{"tier":"frontend"}}}},' +
  '{"type":"Object","object":{"target":{"kind":"Ingress","name":"web","apiVersion":"networking.k8s.io/v1"},"metricName":"requests_per_second","currentValue":"1500"}},' +
  '{"type":"External","external":{"metricName":"queue_messages_ready","metricSelector":{"matchLabels":{"queue":"orders"}},"currentValue":"42"}},' +
  '{"type":"ContainerResource","containerResource":{"name":"cpu","currentAverageUtilization":72,"currentAverageValue":"180m","container":"app"}},' +
  '{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":58,"currentAverageValue":"150m"}}]';
const BEHAVIOR_JSON =
  '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}],"Tolerance":"50m"},' +
  '"ScaleDown":{"StabilizationWindowSeconds":300,"SelectPolicy":"Min","Policies":[{"Type":"Percent","Value":10,"PeriodSeconds":60}],"Tolerance":null}}';
const CONDITIONS_JSON =
  '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2025-03-01T10:05:00Z","reason":"ReadyForNewScale","message":"recommended size matches current size"},' +
  '{"type":"ScalingActive","status":"True","lastTransitionTime":"2025-03-01T10:05:00Z","reason":"ValidMetricFound","message":"the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)"},' +
  '{"type":"ScalingLimited","status":"False","lastTransitionTime":"2025-03-01T10:06:00Z","reason":"DesiredWithinRange","message":"the desired count is within the acceptable range","observedGeneration":3}]';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

function v1(spec: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' }, spec, ...extra };
}

describe('hpaV2ToV1', () => {
  it('keeps the CPU target as targetCPUUtilizationPercentage and everything else in upstream-format annotations', () => {
    const out = hpaV2ToV1(richV2());
    expect(out.apiVersion).toBe('autoscaling/v1');
    expect(out.kind).toBe('HorizontalPodAutoscaler');
    expect(out.spec).toEqual({ scaleTargetRef: ref, minReplicas: 2, maxReplicas: 20, targetCPUUtilizationPercentage: 60 });
    expect(out.status).toEqual({
      observedGeneration: 3,
      lastScaleTime: '2025-03-01T10:20:00Z',
      currentReplicas: 4,
      desiredReplicas: 5,
      currentCPUUtilizationPercentage: 58,
    });
    expect(out.metadata.annotations).toEqual({
      'team.example.com/owner': 'checkout',
      [METRIC_SPECS_ANNOTATION]: METRICS_JSON,
      [METRIC_STATUSES_ANNOTATION]: CURRENT_METRICS_JSON,
      [BEHAVIOR_ANNOTATION]: BEHAVIOR_JSON,
      [CONDITIONS_ANNOTATION]: CONDITIONS_JSON,
    });
    expect(out.metadata).toMatchObject({ name: 'web', namespace: 'shop', resourceVersion: '812', generation: 3, labels: { app: 'web' } });
  });

  it('adds no annotations for a plain CPU autoscaler without status', () => {
    const out = hpaV2ToV1({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] },
    });
    expect(out).toEqual(v1({ scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 70 }, { metadata: { name: 'web' } }));
  });

  it('takes the first CPU utilization target and the last CPU utilization reading, as upstream does', () => {
    const cpu = (n: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: n } } });
    const reading = (n: number) => ({ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '1', averageUtilization: n } } });
    const out = hpaV2ToV1({ metadata: {}, spec: { maxReplicas: 3, metrics: [cpu(50), cpu(90)] }, status: { currentMetrics: [reading(10), reading(20)] } });
    expect(out.spec).toMatchObject({ targetCPUUtilizationPercentage: 50 });
    expect(out.metadata.annotations?.[METRIC_SPECS_ANNOTATION]).toBeUndefined();
    expect(out.status).toMatchObject({ currentCPUUtilizationPercentage: 20 });
  });

  it('keeps a CPU target given as an average value among the annotated metrics', () => {
    const out = hpaV2ToV1({ metadata: {}, spec: { maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '500m' } } }] } });
    expect(out.spec).toEqual({ maxReplicas: 3 });
    expect(out.metadata.annotations).toEqual({ [METRIC_SPECS_ANNOTATION]: '[{"type":"Resource","resource":{"name":"cpu","targetAverageValue":"500m"}}]' });
  });

  it('replaces stale round-trip annotations rather than passing them through', () => {
    const stored = richV2();
    stored.metadata.annotations = {
      keep: 'me',
      [METRIC_SPECS_ANNOTATION]: '[{"type":"Pods"}]',
      'autoscaling.alpha.kubernetes.io/scale-up-tolerance': '1',
    };
    delete (stored.spec as Record<string, unknown>).behavior;
    stored.metadata.annotations[BEHAVIOR_ANNOTATION] = '{"ScaleUp":{}}';
    const out = hpaV2ToV1(stored);
    expect(Object.keys(out.metadata.annotations ?? {}).sort()).toEqual(['keep', CONDITIONS_ANNOTATION, METRIC_STATUSES_ANNOTATION, METRIC_SPECS_ANNOTATION].sort());
    expect(out.metadata.annotations?.[METRIC_SPECS_ANNOTATION]).toBe(METRICS_JSON);
    const onlyStale = hpaV2ToV1({ metadata: { annotations: { [CONDITIONS_ANNOTATION]: '[]' } }, spec: { maxReplicas: 1 } });
    expect(onlyStale.metadata).toEqual({});
  });

  it('escapes <, > and & the way Go does, and writes Go zero values for unset non-pointer fields', () => {
    const out = hpaV2ToV1({
      metadata: {},
      spec: {
        maxReplicas: 3,
        metrics: [
          { type: 'Object', object: { describedObject: { kind: 'Service', name: 'api' }, metric: { name: 'p99<&>' }, target: { type: 'AverageValue', averageValue: '2' } } },
          { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue' } } },
        ],
      },
      status: { conditions: [{ type: 'AbleToScale', status: 'True' }] },
    });
    expect(out.metadata.annotations?.[METRIC_SPECS_ANNOTATION]).toBe(
      '[{"type":"Object","object":{"target":{"kind":"Service","name":"api"},"metricName":"p99\\u003c\\u0026\\u003e","targetValue":"0","averageValue":"2"}},' +
        '{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"0"}}]',
    );
    expect(out.metadata.annotations?.[CONDITIONS_ANNOTATION]).toBe('[{"type":"AbleToScale","status":"True","lastTransitionTime":null}]');
  });

  it('writes nil behavior rules and policies as null, since the internal type has no omitempty', () => {
    const out = hpaV2ToV1({ metadata: {}, spec: { maxReplicas: 3, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } } });
    expect(out.metadata.annotations?.[BEHAVIOR_ANNOTATION]).toBe(
      '{"ScaleUp":null,"ScaleDown":{"StabilizationWindowSeconds":60,"SelectPolicy":null,"Policies":null,"Tolerance":null}}',
    );
  });
});

describe('hpaV1ToV2', () => {
  it('turns the CPU percentages into a Resource metric and its reading', () => {
    const out = hpaV1ToV2(
      v1(
        { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 10, targetCPUUtilizationPercentage: 50 },
        { status: { observedGeneration: 1, lastScaleTime: '2025-03-01T10:20:00Z', currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 41 } },
      ),
    );
    expect(out).toEqual({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        scaleTargetRef: ref,
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      },
      status: {
        observedGeneration: 1,
        lastScaleTime: '2025-03-01T10:20:00Z',
        currentReplicas: 2,
        desiredReplicas: 3,
        currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 41 } } }],
      },
    });
  });

  it('applies the 80% CPU default when there is no metric at all', () => {
    expect(hpaV1ToV2(v1({ scaleTargetRef: ref, maxReplicas: 4 })).spec).toEqual({
      scaleTargetRef: ref,
      maxReplicas: 4,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
    const annotated = v1({ scaleTargetRef: ref, maxReplicas: 4 }, { metadata: { annotations: { [METRIC_SPECS_ANNOTATION]: '[{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"10"}}]' } } });
    expect((hpaV1ToV2(annotated).spec as Record<string, unknown>).metrics).toEqual([
      { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
    ]);
  });

  it('restores metrics, statuses, behavior and conditions from the annotations and removes them', () => {
    const out = hpaV1ToV2(hpaV2ToV1(richV2()));
    expect(out.metadata.annotations).toEqual({ 'team.example.com/owner': 'checkout' });
    expect(out.spec).toEqual(richV2().spec);
    expect(out.status).toEqual(richV2().status);
  });

  it('puts annotated metrics before the CPU target, as upstream does', () => {
    const out = hpaV1ToV2(
      v1({ scaleTargetRef: ref, maxReplicas: 4, targetCPUUtilizationPercentage: 60 }, { metadata: { annotations: { [METRIC_SPECS_ANNOTATION]: '[{"type":"Resource","resource":{"name":"memory","targetAverageUtilization":70}}]' } } }),
    );
    expect((out.spec as Record<string, unknown>).metrics).toEqual([
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
    ]);
  });

  it('reads annotations as encoding/json does: case-insensitive keys, unknown keys ignored, bare-number quantities', () => {
    const annotations = {
      [METRIC_SPECS_ANNOTATION]: '[{"Type":"External","External":{"MetricName":"lag","targetAverageValue":5,"bogus":true}}]',
      [BEHAVIOR_ANNOTATION]: '{"scaleUp":{"selectPolicy":"Disabled"},"scaledown":{"policies":[{"type":"Pods","value":1,"periodSeconds":60}]}}',
    };
    const out = hpaV1ToV2(v1({ scaleTargetRef: ref, maxReplicas: 4 }, { metadata: { annotations } }));
    expect(out.spec).toMatchObject({
      metrics: [{ type: 'External', external: { metric: { name: 'lag' }, target: { type: 'AverageValue', averageValue: '5' } } }],
      behavior: { scaleUp: { selectPolicy: 'Disabled' }, scaleDown: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
    });
  });

  it('ignores malformed or empty annotations but still drops them', () => {
    const annotations = {
      other: 'x',
      [METRIC_SPECS_ANNOTATION]: 'abc',
      [METRIC_STATUSES_ANNOTATION]: '[{"type":"Pods","pods":{"metricName":7}}]',
      [BEHAVIOR_ANNOTATION]: '{}',
      [CONDITIONS_ANNOTATION]: '[{"type":"AbleToScale","lastTransitionTime":"yesterday"}]',
    };
    const out = hpaV1ToV2(
      v1({ scaleTargetRef: ref, maxReplicas: 4, targetCPUUtilizationPercentage: 55 }, { metadata: { annotations }, status: { currentReplicas: 1, desiredReplicas: 1, currentCPUUtilizationPercentage: 30 } }),
    );
    expect(out.metadata.annotations).toEqual({ other: 'x' });
    expect(out.spec).toEqual({ scaleTargetRef: ref, maxReplicas: 4, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 55 } } }] });
    expect(out.status).toEqual({ currentReplicas: 1, desiredReplicas: 1, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 30 } } }] });
    expect(hpaV1ToV2(v1({ maxReplicas: 1 }, { metadata: { annotations: { [BEHAVIOR_ANNOTATION]: '{"ScaleUp":{"StabilizationWindowSeconds":"soon"}}' } } })).spec).not.toHaveProperty('behavior');
  });
});

describe('round trips', () => {
  it('v2 → v1 → v2 is lossless for a realistic autoscaler', () => {
    expect(hpaV1ToV2(hpaV2ToV1(richV2()))).toEqual(richV2());
  });

  it('v1 → v2 → v1 is lossless, annotations included', () => {
    const plain = v1({ scaleTargetRef: ref, minReplicas: 1, maxReplicas: 10, targetCPUUtilizationPercentage: 50 }, { status: { currentReplicas: 2, desiredReplicas: 2 } });
    expect(hpaV2ToV1(hpaV1ToV2(plain))).toEqual(plain);
    const annotated = hpaV2ToV1(richV2());
    expect(hpaV2ToV1(hpaV1ToV2(annotated))).toEqual(annotated);
  });

  it('keeps a v1 CPU reading, adding the raw-value annotation upstream adds', () => {
    const withReading = v1({ scaleTargetRef: ref, maxReplicas: 10, targetCPUUtilizationPercentage: 50 }, { status: { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 40 } });
    const back = hpaV2ToV1(hpaV1ToV2(withReading));
    expect(back.status).toEqual(withReading.status);
    expect(back.metadata.annotations).toEqual({ [METRIC_STATUSES_ANNOTATION]: '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":40,"currentAverageValue":"0"}}]' });
  });

  it('reproduces upstream where v1 cannot hold a v2 value: non-pointer quantities come back as "0"', () => {
    const objectAverage = { type: 'Object', object: { describedObject: ingress, metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '10' } } };
    const back = hpaV1ToV2(hpaV2ToV1({ metadata: {}, spec: { maxReplicas: 3, metrics: [objectAverage] } }));
    expect((back.spec as Record<string, unknown>).metrics).toEqual([
      { type: 'Object', object: { describedObject: ingress, metric: { name: 'rps' }, target: { type: 'AverageValue', value: '0', averageValue: '10' } } },
    ]);
  });

  it('never mutates its input', () => {
    const stored = richV2();
    const served = hpaV2ToV1(stored);
    expect(stored).toEqual(richV2());
    const snapshot = structuredClone(served);
    const restored = hpaV1ToV2(served);
    expect(served).toEqual(snapshot);
    (restored.spec as { metrics: unknown[] }).metrics.length = 0;
    (restored.metadata.annotations as Record<string, string>).x = 'y';
    expect(served).toEqual(snapshot);
    expect(stored).toEqual(richV2());
  });
});
