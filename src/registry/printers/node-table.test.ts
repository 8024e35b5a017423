// Tests for the node printer: Ready/NotReady/Unknown, SchedulingDisabled, roles from labels, wide node info.
import type { KubeObject } from '../../meta/types.js';
import { nodeTable } from './node-table.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

function node(labels: Record<string, string>, spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1', labels, creationTimestamp: '2025-04-17T12:00:00Z' }, spec, status };
}

const nodeInfo = {
  kubeletVersion: 'v1.33.1',
  osImage: 'Ubuntu 24.04.2 LTS',
  kernelVersion: '6.8.0-60-generic',
  containerRuntimeVersion: 'containerd://2.0.5',
};

describe('nodeTable', () => {
  it('prints a cordoned control-plane node with roles and wide info', () => {
    const n = node(
      {
        'kubernetes.io/hostname': 'node-1',
        'node-role.kubernetes.io/control-plane': '',
        'node-role.kubernetes.io/worker': '',
        'kubernetes.io/role': 'infra',
      },
      { unschedulable: true },
      {
        conditions: [
          { type: 'MemoryPressure', status: 'False' },
          { type: 'Ready', status: 'True', reason: 'KubeletReady' },
        ],
        addresses: [
          { type: 'Hostname', address: 'node-1' },
          { type: 'InternalIP', address: '172.18.0.2' },
          { type: 'InternalIP', address: 'fc00:f853::2' },
        ],
        nodeInfo,
      },
    );
    expect(nodeTable.cells(n, NOW)).toEqual([
      'Ready,SchedulingDisabled',
      'control-plane,infra,worker',
      '45d',
      'v1.33.1',
      '172.18.0.2',
      '<none>',
      'Ubuntu 24.04.2 LTS',
      '6.8.0-60-generic',
      'containerd://2.0.5',
    ]);
  });

  it('prints NotReady, Unknown and <none> roles', () => {
    const notReady = node({}, {}, { conditions: [{ type: 'Ready', status: 'Unknown' }], addresses: [{ type: 'ExternalIP', address: '203.0.113.4' }] });
    expect(nodeTable.cells(notReady, NOW)).toEqual(['NotReady', '<none>', '45d', '', '<none>', '203.0.113.4', '<unknown>', '<unknown>', '<unknown>']);
    expect(nodeTable.cells(node({ 'node-role.kubernetes.io/': '' }, { unschedulable: true }, {}), NOW).slice(0, 2)).toEqual([
      'Unknown,SchedulingDisabled',
      '<none>',
    ]);
  });

  it('describes Internal-IP and External-IP with the addresses doc', () => {
    expect(nodeTable.columns[4].description).toBe(nodeTable.columns[5].description);
    expect(nodeTable.columns[4].description).toMatch(/^List of addresses reachable to the node/);
  });
});
