// The group index a cycle carries, and how it follows a node swapped in for preemption or nominated pods.
import { labelSelectorFromObject } from '../meta/label-selector.js';
import { PodInfo } from './framework.js';
import { matchingPodsByNode, NodeGroupIndex, podGroupKey } from './pod-groups.js';
import { withNode } from './schedule-one.js';
import { cycleOf, makeNode, makePod, nodeInfo } from './scheduler-test-kit.js';

const web = (name: string) => makePod(name, { labels: { app: 'web', tier: 'front' } });
const selector = labelSelectorFromObject({ matchLabels: { app: 'web' } });

it('keys a group by namespace and labels, whatever order the labels come in', () => {
  expect(podGroupKey('a', { x: '1', y: '2' })).toBe(podGroupKey('a', { y: '2', x: '1' }));
  expect(podGroupKey('a', { x: '1' })).not.toBe(podGroupKey('b', { x: '1' }));
  expect(podGroupKey('a', { x: '1,y' })).not.toBe(podGroupKey('a', { x: '1', y: '' }));
});

it('counts matching pods per node, leaving out terminating pods and other namespaces', () => {
  const terminating = { ...web('t'), metadata: { ...web('t').metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
  const nodes = [nodeInfo(makeNode('a'), [web('w1'), web('w2'), terminating]), nodeInfo(makeNode('b'), [makePod('o', { namespace: 'other', labels: { app: 'web' } })])];
  expect(Object.fromEntries(matchingPodsByNode(cycleOf(nodes), selector, 'default'))).toEqual({ a: 2 });
  expect(Object.fromEntries(matchingPodsByNode(cycleOf(nodes), selector, 'other'))).toEqual({ b: 1 });
});

it('follows a node swapped into the cycle, without changing the cycle it came from', () => {
  const nodes = [nodeInfo(makeNode('a'), [web('w1'), web('w2')]), nodeInfo(makeNode('b'), [web('w3')])];
  const cycle = cycleOf(nodes);
  cycle.groups = NodeGroupIndex.of(nodes);
  const changed = nodes[0].clone();
  changed.removePod('default/w1');
  const crowded = nodes[1].clone();
  crowded.addPod(new PodInfo(makePod('n', { labels: { app: 'web', new: 'yes' } })));
  expect(Object.fromEntries(matchingPodsByNode(withNode(cycle, changed), selector, 'default'))).toEqual({ a: 1, b: 1 });
  expect(Object.fromEntries(matchingPodsByNode(withNode(withNode(cycle, changed), crowded), selector, 'default'))).toEqual({ a: 1, b: 2 });
  expect(Object.fromEntries(matchingPodsByNode(cycle, selector, 'default'))).toEqual({ a: 2, b: 1 });
});
