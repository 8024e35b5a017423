// The garbage collector and CRDs: it watches custom resources a CRD adds after start, and stops when the CRD goes.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import type { KubeObject } from '../../meta/types.js';
import { garbageCollectorController } from './garbage-collector.js';

let tb: ControllerTestbed;
beforeEach(async () => {
  tb = await startControllerTestbed([garbageCollectorController()]);
});
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

const crdApi = 'apiextensions.k8s.io/v1';
const widgets = {
  apiVersion: crdApi,
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', kind: 'Widget' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
} as unknown as KubeObject;

async function exists(apiVersion: string, resource: string, name: string): Promise<boolean> {
  try {
    await tb.client.get(apiVersion, resource, 'default', name);
    return true;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return false;
    throw err;
  }
}

test('a dependent of a custom resource created after start is collected with it', async () => {
  await tb.client.create(crdApi, 'customresourcedefinitions', undefined, widgets);
  await tb.settle();
  const owner = await tb.client.create('example.com/v1', 'widgets', 'default', { metadata: { name: 'owner' } });
  const ref = { apiVersion: 'example.com/v1', kind: 'Widget', name: 'owner', uid: owner.metadata.uid! };
  await tb.client.create('v1', 'configmaps', 'default', { metadata: { name: 'dependent', ownerReferences: [ref] } });
  await tb.settle();
  await tb.client.delete('example.com/v1', 'widgets', 'default', 'owner');
  await tb.settle();
  expect(await exists('v1', 'configmaps', 'dependent')).toBe(false);
});

test('once a CRD is deleted its monitor stops: no relisting of a resource that is gone', async () => {
  await tb.client.create(crdApi, 'customresourcedefinitions', undefined, widgets);
  await tb.settle();
  await tb.client.create('example.com/v1', 'widgets', 'default', { metadata: { name: 'w' } });
  await tb.client.delete(crdApi, 'customresourcedefinitions', undefined, 'widgets.example.com');
  // The cleanup finalizer polls every 5 s; an hour gives a monitor left behind thousands of failed relists.
  await tb.advance(60 * 60 * 1000);
  expect(tb.cluster.registry.lookup('example.com', 'v1', 'widgets')).toBeUndefined();
  expect(tb.manager.informers.all().some((informer) => informer.resource === 'widgets')).toBe(false);
});
