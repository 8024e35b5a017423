// The scheduler cache and its snapshot against a rebuild from the informers' contents after every step of random events.
import { labelSelectorFromObject, type LabelSelectorObject } from '../meta/label-selector.js';
import type { KubeObject } from '../meta/types.js';
import { emptyListers, newCycle, NodeInfo, PodInfo } from './framework.js';
import { Nominator } from './nominator.js';
import { matchingPodsByNode } from './pod-groups.js';
import { seededRandom } from '../meta/seeded-random.js';
import { SchedulerCache } from './scheduler-cache.js';
import { makeNode, makePod } from './scheduler-test-kit.js';
import { assignedNode, isTerminal, podKey, Snapshot } from './snapshot.js';

/** What the scheduler built from scratch on every cycle before it had a cache: the reference. */
function rebuild(nodes: KubeObject[], pods: KubeObject[], assumed: Map<string, KubeObject>): NodeInfo[] {
  const byName = new Map<string, NodeInfo>();
  for (const node of nodes) byName.set(node.metadata.name ?? '', new NodeInfo(node));
  for (const pod of assumed.values()) byName.get(assignedNode(pod))?.addPod(new PodInfo(pod));
  for (const pod of pods) {
    if (!assignedNode(pod) || isTerminal(pod) || assumed.has(podKey(pod))) continue;
    byName.get(assignedNode(pod))?.addPod(new PodInfo(pod));
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const keys = (infos: PodInfo[]) => infos.map((p) => p.key).sort();

function describeNode(info: NodeInfo) {
  return {
    name: info.name,
    labels: info.node.metadata.labels,
    pods: info.pods.map((p) => `${p.key}@${p.pod.metadata.resourceVersion}`),
    requested: info.requested,
    nonZeroRequested: info.nonZeroRequested,
    allocatable: info.allocatable,
    usedPorts: info.usedPorts.map((p) => `${p.hostIP}:${p.port}/${p.protocol}`).sort(),
    withAffinity: keys(info.podsWithAffinity),
    withRequiredAntiAffinity: keys(info.podsWithRequiredAntiAffinity),
    groups: [...info.groups.values()].map((g) => `${g.key}=${g.count}`).sort(),
  };
}

const SELECTORS: LabelSelectorObject[] = [{ matchLabels: { app: 'a' } }, { matchLabels: { app: 'b', tier: 'x' } }, { matchExpressions: [{ key: 'app', operator: 'Exists' }] }];

/** countPodsMatchSelector over every node, one pod at a time. */
function bruteForce(nodes: NodeInfo[], selector: ReturnType<typeof labelSelectorFromObject>, namespace: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of nodes) {
    const count = n.pods.filter((p) => !p.pod.metadata.deletionTimestamp && p.pod.metadata.namespace === namespace && selector.matches(p.pod.metadata.labels ?? {})).length;
    if (count > 0) out[n.name] = count;
  }
  return out;
}

function nonZero(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].filter(([, n]) => n > 0));
}

/** Informer contents kept as a Map (insertion order is listing order) with the events a SharedInformer would emit. */
class World {
  readonly nodes = new Map<string, KubeObject>();
  readonly pods = new Map<string, KubeObject>();
  readonly assumed = new Map<string, KubeObject>();
  readonly cache = new SchedulerCache((key) => this.pods.get(key));
  private rv = 0;

  version(obj: KubeObject): KubeObject {
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
  }

  putNode(node: KubeObject): void {
    this.nodes.set(node.metadata.name ?? '', this.version(node));
    this.cache.setNode(this.nodes.get(node.metadata.name ?? '')!);
  }

  deleteNode(name: string): void {
    const node = this.nodes.get(name);
    if (!node) return;
    this.nodes.delete(name);
    this.cache.removeNode(node);
  }

  putPod(pod: KubeObject): void {
    const key = podKey(pod);
    const existed = this.pods.has(key);
    this.pods.set(key, this.version(pod));
    if (existed) this.cache.podUpdated(this.pods.get(key)!);
    else this.cache.podAdded(this.pods.get(key)!);
  }

  deletePod(key: string): void {
    const pod = this.pods.get(key);
    if (!pod) return;
    this.pods.delete(key);
    this.assumed.delete(key);
    this.cache.podDeleted(pod);
  }

  assume(key: string, nodeName: string): void {
    const pod = this.pods.get(key)!;
    const placed = { ...pod, spec: { ...(pod.spec as object), nodeName } };
    this.assumed.set(key, placed);
    this.cache.assume(key, placed);
  }

  forget(key: string): void {
    this.assumed.delete(key);
    this.cache.forget(key);
  }

  reference(): NodeInfo[] {
    return rebuild([...this.nodes.values()], [...this.pods.values()], this.assumed);
  }
}

function randomPod(random: () => number, name: string): KubeObject {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const labels = pick<Record<string, string>>([{ app: 'a' }, { app: 'b', tier: 'x' }, { tier: 'x', app: 'b' }, {}, { app: 'c' }]);
  const spec: Record<string, unknown> = {};
  if (random() < 0.2) {
    spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: labels } }] } };
  }
  return makePod(name, { namespace: pick(['default', 'other']), labels: { ...labels }, cpu: pick(['100m', '250m', undefined]), memory: pick(['64Mi', undefined]), hostPort: random() < 0.2 ? 8080 : undefined, spec });
}

