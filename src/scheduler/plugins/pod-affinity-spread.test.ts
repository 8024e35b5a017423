// Table tests of PodTopologySpread and InterPodAffinity against hand-built NodeInfos.
import type { KubeObject } from '../../meta/types.js';
import { brief, filterAll, makeNode, makePod, nodeInfo, scoreAll } from '../scheduler-test-kit.js';
import { interPodAffinity } from './inter-pod-affinity.js';
import { podTopologySpread } from './pod-topology-spread.js';

const web = (name: string, extra: Parameters<typeof makePod>[1] = {}) => makePod(name, { labels: { app: 'web' }, ...extra });
const zoneSpread = (extra: Record<string, unknown> = {}) => ({
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, ...extra }],
});

describe('PodTopologySpread filter', () => {
  const nodes = (aPods: number, bPods: number) => [
    nodeInfo(makeNode('a1', { zone: 'zone-a', labels: { disk: 'ssd' } }), Array.from({ length: aPods }, (_, i) => web(`a${i}`))),
    nodeInfo(makeNode('a2', { zone: 'zone-a', labels: { disk: 'ssd' } })),
    nodeInfo(makeNode('b1', { zone: 'zone-b' }), Array.from({ length: bPods }, (_, i) => web(`b${i}`))),
    nodeInfo(makeNode('bare')),
  ];
  const results = (pod: KubeObject, infos = nodes(2, 0)) => Object.fromEntries(Object.entries(filterAll(podTopologySpread, pod, infos)).map(([k, v]) => [k, brief(v)]));
  const skewed = "Unschedulable: node(s) didn't match pod topology spread constraints";
  const missing = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";

  it('rejects the crowded zone and nodes without the topology label', () => {
    expect(results(web('p', { spec: zoneSpread() }))).toEqual({ a1: skewed, a2: skewed, b1: 'ok', bare: missing });
  });
  it('does not count a pod the selector does not match as adding skew', () => {
    expect(results(web('p', { spec: zoneSpread() }), nodes(1, 0))).toEqual({ a1: skewed, a2: skewed, b1: 'ok', bare: missing });
    expect(results(makePod('other', { labels: { app: 'other' }, spec: zoneSpread() }), nodes(1, 0))).toEqual({ a1: 'ok', a2: 'ok', b1: 'ok', bare: missing });
  });
  it('takes the global minimum as 0 while fewer domains than minDomains exist', () => {
    expect(results(web('p', { spec: zoneSpread() }), nodes(1, 1))).toEqual({ a1: 'ok', a2: 'ok', b1: 'ok', bare: missing });
    expect(results(web('p', { spec: zoneSpread({ minDomains: 3 }) }), nodes(1, 1))).toEqual({ a1: skewed, a2: skewed, b1: skewed, bare: missing });
  });
  it('counts only nodes matching the pod node affinity (nodeAffinityPolicy Honor, the default)', () => {
    const pinned = web('p', { spec: { ...zoneSpread(), nodeSelector: { disk: 'ssd' } } });
    // zone-b is not a domain for this pod, so zone-a (2 pods) is the minimum and may take one more.
    expect(results(pinned).a1).toBe('ok');
    const ignoring = web('q', { spec: { ...zoneSpread({ nodeAffinityPolicy: 'Ignore' }), nodeSelector: { disk: 'ssd' } } });
    expect(results(ignoring).a1).toBe(skewed);
  });
  it('skips pods without DoNotSchedule constraints', () => {
    expect(results(web('p')).a1).toBe('skip');
  });
  it('ignores terminating pods and pods of other namespaces', () => {
    const infos = nodes(0, 0);
    infos[0].addPod(nodeInfo(infos[0].node, [{ ...web('gone'), metadata: { ...web('gone').metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } }]).pods[0]);
    infos[0].addPod(nodeInfo(infos[0].node, [web('elsewhere', { namespace: 'other' })]).pods[0]);
    expect(results(web('p', { spec: zoneSpread() }), infos).a1).toBe('ok');
  });
});

describe('PodTopologySpread score', () => {
  const rsOwned = (name: string) =>
    web(name, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true }] });
  const listers = {
    controllerOf: (_ns: string, _v: string, kind: string, name: string): KubeObject | undefined =>
      kind === 'ReplicaSet' && name === 'web' ? { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } } } } : undefined,
  };
  it('spreads a ReplicaSet pod with the system defaults (hostname skew 3, zone skew 5)', () => {
    const nodes = [
      nodeInfo(makeNode('n1', { zone: 'zone-a' }), [rsOwned('x1'), rsOwned('x2')]),
      nodeInfo(makeNode('n2', { zone: 'zone-a' }), [rsOwned('x3')]),
      nodeInfo(makeNode('n3', { zone: 'zone-b' })),
    ];
    // n1: 2·ln5+2 + 3·ln4+4 ≈ 13, n2 ≈ 12, n3 = 6; normalized 100·(max+min−s)/max.
    expect(scoreAll(podTopologySpread, rsOwned('p'), nodes, listers)).toEqual({ n1: 46, n2: 53, n3: 100 });
  });
  it('does not score a pod nothing selects, nor one without constraints or owner', () => {
    expect(scoreAll(podTopologySpread, web('p'), [nodeInfo(makeNode('n1'))], listers)).toBeUndefined();
  });
  it('scores ScheduleAnyway constraints, ignoring nodes without the key', () => {
    const soft = web('p', { spec: zoneSpread({ whenUnsatisfiable: 'ScheduleAnyway' }) });
    const nodes = [nodeInfo(makeNode('n1', { zone: 'zone-a' }), [web('x1'), web('x2')]), nodeInfo(makeNode('n2', { zone: 'zone-b' })), nodeInfo(makeNode('bare'))];
    expect(scoreAll(podTopologySpread, soft, nodes)).toEqual({ n1: 0, n2: 100, bare: 0 });
  });
});

