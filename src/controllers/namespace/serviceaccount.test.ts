// The ServiceAccount controller: a `default` ServiceAccount in every active namespace, re-created after deletion.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import { serviceAccountController } from './serviceaccount.js';

let tb: ControllerTestbed;
beforeEach(async () => {
  tb = await startControllerTestbed([serviceAccountController()]);
});
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

const names = async (namespace: string) => (await tb.client.list('v1', 'serviceaccounts', namespace)).items.map((sa) => sa.metadata.name);

test('the seeded namespaces get their default ServiceAccount', async () => {
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) expect(await names(ns)).toEqual(['default']);
});

test('a new namespace gets one; a deleted one comes back with a new uid', async () => {
  await tb.client.create('v1', 'namespaces', undefined, { metadata: { name: 'team' } });
  await tb.settle();
  const first = await tb.client.get('v1', 'serviceaccounts', 'team', 'default');
  expect(first.metadata.labels).toBeUndefined();
  await tb.client.delete('v1', 'serviceaccounts', 'team', 'default');
  await tb.settle();
  const again = await tb.client.get('v1', 'serviceaccounts', 'team', 'default');
  expect(again.metadata.uid).not.toBe(first.metadata.uid);
});

test('other ServiceAccounts are left alone, and nothing is created in a terminating namespace', async () => {
  await tb.client.create('v1', 'namespaces', undefined, { metadata: { name: 'leaving' } });
  await tb.client.create('v1', 'serviceaccounts', 'leaving', { metadata: { name: 'builder' } });
  await tb.settle();
  expect((await names('leaving')).sort()).toEqual(['builder', 'default']);
  await tb.client.delete('v1', 'namespaces', undefined, 'leaving');
  await tb.client.delete('v1', 'serviceaccounts', 'leaving', 'default');
  await tb.settle();
  expect(await names('leaving')).toEqual(['builder']);
});
