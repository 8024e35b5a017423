// The service controller's load balancers on the virtual clock: addresses from the pool, events, finalizer, release.
import type { KubeObject } from '../../meta/types.js';
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import { AddressPool } from './address-pool.js';
import { serviceLBController } from './service-lb.js';

let tb: ControllerTestbed;
const ns = 'default';

afterEach(async () => {
  await tb.close();
});

const lb = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name },
  spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80 }], ...spec },
});

const get = (name: string) => tb.client.get('v1', 'services', ns, name);
const ingressOf = (svc: KubeObject) => (svc.status as { loadBalancer?: { ingress?: unknown[] } }).loadBalancer?.ingress;

async function eventsAbout(svc: KubeObject): Promise<[string, string, string][]> {
  const events = await tb.client.list('v1', 'events', ns, { fieldSelector: `involvedObject.name=${svc.metadata.name}` });
  return events.items
    .filter((e) => (e.source as { component?: string }).component === 'service-controller')
    .map((e) => [e.type as string, e.reason as string, e.message as string]);
}

test('a LoadBalancer Service gets the next pool address, the cleanup finalizer and the upstream events', async () => {
  tb = await startControllerTestbed([serviceLBController({ addressPool: ['192.0.2.10-192.0.2.11'] })]);
  await tb.client.create('v1', 'services', ns, lb('first'));
  await tb.settle();
  const first = await get('first');
  expect(ingressOf(first)).toEqual([{ ip: '192.0.2.10', ipMode: 'VIP' }]);
  expect(first.metadata.finalizers).toEqual(['service.kubernetes.io/load-balancer-cleanup']);
  expect(await eventsAbout(first)).toEqual([
    ['Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer'],
    ['Normal', 'EnsuredLoadBalancer', 'Ensured load balancer'],
  ]);
  await tb.client.create('v1', 'services', ns, lb('second'));
  await tb.settle();
  expect(ingressOf(await get('second'))).toEqual([{ ip: '192.0.2.11', ipMode: 'VIP' }]);
  expect(tb.errors).toEqual([]);

  // The pool is spent: the third waits, with a warning, and gets the address the first gives back.
  const third = await tb.client.create('v1', 'services', ns, lb('third'));
  await tb.settle();
  expect(ingressOf(await get('third'))).toBeUndefined();
  expect(await eventsAbout(third)).toContainEqual([
    'Warning',
    'SyncLoadBalancerFailed',
    'Error syncing load balancer: failed to ensure load balancer: no available IP in the load balancer address pool 192.0.2.10-192.0.2.11',
  ]);
  expect(tb.errors.length).toBeGreaterThan(0);
  tb.errors.length = 0;
  await tb.client.delete('v1', 'services', ns, 'first');
  await tb.settle();
  await expect(get('first')).rejects.toMatchObject({ code: 404 });
  await tb.advance(60_000);
  expect(ingressOf(await get('third'))).toEqual([{ ip: '192.0.2.10', ipMode: 'VIP' }]);
  expect(tb.errors).toEqual([]);
});

test('leaving type LoadBalancer releases the address and the finalizer; coming back gets one again', async () => {
  tb = await startControllerTestbed([serviceLBController()]);
  await tb.client.create('v1', 'services', ns, lb('web'));
  await tb.settle();
  expect(ingressOf(await get('web'))).toEqual([{ ip: '172.18.255.200', ipMode: 'VIP' }]);
  await tb.client.patch('v1', 'services', ns, 'web', 'merge', { spec: { type: 'ClusterIP' } });
  await tb.settle();
  const plain = await get('web');
  expect(plain.metadata.finalizers).toBeUndefined();
  expect(plain.status).toEqual({ loadBalancer: {} });
  expect(await eventsAbout(plain)).toEqual(expect.arrayContaining([
    ['Normal', 'Type', 'LoadBalancer -> ClusterIP'],
    ['Normal', 'DeletingLoadBalancer', 'Deleting load balancer'],
    ['Normal', 'DeletedLoadBalancer', 'Deleted load balancer'],
  ]));
  await tb.client.create('v1', 'services', ns, lb('other'));
  await tb.settle();
  expect(ingressOf(await get('other'))).toEqual([{ ip: '172.18.255.200', ipMode: 'VIP' }]);
  await tb.client.patch('v1', 'services', ns, 'web', 'merge', { spec: { type: 'LoadBalancer' } });
  await tb.settle();
  expect(ingressOf(await get('web'))).toEqual([{ ip: '172.18.255.201', ipMode: 'VIP' }]);
  expect(tb.errors).toEqual([]);
});

test('a loadBalancerClass means another implementation: the Service is left alone; loadBalancerIP is honoured', async () => {
  tb = await startControllerTestbed([serviceLBController()]);
  await tb.client.create('v1', 'services', ns, lb('metallb', { loadBalancerClass: 'example.com/lb' }));
  await tb.client.create('v1', 'services', ns, lb('pinned', { loadBalancerIP: '172.18.255.240' }));
  await tb.client.create('v1', 'services', ns, { metadata: { name: 'plain' }, spec: { ports: [{ port: 80 }] } });
  await tb.settle();
  const metallb = await get('metallb');
  expect(ingressOf(metallb)).toBeUndefined();
  expect(metallb.metadata.finalizers).toBeUndefined();
  expect(await eventsAbout(metallb)).toEqual([]);
  expect(ingressOf(await get('pinned'))).toEqual([{ ip: '172.18.255.240', ipMode: 'VIP' }]);
  expect(ingressOf(await get('plain'))).toBeUndefined();
  expect(tb.errors).toEqual([]);
});

test('a restarted controller keeps the addresses Services already have', async () => {
  tb = await startControllerTestbed([serviceLBController()]);
  await tb.client.create('v1', 'services', ns, lb('a'));
  await tb.client.create('v1', 'services', ns, lb('b'));
  await tb.settle();
  const before = [ingressOf(await get('a')), ingressOf(await get('b'))];
  tb.manager.stop();
  // A second event recorder in the same millisecond would pick the first one's Event names.
  tb.clock.advance(1000);
  const { ControllerManager } = await import('../runtime/index.js');
  const restarted = new ControllerManager({ client: tb.client, clock: tb.clock, controllers: [serviceLBController()], logError: (err) => tb.errors.push(err) });
  await restarted.start();
  await tb.client.create('v1', 'services', ns, lb('c'));
  await restarted.settle();
  expect([ingressOf(await get('a')), ingressOf(await get('b'))]).toEqual(before);
  expect(ingressOf(await get('c'))).toEqual([{ ip: '172.18.255.202', ipMode: 'VIP' }]);
  restarted.stop();
  expect(tb.errors).toEqual([]);
});

test('address pools take ranges, CIDRs and single addresses', () => {
  const pool = new AddressPool(['10.0.0.1', '10.1.0.0/30', '10.2.0.5-10.2.0.6']);
  expect(pool.firstFree(new Set(['10.0.0.1', '10.1.0.0']))).toBe('10.1.0.1');
  expect(pool.contains('10.1.0.3')).toBe(true);
  expect(pool.contains('10.1.0.4')).toBe(false);
  expect(pool.firstFree(new Set(['10.0.0.1', '10.1.0.0', '10.1.0.1', '10.1.0.2', '10.1.0.3', '10.2.0.5']))).toBe('10.2.0.6');
  expect(() => new AddressPool(['10.0.0.9-10.0.0.1'])).toThrow('runs backwards');
});
