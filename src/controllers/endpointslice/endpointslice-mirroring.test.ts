// The EndpointSlice mirroring controller: hand-made Endpoints of selector-less Services become slices, and only those.
import type { KubeObject } from '../../meta/types.js';
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import { endpointSliceMirroringController } from './endpointslice-mirroring.js';

let tb: ControllerTestbed;
const ns = 'default';

beforeEach(async () => {
  tb = await startControllerTestbed([endpointSliceMirroringController()]);
});
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

async function mirrored(name: string): Promise<KubeObject[]> {
  const list = await tb.client.list('discovery.k8s.io/v1', 'endpointslices', ns, { labelSelector: `kubernetes.io/service-name=${name}` });
  return list.items;
}

const external = (subsets: unknown[], labels?: Record<string, string>): KubeObject => ({ metadata: { name: 'db', ...(labels ? { labels } : {}) }, subsets });

test('Endpoints of a selector-less Service are mirrored, followed and removed with them', async () => {
  await tb.client.create('v1', 'services', ns, { metadata: { name: 'db' }, spec: { ports: [{ name: 'pg', port: 5432 }] } });
  const endpoints = await tb.client.create('v1', 'endpoints', ns, external([
    { addresses: [{ ip: '192.0.2.10' }], notReadyAddresses: [{ ip: '192.0.2.11', hostname: 'replica' }], ports: [{ name: 'pg', port: 5432 }] },
  ], { team: 'data' }));
  await tb.settle();
  const [slice, ...none] = await mirrored('db');
  expect(none).toEqual([]);
  expect(slice!.metadata.name).toMatch(/^db-/);
  expect(slice!.metadata.labels).toEqual({
    team: 'data',
    'kubernetes.io/service-name': 'db',
    'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
  });
  expect(slice!.metadata.ownerReferences).toEqual([
    { apiVersion: 'v1', kind: 'Endpoints', name: 'db', uid: endpoints.metadata.uid, controller: true, blockOwnerDeletion: true },
  ]);
  expect(slice!.addressType).toBe('IPv4');
  expect(slice!.ports).toEqual([{ name: 'pg', protocol: 'TCP', port: 5432 }]);
  expect(slice!.endpoints).toEqual([
    { addresses: ['192.0.2.10'], conditions: { ready: true } },
    { addresses: ['192.0.2.11'], conditions: { ready: false }, hostname: 'replica' },
  ]);

  await tb.client.update('v1', 'endpoints', ns, { ...(await tb.client.get('v1', 'endpoints', ns, 'db')), subsets: [{ addresses: [{ ip: '192.0.2.12' }], ports: [{ name: 'pg', port: 5432 }] }] });
  await tb.settle();
  const [updated] = await mirrored('db');
  expect(updated!.metadata.name).toBe(slice!.metadata.name);
  expect(updated!.endpoints).toEqual([{ addresses: ['192.0.2.12'], conditions: { ready: true } }]);

  await tb.client.delete('v1', 'endpoints', ns, 'db');
  await tb.settle();
  expect(await mirrored('db')).toEqual([]);
});

test('nothing is mirrored for skip-mirror Endpoints, Services with a selector, or Endpoints without a Service', async () => {
  await tb.client.create('v1', 'endpoints', ns, external([{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 80 }] }]));
  await tb.settle();
  expect(await mirrored('db')).toEqual([]);
  await tb.client.create('v1', 'services', ns, { metadata: { name: 'db' }, spec: { ports: [{ port: 80 }] } });
  await tb.settle();
  expect(await mirrored('db')).toHaveLength(1);
  await tb.client.patch('v1', 'endpoints', ns, 'db', 'merge', { metadata: { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } } });
  await tb.settle();
  expect(await mirrored('db')).toEqual([]);
  await tb.client.patch('v1', 'endpoints', ns, 'db', 'merge', { metadata: { labels: null } });
  await tb.settle();
  expect(await mirrored('db')).toHaveLength(1);
  await tb.client.patch('v1', 'services', ns, 'db', 'merge', { spec: { selector: { app: 'db' } } });
  await tb.settle();
  expect(await mirrored('db')).toEqual([]);
});

test('invalid addresses are skipped with a warning on the Endpoints', async () => {
  await tb.client.create('v1', 'services', ns, { metadata: { name: 'db' }, spec: { ports: [{ port: 80 }] } });
  const endpoints = await tb.createUnvalidated('v1', 'endpoints', ns, external([{ addresses: [{ ip: '192.0.2.10' }, { ip: 'not-an-ip' }], ports: [{ port: 80 }] }]));
  await tb.settle();
  expect((await mirrored('db'))[0]!.endpoints).toEqual([{ addresses: ['192.0.2.10'], conditions: { ready: true } }]);
  const events = await tb.client.list('v1', 'events', ns, { fieldSelector: `involvedObject.uid=${endpoints.metadata.uid}` });
  expect(events.items.map((e) => [e.type, e.reason, e.message])).toEqual([
    ['Warning', 'InvalidIPAddress', 'Skipped 1 invalid IP addresses when mirroring to EndpointSlices'],
  ]);
});
