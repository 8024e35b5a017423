// The apiextensions controllers on a virtual clock: names accepted or in conflict, Established, API approval, cleanup.
import { startControllerTestbed, type ControllerTestbed } from '../../../test/controller-testbed.js';
import type { KubeObject } from '../../meta/types.js';
import { crdCleanupFinalizer, type CustomResourceDefinition } from '../../registry/crd/crd-types.js';
import { widgetCRD } from '../../registry/crd/crd-validation-fixtures.js';
import { apiExtensionsControllers } from './index.js';

let tb: ControllerTestbed;
const api = 'apiextensions.k8s.io/v1';
const crds = 'customresourcedefinitions';
const start = Date.parse('2024-05-01T10:00:00Z');

beforeEach(async () => {
  tb = await startControllerTestbed(apiExtensionsControllers(), { start });
});
afterEach(async () => {
  expect(tb.errors).toEqual([]);
  await tb.close();
});

async function crd(name: string): Promise<CustomResourceDefinition | undefined> {
  try {
    return (await tb.client.get(api, crds, undefined, name)) as CustomResourceDefinition;
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}

const conditions = (c: CustomResourceDefinition | undefined) =>
  Object.fromEntries((c?.status?.conditions ?? []).map(({ type, status, reason, message }) => [type, { status, reason, message }]));

/** A CRD of example.com other than widgets, with the given kind and short names. */
const other = (plural: string, kind: string, shortNames?: string[]) =>
  widgetCRD((c) => {
    c.spec.names = { plural, singular: plural.replace(/s$/, ''), kind, listKind: `${kind}List`, ...(shortNames ? { shortNames } : {}) };
  });

test('a CRD with free names gets them accepted and is established at once', async () => {
  await tb.client.create(api, crds, undefined, widgetCRD((c) => (c.spec.names.shortNames = ['wd'])) as KubeObject);
  await tb.settle();
  const widgets = await crd('widgets.example.com');
  expect(widgets?.status?.acceptedNames).toEqual({ plural: 'widgets', singular: 'widget', shortNames: ['wd'], kind: 'Widget', listKind: 'WidgetList' });
  expect(conditions(widgets)).toEqual({
    NamesAccepted: { status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
    Established: { status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
  });
  expect(widgets?.status?.conditions?.every((c) => c.lastTransitionTime === '2024-05-01T10:00:00Z')).toBe(true);
  expect(tb.client.resources().some((r) => r.apiVersion === 'example.com/v1' && r.resource === 'widgets')).toBe(true);
});

test('names another CRD of the group holds are refused until it goes', async () => {
  await tb.client.create(api, crds, undefined, widgetCRD((c) => (c.spec.names.shortNames = ['wd'])) as KubeObject);
  await tb.settle();
  await tb.client.create(api, crds, undefined, other('gadgets', 'Widget') as KubeObject);
  await tb.client.create(api, crds, undefined, other('doodads', 'Doodad', ['dd', 'wd', 'widget']) as KubeObject);
  await tb.settle();

  const gadgets = await crd('gadgets.example.com');
  // Every conflicting name is checked; the last one found names the reason.
  expect(conditions(gadgets)).toEqual({
    NamesAccepted: { status: 'False', reason: 'ListKindConflict', message: '"WidgetList" is already in use' },
    Established: { status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' },
  });
  expect(gadgets?.status?.acceptedNames).toEqual({ plural: 'gadgets', singular: 'gadget', kind: '' });
  const doodads = await crd('doodads.example.com');
  expect(conditions(doodads).NamesAccepted).toEqual({ status: 'False', reason: 'ShortNamesConflict', message: '["wd" is already in use, "widget" is already in use]' });
  expect(doodads?.status?.acceptedNames).toEqual({ plural: 'doodads', singular: 'doodad', kind: 'Doodad', listKind: 'DoodadList' });

  await tb.client.delete(api, crds, undefined, 'widgets.example.com');
  await tb.settle();
  expect(await crd('widgets.example.com')).toBeUndefined();
  expect(conditions(await crd('gadgets.example.com'))).toEqual({
    NamesAccepted: { status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
    Established: { status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
  });
  expect((await crd('doodads.example.com'))?.status?.acceptedNames?.shortNames).toEqual(['dd', 'wd', 'widget']);
});

test('CRDs of protected groups say whether their API approval annotation is in order', async () => {
  const approved = widgetCRD((c) => {
    c.spec.group = 'widgets.k8s.io';
    c.metadata.annotations = { 'api-approved.kubernetes.io': 'https://github.com/kubernetes/kubernetes/pull/1' };
  });
  const unapproved = widgetCRD((c) => {
    c.spec.group = 'gadgets.k8s.io';
    c.metadata.annotations = { 'api-approved.kubernetes.io': 'unapproved, testing only' };
  });
  await tb.client.create(api, crds, undefined, approved as KubeObject);
  await tb.client.create(api, crds, undefined, unapproved as KubeObject);
  await tb.settle();
  expect(conditions(await crd('widgets.widgets.k8s.io')).KubernetesAPIApprovalPolicyConformant).toEqual({
    status: 'True',
    reason: 'ApprovedAnnotation',
    message: 'approved in https://github.com/kubernetes/kubernetes/pull/1',
  });
  expect(conditions(await crd('widgets.gadgets.k8s.io')).KubernetesAPIApprovalPolicyConformant).toEqual({
    status: 'False',
    reason: 'UnapprovedAnnotation',
    message: 'not approved: "unapproved, testing only"',
  });
  expect(conditions(await crd('widgets.example.com')).KubernetesAPIApprovalPolicyConformant).toBeUndefined();
});

describe('deleting a CRD', () => {
  const widget = (name: string, finalizers?: string[]): KubeObject => ({
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name, ...(finalizers ? { finalizers } : {}) },
    spec: { replicas: 1 },
  });

  test('deletes its custom resources in every namespace, waits for those held by finalizers, then goes', async () => {
    await tb.client.create(api, crds, undefined, widgetCRD() as KubeObject);
    await tb.settle();
    await tb.client.create('v1', 'namespaces', undefined, { metadata: { name: 'other' } });
    await tb.client.create('example.com/v1', 'widgets', 'default', widget('a'));
    await tb.client.create('example.com/v1', 'widgets', 'other', widget('b'));
    await tb.client.create('example.com/v1', 'widgets', 'other', widget('held', ['example.com/hold']));

    await tb.client.delete(api, crds, undefined, 'widgets.example.com');
    await tb.settle();
    const terminating = await crd('widgets.example.com');
    expect(terminating?.metadata.finalizers).toEqual([crdCleanupFinalizer]);
    expect(conditions(terminating).Terminating).toEqual({ status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' });
    const left = (await tb.client.list('example.com/v1', 'widgets')).items;
    expect(left.map((w) => [w.metadata.name, !!w.metadata.deletionTimestamp])).toEqual([['held', true]]);
    // A terminating CRD takes no new instances.
    await expect(tb.client.create('example.com/v1', 'widgets', 'default', widget('late'))).rejects.toMatchObject({ code: 405 });

    const held = left[0]!;
    await tb.client.update('example.com/v1', 'widgets', 'other', { ...held, metadata: { ...held.metadata, finalizers: [] } });
    await tb.settle();
    // upstream looks again every 5 seconds.
    expect(await crd('widgets.example.com')).toBeDefined();
    await tb.advance(5000);
    expect(await crd('widgets.example.com')).toBeUndefined();
    expect(tb.client.resources().some((r) => r.group === 'example.com')).toBe(false);
  });

  test('a CRD whose names were never accepted goes without looking for instances', async () => {
    await tb.client.create(api, crds, undefined, widgetCRD() as KubeObject);
    await tb.settle();
    await tb.client.create(api, crds, undefined, other('gadgets', 'Widget') as KubeObject);
    await tb.settle();
    expect(conditions(await crd('gadgets.example.com')).Established?.status).toBe('False');
    await tb.client.delete(api, crds, undefined, 'gadgets.example.com');
    await tb.settle();
    expect(await crd('gadgets.example.com')).toBeUndefined();
    expect(await crd('widgets.example.com')).toBeDefined();
  });
});
