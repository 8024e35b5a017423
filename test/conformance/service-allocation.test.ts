// The service registry over HTTP: ClusterIP and NodePort allocation, conflicts refused as upstream, releases, type changes.
import { startCluster } from '../../src/cluster.js';
import type { KubeObject } from '../../src/meta/types.js';
import { Api, expectCode, expectStatus, type Json } from './http.js';
import { freshNamespace, useCluster } from './suite.js';

const h = useCluster();
let ns: string;
let services: string;

beforeEach(async () => {
  ns = await freshNamespace(h.api);
  services = `/api/v1/namespaces/${ns}/services`;
});

const svc = (name: string, spec: Json = {}): Json => ({ metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });

function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** Posts a write that must be refused, and checks that nothing at all was stored. */
async function refused(path: string, body: Json, method: 'post' | 'put' = 'post'): Promise<Json> {
  const before = h.cluster.store.currentRevision();
  const status = expectStatus(await h.api[method](path, body), 422, 'Invalid');
  expect(h.cluster.store.currentRevision()).toBe(before);
  return status;
}

describe('ClusterIP allocation', () => {
  test('dynamic addresses come from the upper band of 10.96.0.0/12, one per Service', async () => {
    const a = expectCode(await h.api.post(services, svc('a')), 201);
    const b = expectCode(await h.api.post(services, svc('b')), 201);
    for (const s of [a, b]) {
      expect(s.spec.clusterIPs).toEqual([s.spec.clusterIP]);
      // 10.96.0.1-10.96.1.0 is kept for addresses users ask for (upstream's static band).
      expect(ipNumber(s.spec.clusterIP)).toBeGreaterThan(ipNumber('10.96.1.0'));
      expect(ipNumber(s.spec.clusterIP)).toBeLessThan(ipNumber('10.111.255.255'));
      expect(s.spec).toMatchObject({ ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
    }
    expect(a.spec.clusterIP).not.toBe(b.spec.clusterIP);
  });

  test('a requested address that is taken is refused with upstream’s message, and nothing is stored', async () => {
    expectCode(await h.api.post(services, svc('dns', { clusterIP: '10.96.0.10' })), 201);
    const status = await refused(services, svc('dns2', { clusterIP: '10.96.0.10' }));
    expect(status.message).toBe(
      'Service "dns2" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated',
    );
    expect(status.details.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated',
        field: 'spec.clusterIPs',
      },
    ]);
    expectStatus(await h.api.get(`${services}/dns2`), 404, 'NotFound');
    // The kubernetes Service holds 10.96.0.1 in every cluster.
    expect((await refused(services, svc('api', { clusterIPs: ['10.96.0.1'], clusterIP: '10.96.0.1' }))).message).toContain(
      'failed to allocate IP 10.96.0.1: provided IP is already allocated',
    );
  });

  test('addresses outside the service CIDR, or its network and broadcast addresses, are refused', async () => {
    expect((await refused(services, svc('far', { clusterIP: '192.168.0.5' }))).message).toBe(
      'Service "far" is invalid: spec.clusterIPs: Invalid value: []string{"192.168.0.5"}: failed to allocate IP 192.168.0.5: the provided network does not match the current range',
    );
    expect((await refused(services, svc('net', { clusterIP: '10.96.0.0' }))).message).toContain(
      'failed to allocate IP 10.96.0.0: provided IP 10.96.0.0 is not in the valid range',
    );
    expect((await refused(services, svc('bcast', { clusterIP: '10.111.255.255' }))).message).toContain('is not in the valid range');
    expect((await refused(services, svc('bad', { clusterIP: '10.96.0.300' }))).details.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        field: 'spec.clusterIPs[0]',
      },
    ]);
  });

  test('creates racing for one address: exactly one gets it; racing dynamic creates get distinct ones', async () => {
    const client = h.cluster.client;
    const results = await Promise.allSettled(
      ['r1', 'r2', 'r3'].map((name) => client.create('v1', 'services', ns, svc(name, { clusterIP: '10.96.0.60', type: 'NodePort', ports: [{ port: 80, nodePort: 30060 }] }) as KubeObject)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect((r.reason as { code: number }).code).toBe(422);
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => client.create('v1', 'services', ns, svc(`d${i}`, { type: 'NodePort' }) as KubeObject)));
    const ips = created.map((s) => (s.spec as Json).clusterIP);
    const nodePorts = created.map((s) => ((s.spec as Json).ports as Json[])[0]!.nodePort);
    expect(new Set(ips).size).toBe(20);
    expect(new Set(nodePorts).size).toBe(20);
  });

  test('an address is free again once its Service is deleted, and a dry run holds nothing', async () => {
    expectCode(await h.api.post(`${services}?dryRun=All`, svc('dry', { clusterIP: '10.96.0.20' })), 201);
    expectCode(await h.api.post(services, svc('first', { clusterIP: '10.96.0.20' })), 201);
    expectCode(await h.api.delete(`${services}/first`), 200);
    const second = expectCode(await h.api.post(services, svc('second', { clusterIP: '10.96.0.20' })), 201);
    expect(second.spec.clusterIP).toBe('10.96.0.20');
  });

  test('a Service held by a finalizer keeps its address until it is really gone', async () => {
    expectCode(await h.api.post(services, { ...svc('held', { clusterIP: '10.96.0.21' }), metadata: { name: 'held', finalizers: ['example.com/hold'] } }), 201);
    expectCode(await h.api.delete(`${services}/held`), 200);
    await refused(services, svc('taker', { clusterIP: '10.96.0.21' }));
    expectCode(await h.api.patch(`${services}/held`, { metadata: { finalizers: null } }), 200);
    expectCode(await h.api.post(services, svc('taker', { clusterIP: '10.96.0.21' })), 201);
  });

  test('the address is immutable, kept when a PUT leaves it out, and released by a change to ExternalName', async () => {
    const created = expectCode(await h.api.post(services, svc('web')), 201);
    const ip = created.spec.clusterIP as string;
    const resubmitted = expectCode(await h.api.put(`${services}/web`, { ...svc('web'), metadata: { name: 'web', resourceVersion: created.metadata.resourceVersion } }), 200);
    expect(resubmitted.spec.clusterIP).toBe(ip);
    const moved = await refused(`${services}/web`, { ...resubmitted, spec: { ...resubmitted.spec, clusterIP: '10.96.0.30', clusterIPs: ['10.96.0.30'] } }, 'put');
    expect(moved.details.causes).toContainEqual({
      reason: 'FieldValueInvalid',
      message: 'Invalid value: []string{"10.96.0.30"}: may not change once set',
      field: 'spec.clusterIPs[0]',
    });
    const external = expectCode(await h.api.patch(`${services}/web`, { spec: { type: 'ExternalName', externalName: 'example.com', selector: null } }), 200);
    expect(external.spec.clusterIP).toBeUndefined();
    expect(external.spec.clusterIPs).toBeUndefined();
    expect(external.spec.ipFamilies).toBeUndefined();
    expect(external.spec.ipFamilyPolicy).toBeUndefined();
    expect(expectCode(await h.api.post(services, svc('reuse', { clusterIP: ip })), 201).spec.clusterIP).toBe(ip);
    const back = expectCode(await h.api.patch(`${services}/web`, { spec: { type: 'ClusterIP', externalName: null } }), 200);
    expect(back.spec.clusterIP).toMatch(/^10\./);
    expect(back.spec.clusterIP).not.toBe(ip);
  });

  test('headless and ExternalName Services get no address', async () => {
    const headless = expectCode(await h.api.post(services, svc('db', { clusterIP: 'None' })), 201);
    expect(headless.spec).toMatchObject({ clusterIP: 'None', clusterIPs: ['None'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
    const bare = expectCode(await h.api.post(services, { metadata: { name: 'bare' }, spec: { clusterIP: 'None' } }), 201);
    expect(bare.spec).toMatchObject({ clusterIPs: ['None'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack' });
    const external = expectCode(await h.api.post(services, { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'db.example.com.' } }), 201);
    expect(external.spec.clusterIP).toBeUndefined();
    expect(external.spec.ipFamilies).toBeUndefined();
    expect((await refused(services, { metadata: { name: 'noname' }, spec: { type: 'ExternalName' } })).details.causes).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.externalName' },
    ]);
    expect((await refused(services, { metadata: { name: 'extip' }, spec: { type: 'ExternalName', externalName: 'a.b', clusterIP: '10.96.0.40' } })).details.causes).toContainEqual(
      { reason: 'FieldValueForbidden', message: 'Forbidden: may not be set for ExternalName services', field: 'spec.clusterIP' },
    );
    expect((await refused(services, { metadata: { name: 'noports' }, spec: { selector: { app: 'x' } } })).details.causes).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports' },
    ]);
  });

  test('dual-stack requests are refused on this single-stack cluster', async () => {
    const status = await refused(services, svc('dual', { ipFamilyPolicy: 'RequireDualStack' }));
    expect(status.details.causes).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services', field: 'spec.ipFamilyPolicy' },
    ]);
    const preferred = expectCode(await h.api.post(services, svc('prefer', { ipFamilyPolicy: 'PreferDualStack' })), 201);
    expect(preferred.spec).toMatchObject({ ipFamilies: ['IPv4'], ipFamilyPolicy: 'PreferDualStack' });
    expect(preferred.spec.clusterIPs).toHaveLength(1);
  });
});

