// Tests for the networking, autoscaling, rbac, policy, discovery, storage and scheduling defaulters.
import type { KubeObject } from '../../meta/types.js';
import { defaultHorizontalPodAutoscaler } from './autoscaling.js';
import { defaultEndpointSlice, defaultPodDisruptionBudget, defaultPriorityClass, defaultStorageClass } from './misc.js';
import { defaultIngress, defaultIngressClass, defaultNetworkPolicy } from './networking.js';
import { defaultRoleBinding } from './rbac.js';
import { defaulted, expectIdempotent, expectTolerant } from './test-helpers.js';

describe('defaultNetworkPolicy', () => {
  it('defaults policyTypes to Ingress, the pod selector to {} and port protocols to TCP', () => {
    expect(defaulted(defaultNetworkPolicy, { metadata: { name: 'np' }, spec: { ingress: [{ ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] }] } })).toEqual({
      metadata: { name: 'np' },
      spec: {
        podSelector: {},
        ingress: [{ ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }],
        policyTypes: ['Ingress'],
      },
    });
  });

  it('adds Egress when egress rules exist, and keeps explicit policyTypes', () => {
    expect(defaulted(defaultNetworkPolicy, { metadata: {}, spec: { podSelector: { matchLabels: { a: 'b' } }, egress: [{ ports: [{ port: 443 }] }] } }).spec).toEqual({
      podSelector: { matchLabels: { a: 'b' } },
      egress: [{ ports: [{ port: 443, protocol: 'TCP' }] }],
      policyTypes: ['Ingress', 'Egress'],
    });
    expect(defaulted(defaultNetworkPolicy, { metadata: {}, spec: { podSelector: {}, egress: [{}], policyTypes: ['Egress'] } }).spec).toMatchObject({ policyTypes: ['Egress'] });
    expect(defaulted(defaultNetworkPolicy, { metadata: {}, spec: { podSelector: {}, egress: [] } }).spec).toMatchObject({ policyTypes: ['Ingress'] });
  });
});

describe('ingresses and ingress classes', () => {
  it('leaves ingresses alone (pathType has no default in v1)', () => {
    const ingress = { metadata: {}, spec: { rules: [{ http: { paths: [{ path: '/', backend: { service: { name: 's', port: { number: 80 } } } }] } }] } };
    expect(defaulted(defaultIngress, ingress)).toEqual(ingress);
  });

  it('defaults ingress class parameters to cluster scope', () => {
    expect(defaulted(defaultIngressClass, { metadata: {}, spec: { controller: 'x/y', parameters: { kind: 'K', name: 'n' } } }).spec).toEqual({
      controller: 'x/y',
      parameters: { kind: 'K', name: 'n', scope: 'Cluster' },
    });
    expect(defaulted(defaultIngressClass, { metadata: {}, spec: { controller: 'x/y' } }).spec).toEqual({ controller: 'x/y' });
  });
});

