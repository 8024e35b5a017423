// Upstream deployment_util_test cases: fenceposts, terminating counts, revision history, proportions, old/new split.
import { revisionHistoryAnnotation, revisionAnnotation, setNewReplicaSetAnnotations } from './deployment-annotations.js';
import { getReplicaSetProportion } from './deployment-scale.js';
import {
  equalIgnoreHash,
  findNewReplicaSet,
  findOldReplicaSets,
  getTerminatingReplicaCountForReplicaSets,
  maxUnavailable,
  newRSNewReplicas,
  resolveFenceposts,
  type Deployment,
  type ReplicaSet,
} from './deployment-util.js';

function deployment(replicas: number, rolling: { maxSurge?: number | string; maxUnavailable?: number | string } = {}): Deployment {
  return {
    metadata: { name: 'd', annotations: {} },
    spec: {
      replicas,
      strategy: { type: 'RollingUpdate', rollingUpdate: rolling },
      template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'x' }] } },
    },
  };
}

function replicaSet(name: string, replicas: number, status: ReplicaSet['status'] = {}, created = '2026-01-01T00:00:00Z'): ReplicaSet {
  return { metadata: { name, uid: name, creationTimestamp: created }, spec: { replicas, template: deployment(1).spec.template }, status };
}

test.each([
  ['0%', '0%', 0, 0, 1],
  ['39%', '39%', 10, 4, 3],
  [undefined, '39%', 10, 0, 3],
  ['39%', undefined, 10, 4, 0],
  [undefined, undefined, 10, 0, 1],
])('resolveFenceposts(%s, %s, %d) = [%d, %d]', (surge, unavailable, desired, expectSurge, expectUnavailable) => {
  expect(resolveFenceposts(surge, unavailable, desired)).toEqual([expectSurge, expectUnavailable]);
});

test('malformed fenceposts are errors', () => {
  expect(() => resolveFenceposts('oops', '39%', 10)).toThrow('invalid value for IntOrString');
  expect(() => resolveFenceposts('55%', 'urg', 10)).toThrow('string is not a percentage');
});

test('maxUnavailable never exceeds the desired count, and is zero for none', () => {
  expect(maxUnavailable(deployment(5, { maxSurge: 1, maxUnavailable: 10 }))).toBe(5);
  expect(maxUnavailable(deployment(5, { maxSurge: 1, maxUnavailable: '100%' }))).toBe(5);
  expect(maxUnavailable(deployment(0, { maxSurge: 1, maxUnavailable: 10 }))).toBe(0);
  expect(maxUnavailable(deployment(10, { maxSurge: 1, maxUnavailable: '50%' }))).toBe(5);
});

test('terminating replicas: unknown once an observed ReplicaSet does not report them', () => {
  const rs1 = replicaSet('rs1', 1, { observedGeneration: 1, replicas: 2, terminatingReplicas: 3 });
  const rs2 = replicaSet('rs2', 2, { replicas: 3, terminatingReplicas: 1 });
  const unsynced = replicaSet('unsynced', 3, { replicas: 0 });
  const dropped = replicaSet('dropped', 1, { observedGeneration: 1, replicas: 1 });
  expect(getTerminatingReplicaCountForReplicaSets([rs1, rs2])).toBe(4);
  expect(getTerminatingReplicaCountForReplicaSets([unsynced])).toBe(0);
  expect(getTerminatingReplicaCountForReplicaSets([rs1, rs2, unsynced])).toBe(4);
  expect(getTerminatingReplicaCountForReplicaSets([dropped])).toBeUndefined();
  expect(getTerminatingReplicaCountForReplicaSets([rs1, rs2, unsynced, dropped])).toBeUndefined();
});

test('the revision history keeps within its length limit, dropping the oldest entries', () => {
  const d = deployment(1);
  d.metadata.annotations![revisionAnnotation] = '1';
  const rs = replicaSet('rs', 1);
  for (let i = 10; i < 20; i++) {
    setNewReplicaSetAnnotations(d, rs, String(i + 1), true, 5);
    if (i >= 12) expect(rs.metadata.annotations![revisionHistoryAnnotation]).toBe(`${i - 1},${i}`);
    expect(rs.metadata.annotations![revisionAnnotation]).toBe(String(i + 1));
  }
});

test('newRSNewReplicas: limited by the surge ceiling, never beyond the desired count', () => {
  const old = replicaSet('old', 5);
  const cases: [number, number, number, number][] = [
    // deployment replicas, new RS replicas, maxSurge, expected
    [1, 5, 1, 5],
    [6, 2, 10, 6],
  ];
  for (const [desired, current, surge, expected] of cases) {
    expect(newRSNewReplicas(deployment(desired, { maxSurge: surge, maxUnavailable: 1 }), [old], replicaSet('new', current))).toBe(expected);
  }
  const recreate: Deployment = { ...deployment(3), spec: { ...deployment(3).spec, strategy: { type: 'Recreate' } } };
  expect(newRSNewReplicas(recreate, [old], replicaSet('new', 1))).toBe(3);
});

test('proportions: a share of the new maximum, bounded by what is left to add or remove', () => {
  const d = deployment(20, { maxSurge: 3, maxUnavailable: 2 });
  const rs = replicaSet('rs', 8);
  rs.metadata.annotations = { 'deployment.kubernetes.io/max-replicas': '13' };
  expect(getReplicaSetProportion(rs, d, 10, 0)).toBe(6);
  expect(getReplicaSetProportion(rs, d, 10, 7)).toBe(3);
  expect(getReplicaSetProportion(rs, deployment(0), -8, 0)).toBe(-8);
  expect(getReplicaSetProportion(replicaSet('empty', 0), d, 10, 0)).toBe(0);
});

test('the oldest ReplicaSet with the template is the new one; equality ignores the hash label', () => {
  const d = deployment(1);
  const hashed = (name: string, hash: string, created: string): ReplicaSet => {
    const rs = replicaSet(name, 1, {}, created);
    rs.spec.template = structuredClone(d.spec.template);
    rs.spec.template!.metadata!.labels!['pod-template-hash'] = hash;
    return rs;
  };
  const newer = hashed('newer', 'hash', '2026-01-01T00:01:00Z');
  const older = hashed('older', 'other-hash', '2026-01-01T00:00:30Z');
  const old = replicaSet('old', 1, {}, '2026-01-01T00:00:00Z');
  old.spec.template = { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'y' }] } };
  expect(equalIgnoreHash(newer.spec.template, d.spec.template)).toBe(true);
  expect(findNewReplicaSet(d, [newer, old, older])?.metadata.name).toBe('older');
  const { required, all } = findOldReplicaSets(d, [newer, old, older]);
  expect(all.map((rs) => rs.metadata.name)).toEqual(['old', 'newer']);
  expect(required.map((rs) => rs.metadata.name)).toEqual(['old', 'newer']);
  expect(findNewReplicaSet(d, [old])).toBeUndefined();
});
