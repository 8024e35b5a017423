// Table tests of NodeResourcesFit (requests, filter, LeastAllocated) and NodeResourcesBalancedAllocation.
import type { KubeObject } from '../../meta/types.js';
import { podRequestList, podResourceSummary } from '../pod-resources.js';
import { quantityMilliValue, quantityValue } from '../quantity.js';
import { brief, filterAll, makeNode, makePod, nodeInfo, scoreAll } from '../scheduler-test-kit.js';
import { nodeResourcesBalancedAllocation, nodeResourcesFit } from './node-resources.js';

const c = (name: string, requests: Record<string, string>, extra: Record<string, unknown> = {}) => ({ name, image: 'i', resources: { requests }, ...extra });

describe('quantities', () => {
  it.each([
    ['1', 1000, 1],
    ['250m', 250, 1],
    ['1.5', 1500, 2],
    ['1Ki', 1024000, 1024],
    ['1Gi', 1073741824000, 1073741824],
    ['2k', 2000000, 2000],
    ['1e3', 1000000, 1000],
    ['100m', 100, 1],
    ['0.1m', 1, 1],
  ])('%s is %d milli and %d units, rounded up', (q, milli, value) => {
    expect([quantityMilliValue(q), quantityValue(q)]).toEqual([milli, value]);
  });
});

describe('pod requests', () => {
  const spec = (s: Record<string, unknown>): KubeObject => ({ metadata: { name: 'p' }, spec: s });
  it.each([
    ['containers add up', { containers: [c('a', { cpu: '1' }), c('b', { cpu: '500m', memory: '1Gi' })] }, { cpu: 1500, memory: 1073741824 }],
    ['an init container larger than the containers wins', { initContainers: [c('init', { cpu: '3' })], containers: [c('a', { cpu: '1' })] }, { cpu: 3000 }],
    [
      'sidecars run with the containers and with later init containers',
      { initContainers: [c('proxy', { cpu: '1' }, { restartPolicy: 'Always' }), c('migrate', { cpu: '2' })], containers: [c('a', { cpu: '500m' })] },
      { cpu: 3000 },
    ],
    ['overhead is added', { containers: [c('a', { cpu: '1' })], overhead: { cpu: '250m' } }, { cpu: 1250 }],
    ['pod-level requests replace the containers for cpu and memory', { resources: { requests: { cpu: '2' } }, containers: [c('a', { cpu: '1', memory: '1Gi' })] }, { cpu: 2000, memory: 1073741824 }],
  ])('%s', (_name, s, expected) => {
    expect(podRequestList(spec(s))).toEqual(expected);
  });

  it('counts 100m and 200Mi for each container that asks for nothing, for spreading', () => {
    const summary = podResourceSummary(spec({ containers: [c('a', {}), c('b', { cpu: '1' })] }));
    expect([summary.nonZeroMilliCPU, summary.nonZeroMemory]).toEqual([1100, 2 * 200 * 1024 * 1024]);
    expect(summary.requests.milliCPU).toBe(1000);
  });
});

describe('NodeResourcesFit filter', () => {
  const node = makeNode('n', { cpu: '4', memory: '8Gi', pods: '3', extra: { 'example.com/gpu': '2', 'ephemeral-storage': '10Gi' } });
  const used = [makePod('u1', { cpu: '3', memory: '2Gi' }), makePod('u2', { cpu: '500m' })];
  const pod = (containers: unknown[]) => makePod('p', { spec: { containers } });
  it.each([
    ['fits in what is left', pod([c('a', { cpu: '500m', memory: '1Gi' })]), used, 'ok'],
    ['not enough cpu left', pod([c('a', { cpu: '1' })]), used, 'Unschedulable: Insufficient cpu'],
    ['more cpu than the node has', pod([c('a', { cpu: '5' })]), [], 'UnschedulableAndUnresolvable: Insufficient cpu'],
    ['cpu and memory both short', pod([c('a', { cpu: '1', memory: '7Gi' })]), used, 'Unschedulable: Insufficient cpu | Insufficient memory'],
    ['too many pods', pod([c('a', { cpu: '100m' })]), [...used, makePod('u3')], 'Unschedulable: Too many pods'],
    ['an extended resource', pod([c('a', { 'example.com/gpu': '3' })]), [], 'UnschedulableAndUnresolvable: Insufficient example.com/gpu'],
    ['ephemeral storage', pod([c('a', { 'ephemeral-storage': '11Gi' })]), [], 'UnschedulableAndUnresolvable: Insufficient ephemeral-storage'],
    ['a pod that asks for nothing only needs a pod slot', pod([c('a', {})]), used, 'ok'],
  ])('%s', (_name, incoming, existing, expected) => {
    expect(brief(filterAll(nodeResourcesFit, incoming, [nodeInfo(node, existing)]).n)).toBe(expected);
  });
});

describe('NodeResourcesFit score (LeastAllocated)', () => {
  it('averages the free cpu and memory fractions after placing the pod, counting defaults for empty requests', () => {
    const node = makeNode('n', { cpu: '4', memory: '8Gi' });
    const busy = nodeInfo({ ...node, metadata: { ...node.metadata, name: 'busy' } }, [makePod('u', { cpu: '1', memory: '2Gi' })]);
    const empty = nodeInfo({ ...node, metadata: { ...node.metadata, name: 'empty' } });
    // busy: cpu (4000-2000)/4000 = 50, memory (8-3)/8 = 62 → 56; empty: cpu 75, memory 87 → 81.
    expect(scoreAll(nodeResourcesFit, makePod('p', { cpu: '1', memory: '1Gi' }), [busy, empty])).toEqual({ busy: 56, empty: 81 });
    // A best-effort pod counts as 100m and 200Mi: 97 and 97.
    expect(scoreAll(nodeResourcesFit, makePod('be'), [empty])).toEqual({ empty: 97 });
  });
});

describe('NodeResourcesBalancedAllocation score', () => {
  it('prefers the node where cpu and memory end up equally used', () => {
    const balanced = nodeInfo(makeNode('balanced', { cpu: '4', memory: '8Gi' }), [makePod('m', { memory: '3Gi' })]);
    const skewed = nodeInfo(makeNode('skewed', { cpu: '4', memory: '8Gi' }));
    // balanced: 2/4 cpu and 4/8 memory → std 0 → 100; skewed: 0.5 and 0.125 → std 0.1875 → 81.
    expect(scoreAll(nodeResourcesBalancedAllocation, makePod('p', { cpu: '2', memory: '1Gi' }), [balanced, skewed])).toEqual({ balanced: 100, skewed: 81 });
  });
  it('skips best-effort pods, which would otherwise all land on one node', () => {
    expect(scoreAll(nodeResourcesBalancedAllocation, makePod('be'), [nodeInfo(makeNode('n'))])).toBeUndefined();
  });
});