describe('InterPodAffinity filter', () => {
  const term = (app: string, topologyKey: string, extra: Record<string, unknown> = {}) => ({ topologyKey, labelSelector: { matchLabels: { app } }, ...extra });
  const affinity = (kind: 'podAffinity' | 'podAntiAffinity', ...terms: unknown[]) => ({ affinity: { [kind]: { requiredDuringSchedulingIgnoredDuringExecution: terms } } });
  const cache = makePod('cache', { labels: { app: 'cache' } });
  const nodes = () => [
    nodeInfo(makeNode('a1', { zone: 'zone-a' }), [cache]),
    nodeInfo(makeNode('a2', { zone: 'zone-a' })),
    nodeInfo(makeNode('b1', { zone: 'zone-b' }), [web('w')]),
    nodeInfo(makeNode('bare')),
  ];
  const results = (pod: KubeObject, infos = nodes(), listers = {}) =>
    Object.fromEntries(Object.entries(filterAll(interPodAffinity, pod, infos, listers)).map(([k, v]) => [k, brief(v)]));
  const noAffinity = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules";
  const noAnti = "Unschedulable: node(s) didn't match pod anti-affinity rules";

  it('requires a matching pod in the same topology domain', () => {
    expect(results(makePod('p', { spec: affinity('podAffinity', term('cache', 'topology.kubernetes.io/zone')) }))).toEqual({ a1: 'ok', a2: 'ok', b1: noAffinity, bare: noAffinity });
  });
  it('lets the first pod of a self-affine group go anywhere its topology key exists', () => {
    const first = makePod('first', { labels: { app: 'solo' }, spec: affinity('podAffinity', term('solo', 'topology.kubernetes.io/zone')) });
    expect(results(first)).toEqual({ a1: 'ok', a2: 'ok', b1: 'ok', bare: noAffinity });
  });
  it('keeps the pod away from domains holding pods its anti-affinity selects', () => {
    expect(results(web('p', { spec: affinity('podAntiAffinity', term('web', 'kubernetes.io/hostname')) }))).toEqual({ a1: 'ok', a2: 'ok', b1: noAnti, bare: 'ok' });
    expect(results(web('p', { spec: affinity('podAntiAffinity', term('web', 'topology.kubernetes.io/zone')) })).b1).toBe(noAnti);
  });
  it("honours existing pods' anti-affinity against the incoming pod", () => {
    const infos = nodes();
    infos[1].addPod(nodeInfo(infos[1].node, [makePod('loner', { spec: affinity('podAntiAffinity', term('web', 'topology.kubernetes.io/zone')) })]).pods[0]);
    expect(results(web('p'), infos)).toEqual({
      a1: "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules",
      a2: "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules",
      b1: 'ok',
      bare: 'ok',
    });
  });
  it('matches only the namespaces a term names or selects', () => {
    const other = web('p', { namespace: 'other', spec: affinity('podAntiAffinity', term('web', 'kubernetes.io/hostname')) });
    expect(results(other).b1).toBe('ok');
    const selecting = web('q', { namespace: 'other', spec: affinity('podAntiAffinity', term('web', 'kubernetes.io/hostname', { namespaceSelector: { matchLabels: { team: 'a' } } })) });
    const namespaces = new Map([['default', { team: 'a' }], ['other', {}]]);
    expect(results(selecting, nodes(), { allNamespaceLabels: () => namespaces, namespaceLabels: (ns: string) => namespaces.get(ns) }).b1).toBe(noAnti);
  });
  it('skips pods without affinity when no existing pod has anti-affinity', () => {
    expect(results(web('p')).a1).toBe('skip');
  });
});

describe('InterPodAffinity score', () => {
  it('adds preferred affinity weights per domain and subtracts preferred anti-affinity, normalized', () => {
    const pod = web('p', {
      spec: {
        affinity: {
          podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { app: 'cache' } } } }] },
          podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } }] },
        },
      },
    });
    const nodes = [
      nodeInfo(makeNode('a1', { zone: 'zone-a' }), [makePod('cache', { labels: { app: 'cache' } })]),
      nodeInfo(makeNode('a2', { zone: 'zone-a' }), [web('w')]),
      nodeInfo(makeNode('b1', { zone: 'zone-b' })),
    ];
    // a1: +50, a2: +50 −100, b1: 0 → min −50, max 50.
    expect(scoreAll(interPodAffinity, pod, nodes)).toEqual({ a1: 100, a2: 0, b1: 50 });
  });
  it("is pulled toward existing pods whose required affinity the incoming pod satisfies", () => {
    const leader = makePod('leader', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } }] } } } });
    const nodes = [nodeInfo(makeNode('n1'), [leader]), nodeInfo(makeNode('n2'))];
    expect(scoreAll(interPodAffinity, web('p'), nodes)).toEqual({ n1: 100, n2: 0 });
    expect(scoreAll(interPodAffinity, makePod('other'), nodes)).toBeUndefined();
  });
});