describe('NodePort allocation', () => {
  test('NodePorts come from 30000-32767; TCP and UDP on one port share theirs', async () => {
    const created = expectCode(
      await h.api.post(services, svc('dns', { type: 'NodePort', ports: [{ name: 'udp', port: 53, protocol: 'UDP' }, { name: 'tcp', port: 53, protocol: 'TCP' }, { name: 'metrics', port: 9153 }] })),
      201,
    );
    const [udp, tcp, metrics] = created.spec.ports as Json[];
    expect(udp!.nodePort).toBe(tcp!.nodePort);
    expect(metrics!.nodePort).not.toBe(udp!.nodePort);
    for (const port of [udp!, metrics!]) {
      expect(port.nodePort).toBeGreaterThanOrEqual(30086); // 30000-30085 is kept for ports users ask for
      expect(port.nodePort).toBeLessThanOrEqual(32767);
    }
    expect(created.spec.externalTrafficPolicy).toBe('Cluster');
  });

  test('a requested port that is taken or out of range is refused, and nothing is stored', async () => {
    expectCode(await h.api.post(services, svc('one', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })), 201);
    const taken = await refused(services, svc('two', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    expect(taken.message).toBe('Service "two" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    const outside = await refused(services, svc('three', { type: 'NodePort', ports: [{ port: 80, nodePort: 40000 }] }));
    expect(outside.details.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767',
        field: 'spec.ports[0].nodePort',
      },
    ]);
    const clusterIP = await refused(services, svc('four', { ports: [{ port: 80, nodePort: 30081 }] }));
    expect(clusterIP.details.causes).toEqual([
      { reason: 'FieldValueForbidden', message: "Forbidden: may not be used when `type` is 'ClusterIP'", field: 'spec.ports[0].nodePort' },
    ]);
  });

  test('ports are kept when a PUT leaves them out, and released on delete or on a change to ClusterIP', async () => {
    const created = expectCode(await h.api.post(services, svc('np', { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30090 }, { name: 'https', port: 443 }] })), 201);
    const https = (created.spec.ports as Json[])[1]!.nodePort as number;
    const body = svc('np', { type: 'NodePort', ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] });
    const put = expectCode(await h.api.put(`${services}/np`, { ...body, metadata: { name: 'np', resourceVersion: created.metadata.resourceVersion } }), 200);
    expect((put.spec.ports as Json[]).map((p) => p.nodePort)).toEqual([30090, https]);
    const clusterIP = expectCode(await h.api.patch(`${services}/np`, { spec: { type: 'ClusterIP' } }), 200);
    expect((clusterIP.spec.ports as Json[]).map((p) => p.nodePort)).toEqual([undefined, undefined]);
    expect(clusterIP.spec.externalTrafficPolicy).toBeUndefined();
    expectCode(await h.api.post(services, svc('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: 30090 }] })), 201);
    expectCode(await h.api.delete(`${services}/np2`), 200);
    expectCode(await h.api.post(services, svc('np3', { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30090 }] })), 201);
  });

  test('LoadBalancers may do without NodePorts, and Local traffic gets a health check port', async () => {
    const none = expectCode(await h.api.post(services, svc('lb', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false })), 201);
    expect((none.spec.ports as Json[])[0]!.nodePort).toBeUndefined();
    const local = expectCode(await h.api.post(services, svc('local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' })), 201);
    expect(local.spec.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    expect(local.spec.healthCheckNodePort).not.toBe((local.spec.ports as Json[])[0]!.nodePort);
    const cluster = expectCode(await h.api.patch(`${services}/local`, { spec: { externalTrafficPolicy: 'Cluster' } }), 200);
    expect(cluster.spec.healthCheckNodePort).toBeUndefined();
  });
});

