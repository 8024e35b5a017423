// Table tests of the node-level plugins: NodeUnschedulable, NodeName, NodePorts, TaintToleration and NodeAffinity.
import { brief, filterAll, makeNode, makePod, nodeInfo, scoreAll } from '../scheduler-test-kit.js';
import { nodeName, nodePorts, nodeUnschedulable } from './node-basics.js';
import { nodeAffinity } from './node-affinity.js';
import { taintToleration } from './taint-toleration.js';

const unschedulableToleration = { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' };

describe('NodeUnschedulable', () => {
  it.each([
    ['a schedulable node', {}, [], 'ok'],
    ['a cordoned node', { unschedulable: true }, [], 'UnschedulableAndUnresolvable: node(s) were unschedulable'],
    ['a cordoned node, tolerated', { unschedulable: true }, [unschedulableToleration], 'ok'],
    ['a cordoned node, tolerated by a wildcard', { unschedulable: true }, [{ operator: 'Exists' }], 'ok'],
    ['a cordoned node, only NoExecute tolerated', { unschedulable: true }, [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }], 'UnschedulableAndUnresolvable: node(s) were unschedulable'],
  ])('%s', (_name, nodeOpts, tolerations, expected) => {
    const node = nodeInfo(makeNode('n', nodeOpts));
    expect(brief(filterAll(nodeUnschedulable, makePod('p', { spec: { tolerations } }), [node]).n)).toBe(expected);
  });
});

describe('NodeName', () => {
  it.each([
    ['no nodeName', undefined, 'ok'],
    ['this node', 'n', 'ok'],
    ['another node', 'other', "UnschedulableAndUnresolvable: node(s) didn't match the requested node name"],
  ])('%s', (_name, wanted, expected) => {
    const pod = makePod('p', wanted ? { spec: { nodeName: wanted } } : {});
    expect(brief(filterAll(nodeName, pod, [nodeInfo(makeNode('n'))]).n)).toBe(expected);
  });
});

describe('NodePorts', () => {
  const withPort = (port: number, hostIP?: string, protocol?: string) =>
    makePod(`p${port}`, { spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: port, hostPort: port, ...(hostIP ? { hostIP } : {}), ...(protocol ? { protocol } : {}) }] }] } });
  it.each([
    ['no host ports: skipped', makePod('plain'), [withPort(80)], 'skip'],
    ['a free port', withPort(8080), [withPort(80)], 'ok'],
    ['the same port', withPort(80), [withPort(80)], "Unschedulable: node(s) didn't have free ports for the requested pod ports"],
    ['the same port on another protocol', withPort(80, undefined, 'UDP'), [withPort(80)], 'ok'],
    ['the same port on distinct host IPs', withPort(80, '10.0.0.1'), [withPort(80, '10.0.0.2')], 'ok'],
    ['a specific IP against all addresses', withPort(80, '10.0.0.1'), [withPort(80)], "Unschedulable: node(s) didn't have free ports for the requested pod ports"],
  ])('%s', (_name, pod, existing, expected) => {
    expect(brief(filterAll(nodePorts, pod, [nodeInfo(makeNode('n'), existing)]).n)).toBe(expected);
  });
  it('counts the host ports of sidecars, which run as long as the pod', () => {
    const sidecar = makePod('s', { spec: { initContainers: [{ name: 'proxy', image: 'i', restartPolicy: 'Always', ports: [{ containerPort: 15001, hostPort: 15001 }] }] } });
    const wants = makePod('w', { spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 15001, hostPort: 15001 }] }] } });
    expect(brief(filterAll(nodePorts, wants, [nodeInfo(makeNode('n'), [sidecar])]).n)).toBe("Unschedulable: node(s) didn't have free ports for the requested pod ports");
  });
});

describe('TaintToleration filter', () => {
  const taint = (key: string, effect: string, value?: string) => ({ key, effect, ...(value ? { value } : {}) });
  it.each([
    ['no taints', [], [], 'ok'],
    ['an untolerated NoSchedule taint', [taint('dedicated', 'NoSchedule', 'gpu')], [], 'UnschedulableAndUnresolvable: node(s) had untolerated taint(s)'],
    ['an untolerated NoExecute taint', [taint('node.kubernetes.io/not-ready', 'NoExecute')], [], 'UnschedulableAndUnresolvable: node(s) had untolerated taint(s)'],
    ['a PreferNoSchedule taint does not filter', [taint('soft', 'PreferNoSchedule')], [], 'ok'],
    ['tolerated with Equal', [taint('dedicated', 'NoSchedule', 'gpu')], [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }], 'ok'],
    ['a value mismatch', [taint('dedicated', 'NoSchedule', 'gpu')], [{ key: 'dedicated', value: 'cpu' }], 'UnschedulableAndUnresolvable: node(s) had untolerated taint(s)'],
    ['tolerated with Exists and no effect', [taint('dedicated', 'NoSchedule', 'gpu')], [{ key: 'dedicated', operator: 'Exists' }], 'ok'],
    ['an effect mismatch', [taint('dedicated', 'NoSchedule')], [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }], 'UnschedulableAndUnresolvable: node(s) had untolerated taint(s)'],
  ])('%s', (_name, taints, tolerations, expected) => {
    const node = nodeInfo(makeNode('n', { taints }));
    expect(brief(filterAll(taintToleration, makePod('p', { spec: { tolerations } }), [node]).n)).toBe(expected);
  });
});

