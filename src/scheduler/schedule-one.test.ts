// The framework's cycle: room kept for nominated pods, PreFilter node narrowing, and seeded tie-breaking.
import { defaultPlugins } from './default-plugins.js';
import { PodInfo, type Plugin } from './framework.js';
import { DefaultPreemption } from './preemption.js';
import { seededRandom } from '../meta/seeded-random.js';
import { numFeasibleNodesToFind, SchedulingFramework } from './schedule-one.js';
import { nodeResourcesFit } from './plugins/node-resources.js';
import { cycleOf, makeNode, makePod, nodeInfo } from './scheduler-test-kit.js';

function framework(random = seededRandom(1)): SchedulingFramework {
  let fw!: SchedulingFramework;
  const preemption = new DefaultPreemption({
    framework: () => fw,
    nominated: () => [],
    podDisruptionBudgets: () => [],
    currentPod: () => undefined,
    evict: async () => {},
    clearNominations: async () => {},
    random,
  });
  fw = new SchedulingFramework(defaultPlugins(preemption), random);
  return fw;
}

it('keeps room for a pod nominated to the node, against pods of lower or equal priority only', () => {
  const nodes = [nodeInfo(makeNode('only', { cpu: '2' }))];
  const reserved = new PodInfo(makePod('reserved', { cpu: '1500m', priority: 1000 }));
  const nominated = (name: string) => (name === 'only' ? [reserved] : []);
  const low = framework().schedulePod(nodes, cycleOf(nodes), makePod('low', { cpu: '1', priority: 1000 }), nominated);
  expect(low.kind === 'unschedulable' && [...low.diagnosis.nodeToStatus.statuses.values()].map((s) => s.reasons)).toEqual([['Insufficient cpu']]);
  const higher = framework().schedulePod(nodes, cycleOf(nodes), makePod('higher', { cpu: '1', priority: 2000 }), nominated);
  expect(higher).toMatchObject({ kind: 'scheduled', nodeName: 'only' });
});

it('tries only the nodes a PreFilter result allows, the rest failing as one group', () => {
  const nodes = ['n1', 'n2', 'n3'].map((n) => nodeInfo(makeNode(n, { cpu: '1' })));
  const daemon = makePod('ds', {
    cpu: '2',
    spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }] } } } },
  });
  const outcome = framework().schedulePod(nodes, cycleOf(nodes), daemon, () => []);
  expect(outcome.kind).toBe('unschedulable');
  if (outcome.kind !== 'unschedulable') return;
  expect([...outcome.diagnosis.nodeToStatus.statuses.keys()]).toEqual(['n2']);
  expect(outcome.diagnosis.nodeToStatus.absent.reasons).toEqual(["node(s) didn't satisfy plugin(s) [NodeAffinity]"]);
});

it('breaks ties between equal nodes with the seeded PRNG, the same way for the same seed', () => {
  const nodes = ['a', 'b', 'c', 'd', 'e'].map((n) => nodeInfo(makeNode(n)));
  const pick = (seed: number) => {
    const fw = framework(seededRandom(seed));
    return Array.from({ length: 8 }, (_, i) => {
      const outcome = fw.schedulePod(nodes, cycleOf(nodes), makePod(`p${i}`), () => []);
      return outcome.kind === 'scheduled' ? outcome.nodeName : '-';
    });
  };
  expect(pick(9)).toEqual(pick(9));
  expect(new Set(pick(9)).size).toBeGreaterThan(1);
});

it('stops filtering once enough nodes fit in a big cluster, and starts the next attempt where it stopped', () => {
  expect([50, 99, 100, 200, 1000, 5000, 10000].map(numFeasibleNodesToFind)).toEqual([50, 99, 100, 100, 420, 500, 500]);
  const nodes = Array.from({ length: 250 }, (_, i) => nodeInfo(makeNode(`n${String(i).padStart(3, '0')}`)));
  let seen: string[] = [];
  const spy: Plugin = { ...nodeResourcesFit, filter: (c, p, n) => (seen.push(n.name), nodeResourcesFit.filter!(c, p, n)) };
  const fw = new SchedulingFramework([spy], seededRandom(1));
  const tried = Array.from({ length: 3 }, (_, i) => {
    seen = [];
    expect(fw.schedulePod(nodes, cycleOf(nodes), makePod(`p${i}`), () => []).kind).toBe('scheduled');
    return [seen.length, seen[0], seen[seen.length - 1]];
  });
  // 250 nodes: 48% of them, 120, are enough; each attempt goes on from the node after the last one tried.
  expect(tried).toEqual([
    [120, 'n000', 'n119'],
    [120, 'n120', 'n239'],
    [120, 'n240', 'n109'],
  ]);
});
