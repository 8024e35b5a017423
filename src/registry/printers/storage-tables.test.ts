// Tests for the persistent volume and claim printers: canonical capacity, access modes, class, Terminating.
import type { KubeObject } from '../../meta/types.js';
import { accessModesString, persistentVolumeClaimTable, persistentVolumeTable } from './storage-tables.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const created = '2025-05-31T09:00:00Z'; // 27h before NOW

function pv(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-1', creationTimestamp: created, ...meta }, spec, status };
}

function pvc(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default', creationTimestamp: created, ...meta },
    spec,
    status,
  };
}

describe('persistentVolumeTable', () => {
  it('has upstream columns', () => {
    expect(persistentVolumeTable.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Capacity', 0],
      ['Access Modes', 0],
      ['Reclaim Policy', 0],
      ['Status', 0],
      ['Claim', 0],
      ['StorageClass', 0],
      ['VolumeAttributesClass', 0],
      ['Reason', 0],
      ['Age', 0],
      ['VolumeMode', 1],
    ]);
  });

  it('prints a bound volume', () => {
    const v = pv(
      {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data' },
        storageClassName: 'standard',
        volumeMode: 'Filesystem',
        hostPath: { path: '/data' },
      },
      { phase: 'Bound' },
    );
    expect(persistentVolumeTable.cells(v, NOW)).toEqual(['10Gi', 'RWO,RWX', 'Retain', 'Bound', 'default/data', 'standard', '<unset>', '', '27h', 'Filesystem']);
  });

  it('canonicalises capacity, prefers the beta class annotation and shows Terminating', () => {
    const v = pv(
      { capacity: { storage: '1024Mi' }, persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard', volumeAttributesClassName: 'gold' },
      { phase: 'Failed', reason: 'VolumeFailedRecycle' },
      { deletionTimestamp: '2025-06-01T11:59:00Z', annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } },
    );
    expect(persistentVolumeTable.cells(v, NOW)).toEqual(['1Gi', '', 'Delete', 'Terminating', '', 'legacy', 'gold', 'VolumeFailedRecycle', '27h', '<unset>']);
  });
});

describe('persistentVolumeClaimTable', () => {
  it('prints a bound claim with the volume capacity', () => {
    const c = pvc(
      {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '8Gi' } },
        storageClassName: 'standard',
        volumeMode: 'Filesystem',
        volumeName: 'pvc-3f2a',
      },
      { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } },
    );
    expect(persistentVolumeClaimTable.cells(c, NOW)).toEqual(['Bound', 'pvc-3f2a', '10Gi', 'RWO', 'standard', '<unset>', '27h', 'Filesystem']);
  });

  it('leaves capacity and modes blank until bound', () => {
    const c = pvc({ accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '1Gi' } } }, { phase: 'Pending' });
    expect(persistentVolumeClaimTable.cells(c, NOW)).toEqual(['Pending', '', '', '', '', '<unset>', '27h', '<unset>']);
    const deleting = pvc({ volumeName: 'pv-9' }, { phase: 'Bound' }, { deletionTimestamp: created });
    expect(persistentVolumeClaimTable.cells(deleting, NOW).slice(0, 4)).toEqual(['Terminating', 'pv-9', '0', '']);
  });

  it('abbreviates every access mode in a fixed order', () => {
    expect(accessModesString(['ReadWriteOncePod', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce'])).toBe('RWO,ROX,RWX,RWOP');
  });
});