describe('TaintToleration score', () => {
  it('ranks nodes by untolerated PreferNoSchedule taints, reversed and normalized', () => {
    const soft = (key: string) => ({ key, effect: 'PreferNoSchedule' });
    const nodes = [
      nodeInfo(makeNode('clean')),
      nodeInfo(makeNode('one', { taints: [soft('a')] })),
      nodeInfo(makeNode('two', { taints: [soft('a'), soft('b')] })),
      nodeInfo(makeNode('tolerated', { taints: [soft('b')] })),
    ];
    const pod = makePod('p', { spec: { tolerations: [{ key: 'b', operator: 'Exists', effect: 'PreferNoSchedule' }] } });
    expect(scoreAll(taintToleration, pod, nodes)).toEqual({ clean: 100, one: 0, two: 0, tolerated: 100 });
    expect(scoreAll(taintToleration, makePod('q'), nodes)).toEqual({ clean: 100, one: 50, two: 0, tolerated: 50 });
  });
});

describe('NodeAffinity filter', () => {
  const required = (...terms: unknown[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
  const expr = (key: string, operator: string, values?: string[]) => ({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });
  const node = nodeInfo(makeNode('n1', { zone: 'zone-a', labels: { disk: 'ssd', cores: '8' } }));
  const mismatch = "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector";
  it.each([
    ['nothing to match: skipped', {}, 'skip'],
    ['nodeSelector match', { nodeSelector: { disk: 'ssd' } }, 'ok'],
    ['nodeSelector mismatch', { nodeSelector: { disk: 'hdd' } }, mismatch],
    ['In', required(expr('topology.kubernetes.io/zone', 'In', ['zone-a', 'zone-b'])), 'ok'],
    ['NotIn', required(expr('topology.kubernetes.io/zone', 'NotIn', ['zone-a'])), mismatch],
    ['Exists', required(expr('disk', 'Exists')), 'ok'],
    ['DoesNotExist', required(expr('gpu', 'DoesNotExist')), 'ok'],
    ['Gt', required(expr('cores', 'Gt', ['4'])), 'ok'],
    ['Lt', required(expr('cores', 'Lt', ['4'])), mismatch],
    ['terms are ORed', required(expr('disk', 'In', ['hdd']), expr('disk', 'In', ['ssd'])), 'ok'],
    ['an empty term matches nothing', required({}), mismatch],
    ['a metadata.name field', required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }), 'ok'],
    ['both nodeSelector and affinity must hold', { nodeSelector: { disk: 'hdd' }, ...required(expr('disk', 'Exists')) }, mismatch],
  ])('%s', (_name, spec, expected) => {
    expect(brief(filterAll(nodeAffinity, makePod('p', { spec }), [node]).n1)).toBe(expected);
  });

  it('narrows PreFilter to the nodes metadata.name terms pin, and refuses conflicting ones', () => {
    const pinned = makePod('ds', { spec: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }) });
    const nodes = [nodeInfo(makeNode('n1')), nodeInfo(makeNode('n2'))];
    const results = filterAll(nodeAffinity, pinned, nodes);
    expect([brief(results.n1), brief(results.n2)]).toEqual(['UnschedulableAndUnresolvable: (prefilter)', 'ok']);
    const conflict = makePod('c', {
      spec: required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }, { key: 'metadata.name', operator: 'In', values: ['n2'] }] }),
    });
    expect(brief(filterAll(nodeAffinity, conflict, nodes).n1)).toBe('UnschedulableAndUnresolvable: pod affinity terms conflict');
  });
});

describe('NodeAffinity score', () => {
  it('sums the weights of matching preferred terms, normalized to the best node', () => {
    const pod = makePod('p', {
      spec: {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 80, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
              { weight: 20, preference: { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-a'] }] } },
            ],
          },
        },
      },
    });
    const nodes = [
      nodeInfo(makeNode('both', { zone: 'zone-a', labels: { disk: 'ssd' } })),
      nodeInfo(makeNode('ssd', { zone: 'zone-b', labels: { disk: 'ssd' } })),
      nodeInfo(makeNode('zone', { zone: 'zone-a' })),
      nodeInfo(makeNode('none', { zone: 'zone-b' })),
    ];
    expect(scoreAll(nodeAffinity, pod, nodes)).toEqual({ both: 100, ssd: 80, zone: 20, none: 0 });
    expect(scoreAll(nodeAffinity, makePod('plain'), nodes)).toBeUndefined();
  });
});