test('the load balancer status goes with the LoadBalancer type, on main-resource writes only', async () => {
  const lb = expectCode(await h.api.post(services, svc('lb', { type: 'LoadBalancer' })), 201);
  const ingress = { loadBalancer: { ingress: [{ ip: '192.0.2.10', ipMode: 'VIP' }] } };
  const withStatus = expectCode(await h.api.put(`${services}/lb/status`, { ...lb, status: ingress }), 200);
  expect(withStatus.status).toEqual(ingress);
  const relabelled = expectCode(await h.api.patch(`${services}/lb`, { metadata: { labels: { tier: 'edge' } } }), 200);
  expect(relabelled.status).toEqual(ingress);
  const clusterIP = expectCode(await h.api.patch(`${services}/lb`, { spec: { type: 'ClusterIP' } }), 200);
  expect(clusterIP.status).toEqual({ loadBalancer: {} });
  expect(clusterIP.spec.allocateLoadBalancerNodePorts).toBeUndefined();
  // A /status write is about status alone, whatever the type.
  const statusOnly = expectCode(await h.api.put(`${services}/lb/status`, { ...clusterIP, status: ingress }), 200);
  expect(statusOnly.status).toEqual(ingress);
});

test('each cluster allocates on its own: an address taken in one is free in another', async () => {
  const other = await startCluster({ port: 0, controllers: '', logError: () => {} });
  try {
    const api = new Api(other.url);
    expectCode(await h.api.post(services, svc('mine', { clusterIP: '10.96.0.50' })), 201);
    expectCode(await api.post('/api/v1/namespaces/default/services', svc('mine', { clusterIP: '10.96.0.50' })), 201);
    // Dynamic addresses follow the Service's name, so the same Service gets the same address in every cluster.
    const here = expectCode(await h.api.post('/api/v1/namespaces/default/services', svc('same-name')), 201);
    const there = expectCode(await api.post('/api/v1/namespaces/default/services', svc('same-name')), 201);
    expect(there.spec.clusterIP).toBe(here.spec.clusterIP);
  } finally {
    await other.close();
  }
});
