// Table tests of VolumeBinding: claims that block a pod outright, PV node affinity, WaitForFirstConsumer matching.
import type { KubeObject } from '../../meta/types.js';
import type { ClusterListers } from '../framework.js';
import { brief, cycleOf, filterAll, makeNode, makePod, nodeInfo } from '../scheduler-test-kit.js';
import { volumeBinding, volumeDecisionsFor } from './volume-binding.js';

function pvc(name: string, o: { volumeName?: string; className?: string; bound?: boolean; phase?: string; deleting?: boolean; owner?: string } = {}): KubeObject {
  const metadata: KubeObject['metadata'] = { name, namespace: 'default', uid: `uid-pvc-${name}` };
  if (o.bound) metadata.annotations = { 'pv.kubernetes.io/bind-completed': 'yes' };
  if (o.deleting) metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  if (o.owner) metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: o.owner, controller: true }];
  return {
    metadata,
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...(o.className !== undefined ? { storageClassName: o.className } : {}), ...(o.volumeName ? { volumeName: o.volumeName } : {}) },
    status: { phase: o.phase ?? (o.bound ? 'Bound' : 'Pending') },
  };
}

function pv(name: string, o: { host?: string; zone?: string; className?: string; size?: string } = {}): KubeObject {
  const expressions = [
    ...(o.host ? [{ key: 'kubernetes.io/hostname', operator: 'In', values: [o.host] }] : []),
    ...(o.zone ? [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [o.zone] }] : []),
  ];
  return {
    metadata: { name },
    spec: {
      capacity: { storage: o.size ?? '5Gi' },
      accessModes: ['ReadWriteOnce'],
      storageClassName: o.className ?? '',
      ...(o.host ? { local: { path: '/data' } } : {}),
      ...(expressions.length > 0 ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: expressions }] } } } : {}),
    },
  };
}

const classes: Record<string, KubeObject> = {
  standard: { metadata: { name: 'standard' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' },
  local: { metadata: { name: 'local' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' },
  immediate: { metadata: { name: 'immediate' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'Immediate' },
};

function listersOf(claims: KubeObject[], volumes: KubeObject[]): Partial<ClusterListers> {
  return {
    persistentVolumeClaim: (_ns, name) => claims.find((c) => c.metadata.name === name),
    persistentVolume: (name) => volumes.find((v) => v.metadata.name === name),
    persistentVolumes: () => volumes,
    storageClass: (name) => classes[name],
  };
}

const usingClaim = (claimName = 'data') => makePod('p', { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] } });
const nodes = () => [nodeInfo(makeNode('n1', { zone: 'zone-a' })), nodeInfo(makeNode('n2', { zone: 'zone-b' }))];

function results(pod: KubeObject, claims: KubeObject[], volumes: KubeObject[] = []): Record<string, string> {
  return Object.fromEntries(Object.entries(filterAll(volumeBinding, pod, nodes(), listersOf(claims, volumes))).map(([k, v]) => [k, brief(v)]));
}

describe('VolumeBinding', () => {
  it.each([
    ['a pod without claims is skipped', makePod('p'), [], [], { n1: 'skip', n2: 'skip' }],
    ['a missing claim', usingClaim(), [], [], { n1: 'UnschedulableAndUnresolvable: persistentvolumeclaim "data" not found', n2: 'UnschedulableAndUnresolvable: persistentvolumeclaim "data" not found' }],
    ['a claim being deleted', usingClaim(), [pvc('data', { deleting: true, className: 'standard' })], [], { n1: 'UnschedulableAndUnresolvable: persistentvolumeclaim "data" is being deleted', n2: 'UnschedulableAndUnresolvable: persistentvolumeclaim "data" is being deleted' }],
    ['an unbound Immediate claim', usingClaim(), [pvc('data', { className: 'immediate' })], [], { n1: 'UnschedulableAndUnresolvable: pod has unbound immediate PersistentVolumeClaims', n2: 'UnschedulableAndUnresolvable: pod has unbound immediate PersistentVolumeClaims' }],
    [
      'a bound claim whose PV is zonal',
      usingClaim(),
      [pvc('data', { volumeName: 'pv-a', bound: true })],
      [pv('pv-a', { zone: 'zone-a' })],
      { n1: 'ok', n2: "UnschedulableAndUnresolvable: node(s) didn't match PersistentVolume's node affinity" },
    ],
    [
      'a bound claim whose PV is gone',
      usingClaim(),
      [pvc('data', { volumeName: 'pv-x', bound: true })],
      [],
      { n1: 'UnschedulableAndUnresolvable: node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)', n2: 'UnschedulableAndUnresolvable: node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)' },
    ],
    ['WaitForFirstConsumer with a provisioner fits anywhere', usingClaim(), [pvc('data', { className: 'standard' })], [], { n1: 'ok', n2: 'ok' }],
    [
      'WaitForFirstConsumer without a provisioner needs an available PV that reaches the node',
      usingClaim(),
      [pvc('data', { className: 'local' })],
      [pv('local-n2', { host: 'n2', className: 'local' }), pv('too-small', { host: 'n1', className: 'local', size: '500Mi' })],
      { n1: "UnschedulableAndUnresolvable: node(s) didn't find available persistent volumes to bind", n2: 'ok' },
    ],
    [
      'an ephemeral volume whose claim another pod owns',
      makePod('p', { spec: { volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: {} } }] } }),
      [pvc('p-scratch', { className: 'standard', owner: 'someone-else' })],
      [],
      { n1: 'UnschedulableAndUnresolvable: PVC default/p-scratch was not created for pod default/p (pod is not owner)', n2: 'UnschedulableAndUnresolvable: PVC default/p-scratch was not created for pod default/p (pod is not owner)' },
    ],
  ])('%s', (_name, pod, claims, volumes, expected) => {
    expect(results(pod, claims, volumes)).toEqual(expected);
  });

  it('narrows PreFilter to the node a bound local PV lives on', () => {
    const pre = volumeBinding.preFilter!(cycleOf(nodes(), listersOf([pvc('data', { volumeName: 'pv-n2', bound: true })], [pv('pv-n2', { host: 'n2' })])), usingClaim());
    expect([...(pre.nodeNames ?? [])]).toEqual(['n2']);
  });

  it('records what binding on the chosen node takes: the matching PV, or provisioning', () => {
    const claims = [pvc('data', { className: 'local' }), pvc('cache', { className: 'standard' })];
    const pod = makePod('p', { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }, { name: 'cache', persistentVolumeClaim: { claimName: 'cache' } }] } });
    const cycle = cycleOf(nodes(), listersOf(claims, [pv('local-n2', { host: 'n2', className: 'local' })]));
    volumeBinding.preFilter!(cycle, pod);
    for (const n of cycle.nodes) volumeBinding.filter!(cycle, pod, n);
    const decisions = volumeDecisionsFor(cycle, 'n2')!;
    expect(decisions.staticBindings.map((b) => [b.pv.metadata.name, b.pvc.metadata.name])).toEqual([['local-n2', 'data']]);
    expect(decisions.provisions.map((c) => c.metadata.name)).toEqual(['cache']);
    expect(volumeDecisionsFor(cycle, 'n1')).toBeUndefined();
  });
});
