// The allocation index follows the store: rebuilt from what is stored, whatever wrote it, and released by any delete.
import { MemoryStore } from '../../store/memory-store.js';
import { NodePortRange, ServiceIPRange, parseIPv4 } from './service-ranges.js';
import { ServiceAllocations } from './service-allocations.js';

const prefix = '/registry/core/services/';

function storedService(name: string, clusterIP: string, nodePort?: number, namespace = 'default') {
  return {
    metadata: { namespace, name },
    spec: { type: nodePort ? 'NodePort' : 'ClusterIP', clusterIP, clusterIPs: [clusterIP], ports: [{ port: 80, ...(nodePort ? { nodePort } : {}) }] },
  };
}

test('attached to a store that already holds Services, the index knows their addresses and ports', () => {
  const store = new MemoryStore();
  void store.create(`${prefix}default/a`, storedService('a', '10.96.0.10', 30080));
  const allocations = new ServiceAllocations();
  allocations.attach(store, prefix);
  expect(allocations.ipHolder('10.96.0.10')).toBe('default/a');
  expect(allocations.portHolder(30080)).toBe('default/a');
  void store.delete(`${prefix}default/a`);
  expect(allocations.ipHolder('10.96.0.10')).toBeUndefined();
  expect(allocations.portHolder(30080)).toBeUndefined();
});

test('when the store’s history no longer reaches back, the index is rebuilt from a list', async () => {
  const store = new MemoryStore({ historySize: 1 });
  await store.create(`${prefix}default/a`, storedService('a', '10.96.0.10'));
  await store.create(`${prefix}default/b`, storedService('b', '10.96.0.11', 30081));
  await store.update(`${prefix}default/b`, storedService('b', '10.96.0.11', 30082));
  expect(store.oldestRevision()).toBeGreaterThan(0);
  const allocations = new ServiceAllocations();
  allocations.attach(store, prefix);
  await Promise.resolve();
  await Promise.resolve();
  expect(allocations.ipHolder('10.96.0.10')).toBe('default/a');
  expect(allocations.portHolder(30081)).toBeUndefined();
  expect(allocations.portHolder(30082)).toBe('default/b');
  await store.create(`${prefix}default/c`, storedService('c', '10.96.0.12'));
  expect(allocations.ipHolder('10.96.0.12')).toBe('default/c');
});

test('an update moves what a Service holds; attaching again starts over from the new store', async () => {
  const store = new MemoryStore();
  const allocations = new ServiceAllocations();
  allocations.attach(store, prefix);
  await store.create(`${prefix}default/a`, storedService('a', '10.96.0.10', 30080));
  await store.update(`${prefix}default/a`, { metadata: { namespace: 'default', name: 'a' }, spec: { type: 'ExternalName', externalName: 'x' } });
  expect(allocations.ipHolder('10.96.0.10')).toBeUndefined();
  expect(allocations.portHolder(30080)).toBeUndefined();
  const restored = new MemoryStore();
  await restored.create(`${prefix}other/b`, storedService('b', '10.96.0.99', undefined, 'other'));
  allocations.attach(restored, prefix);
  expect(allocations.ipHolder('10.96.0.99')).toBe('other/b');
  await store.create(`${prefix}default/late`, storedService('late', '10.96.0.77'));
  expect(allocations.ipHolder('10.96.0.77')).toBeUndefined();
});

test('one operation never hands out a value twice, and searches from a point that follows the name', () => {
  const allocations = new ServiceAllocations();
  const svc = { metadata: { namespace: 'default', name: 'web' } };
  const op = allocations.operation(svc);
  const first = op.nextIP()!;
  expect(op.claimIP(first)).toBe('provided IP is already allocated');
  expect(allocations.operation(svc).nextIP()).toBe(first);
  const port = op.nextPort(80)!;
  expect(op.claimPort(port)).toBe('provided port is already allocated');
  expect(op.nextPort(80)).not.toBe(port);
});

test('the ranges search the upper band first and fall back to the lower one when it is full', () => {
  const big = new ServiceIPRange('10.96.0.0/12').candidates(0)[Symbol.iterator]();
  expect(big.next().value).toBe('10.96.1.1');
  // A /28 has 14 usable addresses, fewer than the 16 a static band would keep: all of them are searched.
  const ips = [...new ServiceIPRange('10.0.0.0/28').candidates(3)];
  expect(ips[0]).toBe('10.0.0.4');
  expect(new Set(ips)).toEqual(new Set(Array.from({ length: 14 }, (_, i) => `10.0.0.${i + 1}`)));
  const ports = [...new NodePortRange(30000, 100).candidates(0)];
  expect(ports.slice(0, 2)).toEqual([30016, 30017]);
  expect(ports.slice(-16)).toEqual(Array.from({ length: 16 }, (_, i) => 30000 + i));
  expect(parseIPv4('010.0.0.1')).toBeUndefined();
});
