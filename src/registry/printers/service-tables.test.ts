// Tests for the service and endpoints printers: ports with node ports, load-balancer and external addresses.
import type { KubeObject } from '../../meta/types.js';
import { endpointsTable, formatEndpoints, serviceTable } from './service-tables.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const created = '2025-05-22T12:00:00Z'; // 10 days before NOW

function service(spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', creationTimestamp: created }, spec, status };
}

describe('serviceTable', () => {
  it('has upstream columns', () => {
    expect(serviceTable.columns.map((c) => [c.name, c.priority])).toEqual([
      ['Type', 0],
      ['Cluster-IP', 0],
      ['External-IP', 0],
      ['Port(s)', 0],
      ['Age', 0],
      ['Selector', 1],
    ]);
  });

  it('prints a ClusterIP service with several ports and its selector', () => {
    const svc = service({
      type: 'ClusterIP',
      clusterIP: '10.96.12.34',
      clusterIPs: ['10.96.12.34'],
      selector: { tier: 'frontend', app: 'web' },
      ports: [
        { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
        { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
      ],
    });
    expect(serviceTable.cells(svc, NOW)).toEqual(['ClusterIP', '10.96.12.34', '<none>', '80/TCP,443/TCP', '10d', 'app=web,tier=frontend']);
  });

  it('prints node ports as port:nodePort/protocol', () => {
    const svc = service({
      type: 'NodePort',
      clusterIPs: ['10.96.0.20'],
      externalIPs: ['192.0.2.10', '192.0.2.11'],
      ports: [
        { port: 80, nodePort: 30080, protocol: 'TCP' },
        { port: 53, nodePort: 30053, protocol: 'UDP' },
      ],
    });
    expect(serviceTable.cells(svc, NOW).slice(0, 4)).toEqual(['NodePort', '10.96.0.20', '192.0.2.10,192.0.2.11', '80:30080/TCP,53:30053/UDP']);
  });

  it('prints sorted, unclipped load-balancer ingress points followed by external IPs', () => {
    const spec = { type: 'LoadBalancer', clusterIPs: ['10.96.0.30'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] };
    const status = {
      loadBalancer: {
        ingress: [{ ip: '203.0.113.10' }, { hostname: 'a1b2c3.elb.example.com' }, { ip: '198.51.100.7' }, { ip: '203.0.113.10' }],
      },
    };
    expect(serviceTable.cells(service(spec, status), NOW)[2]).toBe('198.51.100.7,203.0.113.10,a1b2c3.elb.example.com');
    expect(serviceTable.cells(service({ ...spec, externalIPs: ['192.0.2.1'] }, status), NOW)[2]).toBe(
      '198.51.100.7,203.0.113.10,a1b2c3.elb.example.com,192.0.2.1',
    );
    expect(serviceTable.cells(service(spec), NOW)[2]).toBe('<pending>');
    expect(serviceTable.cells(service({ ...spec, externalIPs: ['192.0.2.1'] }), NOW)[2]).toBe('192.0.2.1');
  });

  it('prints an ExternalName service', () => {
    const svc = service({ type: 'ExternalName', externalName: 'db.example.com' });
    expect(serviceTable.cells(svc, NOW)).toEqual(['ExternalName', '<none>', 'db.example.com', '<none>', '10d', '<none>']);
  });

  it('prints a headless service', () => {
    const svc = service({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 5432, protocol: 'TCP' }] });
    expect(serviceTable.cells(svc, NOW).slice(0, 4)).toEqual(['ClusterIP', 'None', '<none>', '5432/TCP']);
  });
});

describe('endpointsTable', () => {
  it('prints up to three endpoints and how many more', () => {
    const ep: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', creationTimestamp: created },
      subsets: [{ addresses: [{ ip: '10.244.1.5' }, { ip: '10.244.2.6' }], ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }] }],
    };
    expect(endpointsTable.cells(ep, NOW)).toEqual(['10.244.1.5:8080,10.244.2.6:8080,10.244.1.5:9090 + 1 more...', '10d']);
  });

  it('handles IPv6, port-less subsets and no subsets', () => {
    expect(formatEndpoints([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }])).toBe('[fd00::1]:80');
    expect(formatEndpoints([{ addresses: [{ ip: '10.0.0.5' }, { ip: '10.0.0.6' }] }])).toBe('10.0.0.5,10.0.0.6');
    expect(formatEndpoints(undefined)).toBe('<none>');
    expect(formatEndpoints([{ notReadyAddresses: [{ ip: '10.0.0.7' }], ports: [{ port: 80 }] }])).toBe('');
  });
});