function step(world: World, random: () => number, names: string[]): void {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const r = random();
  const pods = [...world.pods.keys()];
  const nodeName = pick(names);
  if (r < 0.08) world.putNode(makeNode(nodeName, { cpu: pick(['4', '8']), labels: { pool: pick(['p1', 'p2']) } }));
  else if (r < 0.12) world.deleteNode(nodeName);
  else if (r < 0.35 || pods.length === 0) world.putPod(randomPod(random, `p${Math.floor(random() * 40)}`));
  else {
    const key = pick(pods);
    const pod = world.pods.get(key)!;
    const s = random();
    if (s < 0.3) world.putPod({ ...pod, spec: { ...(pod.spec as object), nodeName } });
    else if (s < 0.45) world.putPod({ ...pod, metadata: { ...pod.metadata, labels: pick<Record<string, string>>([{ app: 'a' }, { app: 'b', tier: 'x' }]) } });
    else if (s < 0.55) world.putPod({ ...pod, status: { phase: pick(['Running', 'Succeeded', 'Failed']) } });
    else if (s < 0.62) world.putPod({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });
    else if (s < 0.75) world.deletePod(key);
    else if (s < 0.88 && !assignedNode(pod)) world.assume(key, nodeName);
    else world.forget(key);
  }
}

it('keeps every NodeInfo, and the group counts, as a rebuild from the informers would give them', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const random = seededRandom(seed);
    const world = new World();
    const snapshot = new Snapshot();
    const names = ['n1', 'n2', 'n3', 'n4'];
    for (const n of names.slice(0, 3)) world.putNode(makeNode(n));
    for (let i = 0; i < 400; i++) {
      step(world, random, names);
      if (random() < 0.3) continue;
      const nodes = snapshot.update(world.cache);
      const expected = world.reference();
      expect(nodes.map(describeNode)).toEqual(expected.map(describeNode));
      const cycle = newCycle(nodes, emptyListers, 0, snapshot.groups);
      for (const sel of SELECTORS) {
        const selector = labelSelectorFromObject(sel);
        for (const ns of ['default', 'other']) expect(nonZero(matchingPodsByNode(cycle, selector, ns))).toEqual(bruteForce(expected, selector, ns));
      }
    }
  }
});

it('copies only the nodes that changed, and never changes a list or copy handed to an earlier cycle', () => {
  const world = new World();
  const snapshot = new Snapshot();
  world.putNode(makeNode('a'));
  world.putNode(makeNode('b'));
  world.putPod(makePod('p', { nodeName: 'a', cpu: '1' }));
  const first = snapshot.update(world.cache);
  const [a1, b1] = first;
  const before = first.map(describeNode);
  expect(snapshot.update(world.cache)).toBe(first);

  world.putPod(makePod('q', { nodeName: 'b', cpu: '2' }));
  const second = snapshot.update(world.cache);
  expect(second).not.toBe(first);
  expect(second[0]).toBe(a1);
  expect(second[1]).not.toBe(b1);
  expect(second[1].requested.milliCPU).toBe(2000);
  expect(first.map(describeNode)).toEqual(before);
});

it('keeps pods that name a node the informer does not hold until it comes (back)', () => {
  const world = new World();
  const snapshot = new Snapshot();
  world.putPod(makePod('early', { nodeName: 'late', cpu: '1' }));
  expect(snapshot.update(world.cache)).toEqual([]);
  world.putNode(makeNode('late'));
  expect(snapshot.update(world.cache).map((n) => n.pods.map((p) => p.key))).toEqual([['default/early']]);
  world.deleteNode('late');
  expect(snapshot.update(world.cache)).toEqual([]);
  world.putNode(makeNode('late'));
  const [node] = snapshot.update(world.cache);
  expect(node.pods.map((p) => p.key)).toEqual(['default/early']);
  expect(node.requested.milliCPU).toBe(1000);
});

it('counts an assumed pod in place of its listed copy, before the listed pods, until forgotten', () => {
  const world = new World();
  const snapshot = new Snapshot();
  world.putNode(makeNode('a'));
  world.putNode(makeNode('b'));
  world.putPod(makePod('listed', { nodeName: 'a' }));
  world.putPod(makePod('pending'));
  world.assume('default/pending', 'a');
  expect(snapshot.update(world.cache)[0].pods.map((p) => p.key)).toEqual(['default/pending', 'default/listed']);
  // The binding shows up on another node than assumed: the assumption still wins until forgotten.
  world.putPod({ ...world.pods.get('default/pending')!, spec: { ...(world.pods.get('default/pending')!.spec as object), nodeName: 'b' } });
  expect(snapshot.update(world.cache).map((n) => n.pods.length)).toEqual([2, 0]);
  world.forget('default/pending');
  expect(snapshot.update(world.cache).map((n) => n.pods.map((p) => p.key))).toEqual([['default/listed'], ['default/pending']]);
});

it('indexes nominated pods by node as they move, leaving nodes with none out', () => {
  const nominator = new Nominator();
  nominator.set('ns/a', 'n1');
  nominator.set('ns/b', 'n1');
  nominator.set('ns/a', 'n2');
  expect([nominator.keysOn('n1'), nominator.keysOn('n2'), nominator.size]).toEqual([['ns/b'], ['ns/a'], 2]);
  nominator.set('ns/b', '');
  nominator.set('ns/a', '');
  expect([nominator.keysOn('n1'), nominator.keysOn('n2'), nominator.size]).toEqual([[], [], 0]);
});
