// Tests for the ingress printer: class, host list with overflow, load-balancer address and ports.
import type { KubeObject } from '../../meta/types.js';
import { formatHosts, ingressTable } from './ingress-table.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

describe('ingressTable', () => {
  it('has upstream columns', () => {
    expect(ingressTable.columns.map((c) => c.name)).toEqual(['Class', 'Hosts', 'Address', 'Ports', 'Age']);
  });

  it('prints an ingress with TLS and a load balancer', () => {
    const ing: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'default', creationTimestamp: '2025-06-01T06:57:00Z' },
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
        rules: [{ host: 'shop.example.com' }, { host: 'api.example.com' }],
      },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.20' }, { hostname: 'ingress.example.net' }] } },
    };
    expect(ingressTable.cells(ing, NOW)).toEqual([
      'nginx',
      'shop.example.com,api.example.com',
      '203.0.113.20,ingress.example.net',
      '80, 443',
      '5h3m',
    ]);
  });

  it('prints defaults for a bare ingress', () => {
    const ing: KubeObject = { metadata: { name: 'bare' }, spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } };
    expect(ingressTable.cells(ing, NOW)).toEqual(['<none>', '*', '', '80', '<unknown>']);
  });

  it('caps hosts at three and counts the remaining rules', () => {
    const rules = [{ host: 'a.example.com' }, { host: 'b.example.com' }, {}, { host: 'c.example.com' }, { host: 'd.example.com' }];
    expect(formatHosts(rules)).toBe('a.example.com,b.example.com,c.example.com + 2 more...');
    expect(formatHosts([{}, {}])).toBe('*');
  });
});
