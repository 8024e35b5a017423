// Tests for the admission-style pod mutations and the service registry's IP family initialisation.
import { applyDefaultTolerations, applyPodPriority } from './pod-admission.js';
import { initServiceIPFamilies } from './service-ip-families.js';
import { clone, defaulted, expectTolerant } from './test-helpers.js';
import type { KubeObject } from '../../meta/types.js';

const notReady = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
const unreachable = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };

describe('applyDefaultTolerations', () => {
  it('adds both NoExecute tolerations after any existing ones', () => {
    const own = { key: 'gpu', operator: 'Exists', effect: 'NoSchedule' };
    expect(defaulted(applyDefaultTolerations, { metadata: {}, spec: { tolerations: [own] } }).spec).toEqual({
      tolerations: [own, notReady, unreachable],
    });
    expect(defaulted(applyDefaultTolerations, { metadata: {}, spec: {} }).spec).toEqual({ tolerations: [notReady, unreachable] });
  });

  it('skips tolerations the pod already has, including wildcards', () => {
    const custom = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 };
    expect(defaulted(applyDefaultTolerations, { metadata: {}, spec: { tolerations: [custom] } }).spec).toEqual({ tolerations: [custom, notReady] });
    const everything = { operator: 'Exists' };
    expect(defaulted(applyDefaultTolerations, { metadata: {}, spec: { tolerations: [everything] } }).spec).toEqual({ tolerations: [everything] });
    const anyEffect = { key: 'node.kubernetes.io/not-ready', operator: 'Exists' };
    expect(defaulted(applyDefaultTolerations, { metadata: {}, spec: { tolerations: [anyEffect] } }).spec).toEqual({ tolerations: [anyEffect, unreachable] });
  });

  it('is idempotent and tolerates malformed input', () => {
    const pod = { metadata: {}, spec: { tolerations: [{ key: 'a', effect: 'NoSchedule' }] } };
    const once = defaulted(applyDefaultTolerations, pod);
    expect(defaulted(applyDefaultTolerations, once)).toEqual(once);
    expectTolerant(applyDefaultTolerations, pod);
    const malformed = { metadata: {}, spec: { tolerations: 'x' } };
    expect(defaulted(applyDefaultTolerations, malformed)).toEqual(malformed);
  });
});

