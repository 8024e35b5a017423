// The scheduler with other parts of the cluster: ReplicaSet replicas spread by default, WaitForFirstConsumer volumes.
import { startControllerTestbed, type ControllerTestbed } from '../../test/controller-testbed.js';
import { replicaSetController } from '../controllers/replicaset/replicaset.js';
import type { KubeObject } from '../meta/types.js';
import { schedulerController } from './scheduler.js';
import { createNodes, createPod, eventsFor, makeNode, makePod, podOn } from './scheduler-test-kit.js';

let tb: ControllerTestbed;
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

it("spreads a ReplicaSet's replicas over the nodes by the system default constraints", async () => {
  tb = await startControllerTestbed([replicaSetController(), schedulerController({ seed: 11 })]);
  await createNodes(tb, [makeNode('n1', { zone: 'zone-a' }), makeNode('n2', { zone: 'zone-a' }), makeNode('n3', { zone: 'zone-b' })]);
  await tb.client.create('apps/v1', 'replicasets', 'default', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 6,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } },
    },
  });
  await tb.settle();
  const pods = (await tb.client.list('v1', 'pods', 'default')).items;
  expect(pods).toHaveLength(6);
  const perNode: Record<string, number> = {};
  for (const p of pods) {
    const node = (p.spec as { nodeName?: string }).nodeName!;
    perNode[node] = (perNode[node] ?? 0) + 1;
  }
  expect(perNode).toEqual({ n1: 2, n2: 2, n3: 2 });
});

function claim(name: string, className: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default' },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: className, resources: { requests: { storage: '1Gi' } } },
  };
}

it('asks for a volume on the chosen node for a WaitForFirstConsumer claim, and binds once it is bound', async () => {
  tb = await startControllerTestbed([schedulerController({ seed: 5 })]);
  await createNodes(tb, [makeNode('n1'), makeNode('n2', { taints: [{ key: 'dedicated', effect: 'NoSchedule' }] })]);
  await tb.client.create('storage.k8s.io/v1', 'storageclasses', undefined, {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'standard' },
    provisioner: 'rancher.io/local-path',
    volumeBindingMode: 'WaitForFirstConsumer',
  });
  await tb.client.create('v1', 'persistentvolumeclaims', 'default', claim('data', 'standard'));
  await createPod(tb, makePod('db', { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } }));
  await tb.settle();
  const pvc = await tb.client.get('v1', 'persistentvolumeclaims', 'default', 'data');
  expect(pvc.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBe('n1');
  expect(await podOn(tb, 'db')).toBeUndefined();
  // NominatedNodeNameForExpectation: while PreBind waits, the pod says where it is headed; binding clears it.
  const waiting = await tb.client.get('v1', 'pods', 'default', 'db');
  expect((waiting.status as { nominatedNodeName?: string }).nominatedNodeName).toBe('n1');

  // The provisioner and the PV controller do their part.
  await tb.client.create('v1', 'persistentvolumes', undefined, {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pvc-data' },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'standard', hostPath: { path: '/tmp/data' } },
  });
  await tb.client.patch('v1', 'persistentvolumeclaims', 'default', 'data', 'merge', {
    metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } },
    spec: { volumeName: 'pvc-data' },
  });
  await tb.settle();
  expect(await podOn(tb, 'db')).toBe('n1');
  expect(((await tb.client.get('v1', 'pods', 'default', 'db')).status as { nominatedNodeName?: string }).nominatedNodeName).toBeUndefined();
  expect((await eventsFor(tb, 'db')).map((e) => e.reason)).toEqual(['Scheduled']);
});

it('waits for an Immediate claim to be bound before scheduling', async () => {
  tb = await startControllerTestbed([schedulerController({ seed: 5 })]);
  await createNodes(tb, [makeNode('n1')]);
  await tb.client.create('v1', 'persistentvolumeclaims', 'default', claim('data', ''));
  await createPod(tb, makePod('db', { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } }));
  await tb.settle();
  expect((await eventsFor(tb, 'db')).map((e) => e.message)).toEqual(['0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. not found']);
  await tb.client.create('v1', 'persistentvolumes', undefined, {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-data' },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/data' } },
  });
  await tb.client.patch('v1', 'persistentvolumeclaims', 'default', 'data', 'merge', { metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { volumeName: 'pv-data' } });
  await tb.settle();
  expect(await podOn(tb, 'db')).toBe('n1');
});
