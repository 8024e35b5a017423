// The Endpoints controller on the virtual clock: ready and not-ready addresses, named ports, headless, lifecycle.
import { rfc3339 } from '../../clock/clock.js';
import type { KubeObject } from '../../meta/types.js';
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import { endpointsController } from './endpoints.js';
import { createNamespace, createPod, service, setReady } from './service-pods-test-kit.js';

let tb: ControllerTestbed;
let ns: string;
let counter = 0;

beforeEach(async () => {
  tb = await startControllerTestbed([endpointsController()]);
  ns = await createNamespace(tb, `ep-${++counter}`);
});
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

type Address = { ip: string };
type Endpoints = KubeObject & {
  metadata: { annotations: Record<string, string> };
  subsets: { addresses?: Address[]; notReadyAddresses?: Address[]; ports?: unknown[] }[];
};
const endpointsOf = async (name: string) => (await tb.client.get('v1', 'endpoints', ns, name)) as Endpoints;
const ips = (addresses: Address[] | undefined) => (addresses ?? []).map((a) => a.ip);

test('a Service’s Endpoints list its ready pods as addresses and the others as notReadyAddresses', async () => {
  const created = await tb.client.create('v1', 'services', ns, service('web', {}, { tier: 'frontend' }));
  const b = await createPod(tb, ns, 'b', { ip: '10.244.1.2', ready: true, nodeName: 'node-b' });
  await createPod(tb, ns, 'a', { ip: '10.244.1.1', ready: true });
  await createPod(tb, ns, 'c', { ip: '10.244.1.3', ready: false });
  await createPod(tb, ns, 'other', { ip: '10.244.1.9', labels: { app: 'other' } });
  await createPod(tb, ns, 'no-ip');
  await createPod(tb, ns, 'done', { ip: '10.244.1.8', phase: 'Succeeded' });
  await tb.settle();
  const ep = await endpointsOf('web');
  expect(ep.metadata.labels).toEqual({ tier: 'frontend', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' });
  expect(ep.metadata.annotations).toEqual({ 'endpoints.kubernetes.io/last-change-trigger-time': created.metadata.creationTimestamp });
  expect(ep.metadata.ownerReferences).toBeUndefined();
  expect(ep.subsets).toEqual([
    {
      addresses: [
        { ip: '10.244.1.1', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: ns, name: 'a', uid: expect.any(String) } },
        { ip: '10.244.1.2', nodeName: 'node-b', targetRef: { kind: 'Pod', namespace: ns, name: 'b', uid: b.metadata.uid } },
      ],
      notReadyAddresses: [{ ip: '10.244.1.3', nodeName: 'node-a', targetRef: { kind: 'Pod', namespace: ns, name: 'c', uid: expect.any(String) } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
  ]);
});

test('readiness changes, terminating pods and deletions are followed', async () => {
  await tb.client.create('v1', 'services', ns, service('web'));
  await createPod(tb, ns, 'a', { ip: '10.244.1.1', ready: true });
  await createPod(tb, ns, 'b', { ip: '10.244.1.2', ready: true });
  await tb.settle();
  expect(ips((await endpointsOf('web')).subsets[0].addresses)).toEqual(['10.244.1.1', '10.244.1.2']);

  await tb.advance(5000);
  await setReady(tb, ns, 'a', false);
  await tb.settle();
  let ep = await endpointsOf('web');
  expect(ips(ep.subsets[0].addresses)).toEqual(['10.244.1.2']);
  expect(ips(ep.subsets[0].notReadyAddresses)).toEqual(['10.244.1.1']);
  // The annotation names the change that moved the Endpoints: pod a's Ready transition.
  expect(ep.metadata.annotations['endpoints.kubernetes.io/last-change-trigger-time']).toBe(rfc3339(tb.clock.now()));

  // A pod held by a finalizer stays, terminating: it leaves the Endpoints at once.
  await tb.client.patch('v1', 'pods', ns, 'b', 'merge', { metadata: { finalizers: ['example.com/hold'] } });
  await tb.client.delete('v1', 'pods', ns, 'b', { gracePeriodSeconds: 0 });
  await tb.settle();
  ep = await endpointsOf('web');
  expect(ep.subsets).toEqual([{ notReadyAddresses: [expect.objectContaining({ ip: '10.244.1.1' })], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }]);

  await tb.client.delete('v1', 'pods', ns, 'a', { gracePeriodSeconds: 0 });
  await tb.settle();
  ep = await endpointsOf('web');
  expect(ep.subsets).toBeUndefined();

  // Relabelling a pod moves it in or out.
  await createPod(tb, ns, 'c', { ip: '10.244.1.3', labels: { app: 'elsewhere' } });
  await tb.settle();
  expect((await endpointsOf('web')).subsets).toBeUndefined();
  await tb.client.patch('v1', 'pods', ns, 'c', 'merge', { metadata: { labels: { app: 'web' } } });
  await tb.settle();
  expect(ips((await endpointsOf('web')).subsets[0].addresses)).toEqual(['10.244.1.3']);
});

test('named targetPorts resolve per pod: pods offering different ports land in different subsets', async () => {
  await tb.client.create('v1', 'services', ns, service('web', {
    ports: [{ name: 'http', port: 80, targetPort: 'web' }, { name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' }],
  }));
  await createPod(tb, ns, 'old', { ip: '10.244.1.1', ports: ['web:8080', 'dns:5353/UDP'] });
  await createPod(tb, ns, 'new', { ip: '10.244.1.2', ports: ['web:9090', 'dns:5353/UDP'] });
  // A port of that name but another protocol does not count.
  await createPod(tb, ns, 'tcp-dns', { ip: '10.244.1.3', ports: ['web:8080', 'dns:5353/TCP'] });
  await createPod(tb, ns, 'none', { ip: '10.244.1.4', ports: ['metrics:9100'] });
  await tb.settle();
  const subsets = (await endpointsOf('web')).subsets;
  const byAddresses = Object.fromEntries(subsets.map((s) => [ips(s.addresses).join(','), s.ports]));
  // Repacked as upstream: each subset is a set of ports offered by exactly the same addresses.
  expect(byAddresses).toEqual({
    '10.244.1.1,10.244.1.2': [{ name: 'dns', port: 5353, protocol: 'UDP' }],
    '10.244.1.1,10.244.1.3': [{ name: 'http', port: 8080, protocol: 'TCP' }],
    '10.244.1.2': [{ name: 'http', port: 9090, protocol: 'TCP' }],
  });
});

test('headless Services: hostnames for pods of their subdomain, the headless label, and no ports needed', async () => {
  await tb.client.create('v1', 'services', ns, { metadata: { name: 'db' }, spec: { clusterIP: 'None', selector: { app: 'db' } } });
  await createPod(tb, ns, 'db-0', { ip: '10.244.2.1', labels: { app: 'db' }, hostname: 'db-0', subdomain: 'db' });
  await createPod(tb, ns, 'db-1', { ip: '10.244.2.2', labels: { app: 'db' }, hostname: 'db-1', subdomain: 'elsewhere' });
  await tb.settle();
  const ep = await endpointsOf('db');
  expect(ep.metadata.labels).toEqual({ 'service.kubernetes.io/headless': '', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' });
  expect(ep.subsets).toEqual([
    {
      addresses: [
        { ip: '10.244.2.1', hostname: 'db-0', nodeName: 'node-a', targetRef: expect.objectContaining({ name: 'db-0' }) },
        { ip: '10.244.2.2', nodeName: 'node-a', targetRef: expect.objectContaining({ name: 'db-1' }) },
      ],
    },
  ]);
});

test('publishNotReadyAddresses publishes every pod with an IP as ready, terminating ones included', async () => {
  await tb.client.create('v1', 'services', ns, service('peers', { publishNotReadyAddresses: true, clusterIP: 'None' }));
  await createPod(tb, ns, 'a', { ip: '10.244.1.1', ready: false });
  await createPod(tb, ns, 'b', { ip: '10.244.1.2', ready: true });
  await tb.client.patch('v1', 'pods', ns, 'b', 'merge', { metadata: { finalizers: ['example.com/hold'] } });
  await tb.client.delete('v1', 'pods', ns, 'b', { gracePeriodSeconds: 0 });
  await tb.settle();
  const ep = await endpointsOf('peers');
  expect(ips(ep.subsets[0].addresses)).toEqual(['10.244.1.1', '10.244.1.2']);
  expect(ep.subsets[0].notReadyAddresses).toBeUndefined();
});

test('Services without a selector and ExternalName Services are left alone; a deleted Service takes its Endpoints', async () => {
  await tb.client.create('v1', 'services', ns, { metadata: { name: 'manual' }, spec: { ports: [{ port: 80 }] } });
  const manual = await tb.client.create('v1', 'endpoints', ns, { metadata: { name: 'manual' }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80 }] }] });
  await tb.client.create('v1', 'services', ns, { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com', selector: { app: 'web' } } });
  await tb.client.create('v1', 'services', ns, service('web'));
  await createPod(tb, ns, 'a', { ip: '10.244.1.1' });
  await tb.settle();
  expect((await endpointsOf('manual')).metadata.resourceVersion).toBe(manual.metadata.resourceVersion);
  await expect(endpointsOf('ext')).rejects.toMatchObject({ code: 404 });
  // Deleted by someone else, the Endpoints come back.
  await tb.client.delete('v1', 'endpoints', ns, 'web');
  await tb.settle();
  expect(ips((await endpointsOf('web')).subsets[0].addresses)).toEqual(['10.244.1.1']);
  await tb.client.delete('v1', 'services', ns, 'web');
  await tb.settle();
  await expect(endpointsOf('web')).rejects.toMatchObject({ code: 404 });
});

test('at startup, Endpoints whose Service went while the controller was down are deleted; later ones are not', async () => {
  await tb.client.create('v1', 'endpoints', ns, { metadata: { name: 'leftover' }, subsets: [{ addresses: [{ ip: '192.0.2.1' }] }] });
  await tb.client.create('v1', 'endpoints', ns, {
    metadata: { name: 'lock', annotations: { 'control-plane.alpha.kubernetes.io/leader': '{"holderIdentity":"x"}' } },
  });
  tb.manager.stop();
  tb.clock.advance(1000);
  const { ControllerManager } = await import('../runtime/index.js');
  const restarted = new ControllerManager({ client: tb.client, clock: tb.clock, controllers: [endpointsController()], logError: (err) => tb.errors.push(err) });
  await restarted.start();
  await restarted.settle();
  await expect(endpointsOf('leftover')).rejects.toMatchObject({ code: 404 });
  expect((await endpointsOf('lock')).metadata.name).toBe('lock');
  await tb.client.create('v1', 'endpoints', ns, { metadata: { name: 'handmade' }, subsets: [{ addresses: [{ ip: '192.0.2.2' }] }] });
  await restarted.settle();
  expect((await endpointsOf('handmade')).metadata.name).toBe('handmade');
  restarted.stop();
});

test('past 1000 addresses the Endpoints are truncated and annotated, ready addresses kept first', async () => {
  const pods: Promise<KubeObject>[] = [];
  for (let i = 0; i < 1003; i++) {
    const labels = { app: 'web', ...(i < 5 ? { group: 'few' } : {}) };
    pods.push(createPod(tb, ns, `p${i}`, { ip: `10.245.${i >> 8}.${i & 255}`, ready: i >= 3, labels }));
  }
  await Promise.all(pods);
  await tb.client.create('v1', 'services', ns, service('big'));
  await tb.settle();
  const ep = await endpointsOf('big');
  expect(ep.metadata.annotations['endpoints.kubernetes.io/over-capacity']).toBe('truncated');
  expect(ep.subsets).toHaveLength(1);
  expect(ep.subsets[0].addresses).toHaveLength(1000);
  expect(ep.subsets[0].notReadyAddresses).toBeUndefined();
  // Back under capacity, the annotation goes.
  await tb.client.patch('v1', 'services', ns, 'big', 'merge', { spec: { selector: { group: 'few' } } });
  await tb.settle();
  const few = await endpointsOf('big');
  expect(few.metadata.annotations?.['endpoints.kubernetes.io/over-capacity']).toBeUndefined();
  expect(ips(few.subsets[0]!.addresses)).toEqual(['10.245.0.3', '10.245.0.4']);
  expect(ips(few.subsets[0]!.notReadyAddresses)).toEqual(['10.245.0.0', '10.245.0.1', '10.245.0.2']);
}, 30_000);
