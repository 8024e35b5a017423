// The EndpointSlice controller on the virtual clock: slices per Service, conditions, zones, ports, limits, lifecycle.
import type { KubeObject } from '../../meta/types.js';
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import { garbageCollectorController } from '../garbage-collector/garbage-collector.js';
import { createNamespace, createPod, service, setReady } from '../endpoints/service-pods-test-kit.js';
import { endpointSliceController } from './endpointslice.js';

let tb: ControllerTestbed;
let ns: string;
let counter = 0;

async function start(extra = false): Promise<void> {
  tb = await startControllerTestbed(extra ? [endpointSliceController(), garbageCollectorController()] : [endpointSliceController()]);
  ns = await createNamespace(tb, `eps-${++counter}`);
  await tb.client.create('v1', 'nodes', undefined, { metadata: { name: 'node-a', labels: { 'topology.kubernetes.io/zone': 'zone-1' } } });
  await tb.client.create('v1', 'nodes', undefined, { metadata: { name: 'node-b' } });
}

afterEach(async () => {
  await tb.close();
});

type Slice = KubeObject & { endpoints: { addresses: string[]; conditions: Record<string, boolean> }[] | null; ports: unknown[] | null };

async function slicesOf(service: string): Promise<Slice[]> {
  const list = await tb.client.list('discovery.k8s.io/v1', 'endpointslices', ns, { labelSelector: `kubernetes.io/service-name=${service}` });
  return list.items as Slice[];
}

const addresses = (slice: Slice) => (slice.endpoints ?? []).map((e) => e.addresses[0]).sort();

test('one IPv4 slice per Service, owned by it, with every endpoint’s conditions, node, zone and pod', async () => {
  await start();
  const svc = await tb.client.create('v1', 'services', ns, service('web', {}, { tier: 'frontend' }));
  const a = await createPod(tb, ns, 'a', { ip: '10.244.1.1', ready: true });
  await createPod(tb, ns, 'b', { ip: '10.244.1.2', ready: false, nodeName: 'node-b' });
  await createPod(tb, ns, 'no-ip');
  await createPod(tb, ns, 'other', { ip: '10.244.1.9', labels: { app: 'other' } });
  await tb.settle();
  expect(tb.errors).toEqual([]);
  const [slice, ...more] = await slicesOf('web');
  expect(more).toEqual([]);
  expect(slice!.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  expect(slice!.metadata.labels).toEqual({
    tier: 'frontend',
    'kubernetes.io/service-name': 'web',
    'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
  });
  expect(slice!.metadata.annotations).toEqual({ 'endpoints.kubernetes.io/last-change-trigger-time': expect.any(String) });
  expect(slice!.metadata.ownerReferences).toEqual([
    { apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true },
  ]);
  expect(slice!.addressType).toBe('IPv4');
  expect(slice!.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 8080 }]);
  const byIP = Object.fromEntries((slice!.endpoints ?? []).map((e) => [e.addresses[0], e]));
  expect(byIP).toEqual({
    '10.244.1.1': {
      addresses: ['10.244.1.1'],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: ns, name: 'a', uid: a.metadata.uid },
      nodeName: 'node-a',
      zone: 'zone-1',
    },
    '10.244.1.2': {
      addresses: ['10.244.1.2'],
      conditions: { ready: false, serving: false, terminating: false },
      targetRef: expect.objectContaining({ name: 'b' }),
      nodeName: 'node-b',
    },
  });
});

test('readiness changes, terminating pods and deletions are followed in place', async () => {
  await start();
  await tb.client.create('v1', 'services', ns, service('web'));
  await createPod(tb, ns, 'a', { ip: '10.244.1.1' });
  await createPod(tb, ns, 'b', { ip: '10.244.1.2' });
  await tb.settle();
  const [first] = await slicesOf('web');
  await setReady(tb, ns, 'a', false);
  await tb.client.patch('v1', 'pods', ns, 'b', 'merge', { metadata: { finalizers: ['example.com/hold'] } });
  await tb.client.delete('v1', 'pods', ns, 'b', { gracePeriodSeconds: 0 });
  await tb.settle();
  let [slice] = await slicesOf('web');
  expect(slice!.metadata.name).toBe(first!.metadata.name);
  expect(Object.fromEntries((slice!.endpoints ?? []).map((e) => [e.addresses[0], e.conditions]))).toEqual({
    '10.244.1.1': { ready: false, serving: false, terminating: false },
    // Terminating endpoints stay, so consumers can drain them; never "ready".
    '10.244.1.2': { ready: false, serving: true, terminating: true },
  });
  await tb.client.patch('v1', 'pods', ns, 'b', 'merge', { metadata: { finalizers: null } });
  await setReady(tb, ns, 'a', true);
  await tb.settle();
  [slice] = await slicesOf('web');
  expect(addresses(slice!)).toEqual(['10.244.1.1']);
  expect(slice!.endpoints![0]!.conditions).toEqual({ ready: true, serving: true, terminating: false });
  expect(tb.errors).toEqual([]);
});