describe('defaultHorizontalPodAutoscaler', () => {
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

  it('defaults a v2 HPA without metrics or behavior', () => {
    expect(defaulted(defaultHorizontalPodAutoscaler, { apiVersion: 'autoscaling/v2', metadata: {}, spec: { scaleTargetRef: ref, maxReplicas: 5 } }).spec).toEqual({
      scaleTargetRef: ref,
      maxReplicas: 5,
      minReplicas: 1,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
  });

  it('fills the unset scaling rules of a given behavior', () => {
    const spec = defaulted(defaultHorizontalPodAutoscaler, {
      apiVersion: 'autoscaling/v2',
      metadata: {},
      spec: {
        scaleTargetRef: ref,
        maxReplicas: 5,
        minReplicas: 2,
        metrics: [{ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      },
    }).spec;
    expect(spec).toMatchObject({
      minReplicas: 2,
      metrics: [{ type: 'Pods' }],
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: 'Max',
          policies: [
            { type: 'Pods', value: 4, periodSeconds: 15 },
            { type: 'Percent', value: 100, periodSeconds: 15 },
          ],
        },
        scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
      },
    });
    expect((spec as { metrics: unknown[] }).metrics).toHaveLength(1);
  });

  it('leaves scale-down stabilization unset when the behavior omits it', () => {
    const spec = defaulted(defaultHorizontalPodAutoscaler, { metadata: {}, spec: { behavior: { scaleUp: { selectPolicy: 'Min' } } } }).spec as {
      behavior: { scaleDown: object; scaleUp: object };
    };
    expect(spec.behavior.scaleDown).toEqual({ selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
    expect(spec.behavior.scaleUp).toMatchObject({ selectPolicy: 'Min', stabilizationWindowSeconds: 0 });
  });

  it('defaults a v1 HPA to an 80% CPU target unless metrics are annotated', () => {
    expect(defaulted(defaultHorizontalPodAutoscaler, { apiVersion: 'autoscaling/v1', metadata: {}, spec: { scaleTargetRef: ref, maxReplicas: 3 } }).spec).toEqual({
      scaleTargetRef: ref,
      maxReplicas: 3,
      minReplicas: 1,
      targetCPUUtilizationPercentage: 80,
    });
    const annotated = defaulted(defaultHorizontalPodAutoscaler, {
      apiVersion: 'autoscaling/v1',
      metadata: { annotations: { 'autoscaling.alpha.kubernetes.io/metrics': '[{"type":"Pods"}]' } },
      spec: { maxReplicas: 3 },
    });
    expect(annotated.spec).toEqual({ maxReplicas: 3, minReplicas: 1 });
  });
});

describe('rbac', () => {
  it('defaults roleRef and User/Group subject API groups', () => {
    expect(
      defaulted(defaultRoleBinding, {
        metadata: { name: 'rb' },
        roleRef: { kind: 'Role', name: 'r' },
        subjects: [{ kind: 'User', name: 'alice' }, { kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }],
      }),
    ).toEqual({
      metadata: { name: 'rb' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [
        { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' },
        { kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' },
        { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' },
      ],
    });
  });
});

describe('policy, discovery, storage and scheduling', () => {
  it('leaves PodDisruptionBudgets alone', () => {
    const pdb = { metadata: {}, spec: { minAvailable: 1, selector: { matchLabels: { a: 'b' } } } };
    expect(defaulted(defaultPodDisruptionBudget, pdb)).toEqual(pdb);
  });

  it('defaults EndpointSlice port names and protocols', () => {
    expect(defaulted(defaultEndpointSlice, { metadata: {}, addressType: 'IPv4', endpoints: [], ports: [{ port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }] })).toEqual({
      metadata: {},
      addressType: 'IPv4',
      endpoints: [],
      ports: [
        { port: 80, name: '', protocol: 'TCP' },
        { name: 'dns', port: 53, protocol: 'UDP' },
      ],
    });
  });

  it('defaults StorageClass reclaim and binding modes', () => {
    expect(defaulted(defaultStorageClass, { metadata: { name: 'sc' }, provisioner: 'p' })).toEqual({
      metadata: { name: 'sc' },
      provisioner: 'p',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    });
  });

  it('defaults PriorityClass preemption', () => {
    expect(defaulted(defaultPriorityClass, { metadata: { name: 'high' }, value: 1000 })).toEqual({
      metadata: { name: 'high' },
      value: 1000,
      preemptionPolicy: 'PreemptLowerPriority',
    });
  });
});

describe('group defaulters', () => {
  const cases: [string, (obj: KubeObject) => void, object][] = [
    ['NetworkPolicy', defaultNetworkPolicy, { metadata: {}, spec: { podSelector: {}, ingress: [{ ports: [{ port: 1 }] }], egress: [{ ports: [{}] }] } }],
    ['IngressClass', defaultIngressClass, { metadata: {}, spec: { parameters: { kind: 'k' } } }],
    ['HPA v2', defaultHorizontalPodAutoscaler, { apiVersion: 'autoscaling/v2', metadata: {}, spec: { metrics: [{}], behavior: { scaleUp: { policies: [] }, scaleDown: {} } } }],
    ['HPA v1', defaultHorizontalPodAutoscaler, { apiVersion: 'autoscaling/v1', metadata: { annotations: { 'autoscaling.alpha.kubernetes.io/metrics': '[]' } }, spec: {} }],
    ['RoleBinding', defaultRoleBinding, { metadata: {}, roleRef: { kind: 'Role' }, subjects: [{ kind: 'User' }] }],
    ['EndpointSlice', defaultEndpointSlice, { metadata: {}, ports: [{ port: 1 }] }],
    ['StorageClass', defaultStorageClass, { metadata: {}, provisioner: 'p' }],
    ['PriorityClass', defaultPriorityClass, { metadata: {}, value: 1 }],
  ];

  it.each(cases)('%s defaulting is idempotent', (_kind, fn, obj) => {
    expectIdempotent(fn, obj);
  });

  it.each(cases)('%s defaulting tolerates malformed input', (_kind, fn, obj) => {
    expectTolerant(fn, obj);
  });
});
