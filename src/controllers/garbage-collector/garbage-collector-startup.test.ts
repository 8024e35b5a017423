// The garbage collector starting on a cluster that already holds owners and dependents: its first sync collects.
import { startCluster, type Cluster } from '../../cluster.js';
import { VirtualClock } from '../../clock/virtual-clock.js';
import { garbageCollectorController } from './garbage-collector.js';
import { ControllerManager } from '../runtime/index.js';

let cluster: Cluster;
let manager: ControllerManager;
const errors: unknown[] = [];
afterEach(async () => {
  manager?.stop();
  await cluster.close();
  expect(errors).toEqual([]);
});

test('dependents whose owners went while no collector ran are collected once it has synced; the rest stay', async () => {
  const clock = new VirtualClock();
  cluster = await startCluster({ clock, controllers: '' });
  const { client } = cluster;
  // Dependents are created before their owners' kinds are listed (secrets and pods sort either side of configmaps).
  const kept = await client.create('v1', 'configmaps', 'default', { metadata: { name: 'kept' } });
  const gone = await client.create('v1', 'configmaps', 'default', { metadata: { name: 'gone' } });
  const ref = (owner: typeof kept) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: owner.metadata.name!, uid: owner.metadata.uid! });
  await client.create('v1', 'secrets', 'default', { metadata: { name: 'of-kept', ownerReferences: [ref(kept)] } });
  await client.create('v1', 'secrets', 'default', { metadata: { name: 'of-gone', ownerReferences: [ref(gone)] } });
  await client.create('v1', 'configmaps', 'default', { metadata: { name: 'cm-of-gone', ownerReferences: [ref(gone)] } });
  await client.delete('v1', 'configmaps', 'default', 'gone');

  manager = new ControllerManager({ client, clock, controllers: [garbageCollectorController()], logError: (err) => errors.push(err) });
  await manager.start();
  await manager.settle();
  const names = async (resource: string) => (await client.list('v1', resource, 'default')).items.map((o) => o.metadata.name).sort();
  expect(await names('secrets')).toEqual(['of-kept']);
  expect(await names('configmaps')).toEqual(['kept']);
});