test('a Service without endpoints keeps one empty slice, which the first endpoints then fill', async () => {
  await start();
  await tb.client.create('v1', 'services', ns, service('web'));
  await tb.settle();
  const [placeholder, ...none] = await slicesOf('web');
  expect(none).toEqual([]);
  expect(placeholder!.endpoints ?? []).toEqual([]);
  expect(placeholder!.ports ?? []).toEqual([]);
  await createPod(tb, ns, 'a', { ip: '10.244.1.1' });
  await tb.settle();
  const [filled, ...others] = await slicesOf('web');
  expect(others).toEqual([]);
  expect(filled!.metadata.name).toBe(placeholder!.metadata.name);
  expect(addresses(filled!)).toEqual(['10.244.1.1']);
  await tb.client.delete('v1', 'pods', ns, 'a', { gracePeriodSeconds: 0 });
  await tb.settle();
  const [emptied] = await slicesOf('web');
  expect(emptied!.endpoints ?? []).toEqual([]);
  expect(tb.errors).toEqual([]);
});

test('named ports resolve per pod: each port set gets its slice; headless Services publish hostnames', async () => {
  await start();
  await tb.client.create('v1', 'services', ns, service('web', { ports: [{ name: 'http', port: 80, targetPort: 'web' }] }));
  await createPod(tb, ns, 'old', { ip: '10.244.1.1', ports: ['web:8080'] });
  await createPod(tb, ns, 'new', { ip: '10.244.1.2', ports: ['web:9090'] });
  await tb.client.create('v1', 'services', ns, { metadata: { name: 'db' }, spec: { clusterIP: 'None', selector: { app: 'db' } } });
  await createPod(tb, ns, 'db-0', { ip: '10.244.2.1', labels: { app: 'db' }, hostname: 'db-0', subdomain: 'db' });
  await tb.settle();
  const web = await slicesOf('web');
  expect(Object.fromEntries(web.map((s) => [addresses(s).join(), s.ports]))).toEqual({
    '10.244.1.1': [{ name: 'http', protocol: 'TCP', port: 8080 }],
    '10.244.1.2': [{ name: 'http', protocol: 'TCP', port: 9090 }],
  });
  const [db] = await slicesOf('db');
  expect(db!.metadata.labels!['service.kubernetes.io/headless']).toBe('');
  expect(db!.ports ?? []).toEqual([]);
  expect(db!.endpoints).toEqual([expect.objectContaining({ addresses: ['10.244.2.1'], hostname: 'db-0' })]);
  expect(tb.errors).toEqual([]);
});

test('at most 100 endpoints a slice', async () => {
  await start();
  await Promise.all(Array.from({ length: 150 }, (_, i) => createPod(tb, ns, `p${i}`, { ip: `10.246.0.${i}` })));
  await tb.client.create('v1', 'services', ns, service('big'));
  await tb.settle();
  const slices = await slicesOf('big');
  expect(slices.map((s) => (s.endpoints ?? []).length).sort()).toEqual([100, 50]);
  expect(new Set(slices.flatMap(addresses)).size).toBe(150);
  expect(tb.errors).toEqual([]);
});

test('slices others delete come back; deleting the Service collects its slices', async () => {
  await start(true);
  await tb.client.create('v1', 'services', ns, service('web'));
  await tb.client.create('v1', 'services', ns, { metadata: { name: 'manual' }, spec: { ports: [{ port: 80 }] } });
  await tb.client.create('v1', 'services', ns, { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com', selector: { app: 'web' } } });
  await createPod(tb, ns, 'a', { ip: '10.244.1.1' });
  await tb.settle();
  const [slice] = await slicesOf('web');
  await tb.client.delete('discovery.k8s.io/v1', 'endpointslices', ns, slice!.metadata.name!);
  await tb.settle();
  const [again] = await slicesOf('web');
  expect(again!.metadata.name).not.toBe(slice!.metadata.name);
  expect(addresses(again!)).toEqual(['10.244.1.1']);
  expect(await slicesOf('manual')).toEqual([]);
  expect(await slicesOf('ext')).toEqual([]);
  await tb.client.delete('v1', 'services', ns, 'web');
  await tb.settle();
  expect(await slicesOf('web')).toEqual([]);
  expect(tb.errors).toEqual([]);
});

test('a pod on a Node that does not exist is left out and the sync retried until the Node appears', async () => {
  await start();
  const svc = await tb.client.create('v1', 'services', ns, service('web'));
  await createPod(tb, ns, 'a', { ip: '10.244.1.1' });
  await createPod(tb, ns, 'lost', { ip: '10.244.1.7', nodeName: 'node-gone' });
  await tb.settle();
  expect(addresses((await slicesOf('web'))[0]!)).toEqual(['10.244.1.1']);
  expect(tb.errors.map(String)).toContain(`Error: skipping Pod lost for Service ${ns}/web: Node node-gone Not Found`);
  const events = await tb.client.list('v1', 'events', ns, { fieldSelector: `involvedObject.uid=${svc.metadata.uid}` });
  expect(events.items.map((e) => [e.type, e.reason, e.message, (e.source as { component: string }).component])).toContainEqual([
    'Warning',
    'FailedToUpdateEndpointSlices',
    `Error updating Endpoint Slices for Service ${ns}/web: skipping Pod lost for Service ${ns}/web: Node node-gone Not Found`,
    'endpoint-slice-controller',
  ]);
  tb.errors.length = 0;
  await tb.client.create('v1', 'nodes', undefined, { metadata: { name: 'node-gone' } });
  await tb.advance(60_000);
  expect(addresses((await slicesOf('web'))[0]!)).toEqual(['10.244.1.1', '10.244.1.7']);
  expect(tb.errors).toEqual([]);
});
