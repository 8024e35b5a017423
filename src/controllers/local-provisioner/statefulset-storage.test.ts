// A StatefulSet's volumeClaimTemplates on kind's default storage: its claims are provisioned and bound per ordinal.
import { expect, test } from '@jest/globals';
import { claimSpec } from '../shared/storage-helpers.js';
import { statefulSetController } from '../statefulset/statefulset.js';
import { eventsAbout, getClaim, getVolume, phaseOf, selectNode, storageControllers, useStorageTestbed } from '../persistentvolume/storage-test-kit.js';

const tb = useStorageTestbed(() => [statefulSetController(), ...storageControllers()]);

test("a StatefulSet's claims wait for their pods to be scheduled, then each gets its own volume on its pod's node", async () => {
  await tb.client.create('v1', 'nodes', undefined, { metadata: { name: 'kind-worker2', labels: { 'kubernetes.io/hostname': 'kind-worker2' } } });
  await tb.client.create('apps/v1', 'statefulsets', 'default', {
    metadata: { name: 'web' },
    spec: {
      replicas: 2,
      serviceName: 'web',
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  });
  await tb.settle();
  for (const name of ['www-web-0', 'www-web-1']) {
    const pvc = await getClaim(tb, name);
    expect(pvc.spec).toMatchObject({ storageClassName: 'standard' });
    expect(phaseOf(pvc)).toBe('Pending');
  }
  // The pods exist but no scheduler placed them: at the next periodic sync the PV controller says so.
  await tb.advance(15_000);
  expect(await eventsAbout(tb, 'PersistentVolumeClaim', 'www-web-0')).toEqual([
    'WaitForFirstConsumer: waiting for first consumer to be created before binding',
    'WaitForPodScheduled: waiting for pod web-0 to be scheduled',
  ]);

  await selectNode(tb, 'www-web-0', 'kind-worker');
  await selectNode(tb, 'www-web-1', 'kind-worker2');
  await tb.settle();
  const nodes: string[] = [];
  for (const name of ['www-web-0', 'www-web-1']) {
    const pvc = await getClaim(tb, name);
    expect(phaseOf(pvc)).toBe('Bound');
    const pv = await getVolume(tb, claimSpec(pvc).volumeName as string);
    expect(phaseOf(pv)).toBe('Bound');
    expect(pv.spec).toMatchObject({ claimRef: { name, uid: pvc.metadata.uid } });
    nodes.push(pv.metadata.annotations!['local.path.provisioner/selected-node']);
  }
  expect(nodes).toEqual(['kind-worker', 'kind-worker2']);
});
