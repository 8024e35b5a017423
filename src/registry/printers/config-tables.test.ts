// Tests for the namespace, config map, secret and service account printers.
import type { KubeObject } from '../../meta/types.js';
import { configMapTable, namespaceTable, secretTable, serviceAccountTable } from './config-tables.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const meta = { name: 'x', namespace: 'default', creationTimestamp: '2025-06-01T11:15:00Z' };

describe('config printers', () => {
  it('prints a namespace phase', () => {
    const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: meta, status: { phase: 'Terminating' } };
    expect(namespaceTable.columns.map((c) => c.name)).toEqual(['Status', 'Age']);
    expect(namespaceTable.cells(ns, NOW)).toEqual(['Terminating', '45m']);
  });

  it('counts config map data and binary data keys', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } };
    expect(configMapTable.cells(cm, NOW)).toEqual([3, '45m']);
    expect(configMapTable.cells({ metadata: meta }, NOW)).toEqual([0, '45m']);
  });

  it('prints a secret type and counts its data keys', () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta,
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'Y3J0', 'tls.key': 'a2V5', 'ca.crt': 'Y2E=' },
    };
    expect(secretTable.columns.map((c) => c.name)).toEqual(['Type', 'Data', 'Age']);
    expect(secretTable.cells(secret, NOW)).toEqual(['kubernetes.io/tls', 3, '45m']);
    const merged: KubeObject = { metadata: meta, type: 'Opaque', data: { a: 'MQ==' }, stringData: { a: '1', b: '2' } };
    expect(secretTable.cells(merged, NOW)).toEqual(['Opaque', 2, '45m']);
  });

  it('counts service account secrets', () => {
    const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta, secrets: [{ name: 'builder-token' }] };
    expect(serviceAccountTable.cells(sa, NOW)).toEqual([1, '45m']);
    expect(serviceAccountTable.cells({ metadata: meta }, NOW)).toEqual([0, '45m']);
  });
});
