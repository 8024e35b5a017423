// Tests for the deployment, replica set, stateful set, daemon set and replication controller printers.
import type { KubeObject } from '../../meta/types.js';
import {
  daemonSetTable,
  deploymentTable,
  replicaSetTable,
  replicationControllerTable,
  statefulSetTable,
} from './workload-tables.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const created = '2025-05-31T12:00:00Z'; // 24h before NOW

const template = {
  metadata: { labels: { app: 'web' } },
  spec: {
    containers: [
      { name: 'nginx', image: 'nginx:1.27' },
      { name: 'envoy', image: 'envoyproxy/envoy:v1.30' },
    ],
  },
};

function workload(kind: string, spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject {
  return { apiVersion: 'apps/v1', kind, metadata: { name: 'web', namespace: 'default', creationTimestamp: created }, spec, status };
}

const names = (t: { columns: { name: string; priority: number }[] }): string[] =>
  t.columns.map((c) => (c.priority ? `${c.name}*` : c.name));

describe('deploymentTable', () => {
  it('prints READY as ready/desired and the raw selector', () => {
    expect(names(deploymentTable)).toEqual(['Ready', 'Up-to-date', 'Available', 'Age', 'Containers*', 'Images*', 'Selector*']);
    const d = workload(
      'Deployment',
      { replicas: 3, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'track', operator: 'In', values: ['stable'] }] }, template },
      { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2, replicas: 3 },
    );
    expect(deploymentTable.cells(d, NOW)).toEqual([
      '2/3',
      3,
      2,
      '24h',
      'nginx,envoy',
      'nginx:1.27,envoyproxy/envoy:v1.30',
      'app=web,track in (stable)',
    ]);
  });

  it('prints zeros for a fresh deployment and an empty selector string', () => {
    const d = workload('Deployment', { template }, {});
    expect(deploymentTable.cells(d, NOW).slice(0, 3)).toEqual(['0/1', 0, 0]);
    expect(deploymentTable.cells(d, NOW)[6]).toBe('');
  });

  it('uses the extensions/v1beta1 swagger wording for its descriptions', () => {
    expect(deploymentTable.columns[0].description).toBe('Number of the pod with ready state');
    expect(deploymentTable.columns[1].description).toBe(
      'Total number of non-terminating pods targeted by this deployment that have the desired template spec.',
    );
  });
});

describe('replicaSetTable', () => {
  it('prints desired, current and ready counts', () => {
    expect(names(replicaSetTable)).toEqual(['Desired', 'Current', 'Ready', 'Age', 'Containers*', 'Images*', 'Selector*']);
    expect(replicaSetTable.columns.slice(0, 3).map((c) => c.type)).toEqual(['integer', 'integer', 'integer']);
    const rs = workload(
      'ReplicaSet',
      { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d4b9c' } }, template },
      { replicas: 3, readyReplicas: 1 },
    );
    expect(replicaSetTable.cells(rs, NOW)).toEqual([
      3,
      3,
      1,
      '24h',
      'nginx,envoy',
      'nginx:1.27,envoyproxy/envoy:v1.30',
      'app=web,pod-template-hash=5d4b9c',
    ]);
  });
});

describe('statefulSetTable', () => {
  it('prints READY as ready/replicas without a selector column', () => {
    expect(names(statefulSetTable)).toEqual(['Ready', 'Age', 'Containers*', 'Images*']);
    const ss = workload('StatefulSet', { replicas: 3, template }, { readyReplicas: 1, replicas: 2 });
    expect(statefulSetTable.cells(ss, NOW)).toEqual(['1/3', '24h', 'nginx,envoy', 'nginx:1.27,envoyproxy/envoy:v1.30']);
  });
});

describe('daemonSetTable', () => {
  it('prints the scheduling counts and the node selector', () => {
    expect(names(daemonSetTable)).toEqual([
      'Desired',
      'Current',
      'Ready',
      'Up-to-date',
      'Available',
      'Node Selector',
      'Age',
      'Containers*',
      'Images*',
      'Selector*',
    ]);
    const ds = workload(
      'DaemonSet',
      {
        selector: { matchLabels: { app: 'agent' } },
        template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'agent', image: 'agent:2' }] } },
      },
      { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
    );
    expect(daemonSetTable.cells(ds, NOW)).toEqual([3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '24h', 'agent', 'agent:2', 'app=agent']);
  });

  it('prints <none> for no node selector', () => {
    const ds = workload('DaemonSet', { template: { spec: { containers: [] } } }, {});
    expect(daemonSetTable.cells(ds, NOW)).toEqual([0, 0, 0, 0, 0, '<none>', '24h', '', '', '<none>']);
  });
});

describe('replicationControllerTable', () => {
  it('prints counts and the map selector', () => {
    const rc: KubeObject = { ...workload('ReplicationController', { replicas: 2, selector: { app: 'legacy' }, template }, { replicas: 2, readyReplicas: 1 }), apiVersion: 'v1' };
    expect(replicationControllerTable.cells(rc, NOW)).toEqual([
      2,
      2,
      1,
      '24h',
      'nginx,envoy',
      'nginx:1.27,envoyproxy/envoy:v1.30',
      'app=legacy',
    ]);
  });
});
