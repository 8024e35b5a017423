// The scale-down ranking rule by rule, without a cluster.
import { rfc3339 } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import { deleteBefore, podDeletionCost, podsToDelete } from './replicaset-pod-ranking.js';

const now = Date.UTC(2026, 0, 1, 12);

interface Shape {
  name: string;
  node?: string;
  phase?: string;
  readySince?: number;
  cost?: string;
  restarts?: number;
  sidecarRestarts?: number;
  created?: number;
  uid?: string;
}

function pod(s: Shape): KubeObject {
  return {
    metadata: {
      name: s.name,
      uid: s.uid ?? s.name,
      creationTimestamp: rfc3339(s.created ?? now - 3_600_000),
      ...(s.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': s.cost } } : {}),
    },
    spec: { nodeName: s.node ?? 'node-1', initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] },
    status: {
      phase: s.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: s.readySince !== undefined ? 'True' : 'False', lastTransitionTime: rfc3339(s.readySince ?? now) }],
      containerStatuses: [{ name: 'app', restartCount: s.restarts ?? 0 }],
      initContainerStatuses: [{ name: 'proxy', restartCount: s.sidecarRestarts ?? 0 }],
    },
  };
}

/** Whether `a` goes before `b`, and never both ways. */
function first(a: Shape, b: Shape, ranks: [number, number] = [0, 0]): boolean {
  const [ra, rb] = [{ pod: pod(a), rank: ranks[0] }, { pod: pod(b), rank: ranks[1] }];
  const forward = deleteBefore(ra, rb, now);
  if (forward) expect(deleteBefore(rb, ra, now)).toBe(false);
  return forward;
}

const ready = now - 600_000;

describe('deleteBefore (ActivePodsWithRanks.Less)', () => {
  it('1. unassigned before assigned', () => {
    expect(first({ name: 'a', node: '', phase: 'Running', readySince: ready }, { name: 'b', phase: 'Pending' })).toBe(true);
  });
  it('2. Pending before Unknown before Running', () => {
    expect(first({ name: 'a', phase: 'Pending' }, { name: 'b', phase: 'Unknown' })).toBe(true);
    expect(first({ name: 'a', phase: 'Unknown' }, { name: 'b', phase: 'Running' })).toBe(true);
  });
  it('3. not ready before ready', () => {
    expect(first({ name: 'a' }, { name: 'b', readySince: ready })).toBe(true);
  });
  it('4. lower pod-deletion-cost first', () => {
    expect(first({ name: 'a', readySince: ready, cost: '-5' }, { name: 'b', readySince: ready })).toBe(true);
    expect(first({ name: 'a', readySince: ready, cost: '10' }, { name: 'b', readySince: ready, cost: '100' })).toBe(true);
  });
  it('5. more colocated related pods first', () => {
    expect(first({ name: 'a', readySince: ready }, { name: 'b', readySince: ready }, [3, 1])).toBe(true);
  });
  it('6. ready more recently first, on a logarithmic scale with uid breaking ties', () => {
    expect(first({ name: 'a', readySince: now - 10_000 }, { name: 'b', readySince: now - 1_000_000 })).toBe(true);
    // 70 s and 100 s ago share a bucket (2^36 ns ≈ 68.7 s up to 137 s): the smaller uid goes first.
    expect(first({ name: 'z', uid: 'b-uid', readySince: now - 70_000 }, { name: 'y', uid: 'a-uid', readySince: now - 100_000 })).toBe(false);
    expect(first({ name: 'y', uid: 'a-uid', readySince: now - 100_000 }, { name: 'z', uid: 'b-uid', readySince: now - 70_000 })).toBe(true);
  });
  it('7. more container restarts first, then more sidecar restarts', () => {
    expect(first({ name: 'a', restarts: 4 }, { name: 'b', restarts: 1 })).toBe(true);
    expect(first({ name: 'a', sidecarRestarts: 2 }, { name: 'b' })).toBe(true);
    expect(first({ name: 'a', restarts: 1 }, { name: 'b', sidecarRestarts: 9 })).toBe(true);
  });
  it('8. newer first, on a logarithmic scale', () => {
    expect(first({ name: 'a', created: now - 5_000 }, { name: 'b', created: now - 500_000 })).toBe(true);
  });
  it('earlier rules win over later ones', () => {
    // Not ready beats a low deletion cost and many restarts.
    expect(first({ name: 'a' }, { name: 'b', readySince: ready, cost: '-100', restarts: 50 })).toBe(true);
    // Deletion cost beats colocation rank.
    expect(first({ name: 'a', readySince: ready, cost: '-1' }, { name: 'b', readySince: ready }, [0, 5])).toBe(true);
  });
  it('keeps equal pods in place', () => {
    expect(first({ name: 'a' }, { name: 'b' })).toBe(false);
    expect(first({ name: 'b' }, { name: 'a' })).toBe(false);
  });
});

describe('podDeletionCost', () => {
  const cost = (value: string) => podDeletionCost(pod({ name: 'p', cost: value }));
  it('reads canonical int32 values and treats anything else as 0', () => {
    expect([cost('0'), cost('12'), cost('-7'), cost('-007'), cost('2147483647'), cost('-2147483648')]).toEqual([0, 12, -7, -7, 2147483647, -2147483648]);
    expect([cost('+5'), cost('007'), cost('2147483648'), cost('1.5'), cost(''), cost('abc')]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('podsToDelete', () => {
  it('ranks by active related pods on the same node', () => {
    const active = [pod({ name: 'alone', node: 'n1', readySince: ready }), pod({ name: 'crowded', node: 'n2', readySince: ready })];
    const related = [...active, pod({ name: 'sibling-1', node: 'n2' }), pod({ name: 'sibling-2', node: 'n2' }), pod({ name: 'done', node: 'n1', phase: 'Succeeded' })];
    expect(podsToDelete(active, related, 1, now).map((p) => p.metadata.name)).toEqual(['crowded']);
  });
  it('takes everything, unsorted, when deleting as many pods as there are', () => {
    const active = [pod({ name: 'b', readySince: ready }), pod({ name: 'a' })];
    expect(podsToDelete(active, [], 2, now).map((p) => p.metadata.name)).toEqual(['b', 'a']);
  });
});