describe('applyPodPriority', () => {
  it('sets priority 0 and PreemptLowerPriority without a class', () => {
    const pod = { metadata: {}, spec: { containers: [] } } as KubeObject;
    expect(applyPodPriority(pod)).toBeUndefined();
    expect(pod.spec).toEqual({ containers: [], priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
  });

  it('resolves system classes, resolver classes and the global default', () => {
    const critical = { metadata: {}, spec: { priorityClassName: 'system-node-critical' } } as KubeObject;
    applyPodPriority(critical);
    expect(critical.spec).toEqual({ priorityClassName: 'system-node-critical', priority: 2000001000, preemptionPolicy: 'PreemptLowerPriority' });

    const resolver = {
      get: (name: string) => (name === 'batch' ? { value: 10, preemptionPolicy: 'Never' } : undefined),
      globalDefault: () => ({ name: 'standard', value: 5 }),
    };
    const batch = { metadata: {}, spec: { priorityClassName: 'batch' } } as KubeObject;
    applyPodPriority(batch, resolver);
    expect(batch.spec).toEqual({ priorityClassName: 'batch', priority: 10, preemptionPolicy: 'Never' });
    const plain = { metadata: {}, spec: {} } as KubeObject;
    applyPodPriority(plain, resolver);
    expect(plain.spec).toEqual({ priorityClassName: 'standard', priority: 5 });
  });

  it('refuses unknown classes and conflicting client values', () => {
    const unknown = { metadata: {}, spec: { priorityClassName: 'nope' } } as KubeObject;
    expect(applyPodPriority(unknown)).toEqual({ message: 'no PriorityClass with name nope was found' });
    expect(unknown.spec).toEqual({ priorityClassName: 'nope' });
    expect(applyPodPriority({ metadata: {}, spec: { priority: 7 } } as KubeObject)?.message).toBe(
      'the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name',
    );
    expect(applyPodPriority({ metadata: {}, spec: { priority: 0, preemptionPolicy: 'Never' } } as KubeObject)?.message).toBe(
      'the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name',
    );
    expect(applyPodPriority({ metadata: {}, spec: { priority: 0, preemptionPolicy: 'PreemptLowerPriority' } } as KubeObject)).toBeUndefined();
  });

  it('tolerates malformed input', () => {
    expectTolerant((obj) => void applyPodPriority(obj), { metadata: {}, spec: { priorityClassName: 'system-cluster-critical', priority: 2000000000 } });
  });
});

describe('initServiceIPFamilies', () => {
  const svc = (spec: object): KubeObject => ({ metadata: { name: 's' }, spec: clone(spec) }) as KubeObject;

  it('makes ordinary services single-stack in the cluster family', () => {
    const obj = svc({ selector: { a: 'b' }, ports: [{ port: 80 }] });
    expect(initServiceIPFamilies(obj)).toEqual([]);
    expect(obj.spec).toMatchObject({ ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'] });
    const v6 = svc({});
    initServiceIPFamilies(v6, { clusterFamilies: ['IPv6', 'IPv4'] });
    expect(v6.spec).toMatchObject({ ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv6'] });
  });

  it('infers families from chosen cluster IPs and leaves ExternalName alone', () => {
    const obj = svc({ clusterIP: 'fd00::10', clusterIPs: ['fd00::10'] });
    expect(initServiceIPFamilies(obj, { clusterFamilies: ['IPv4', 'IPv6'] })).toEqual([]);
    expect(obj.spec).toMatchObject({ ipFamilies: ['IPv6'] });
    const external = svc({ type: 'ExternalName', externalName: 'x.example' });
    initServiceIPFamilies(external);
    expect(external.spec).toEqual({ type: 'ExternalName', externalName: 'x.example' });
  });

  it('gives headless selectorless services both families even on a single-stack cluster', () => {
    const obj = svc({ clusterIP: 'None' });
    expect(initServiceIPFamilies(obj)).toEqual([]);
    expect(obj.spec).toMatchObject({ ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] });
  });

  it('upgrades PreferDualStack on a dual-stack cluster and rejects RequireDualStack on a single-stack one', () => {
    const prefer = svc({ ipFamilyPolicy: 'PreferDualStack' });
    initServiceIPFamilies(prefer, { clusterFamilies: ['IPv4', 'IPv6'] });
    expect(prefer.spec).toMatchObject({ ipFamilies: ['IPv4', 'IPv6'] });
    const preferSingle = svc({ ipFamilyPolicy: 'PreferDualStack' });
    initServiceIPFamilies(preferSingle);
    expect(preferSingle.spec).toMatchObject({ ipFamilies: ['IPv4'] });
    expect(initServiceIPFamilies(svc({ ipFamilyPolicy: 'RequireDualStack' }))).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.ipFamilyPolicy', message: 'Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services' },
    ]);
    expect(initServiceIPFamilies(svc({ ipFamilies: ['IPv6'] }))).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.ipFamilies[0]', message: 'Invalid value: "IPv6": not configured on this cluster' },
    ]);
  });

  it('inherits the policy on update', () => {
    const old = svc({ ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4'] });
    const obj = svc({ ipFamilies: ['IPv4'] });
    initServiceIPFamilies(obj, { old });
    expect(obj.spec).toMatchObject({ ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4'] });
  });

  it('tolerates malformed input', () => {
    expectTolerant((obj) => void initServiceIPFamilies(obj), { metadata: {}, spec: { clusterIP: 'None', clusterIPs: ['None'], ipFamilies: ['IPv4'], selector: {} } });
  });
});
