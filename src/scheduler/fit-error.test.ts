// The unschedulable message: reason counts, Go's sort order, absent nodes, PreFilter and PostFilter parts, end to end.
import type { KubeObject } from '../meta/types.js';
import { defaultPlugins } from './default-plugins.js';
import { fitErrorMessage } from './fit-error.js';
import { newNodeToStatus, status, statusMessage, type NodeInfo, type Status } from './framework.js';
import { DefaultPreemption } from './preemption.js';
import { SchedulingFramework } from './schedule-one.js';
import { cycleOf, makeNode, makePod, nodeInfo } from './scheduler-test-kit.js';

function withStatuses(entries: [string, Status][], absent?: Status) {
  const m = newNodeToStatus();
  for (const [n, s] of entries) m.statuses.set(n, s);
  if (absent) m.absent = absent;
  return m;
}

const taint = status('UnschedulableAndUnresolvable', 'node(s) had untolerated taint(s)');
const cpu = status('Unschedulable', 'Insufficient cpu');

describe('fitErrorMessage', () => {
  it.each([
    ['one reason per node, sorted', 3, { nodeToStatus: withStatuses([['n1', taint], ['n2', cpu], ['n3', cpu]]) }, '0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu.'],
    [
      'several reasons of one node each count',
      2,
      { nodeToStatus: withStatuses([['n1', status('Unschedulable', 'Insufficient cpu', 'Insufficient memory')], ['n2', cpu]]) },
      '0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu.',
    ],
    [
      'bytewise order puts 10 before 2',
      12,
      { nodeToStatus: withStatuses([...Array.from({ length: 10 }, (_, i) => [`c${i}`, cpu] as [string, Status]), ['t1', taint], ['t2', taint]]) },
      '0/12 nodes are available: 10 Insufficient cpu, 2 node(s) had untolerated taint(s).',
    ],
    [
      'nodes missing from the map count with the absent status',
      3,
      { nodeToStatus: withStatuses([['n1', cpu]], status('UnschedulableAndUnresolvable', "node(s) didn't satisfy plugin(s) [NodeAffinity]")) },
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].",
    ],
    [
      'a PreFilter rejection replaces the per-node reasons',
      2,
      { nodeToStatus: withStatuses([], status('UnschedulableAndUnresolvable', 'pod has unbound immediate PersistentVolumeClaims')), preFilterMsg: 'pod has unbound immediate PersistentVolumeClaims', postFilterMsg: 'not found' },
      '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. not found',
    ],
    [
      'the PostFilter message follows without a period of its own',
      1,
      { nodeToStatus: withStatuses([['n1', cpu]]), postFilterMsg: 'no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never.' },
      '0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never.',
    ],
  ])('%s', (_name, numAllNodes, diagnosis, expected) => {
    expect(fitErrorMessage(numAllNodes, diagnosis)).toBe(expected);
  });
});

/** Runs one attempt with the default plugins and returns the message the pod's PodScheduled condition would carry. */
async function explain(nodes: NodeInfo[], pod: KubeObject): Promise<string> {
  const random = () => 0;
  let framework!: SchedulingFramework;
  const preemption = new DefaultPreemption({
    framework: () => framework,
    nominated: () => [],
    podDisruptionBudgets: () => [],
    currentPod: () => pod,
    evict: async () => {},
    clearNominations: async () => {},
    random,
  });
  framework = new SchedulingFramework(defaultPlugins(preemption), random);
  const cycle = cycleOf(nodes);
  const outcome = framework.schedulePod(nodes, cycle, pod, () => []);
  if (outcome.kind === 'noNodes') return outcome.message;
  if (outcome.kind !== 'unschedulable') return `unexpected ${outcome.kind}`;
  const post = await framework.runPostFilter(cycle, pod, outcome.diagnosis.nodeToStatus);
  return fitErrorMessage(outcome.numAllNodes, { ...outcome.diagnosis, postFilterMsg: statusMessage(post.status) });
}

describe('unschedulable messages end to end', () => {
  const tainted = makeNode('tainted', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
  const small = (name: string) => makeNode(name, { cpu: '1' });
  it.each([
    [
      'a pod larger than any node: no node is worth preempting on',
      () => [nodeInfo(tainted), nodeInfo(small('s1')), nodeInfo(small('s2'))],
      makePod('big', { cpu: '2' }),
      '0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    ],
    [
      'room taken by pods of the same priority',
      () => [nodeInfo(tainted), nodeInfo(makeNode('s1', { cpu: '2' }), [makePod('a', { cpu: '1500m' })]), nodeInfo(makeNode('s2', { cpu: '2' }), [makePod('b', { cpu: '1500m' })])],
      makePod('mid', { cpu: '1' }),
      '0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    ],
    ['no nodes at all', () => [], makePod('p'), 'no nodes available to schedule pods'],
    [
      'a claim that does not exist rejects the pod before any node is tried',
      () => [nodeInfo(small('s1'))],
      makePod('p', { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'missing' } }] } }),
      '0/1 nodes are available: persistentvolumeclaim "missing" not found. not found',
    ],
  ])('%s', async (_name, nodes, pod, expected) => {
    expect(await explain(nodes(), pod)).toBe(expected);
  });
});
